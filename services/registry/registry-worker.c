/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bus mode: the calls that change a container (create, start, kill, delete, exec, pause,
 * resume, update) each run in a worker, a child forked for that one call, so that a slow one (a
 * hook, an image on a slow disk, a delete waiting for processes to die) stalls no other caller,
 * as machined answers CreateMachine late. The worker is the registry (the same handlers, the
 * same code), serving that one call on a socket pair, with a bus connection of its own for its
 * calls to the peers and to polkit; what the call is for and who made it come from the parent.
 * The parent sends the answer, sends on the signals the worker emitted, and watches a container
 * the worker created. Two workers for one container take its folder's lock in turn.
 *
 * Forking the worker and opening its bus connection (connect, authenticate, Hello) took about a
 * millisecond per call, three times in a `run`: so one worker is kept ready, forked and
 * connected ahead of the next call, which it learns of with its caller (WorkerCaller) from the
 * parent.
 *
 * A worker that answered is kept, idle, for its caller's next call: the same unique bus name,
 * so the same connection and uid (the bus never gives a unique name to another connection), and
 * only that caller's; each call is authorized on its own, as before. It is hung up when its
 * caller's connection goes away (an sd_bus_track on the name), or after IDLE_WORKER_USEC. A
 * `run` makes four calls from one connection, and a fork, a bus connection and an exit for each
 * were a fifth of its time (issue 15). The next spare is forked once such a caller has gone, or
 * when there was no spare for a call (then that call forks its own): forking the registry and
 * connecting another client to the bus while a caller's calls go on slowed them too. Together:
 * create, start, wait and delete from a client, a connection per container, 7.7 to 8.1 ms
 * against 9.1 to 9.3 (bench/run.sh calls, interleaved A/B). */
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "caller.h"
#include "log.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"

#define WORKERS_MAX 64 /* calls in progress at once; the next is refused, not queued */
#define IDLE_WORKERS_MAX 8 /* answered and kept for their callers' next calls */
#define IDLE_WORKER_USEC (2 * 1000 * 1000ULL) /* should the caller's going away be missed */

/* Whom the call is for, as the parent read it off the bus: the first bytes on the worker's
 * socket, before its connection starts. Only the parent holds the other end of that socket
 * (a socketpair made for this worker, close-on-exec, closed in every other worker), so this is
 * the parent's word, as the worker's memory of the parent was when the worker was forked for
 * the call; the forwarded message's own sender is the parent's connection and is never read. */
typedef struct WorkerCaller {
        uid_t uid;
        pid_t pid; /* pid, gid and groups: RunSandbox only, else unknown */
        gid_t gid;
        int n_groups; /* -1: unknown */
        gid_t groups[64];
        char name[256]; /* the unique bus name: the D-Bus limit is 255 */
} WorkerCaller;

/* A worker forked and connecting to the bus, that has not been given a call. */
struct RegistrySpare {
        pid_t pid;
        int pidfd;
        int fd; /* the parent's end of its socket */
        sd_event_source *exit_source;
};

struct RegistryWorker {
        Registry *reg;
        sd_bus_message *request;
        sd_bus *bus; /* to the worker */
        sd_bus_slot *reply_slot;
        pid_t pid;
        int pidfd;
        sd_event_source *exit_source, *hangup_source, *idle_timer;
        bool answered;
        bool idle;        /* answered, kept for its caller's next call (idle_timer ends it) */
        bool caller_gone; /* its caller's connection has closed: never kept */
        uid_t caller_uid;
        char caller[256]; /* the unique bus name it serves */
        sd_bus_track *track; /* of that name */
        RegistryWorker *next;
};

static void worker_free(RegistryWorker *w) {
        for (RegistryWorker **p = &w->reg->workers; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        w->reg->n_workers--;
                        break;
                }
        sd_bus_slot_unref(w->reply_slot);
        sd_bus_flush_close_unref(w->bus);
        sd_event_source_disable_unref(w->exit_source);
        sd_event_source_disable_unref(w->hangup_source);
        sd_event_source_disable_unref(w->idle_timer);
        sd_bus_track_unref(w->track);
        safe_close(w->pidfd);
        sd_bus_message_unref(w->request);
        free(w);
}

static void spare_free(RegistrySpare *spare) {
        if (!spare)
                return;
        sd_event_source_disable_unref(spare->exit_source);
        if (spare->pid > 0) {
                (void) kill(spare->pid, SIGKILL);
                (void) waitpid(spare->pid, NULL, 0);
        }
        safe_close(spare->pidfd);
        safe_close(spare->fd);
        free(spare);
}

