/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process-util.h"
#include "stage-util.h"

/* An unprivileged process may write one map itself: its own id, alone. */
static bool is_own_id_only(const SpecIdMapping *l, size_t n, unsigned own) {
        return n == 1 && l[0].size == 1 && l[0].host_id == own;
}

/* Rootless with more than the user's own id: shadow's setuid helpers write the ranges that
 * /etc/subuid and /etc/subgid grant the user, as podman and runc have them do. */
static int run_id_map_helper(const char *helper, pid_t pid, const SpecIdMapping *l, size_t n, const char *field,
                             Error *e) {
        char args[2 + 3 * SPEC_ID_MAPPINGS_MAX][16], path[64];
        char *argv[2 + 3 * SPEC_ID_MAPPINGS_MAX + 1];
        size_t k = 0;
        int status;
        pid_t child;

        argv[0] = (char *) helper;
        snprintf(args[k], sizeof args[k], "%d", (int) pid);
        argv[k + 1] = args[k];
        k++;
        for (size_t i = 0; i < n; i++) {
                unsigned v[3] = { l[i].container_id, l[i].host_id, l[i].size };
                for (int j = 0; j < 3; j++) {
                        snprintf(args[k], sizeof args[k], "%u", v[j]);
                        argv[k + 1] = args[k];
                        k++;
                }
        }
        argv[k + 1] = NULL;
        child = fork();
        if (child < 0)
                return error_set(e, negative_errno(), "%s: fork %s", field, helper);
        if (child == 0) {
                snprintf(path, sizeof path, "/usr/bin/%s", helper);
                execv(path, argv);
                snprintf(path, sizeof path, "/bin/%s", helper);
                execv(path, argv);
                _exit(127);
        }
        if (waitpid(child, &status, 0) < 0)
                return error_set(e, negative_errno(), "%s: wait for %s", field, helper);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return error_set_complete(e, -EPERM, "%s: %s failed (%s %d): are the ranges the user's in /etc/sub%cid?",
                                          field, helper, WIFEXITED(status) ? "exit status" : "signal",
                                          WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                                          helper[3] == 'u' ? 'u' : 'g');
        return 0;
}

int write_id_maps(pid_t pid, const SpecIdMapping *uids, size_t n_uids, const SpecIdMapping *gids, size_t n_gids,
                  const char *field, Error *e) {
        bool rootless = geteuid() != 0;
        char what[64];
        int r;

        if (rootless && !(is_own_id_only(uids, n_uids, geteuid()) && is_own_id_only(gids, n_gids, getegid()))) {
                snprintf(what, sizeof what, "%s.uidMappings", field);
                r = run_id_map_helper("newuidmap", pid, uids, n_uids, what, e);
                if (r < 0)
                        return r;
                snprintf(what, sizeof what, "%s.gidMappings", field);
                return run_id_map_helper("newgidmap", pid, gids, n_gids, what, e);
        }
        /* Without CAP_SETGID the kernel takes a gid_map only once setgroups(2) is denied in the
         * namespace (rootless: the caller maps its own ids). */
        if (rootless) {
                char path[64];
                _cleanup_close_ int fd = -EBADF;
                snprintf(path, sizeof path, "/proc/%d/setgroups", (int) pid);
                fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "deny", 4) != 4)
                        return error_set(e, negative_errno(), "%s: deny setgroups in the user namespace", field);
        }
        for (int k = 0; k < 2; k++) {
                const SpecIdMapping *l = k == 0 ? uids : gids;
                size_t n = k == 0 ? n_uids : n_gids;
                const char *name = k == 0 ? "uid_map" : "gid_map";
                char path[64], text[SPEC_ID_MAPPINGS_MAX * 36];
                _cleanup_close_ int fd = -EBADF;
                size_t len = 0;

                for (size_t i = 0; i < n && len < sizeof text; i++)
                        len += (size_t) snprintf(text + len, sizeof text - len, "%u %u %u\n", l[i].container_id,
                                                 l[i].host_id, l[i].size);
                snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, name);
                fd = open(path, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, text, len) != (ssize_t) len) {
                        r = negative_errno();
                        error_set(e, r, "%s.%s: write %s", field, k == 0 ? "uidMappings" : "gidMappings", name);
                        return r;
                }
        }
        return 0;
}

int write_time_offsets(pid_t pid, const Spec *s, Error *e) {
        char path[64], text[128];
        _cleanup_close_ int fd = -EBADF;
        int n = snprintf(text, sizeof text, "monotonic %" PRId64 " %" PRIu32 "\nboottime %" PRId64 " %" PRIu32 "\n",
                         s->time_monotonic.secs, s->time_monotonic.nanosecs, s->time_boottime.secs,
                         s->time_boottime.nanosecs);

        snprintf(path, sizeof path, "/proc/%d/timens_offsets", (int) pid);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, text, (size_t) n) != n) {
                int r = negative_errno();
                error_set(e, r, "linux.timeOffsets: write timens_offsets");
                return r;
        }
        return 0;
}

