/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bus mode: the registry watches each live container through a pidfd of its monitor (init's
 * parent, which records init's exit status in the folder and then exits: exit-status.h), and
 * when it is gone reads the status, announces it (ContainerExited, PropertiesChanged) and answers
 * the callers of Wait. A container without a monitor (made in direct mode) is watched through
 * init, and has no status to read. Nothing here depends on the spawner being up: a spawner that
 * died or restarted loses no exit, and a registry that restarts watches every container again. */
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "bus-errors.h"
#include "exit-status.h"
#include "log.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"

/* A container found dead when the watch begins may have a monitor still about to write. */
#define RECORD_RETRY_USEC (20 * 1000)
#define RECORD_TRIES 50
#define WAITERS_PER_CONTAINER_MAX 64

struct ContainerWatch {
        Registry *reg;
        char *id;
        int pidfd, dir_fd;
        sd_event_source *exit_source, *retry_source;
        unsigned tries;
        bool saw_exit; /* it was alive when the watch began: its exit is news */
        sd_bus_message *waiters[WAITERS_PER_CONTAINER_MAX];
        size_t n_waiters;
        ContainerWatch *next;
};

static void watch_free(ContainerWatch *w) {
        for (ContainerWatch **p = &w->reg->watches; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        break;
                }
        sd_event_source_disable_unref(w->exit_source);
        sd_event_source_disable_unref(w->retry_source);
        for (size_t i = 0; i < w->n_waiters; i++)
                sd_bus_message_unref(w->waiters[i]);
        safe_close(w->pidfd);
        safe_close(w->dir_fd);
        free(w->id);
        free(w);
}

void registry_watches_done(Registry *reg) {
        while (reg->watches)
                watch_free(reg->watches);
}

static void watch_finish(ContainerWatch *w, int status) {
        log_debug("Container %s: exited with %d (after %u looks at its folder)", w->id, status, w->tries);
        if (status >= 0 && w->saw_exit)
                emit_container_exited(w->reg, w->id, status);
        for (size_t i = 0; i < w->n_waiters; i++) {
                if (status >= 0)
                        (void) sd_bus_reply_method_return(w->waiters[i], "i", status);
                else
                        (void) sd_bus_reply_method_errorf(w->waiters[i], OCICTL_ERROR_INVALID_STATE,
                                                          "container %s exited, but its exit status was not recorded "
                                                          "(it has no monitor: created in direct mode?)",
                                                          w->id);
        }
        watch_free(w);
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        ContainerWatch *w = userdata;
        int status = exit_status_read(w->dir_fd);

        if (status >= 0 || ++w->tries >= RECORD_TRIES) {
                watch_finish(w, status);
                return 0;
        }
        (void) sd_event_source_set_time_relative(s, RECORD_RETRY_USEC);
        return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* The monitor has exited, after it wrote the status (or init, for a container without one). */
static int on_watched_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        ContainerWatch *w = userdata;

        w->exit_source = sd_event_source_disable_unref(w->exit_source); /* s is gone now */
        w->saw_exit = true;
        watch_finish(w, exit_status_read(w->dir_fd));
        return 0;
}

/* A pidfd for init's monitor (its parent, named so by the spawner), or for init itself when it
 * has none. Init is alive and the monitor its parent after the pidfd was opened: the pidfd is
 * that monitor, not a process that took its pid. */
static int open_watched_pidfd(const ContainerState *s) {
        char path[64], comm[32] = "";
        pid_t parent;
        int fd;
        FILE *f;

        if (process_get_parent(s->pid, &parent) < 0 || parent <= 1)
                return (int) syscall(SYS_pidfd_open, s->pid, 0);
        snprintf(path, sizeof path, "/proc/%d/comm", (int) parent);
        f = fopen(path, "re");
        if (f) {
                if (!fgets(comm, sizeof comm, f))
                        comm[0] = 0;
                fclose(f);
        }
        if (!streq(comm, "ocictl-monitor\n"))
                return (int) syscall(SYS_pidfd_open, s->pid, 0);
        fd = (int) syscall(SYS_pidfd_open, parent, 0);
        pid_t now;
        if (fd >= 0 && (process_get_parent(s->pid, &now) < 0 || now != parent ||
                        process_is_same_and_alive(s->pid, s->start_time) <= 0)) {
                close(fd);
                return -ESRCH;
        }
        return fd;
}

static ContainerWatch *find_watch(Registry *reg, const char *id) {
        for (ContainerWatch *w = reg->watches; w; w = w->next)
                if (streq(w->id, id))
                        return w;
        return NULL;
}

int registry_watch(Registry *reg, const char *id, int dir_fd, const ContainerState *s) {
        ContainerWatch *w;
        int r;

        if (find_watch(reg, id) || s->pid <= 0)
                return 0;
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        *w = (ContainerWatch) { .reg = reg, .id = strdup(id), .pidfd = -EBADF, .dir_fd = -EBADF };
        w->pidfd = open_watched_pidfd(s);
        /* A descriptor of its own: a dup would share (and keep) the caller's flock. */
        w->dir_fd = reopen_unlocked(dir_fd);
        if (!w->id || w->dir_fd < 0) {
                watch_free(w);
                return -ENOMEM;
        }
        w->next = reg->watches;
        reg->watches = w;
        /* Gone already (or the pid is another process now): what the folder says is all there is. */
        if (w->pidfd < 0 || !process_is_same_and_alive(s->pid, s->start_time))
                /* Accuracy 1 µs: sd-event's default (0) lets a timer wait up to 250 ms, which
                 * every Wait for a container that had already exited paid. */
                r = sd_event_add_time_relative(sd_bus_get_event(reg->bus), &w->retry_source, CLOCK_MONOTONIC, 0, 1,
                                               on_retry, w);
        else
                r = sd_event_add_io(sd_bus_get_event(reg->bus), &w->exit_source, w->pidfd, EPOLLIN, on_watched_exit, w);
        if (r < 0)
                watch_free(w);
        return r;
}

int registry_watch_wait(Registry *reg, const char *id, int dir_fd, const ContainerState *s, sd_bus_message *m,
                        sd_bus_error *error) {
        ContainerWatch *w;
        int r;

        r = registry_watch(reg, id, dir_fd, s);
        if (r < 0)
                return r;
        w = find_watch(reg, id);
        if (!w)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE,
                                         "container %s has no process to wait for: its create did not finish", id);
        if (w->n_waiters >= WAITERS_PER_CONTAINER_MAX)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "too many callers wait for %s", id);
        w->waiters[w->n_waiters++] = sd_bus_message_ref(m);
        return 1;
}

void registry_watch_all(Registry *reg) {
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;

        if (registry_list_ids(reg, &ids, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(container_state_done) ContainerState state = {};
                _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
                _cleanup_close_ int dir_fd = -EBADF;

                if (load_container(reg, ids[i], 0, &dir_fd, &state, &ignored) < 0)
                        continue;
                /* Only the live ones: a stopped container's status is in its folder already. */
                if (state.pid > 0 && process_is_same_and_alive(state.pid, state.start_time) > 0 &&
                    registry_watch(reg, ids[i], dir_fd, &state) < 0)
                        log_warning("Failed to watch container %s", ids[i]);
                /* A sandbox keeps its guard (its caller, its deadline) across our restart. */
                registry_sandbox_guard(reg, ids[i], &state);
        }
}