void registry_workers_done(Registry *reg) {
        while (reg->workers)
                worker_free(reg->workers);
        reg->spare_refill = sd_event_source_disable_unref(reg->spare_refill);
        spare_free(reg->spare);
        reg->spare = NULL;
}

int registry_caller_uid(Registry *reg, sd_bus_message *m, uid_t *ret) {
        if (reg->in_worker) {
                *ret = reg->caller_uid;
                return 0;
        }
        return bus_message_get_sender_uid(m, ret);
}

const char *registry_caller_name(Registry *reg, sd_bus_message *m) {
        return reg->in_worker ? reg->caller_name : sd_bus_message_get_sender(m);
}

/* Everything the worker inherited but its socket and the state root: the parent's connections,
 * and the descriptors of other calls in flight (a pipe whose end lingered here would see its end
 * of file only once this worker is done). */
static void close_inherited(int keep_a, int keep_b) {
        int lo = keep_a < keep_b ? keep_a : keep_b, hi = keep_a < keep_b ? keep_b : keep_a;
        if (lo > 3)
                (void) close_range(3, lo - 1, 0);
        if (hi > lo + 1)
                (void) close_range(lo + 1, hi - 1, 0);
        (void) close_range(hi + 1, ~0U, 0);
}

/* Exactly one WorkerCaller from fd, and not a byte more: what follows is the connection. */
static int read_caller(int fd, Registry *reg) {
        WorkerCaller c;
        size_t got = 0;

        while (got < sizeof c) {
                ssize_t n = read(fd, (char *) &c + got, sizeof c - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? -errno : -ECONNRESET; /* the parent gave up on this spare */
                got += (size_t) n;
        }
        if (memchr(c.name, 0, sizeof c.name) == NULL || c.n_groups < -1 ||
            c.n_groups > (int) ELEMENTSOF(reg->caller_groups))
                return -EBADMSG;
        reg->caller_uid = c.uid;
        reg->caller_pid = c.pid;
        reg->caller_gid = c.gid;
        reg->n_caller_groups = c.n_groups;
        if (c.n_groups > 0)
                memcpy(reg->caller_groups, c.groups, c.n_groups * sizeof *c.groups);
        free(reg->caller_name);
        reg->caller_name = strdup(c.name);
        return reg->caller_name ? 0 : -ENOMEM;
}

/* The worker: connect to the bus, wait for the call and its caller on fd, serve that one call,
 * then exit once the parent hangs up. */
_noreturn_ static void worker_main(Registry *reg, int fd, pid_t parent) {
        sd_event *event = NULL;
        sd_bus *server = NULL, *bus = NULL;
        const char *unique;
        int r;

        /* A registry that dies takes its calls with it, as it did before they had workers:
         * what such a call left is "creating" for delete -f (crash tests). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
                _exit(1);
        (void) prctl(PR_SET_NAME, "ocictl-reg-work");
        /* The parent's connections, watches and questions are the parent's: not touched here
         * (sd-bus and sd-event refuse objects of another process anyway). */
        reg->in_worker = true;
        reg->watches = NULL;
        reg->auth_queries = NULL;
        reg->n_auth_queries = 0;
        reg->workers = NULL;
        reg->n_workers = 0;
        reg->sandbox_guards = NULL;
        reg->spare = NULL;
        reg->spare_refill = NULL;
        reg->caller_name = NULL; /* the parent's string, of another call: read_caller sets ours */
        memset(reg->peers, 0, sizeof reg->peers);
        close_inherited(fd, reg->root_fd);

        r = sd_event_new(&event);
        if (r >= 0)
                r = service_bus_open_bus(&bus);
        /* Ready before the call comes: sd-bus waits here for the answer to Hello. */
        if (r >= 0)
                r = sd_bus_get_unique_name(bus, &unique);
        if (r >= 0)
                r = read_caller(fd, reg);
        if (r == -ECONNRESET)
                _exit(0);
        if (r >= 0)
                r = service_bus_open_server(fd, &server);
        if (r >= 0)
                r = registry_publish(reg, server);
        if (r >= 0)
                r = sd_bus_attach_event(server, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(server, true);
        if (r < 0) {
                log_error_errno(r, "Worker: cannot set up: %m");
                _exit(1);
        }
        reg->bus = server;   /* what the call emits goes to the parent, which sends it on */
        reg->peer_bus = bus; /* the peers and polkit */
        r = sd_event_loop(event);
        _exit(r < 0 ? 1 : 0);
}

static int on_worker_signal(sd_bus_message *m, void *userdata, sd_bus_error *unused) {
        RegistryWorker *w = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *copy = NULL;
        int r;

        if (!sd_bus_message_is_signal(m, NULL, NULL))
                return 0;
        if (sd_bus_message_is_signal(m, service_table[SERVICE_REGISTRY].bus_name, "ContainerRemoved")) {
                const char *id;
                if (sd_bus_message_read(m, "s", &id) >= 0)
                        registry_sandbox_removed(w->reg, id);
                (void) sd_bus_message_rewind(m, true);
        }
        r = sd_bus_message_new_signal(w->reg->bus, &copy, sd_bus_message_get_path(m),
                                      sd_bus_message_get_interface(m), sd_bus_message_get_member(m));
        if (r >= 0)
                r = sd_bus_message_copy(copy, m, true);
        if (r >= 0)
                r = sd_bus_send(w->reg->bus, copy, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to send on the signal %s of a worker: %m", sd_bus_message_get_member(m));
        return 0;
}

/* A container that a worker created is watched here, where its exit is announced. */
static void watch_created(Registry *reg, sd_bus_message *request) {
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;

        if (sd_bus_message_rewind(request, true) < 0 || sd_bus_message_read(request, "s", &id) < 0)
                return;
        if (load_container(reg, id, 0, &dir_fd, &state, &ignored) < 0 || registry_watch(reg, id, dir_fd, &state) < 0)
                log_warning("Failed to watch container %s: its exit is not announced", id);
}

static int on_hangup(sd_event_source *s, void *userdata) {
        RegistryWorker *w = userdata;
        w->hangup_source = sd_event_source_disable_unref(w->hangup_source);
        w->reply_slot = sd_bus_slot_unref(w->reply_slot);
        w->bus = sd_bus_flush_close_unref(w->bus);
        return 0;
}

/* A kept worker, no longer kept: it exits (reaped in on_worker_exit). */
static int hang_up_idle(RegistryWorker *w) {
        w->idle_timer = sd_event_source_disable_unref(w->idle_timer);
        w->idle = false;
        return on_hangup(NULL, w);
}

static int on_idle_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        return hang_up_idle(userdata);
}

/* Its caller's connection closed: an idle worker is hung up now, and the spare that its caller's
 * first call took is made again, now that that caller's calls are over. */
static int on_caller_gone(sd_bus_track *track, void *userdata) {
        RegistryWorker *w = userdata;

        w->caller_gone = true;
        registry_spare_prepare(w->reg);
        return w->idle ? hang_up_idle(w) : 0;
}

/* Watches the caller's name; without the watch the worker is not kept for later calls. */
static void track_caller(RegistryWorker *w) {
        if (sd_bus_track_new(w->reg->bus, &w->track, on_caller_gone, w) < 0 ||
            sd_bus_track_add_name(w->track, w->caller) < 0) {
                w->track = sd_bus_track_unref(w->track);
                w->caller_gone = true;
        }
}

/* After a successful answer: kept for the same caller's next call, unless it ran a sandbox (its
 * caller's ids were read for that call alone), its caller is gone, or enough are kept already. */
static bool keep_for_caller(RegistryWorker *w) {
        unsigned n_idle = 0;

        if (w->caller_gone || streq(sd_bus_message_get_member(w->request), "RunSandbox") || sd_bus_is_open(w->bus) <= 0)
                return false;
        for (RegistryWorker *i = w->reg->workers; i; i = i->next)
                n_idle += i->idle;
        if (n_idle >= IDLE_WORKERS_MAX)
                return false;
        if (sd_event_add_time_relative(sd_bus_get_event(w->reg->bus), &w->idle_timer, CLOCK_MONOTONIC,
                                       IDLE_WORKER_USEC, 0, on_idle_timeout, w) < 0)
                return false;
        w->idle = true;
        return true;
}

static RegistryWorker *idle_worker_for(Registry *reg, const char *sender, uid_t uid) {
        for (RegistryWorker *w = reg->workers; w; w = w->next)
                if (w->idle && w->caller_uid == uid && streq(w->caller, sender))
                        return w;
        return NULL;
}

static int on_worker_reply(sd_bus_message *reply, void *userdata, sd_bus_error *unused) {
        RegistryWorker *w = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *answer = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e) {
                /* A worker that died (its connection closed: the call has no time limit) is the
                 * registry failing this call: say so in its words. */
                if (!sd_bus_is_open(w->bus))
                        r = sd_bus_reply_method_errorf(w->request, SD_BUS_ERROR_FAILED,
                                                       "org.ocictl.Registry1 stopped answering during %s",
                                                       sd_bus_message_get_member(w->request));
                else
                        r = sd_bus_reply_method_error(w->request, e);
        } else {
                r = sd_bus_message_new_method_return(w->request, &answer);
                if (r >= 0)
                        r = sd_bus_message_copy(answer, reply, true);
                if (r >= 0)
                        r = sd_bus_send(NULL, answer, NULL);
                if (streq(sd_bus_message_get_member(w->request), "CreateContainer"))
                        watch_created(w->reg, w->request);
                else if (r >= 0 && streq(sd_bus_message_get_member(w->request), "RunSandbox"))
                        registry_sandbox_started(w->reg, w->request, reply);
        }
        if (r < 0)
                log_warning_errno(r, "Failed to answer %s: %m", sd_bus_message_get_member(w->request));
        w->answered = true;
        if (r >= 0 && !e && keep_for_caller(w))
                return 0;
        /* Done: hang up (once this callback of its connection has returned), and the worker
         * exits (reaped in on_worker_exit). */
        if (sd_event_add_defer(sd_bus_get_event(w->reg->bus), &w->hangup_source, on_hangup, w) < 0)
                (void) kill(w->pid, SIGKILL);
        return 0;
}

static int on_worker_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        RegistryWorker *w = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = sd_bus_message_ref(w->request);
        bool answered = w->answered;

        (void) waitpid(w->pid, NULL, 0);
        worker_free(w);
        /* Killed before it answered: the reply would never come. */
        if (!answered)
                (void) sd_bus_reply_method_errorf(request, SD_BUS_ERROR_FAILED,
                                                  "org.ocictl.Registry1 stopped answering during %s",
                                                  sd_bus_message_get_member(request));
        return 0;
}

