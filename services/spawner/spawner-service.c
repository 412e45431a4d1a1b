/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.ocictl.Spawner1: runs the staged clone (nsexec/), releases init through exec.fifo, signals
 * containers by pidfd. In bus mode each container's init is the child of its monitor
 * (spawner-monitor.c), and the monitors and exec'd processes are our children: we reap them,
 * keep their exit status for Wait() and announce it with the Exited signal (a monitor's as its
 * init's). */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "caller.h"
#include "create-options.h"
#include "hooks.h"
#include "log.h"
#include "net-device.h"
#include "nsexec.h"
#include "process-util.h"
#include "sealed-exec.h"
#include "service-capabilities.h"
#include "service-run.h"
#include "spawner-monitor.h"
#include "services.h"
#include "spec-bus.h"

#define EXITED_MAX 1024 /* statuses kept for late Wait() calls; the oldest go first */
#define WAITERS_MAX 1024

typedef struct Exited {
        pid_t pid;
        int status;
} Exited;

typedef struct Waiter {
        pid_t pid;
        sd_bus_message *call;
} Waiter;

/* A monitor and the init it watches (0: its set-up failed, nothing to announce). */
typedef struct Monitor {
        pid_t monitor, init;
} Monitor;

static Monitor monitors[WAITERS_MAX];

/* A call answered when the child forked for it reports: Spawn (the monitor, once init waits on
 * its fifo) and RunHooks. The spawner serves other calls meanwhile. */
typedef enum PendingKind { PENDING_SPAWN, PENDING_HOOKS } PendingKind;
typedef struct PendingCall {
        PendingKind kind;
        sd_bus_message *call;
        sd_event_source *source;
        int fd;
        pid_t child;
        char *id;
        bool no_pivot;
        int64_t memory_limit; /* > 0: named when set-up dies without a word */
        struct PendingCall *next;
} PendingCall;
#define PENDING_MAX 1024
static PendingCall *pending;
static size_t n_pending;
static Exited exited[EXITED_MAX];
static size_t n_exited, next_exited;
static Waiter waiters[WAITERS_MAX];
static sd_bus *service_bus;

/* The shell's convention, which runc's `run` follows: the code, or 128 + the signal. */
static int exit_status(const siginfo_t *si) {
        return si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;
}

/* For --debug: the tests, and anyone chasing a cgroup question, see which way it went. */
static const char *cgroup_join_how(bool at_clone) {
        return at_clone ? "cgroup2 joined at clone (CLONE_INTO_CGROUP)"
                        : "cgroups joined through cgroup.procs (cgroup2) and tasks (v1)";
}

static int read_fd_array(sd_bus_message *m, int *fds, size_t max, size_t *ret_n) {
        size_t n = 0;
        int r = sd_bus_message_enter_container(m, 'a', "h");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "h", &fds[n])) > 0)
                if (++n >= max)
                        return -E2BIG;
        if (r < 0)
                return r;
        *ret_n = n;
        return sd_bus_message_exit_container(m);
}

/* As runc: a terminal needs somewhere to send the pty, and a console socket needs a terminal. */
static int check_terminal(const Spec *spec, CreateOptions *o, sd_bus_error *error) {
        /* `run` in the foreground offers its own socket in case the process wants a terminal. */
        if (!spec->terminal && o->console_if_terminal)
                o->console_socket = -1;
        if (spec->terminal && o->console_socket < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "process.terminal is true: --console-socket is required");
        if (!spec->terminal && o->console_socket >= 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "--console-socket is given but process.terminal is false");
        return 0;
}

/* Socket activation as runc passes it on: the process is PID 1 of its namespace, and its first
 * LISTEN_FDS preserved fds are the sockets. */
static int apply_listen_fds(Spec *spec, const CreateOptions *o, sd_bus_error *error) {
        char buf[32];
        int r;

        if (o->listen_fds == 0)
                return 0;
        if (o->listen_fds > o->n_preserve_fds)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "LISTEN_FDS=%u but only %zu fds passed",
                                         o->listen_fds, o->n_preserve_fds);
        snprintf(buf, sizeof buf, "LISTEN_FDS=%u", o->listen_fds);
        r = spec_env_set(spec, buf);
        if (r >= 0)
                r = spec_env_set(spec, "LISTEN_PID=1");
        return r;
}