pid_t clone_stage(unsigned long flags) {
        /* fork() semantics (no new stack) with clone's flags: the child continues here. */
        return (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

pid_t clone_stage_pidfd(unsigned long flags, int *ret_pidfd) {
        int pidfd = -EBADF;
        /* The pidfd goes where the parent's tid pointer would: the third argument on x86-64
         * and arm64 alike. */
        pid_t pid = (pid_t) syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, &pidfd, NULL, NULL);
        if (pid > 0)
                *ret_pidfd = pidfd;
        return pid;
}

int pidfd_get_pid(int pidfd, pid_t expected_parent, pid_t *ret) {
        char path[64], line[256];
        _cleanup_fclose_ FILE *f = NULL;
        long pid = -1;
        pid_t parent = 0;

        snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
        f = fopen(path, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof line, f))
                if (strneq(line, "Pid:", 4))
                        pid = strtol(line + 4, NULL, 10);
        /* Not a pidfd, or its process is gone (-1), or not in our pid namespace (0). */
        if (pid <= 0)
                return -ESRCH;
        if (process_get_parent((pid_t) pid, &parent) < 0 || parent != expected_parent)
                return -ECHILD;
        *ret = (pid_t) pid;
        return 0;
}

int take_sibling_pidfd(int *pidfd, bool clone_parent, const char *what, pid_t *ret_pid, int *ret_pidfd, Error *e) {
        int r = pidfd_get_pid(*pidfd, clone_parent ? getppid() : getpid(), ret_pid);
        if (r < 0) {
                error_set(e, r, "%s", what);
                return r;
        }
        *ret_pidfd = TAKE_FD(*pidfd);
        return 0;
}

/* The spawner's sd-event blocks signals it handles; the container must start with none
 * blocked and every handler at its default. */
void reset_signals(void) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        signal(sig, SIG_DFL);
}

int setup_stdio(const int stdio[3]) {
        int lifted[3];

        /* Lift first, so that dup2() never overwrites a source still needed (stdio[1] == 0 …). */
        for (int i = 0; i < 3; i++) {
                lifted[i] = fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
                if (lifted[i] < 0)
                        return negative_errno();
        }
        for (int i = 0; i < 3; i++) {
                if (dup2(lifted[i], i) < 0)
                        return negative_errno();
                safe_close(lifted[i]);
        }
        return 0;
}

int keep_fds_preserving(const int *preserved, size_t n_preserved, int *const *fds, size_t n) {
        size_t total = n_preserved + n;
        int lifted[256];

        if (total > ELEMENTSOF(lifted))
                return -E2BIG;
        /* Lift every source above the targets first, so no dup3() overwrites one still needed. */
        for (size_t i = 0; i < total; i++) {
                int src = i < n_preserved ? preserved[i] : *fds[i - n_preserved];
                lifted[i] = -1;
                if (src >= 0 && (lifted[i] = fcntl(src, F_DUPFD_CLOEXEC, 3 + (int) total)) < 0)
                        return negative_errno();
        }
        for (size_t i = 0; i < total; i++) {
                if (lifted[i] < 0)
                        continue;
                if (dup3(lifted[i], 3 + (int) i, i < n_preserved ? 0 : O_CLOEXEC) < 0)
                        return negative_errno();
                if (i >= n_preserved)
                        *fds[i - n_preserved] = 3 + (int) i;
        }
        if (close_range(3 + (unsigned) total, ~0U, 0) < 0)
                return negative_errno();
        return 0;
}

int keep_fds(int *const *fds, size_t n) {
        return keep_fds_preserving(NULL, 0, fds, n);
}

int check_cwd_inside(void) {
        char buf[4096];
        /* glibc refuses the kernel's "(unreachable)/…" answer with ENOENT. */
        if (!getcwd(buf, sizeof buf) || buf[0] != '/')
                return -EXDEV;
        return 0;
}

int pidfd_open_checked(pid_t pid) {
        int fd = (int) syscall(SYS_pidfd_open, pid, 0);
        return fd < 0 ? negative_errno() : fd;
}

/* Waits until stage 1 has exited, so that the caller can reap it once we answer. */
void wait_exit(pid_t pid, int timeout_ms) {
        _cleanup_close_ int fd = pidfd_open_checked(pid);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (fd >= 0)
                (void) poll(&p, 1, timeout_ms);
}