/* The call forwarded to the worker: the same path, interface, member and arguments (descriptors
 * passed on), and whether polkit may ask the caller. */
static int forward_call(RegistryWorker *w, sd_bus_message *m) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        int r;

        r = sd_bus_message_new_method_call(w->bus, &call, NULL, sd_bus_message_get_path(m),
                                           sd_bus_message_get_interface(m), sd_bus_message_get_member(m));
        if (r >= 0)
                r = sd_bus_message_rewind(m, true);
        if (r >= 0)
                r = sd_bus_message_copy(call, m, true);
        if (r >= 0)
                r = sd_bus_message_set_allow_interactive_authorization(call,
                                                                       sd_bus_message_get_allow_interactive_authorization(m));
        /* A create runs as long as its hooks do: no time limit but the caller's. */
        if (r >= 0)
                r = sd_bus_call_async(w->bus, &w->reply_slot, call, on_worker_reply, w, UINT64_MAX);
        return r;
}

/* The gid and groups of the caller's process, from /proc, when the bus does not say them
 * (dbus-daemon gives uid and pid only). The process must still run as the caller's uid: a pid
 * reused by another user's process tells nothing. */
static void caller_ids_from_proc(WorkerCaller *c) {
        char path[64], line[4096];
        bool uid_ok = false;
        gid_t gid = (gid_t) -1, groups[ELEMENTSOF(c->groups)];
        int n = -1;
        FILE *f;

        snprintf(path, sizeof path, "/proc/%d/status", (int) c->pid);
        f = fopen(path, "re");
        if (!f)
                return;
        while (fgets(line, sizeof line, f)) {
                unsigned a, b;
                if (sscanf(line, "Uid: %u %u", &a, &b) == 2)
                        uid_ok = b == c->uid;
                else if (sscanf(line, "Gid: %u %u", &a, &b) == 2)
                        gid = b;
                else if (strncmp(line, "Groups:", 7) == 0) {
                        char *p = line + 7, *end;
                        n = 0;
                        for (;;) {
                                unsigned long g = strtoul(p, &end, 10);
                                if (end == p)
                                        break;
                                if (n >= (int) ELEMENTSOF(groups)) {
                                        n = -1;
                                        break;
                                }
                                groups[n++] = (gid_t) g;
                                p = end;
                        }
                }
        }
        fclose(f);
        if (!uid_ok)
                return;
        /* Only what the bus did not say, and only from a process that is the caller's. */
        if (c->gid == (gid_t) -1)
                c->gid = gid;
        if (c->n_groups < 0 && n >= 0) {
                memcpy(c->groups, groups, n * sizeof *groups);
                c->n_groups = n;
        }
}