/* NOTIFY_SOCKET, as runc: the state folder's notify/ on /run/notify (read-only: the socket in
 * it is `start`'s), and the variable pointing there. */
static int apply_notify_socket(Spec *spec, const CreateOptions *o, int state_dir_fd, sd_bus_error *error) {
        char link[64], dir[PATH_MAX];
        SpecMount *mounts;
        ssize_t n;

        if (!o->notify_socket)
                return 0;
        snprintf(link, sizeof link, "/proc/self/fd/%d", state_dir_fd);
        n = readlink(link, dir, sizeof dir - sizeof "/notify");
        if (n < 0)
                return sd_bus_error_set_errnof(error, errno, "NOTIFY_SOCKET: the state folder: %m");
        strcpy(dir + n, "/notify");
        mounts = realloc(spec->mounts, (spec->n_mounts + 1) * sizeof *mounts);
        if (!mounts)
                return -ENOMEM;
        spec->mounts = mounts;
        mounts[spec->n_mounts] = (SpecMount) {
                .destination = strdup("/run/notify"),
                .type = strdup("bind"),
                .source = strdup(dir),
                .options = calloc(6, sizeof(char *)),
        };
        spec->n_mounts++;
        static const char *const options[] = { "bind", "nosuid", "noexec", "nodev", "ro" };
        for (size_t i = 0; mounts[spec->n_mounts - 1].options && i < ELEMENTSOF(options); i++)
                if (!(mounts[spec->n_mounts - 1].options[i] = strdup(options[i])))
                        return -ENOMEM;
        if (!mounts[spec->n_mounts - 1].destination || !mounts[spec->n_mounts - 1].type ||
            !mounts[spec->n_mounts - 1].source || !mounts[spec->n_mounts - 1].options)
                return -ENOMEM;
        return spec_env_set(spec, "NOTIFY_SOCKET=/run/notify/notify.sock");
}

static void log_setup_warning(const char *text) {
        log_warning("%s", text);
}

static void track_monitor(pid_t monitor, pid_t init) {
        for (size_t i = 0; i < ELEMENTSOF(monitors); i++)
                if (monitors[i].monitor == 0) {
                        monitors[i] = (Monitor) { monitor, init };
                        return;
                }
        /* Its status then goes out as the monitor's own pid: Wait() on init never answers, but
         * the registry reads the exit status from the container's folder. */
        log_warning("Too many containers: the monitor %d of init %d is not tracked", (int) monitor, (int) init);
}

static void set_monitor_init(pid_t monitor, pid_t init) {
        for (size_t i = 0; i < ELEMENTSOF(monitors); i++)
                if (monitors[i].monitor == monitor)
                        monitors[i].init = init;
}

/* The init a reaped monitor watched: its pid, -1 for a monitor whose set-up failed (or a child
 * that ran hooks), 0 for a process that is no monitor. */
static pid_t untrack_monitor(pid_t monitor) {
        for (size_t i = 0; i < ELEMENTSOF(monitors); i++)
                if (monitors[i].monitor == monitor) {
                        pid_t init = monitors[i].init;
                        monitors[i] = (Monitor) {};
                        return init > 0 ? init : -1;
                }
        return 0;
}

static int reply_error_from(sd_bus_message *m, const char *name, Error *e, int r) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        bus_error_set_from(&error, name, e, r);
        return sd_bus_reply_method_error(m, &error);
}