/* The caller's pid, gid and groups for a sandbox's id maps and access checks (the caller set
 * them unknown); unknown ones stay unknown, and RunSandbox refuses. */
static void remember_caller_ids(sd_bus_message *m, WorkerCaller *c) {
        sd_bus_creds *creds = NULL;
        const gid_t *groups;
        int n;

        if (sd_bus_query_sender_creds(m, SD_BUS_CREDS_PID | SD_BUS_CREDS_EGID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS,
                                      &creds) < 0)
                return;
        (void) sd_bus_creds_get_pid(creds, &c->pid);
        (void) sd_bus_creds_get_egid(creds, &c->gid);
        n = sd_bus_creds_get_supplementary_gids(creds, &groups);
        if (n >= 0 && n <= (int) ELEMENTSOF(c->groups)) {
                memcpy(c->groups, groups, n * sizeof *groups);
                c->n_groups = n;
        }
        sd_bus_creds_unref(creds);
        if (c->pid > 0 && (c->gid == (gid_t) -1 || c->n_groups < 0))
                caller_ids_from_proc(c);
}

static int on_spare_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Registry *reg = userdata;
        /* Its set-up failed (the bus refused it), or it was killed: the next call forks one. */
        spare_free(reg->spare);
        reg->spare = NULL;
        return 0;
}