/* The answer to Spawn once the staged clone is done (r, e), here or in the monitor. */
static int reply_spawned(sd_bus_message *m, int r, Error *e, const char *id, pid_t pid, bool cgroup_at_clone,
                         bool no_pivot, int64_t memory_limit) {
        uint64_t start_time;

        if (r == -EPIPE && memory_limit > 0) {
                /* A set-up process that dies without a word was killed; with a memory limit the
                 * OOM killer is by far the likeliest reason. */
                error_complete(e, r);
                return sd_bus_reply_method_errorf(m, OCICTL_ERROR_SETUP_FAILED,
                                                  "%s: killed during setup, most likely by the OOM killer "
                                                  "(linux.resources.memory.limit is %" PRIi64 " bytes)",
                                                  e->message, memory_limit);
        }
        if (r < 0)
                return reply_error_from(m, OCICTL_ERROR_SETUP_FAILED, e, r);
        if (process_get_start_time(pid, &start_time) < 0) {
                (void) kill(pid, SIGKILL);
                return sd_bus_reply_method_errorf(m, OCICTL_ERROR_SETUP_FAILED, "container init died during setup");
        }
        log_debug("Container %s: init is pid %d, root switched with %s, %s", id, (int) pid,
                  no_pivot ? "MS_MOVE and chroot (no pivot)" : "pivot_root", cgroup_join_how(cgroup_at_clone));
        return sd_bus_reply_method_return(m, "ut", (uint32_t) pid, start_time);
}

static void pending_free(PendingCall *c) {
        for (PendingCall **p = &pending; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        n_pending--;
                        break;
                }
        sd_event_source_disable_unref(c->source);
        if (c->fd >= 0)
                close(c->fd);
        sd_bus_message_unref(c->call);
        free(c->id);
        free(c);
}

static int pending_new(sd_bus_message *m, PendingKind kind, sd_bus_error *error, PendingCall **ret) {
        PendingCall *c;

        if (n_pending >= PENDING_MAX)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "%s: %d calls are in progress already",
                                         sd_bus_message_get_member(m), PENDING_MAX);
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        *c = (PendingCall) { .kind = kind, .call = sd_bus_message_ref(m), .fd = -1 };
        c->next = pending;
        pending = c;
        n_pending++;
        *ret = c;
        return 0;
}

static int on_child_report(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        PendingCall *c = userdata;
        ChildReport rep;
        int r = child_read_report(c->fd, &rep);

        if (c->kind == PENDING_SPAWN) {
                if (r >= 0)
                        set_monitor_init(c->child, rep.init);
                (void) reply_spawned(c->call, r, &rep.error, c->id, rep.init, rep.at_clone, c->no_pivot,
                                     c->memory_limit);
        } else if (r < 0)
                (void) reply_error_from(c->call, OCICTL_ERROR_SETUP_FAILED, &rep.error, r);
        else
                (void) sd_bus_reply_method_return(c->call, NULL);
        pending_free(c);
        return 0;
}

/* The call waits for its child's report: 1 (answered from on_child_report), or an error. */
static int pending_start(PendingCall *c, sd_bus_error *error) {
        int r = sd_event_add_io(sd_bus_get_event(service_bus), &c->source, c->fd, EPOLLIN, on_child_report, c);
        if (r < 0) {
                if (c->child > 0)
                        (void) kill(c->child, SIGKILL);
                pending_free(c);
                return r;
        }
        return 1;
}

/* Root only: it creates namespaces and mounts. Every argument comes from the registry, which
 * got the spec from the sandboxed parser; nsexec resolves every path inside the rootfs. */