/* A worker, forked now: it connects to the bus meanwhile, and waits for its call. */
static int spare_fork(Registry *reg, RegistrySpare **ret) {
        RegistrySpare *spare;
        pid_t parent = getpid();
        int sv[2];

        spare = calloc(1, sizeof *spare);
        if (!spare)
                return -ENOMEM;
        *spare = (RegistrySpare) { .pidfd = -EBADF, .fd = -EBADF };
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
                free(spare);
                return -errno;
        }
        spare->pid = fork();
        if (spare->pid < 0) {
                int r = -errno;
                safe_close(sv[0]);
                safe_close(sv[1]);
                free(spare);
                return r;
        }
        if (spare->pid == 0) {
                safe_close(sv[0]);
                worker_main(reg, sv[1], parent);
        }
        safe_close(sv[1]);
        spare->fd = sv[0];
        spare->pidfd = (int) syscall(SYS_pidfd_open, spare->pid, 0);
        if (spare->pidfd < 0) {
                int r = -errno;
                spare_free(spare);
                return r;
        }
        *ret = spare;
        return 0;
}

/* Deferred, at idle priority: the next spare is forked once the bus messages queued now (the
 * call just handed over) are on their way. */
static int on_spare_refill(sd_event_source *s, void *userdata) {
        Registry *reg = userdata;
        int r;

        reg->spare_refill = sd_event_source_disable_unref(reg->spare_refill);
        if (reg->spare)
                return 0;
        r = spare_fork(reg, &reg->spare);
        if (r >= 0)
                r = sd_event_add_io(sd_bus_get_event(reg->bus), &reg->spare->exit_source, reg->spare->pidfd, EPOLLIN,
                                    on_spare_exit, reg);
        if (r < 0) {
                log_warning_errno(r, "Cannot keep a worker ready: %m");
                spare_free(reg->spare);
                reg->spare = NULL;
        }
        return 0;
}

void registry_spare_prepare(Registry *reg) {
        if (service_is_direct() || reg->in_worker || reg->spare || reg->spare_refill)
                return;
        if (sd_event_add_defer(sd_bus_get_event(reg->bus), &reg->spare_refill, on_spare_refill, reg) >= 0)
                (void) sd_event_source_set_priority(reg->spare_refill, SD_EVENT_PRIORITY_IDLE);
}

/* The spare, or a worker forked for this call when there is none. */
static int take_spare(Registry *reg, RegistrySpare **ret) {
        if (!reg->spare)
                return spare_fork(reg, ret);
        *ret = reg->spare;
        reg->spare = NULL;
        (*ret)->exit_source = sd_event_source_disable_unref((*ret)->exit_source);
        return 0;
}