static int method_spawn(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(spec_done) Spec spec = {};
        const char *id, *bundle, *rootfs;
        int state_dir_fd, cgroup_fds[64], stdio[3];
        Error e = {};
        bool cgroup_at_clone = false;
        size_t n_cgroup_fds = 0;
        CreateOptions options = CREATE_OPTIONS_INIT;
        pid_t pid;
        int r;

        r = sd_bus_message_read(m, "sss", &id, &bundle, &rootfs);
        if (r < 0)
                return r;
        r = spec_bus_read(m, &spec);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "spec: %s", strerror(-r));
        r = sd_bus_message_read(m, "h", &state_dir_fd);
        if (r < 0)
                return r;
        r = read_fd_array(m, cgroup_fds, ELEMENTSOF(cgroup_fds), &n_cgroup_fds);
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "hhh", &stdio[0], &stdio[1], &stdio[2]);
        if (r >= 0)
                r = create_options_read(m, &options, error);
        if (r < 0)
                return r;
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        /* No args is a config without a process: created, refused at start (stages.c). */
        if (rootfs[0] != '/')
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "rootfs must be an absolute path");
        _cleanup_free_ int *mount_fds = NULL;
        if (options.n_mount_source_fds > 0) {
                if (!spec.namespaces[NAMESPACE_USER].enabled)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                 "mountSourceFds: only with a new user namespace");
                mount_fds = malloc(spec.n_mounts * sizeof *mount_fds);
                if (!mount_fds)
                        return -ENOMEM;
                for (size_t i = 0; i < spec.n_mounts; i++)
                        mount_fds[i] = -1;
                for (size_t i = 0; i < options.n_mount_source_fds; i++) {
                        if (options.mount_source_fds[i].index >= spec.n_mounts)
                                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                         "mountSourceFds: no mounts[%u]", options.mount_source_fds[i].index);
                        mount_fds[options.mount_source_fds[i].index] = options.mount_source_fds[i].fd;
                }
        }

        const NsexecConfig config = {
                .spec = &spec,
                .id = id,
                .bundle = bundle,
                .rootfs = rootfs,
                .state_dir_fd = state_dir_fd,
                .cgroup_join_fds = cgroup_fds,
                .n_cgroup_join_fds = n_cgroup_fds,
                .stdio = { stdio[0], stdio[1], stdio[2] },
                .clone_parent = service_is_direct(),
                .no_pivot = options.no_pivot,
                .no_new_keyring = options.no_new_keyring,
                .console_socket = options.console_socket,
                .preserve_fds = options.preserve_fds,
                .n_preserve_fds = options.n_preserve_fds,
                .mount_source_fds = mount_fds,
                .n_mount_source_fds = mount_fds ? spec.n_mounts : 0,
                .warn = log_setup_warning,
        };
        r = check_terminal(&spec, &options, error);
        if (r >= 0)
                r = apply_listen_fds(&spec, &options, error);
        if (r >= 0)
                r = apply_notify_socket(&spec, &options, state_dir_fd, error);
        if (r < 0)
                return r;
        int64_t memory_limit = resources_has(&spec.resources, RES_MEMORY_LIMIT) ? spec.resources.value[RES_MEMORY_LIMIT] : 0;
        if (!service_is_direct()) {
                PendingCall *c;
                r = pending_new(m, PENDING_SPAWN, error, &c);
                if (r < 0)
                        return r;
                r = monitor_fork(&config, &c->child, &c->fd, &e);
                if (r < 0) {
                        pending_free(c);
                        return bus_error_set_from(error, OCICTL_ERROR_SETUP_FAILED, &e, r);
                }
                track_monitor(c->child, 0); /* init's pid once it reports */
                c->id = strdup(id);
                c->no_pivot = options.no_pivot;
                c->memory_limit = memory_limit;
                return pending_start(c, error);
        }
        r = nsexec_spawn(&config, &pid, &cgroup_at_clone, &e);
        return reply_spawned(m, r, &e, id, pid, cgroup_at_clone, options.no_pivot, memory_limit);
}

/* Root only: a new process in a running container. The spec comes from the registry, which
 * read it through the parser; the namespaces joined are those of the process with this pid and
 * start time, pinned by a pidfd. */