/* A worker the call could not be handed to: gone, and the call refused in words. */
static int worker_failed(RegistryWorker *w, sd_bus_message *m, int r, sd_bus_error *error) {
        (void) kill(w->pid, SIGKILL);
        (void) waitpid(w->pid, NULL, 0);
        worker_free(w);
        return sd_bus_error_set_errnof(error, -r, "%s: cannot start a worker: %m", sd_bus_message_get_member(m));
}

/* The caller's next call, to the worker kept for it. */
static int reuse_worker(RegistryWorker *w, sd_bus_message *m, sd_bus_error *error) {
        int r;

        w->idle_timer = sd_event_source_disable_unref(w->idle_timer);
        w->idle = false;
        w->answered = false;
        w->reply_slot = sd_bus_slot_unref(w->reply_slot);
        sd_bus_message_unref(w->request);
        w->request = sd_bus_message_ref(m);
        r = forward_call(w, m);
        if (r < 0)
                return worker_failed(w, m, r, error);
        return 1;
}

int registry_offload(Registry *reg, sd_bus_message *m, sd_bus_error *error) {
        RegistrySpare *spare;
        RegistryWorker *w;
        WorkerCaller caller = { .gid = (gid_t) -1, .n_groups = -1 };
        const char *sender;
        int r;

        if (service_is_direct() || reg->in_worker)
                return 0; /* direct mode has one caller, which waits anyway */
        r = bus_message_get_sender_uid(m, &caller.uid);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED, "cannot determine the caller's uid: %s",
                                         strerror(-r));
        sender = sd_bus_message_get_sender(m);
        if (!sender || strlen(sender) >= sizeof caller.name)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED, "the call has no sender");
        strcpy(caller.name, sender);
        if (!streq(sd_bus_message_get_member(m), "RunSandbox") && (w = idle_worker_for(reg, sender, caller.uid)))
                return reuse_worker(w, m, error);
        if (reg->n_workers >= WORKERS_MAX)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE,
                                         "%s: %d calls are in progress already: try again once they are done",
                                         sd_bus_message_get_member(m), WORKERS_MAX);
        /* Only a sandbox maps the caller's ids: the others need not read them. */
        if (streq(sd_bus_message_get_member(m), "RunSandbox"))
                remember_caller_ids(m, &caller);

        /* Into an empty socket buffer: the write does not block. A spare that died since (its
         * exit not dispatched yet) fails it: then a worker forked for this call takes it. */
        r = take_spare(reg, &spare);
        if (r >= 0 && write(spare->fd, &caller, sizeof caller) != (ssize_t) sizeof caller) {
                spare_free(spare);
                r = spare_fork(reg, &spare);
                if (r >= 0 && write(spare->fd, &caller, sizeof caller) != (ssize_t) sizeof caller) {
                        spare_free(spare);
                        r = -EIO;
                }
        }
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "%s: cannot start a worker: %m", sd_bus_message_get_member(m));
        w = calloc(1, sizeof *w);
        if (!w) {
                spare_free(spare);
                return -ENOMEM;
        }
        *w = (RegistryWorker) { .reg = reg, .request = sd_bus_message_ref(m), .pid = spare->pid, .pidfd = spare->pidfd,
                                .caller_uid = caller.uid };
        strcpy(w->caller, caller.name);
        track_caller(w);
        spare->pid = 0;
        spare->pidfd = -EBADF;
        w->next = reg->workers;
        reg->workers = w;
        reg->n_workers++;
        r = sd_event_add_io(sd_bus_get_event(reg->bus), &w->exit_source, w->pidfd, EPOLLIN, on_worker_exit, w);
        if (r >= 0) {
                /* The client end, as ocictl's of a service it forked (peer.h). */
                Peer p;
                r = peer_connect_fd(SERVICE_REGISTRY, TAKE_FD(spare->fd), &p);
                if (r >= 0)
                        w->bus = p.bus;
        }
        spare_free(spare);
        if (r >= 0)
                r = sd_bus_attach_event(w->bus, sd_bus_get_event(reg->bus), SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_add_filter(w->bus, NULL, on_worker_signal, w);
        if (r >= 0)
                r = forward_call(w, m);
        if (r < 0)
                return worker_failed(w, m, r, error);
        /* The next spare comes once this caller has gone (on_caller_gone), unless it cannot be
         * watched. */
        if (w->caller_gone)
                registry_spare_prepare(reg);
        return 1;
}