static int method_exec(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(spec_done) Spec spec = {};
        CreateOptions options = CREATE_OPTIONS_INIT;
        int cgroup_fds[64], stdio[3];
        Error e = {};
        bool cgroup_at_clone = false;
        size_t n_cgroup_fds = 0;
        uint32_t init_pid;
        uint64_t init_start_time, start_time;
        pid_t pid;
        int r;

        r = sd_bus_message_read(m, "ut", &init_pid, &init_start_time);
        if (r < 0)
                return r;
        r = spec_bus_read(m, &spec);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "spec: %s", strerror(-r));
        r = read_fd_array(m, cgroup_fds, ELEMENTSOF(cgroup_fds), &n_cgroup_fds);
        if (r >= 0)
                r = sd_bus_message_read(m, "hhh", &stdio[0], &stdio[1], &stdio[2]);
        if (r >= 0)
                r = create_options_read(m, &options, error);
        if (r < 0)
                return r;
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        if (!spec.args || !spec.args[0] || !spec.cwd)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "process args and cwd must be set");

        const NsexecExecConfig config = {
                .spec = &spec,
                .id = options.container_id,
                .bundle = options.bundle,
                .init_pid = (pid_t) init_pid,
                .init_start_time = init_start_time,
                .cgroup_join_fds = cgroup_fds,
                .n_cgroup_join_fds = n_cgroup_fds,
                .stdio = { stdio[0], stdio[1], stdio[2] },
                .clone_parent = service_is_direct(),
                .no_new_keyring = options.no_new_keyring || !options.container_id,
                .console_socket = options.console_socket,
                .preserve_fds = options.preserve_fds,
                .n_preserve_fds = options.n_preserve_fds,
                .warn = log_setup_warning,
        };
        r = check_terminal(&spec, &options, error);
        if (r >= 0)
                r = apply_listen_fds(&spec, &options, error);
        if (r < 0)
                return r;
        r = nsexec_exec(&config, &pid, &cgroup_at_clone, &e);
        if (r == -ESRCH)
                return bus_error_set_from(error, OCICTL_ERROR_INVALID_STATE, &e, r);
        if (r < 0)
                return bus_error_set_from(error, OCICTL_ERROR_SETUP_FAILED, &e, r);
        log_debug("Exec in %s: pid %d, %s", options.container_id, (int) pid, cgroup_join_how(cgroup_at_clone));
        /* It may be gone already (a quick command): 0 then, and kill/wait refuse it. */
        if (process_get_start_time(pid, &start_time) < 0)
                start_time = 0;
        return sd_bus_reply_method_return(m, "ut", (uint32_t) pid, start_time);
}

typedef struct HookRun {
        const Spec *spec;
        HookKind kind;
        const char *state;
} HookRun;

static int run_hooks(void *userdata, Error *e) {
        const HookRun *run = userdata;
        return hooks_run(run->spec, run->kind, run->state, e);
}

/* Root only: runs the hooks that belong to the runtime's namespaces after create (poststart,
 * poststop; the registry asks, holding the container's spec). */
static int method_run_hooks(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(spec_done) Spec spec = {};
        _cleanup_free_ char *state = NULL;
        const char *kind_name, *id, *bundle, *status;
        HookKind kind = _HOOK_KIND_INVALID;
        Error e = {};
        uint32_t pid;
        int r;

        r = sd_bus_message_read(m, "sssus", &kind_name, &id, &bundle, &pid, &status);
        if (r < 0)
                return r;
        r = spec_bus_read(m, &spec);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "spec: %s", strerror(-r));
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++)
                if (streq(kind_name, hook_kind_to_string(k)))
                        kind = k;
        if (kind != HOOK_POSTSTART && kind != HOOK_POSTSTOP)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "only poststart and poststop hooks run on request, not \"%s\"", kind_name);
        state = hook_state_json(id, status, (pid_t) pid, bundle, &spec);
        if (!state)
                return -ENOMEM;
        HookRun run = { &spec, kind, state };
        if (service_is_direct()) {
                r = run_hooks(&run, &e);
                if (r < 0)
                        return bus_error_set_from(error, OCICTL_ERROR_SETUP_FAILED, &e, r);
                return sd_bus_reply_method_return(m, NULL);
        }
        PendingCall *c;
        r = pending_new(m, PENDING_HOOKS, error, &c);
        if (r < 0)
                return r;
        r = child_fork_report(run_hooks, &run, &c->child, &c->fd, &e);
        if (r < 0) {
                pending_free(c);
                return bus_error_set_from(error, OCICTL_ERROR_SETUP_FAILED, &e, r);
        }
        track_monitor(c->child, 0); /* reaped without an announcement */
        return pending_start(c, error);
}

/* Root only: releases a created container. */
/* Root only: signals the process started at start_time, never a recycled pid. */
static int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        uint32_t pid;
        uint64_t start_time;
        int sig, r;

        r = sd_bus_message_read(m, "uti", &pid, &start_time, &sig);
        if (r < 0)
                return r;
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        if (sig < 0 || sig > SIGRTMAX) /* 0: only checks that it lives */
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "invalid signal %d", sig);
        r = nsexec_kill((pid_t) pid, start_time, sig);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container not running");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "kill %u: %m", pid);
        return sd_bus_reply_method_return(m, NULL);
}

/* Root only: linux.netDevices back to the host under their own names, before delete kills init
 * (its network namespace would take a virtual one with it). */
static int method_return_net_devices(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        StringPair *devices = NULL;
        size_t n = 0;
        const char *name, *inside;
        uint32_t pid;
        uint64_t start_time, t;
        int r;

        r = sd_bus_message_read(m, "ut", &pid, &start_time);
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(ss)");
        while (r >= 0 && n < SPEC_MAX_STRINGS && (r = sd_bus_message_read(m, "(ss)", &name, &inside)) > 0)
                r = string_pairs_append(&devices, &n, name, inside);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = bus_check_caller_allowed(m, error);
        if (r >= 0 && (process_get_start_time((pid_t) pid, &t) < 0 || t != start_time))
                r = sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container not running");
        if (r >= 0 && (r = net_devices_return((pid_t) pid, devices, n)) < 0)
                r = sd_bus_error_set_errnof(error, -r, "cannot return the network devices to the host: %m");
        string_pairs_free(devices, n);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, NULL);
}

static const Exited *find_exited(pid_t pid) {
        for (size_t i = 0; i < n_exited; i++)
                if (exited[i].pid == pid)
                        return &exited[i];
        return NULL;
}

/* Root only. Answers once the container's init (our child in bus mode) has exited. */
static int method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const Exited *e;
        uint32_t pid;
        int r;

        r = sd_bus_message_read(m, "u", &pid);
        if (r < 0)
                return r;
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        if (service_is_direct())
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED,
                                         "in direct mode the container is the caller's child: wait for it there");
        e = find_exited((pid_t) pid);
        if (e)
                return sd_bus_reply_method_return(m, "i", e->status);
        for (size_t i = 0; i < WAITERS_MAX; i++)
                if (!waiters[i].call) {
                        waiters[i] = (Waiter) { (pid_t) pid, sd_bus_message_ref(m) };
                        return 1; /* answered from on_sigchld() */
                }
        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "too many waiters");
}

static int on_sigchld(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        for (;;) {
                siginfo_t info = {};
                if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG) < 0 || info.si_pid == 0)
                        break;
                int status = exit_status(&info);
                pid_t init = untrack_monitor(info.si_pid);
                if (init < 0)
                        continue;
                if (init > 0)
                        info.si_pid = init; /* the monitor exits with its init's status */
                exited[next_exited] = (Exited) { info.si_pid, status };
                next_exited = (next_exited + 1) % EXITED_MAX;
                if (n_exited < EXITED_MAX)
                        n_exited++;
                for (size_t i = 0; i < WAITERS_MAX; i++)
                        if (waiters[i].call && waiters[i].pid == info.si_pid) {
                                (void) sd_bus_reply_method_return(waiters[i].call, "i", status);
                                waiters[i].call = sd_bus_message_unref(waiters[i].call);
                        }
                (void) sd_bus_emit_signal(service_bus, service_table[SERVICE_SPAWNER].object_path,
                                          service_table[SERVICE_SPAWNER].bus_name, "Exited", "ui",
                                          (uint32_t) info.si_pid, status);
        }
        return 0;
}

static bool is_monitor(pid_t pid) {
        for (size_t i = 0; i < ELEMENTSOF(monitors); i++)
                if (monitors[i].monitor == pid)
                        return true;
        return false;
}

/* Idle exit (service-run.h): a caller waits, or a process exec'd into a container is our child
 * and its status only ours to report. The monitors need no one: after we exit they go on under
 * PID 1 and record their container's status in its folder. */
static bool spawner_busy(void *userdata) {
        char path[64], buf[4096];
        ssize_t n;
        int fd;

        if (n_pending > 0)
                return true;
        for (size_t i = 0; i < WAITERS_MAX; i++)
                if (waiters[i].call)
                        return true;
        snprintf(path, sizeof path, "/proc/self/task/%d/children", (int) getpid());
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return true; /* cannot tell: stay */
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n < 0 || n == (ssize_t) sizeof buf - 1)
                return true;
        buf[n] = 0;
        for (char *p = buf, *end; *p; p = end) {
                long pid = strtol(p, &end, 10);
                if (end == p)
                        break;
                if (!is_monitor((pid_t) pid))
                        return true;
        }
        return false;
}

static const sd_bus_vtable spawner_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Spawn",
                                SD_BUS_ARGS("s", id, "s", bundle, "s", rootfs, "a{sv}", spec, "h", state_dir,
                                            "ah", cgroup_procs, "h", stdin, "h", stdout, "h", stderr, "a{sv}",
                                            options),
                                SD_BUS_RESULT("u", pid, "t", start_time), method_spawn, 0),
        SD_BUS_METHOD_WITH_ARGS("Exec",
                                SD_BUS_ARGS("u", init_pid, "t", init_start_time, "a{sv}", spec, "ah", cgroup_procs, "h",
                                            stdin, "h", stdout, "h", stderr, "a{sv}", options),
                                SD_BUS_RESULT("u", pid, "t", start_time), method_exec, 0),
        SD_BUS_METHOD_WITH_ARGS("RunHooks",
                                SD_BUS_ARGS("s", kind, "s", id, "s", bundle, "u", pid, "s", status, "a{sv}", spec),
                                SD_BUS_NO_RESULT, method_run_hooks, 0),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("u", pid, "t", start_time, "i", signal), SD_BUS_NO_RESULT,
                                method_kill, 0),
        SD_BUS_METHOD_WITH_ARGS("ReturnNetDevices", SD_BUS_ARGS("u", pid, "t", start_time, "a(ss)", devices),
                                SD_BUS_NO_RESULT, method_return_net_devices, 0),
        SD_BUS_METHOD_WITH_ARGS("Wait", SD_BUS_ARGS("u", pid), SD_BUS_RESULT("i", status), method_wait, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Exited", SD_BUS_ARGS("u", pid, "i", status), 0),
        SD_BUS_VTABLE_END,
};

static int setup(sd_bus *bus, sd_event *event, void *userdata) {
        sigset_t mask;
        int r;

        service_bus = bus;
        if (service_is_direct())
                return 0; /* our children are the caller's (CLONE_PARENT): nothing to reap */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        r = sd_event_add_signal(event, NULL, SIGCHLD, on_sigchld, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGCHLD: %m");
        return 0;
}

int main(int argc, char **argv) {
        const ServiceDefinition def = {
                .id = SERVICE_SPAWNER, .vtable = spawner_vtable, .setup = setup, .busy = spawner_busy,
                .capabilities = SPAWNER_CAPABILITIES, /* all: service-capabilities.h says why */
        };
        int r;

        /* Started by hand or by the bus: run from a sealed copy all the same (sealed-exec.h). */
        r = sealed_reexec_self(argv);
        if (r < 0) {
                fprintf(stderr, "ocictl-spawner: cannot run from a sealed copy of itself: %s\n", strerror(-r));
                return 1;
        }
        /* Non-dumpable, and so are the stages it clones until they execve the container's
         * process: no process in the container may ptrace them, take their fds with
         * pidfd_getfd() or open their /proc/PID/exe, fd or mem. */
        if (prctl(PR_SET_DUMPABLE, 0) < 0) {
                fprintf(stderr, "ocictl-spawner: prctl(PR_SET_DUMPABLE): %m\n");
                return 1;
        }
        return service_run(&def);
}
