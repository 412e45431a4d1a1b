/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* stage_parent (in the spawner) → stage_child (joins/unshares namespaces) → stage_init (PID 1 of
 * the new pid namespace; sets up the rootfs and the process, then waits on exec.fifo). Why two
 * clones: see README.md. */
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "become.h"
#include "cgroup-join.h"
#include "console.h"
#include "hooks.h"
#include "identity.h"
#include "idmap-mounts.h"
#include "keyring.h"
#include "net-device.h"
#include "nsexec.h"
#include "process-util.h"
#include "procfs.h"
#include "rootfs.h"
#include "seccomp-filter.h"
#include "seccomp-notify.h"
#include "stage-util.h"
#include "sync.h"

typedef struct StageContext {
        const NsexecConfig *config;
        int sync_fd;
        int fifo_fd; /* O_PATH of exec.fifo, reopened for writing by init */
        int *idmapped_fds; /* per mount: a detached idmapped tree from stage 0, or -EBADF */
        const CgroupJoin *cgroups;
} StageContext;

/* A new network namespace starts with "lo" down; runc brings it up. */
static int loopback_up(void) {
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = { .ifr_name = "lo" };

        if (fd < 0)
                return negative_errno();
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return negative_errno();
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return negative_errno();
        return 0;
}

/* Through init's own procfs (procfs.h), whatever the config mounted on /proc: the parser allowed
 * only sysctls of namespaces the container has for itself, and a name with no file there (a
 * made-up "net.ipv4.core_pattern") is refused with ENOENT, not followed anywhere. */
static int write_sysctl(int proc_fd, const char *key, const char *value) {
        char path[512];

        if (snprintf(path, sizeof path, "sys/%s", key) >= (int) sizeof path)
                return -ENAMETOOLONG;
        for (char *c = path + strlen("sys/"); *c; c++)
                if (*c == '.')
                        *c = '/';
                else if (*c == '/')
                        return -EINVAL; /* "net/../kernel" is no sysctl name */
        return procfs_write(proc_fd, false, path, value);
}

/* stdio that is /dev/null opened the wrong way for its use (containerd's --null-io hands a
 * read-only one for stdout) is reopened read-write from the container's /dev/null, as runc
 * does, so that the process can write to it. Only the real null device is taken (a rootfs may
 * make /dev/null a link); a container without one keeps what it was given. */
static int reopen_dev_null_stdio(void) {
        for (int fd = 0; fd < 3; fd++) {
                struct stat st;
                int flags = fcntl(fd, F_GETFL), null_fd;
                if (flags < 0 || (flags & O_ACCMODE) == O_RDWR || (fd == 0 && (flags & O_ACCMODE) == O_RDONLY) ||
                    (fd > 0 && (flags & O_ACCMODE) == O_WRONLY) || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
                    st.st_rdev != makedev(1, 3))
                        continue;
                null_fd = open("/dev/null", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
                if (null_fd < 0 && errno == ENOENT)
                        return 0;
                if (null_fd < 0)
                        return negative_errno();
                if (fstat(null_fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
                        safe_close(null_fd);
                        return -ENODEV;
                }
                if (dup2(null_fd, fd) < 0) {
                        safe_close(null_fd);
                        return negative_errno();
                }
                safe_close(null_fd);
        }
        return 0;
}

static _noreturn_ void stage_init(StageContext *ctx) {
        const NsexecConfig *c = ctx->config;
        const Spec *s = c->spec;
        _cleanup_free_ char *executable = NULL, *state = NULL;
        SeccompFilter *filter = NULL;
        pid_t init_pid = 0;
        int console_socket = c->console_socket;
        char fifo_path[64], text[ERROR_MESSAGE_MAX + 64];
        Error e = {};
        int fifo, proc_fd = -EBADF, r;

        (void) prctl(PR_SET_NAME, "ocictl:[2:INIT]");
        (void) prctl(PR_SET_PDEATHSIG, 0);
        if (setsid() < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "setsid");
        r = setup_stdio(c->stdio);
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "set up stdio");
        r = identity_set_affinity(s->cpu_affinity_initial, "process.execCPUAffinity.initial", &e);
        if (r < 0)
                stage_fail_step(ctx->sync_fd, r, &e);
        {
                /* Ours, plus the idmapped trees until they are mounted. */
                int *keep[3 + s->n_mounts];
                size_t n_keep = 0;
                keep[n_keep++] = &ctx->sync_fd;
                keep[n_keep++] = &ctx->fifo_fd;
                keep[n_keep++] = &console_socket;
                for (size_t i = 0; i < s->n_mounts; i++)
                        if (ctx->idmapped_fds[i] >= 0)
                                keep[n_keep++] = &ctx->idmapped_fds[i];
                r = keep_fds_preserving(c->preserve_fds, c->n_preserve_fds, keep, n_keep);
                if (r < 0)
                        stage_fail(ctx->sync_fd, r, "close the spawner's file descriptors");
        }
        /* Before any mount of the config's: ours, not one the rootfs could shape (procfs.h).
         * It writes the sysctls and reopens exec.fifo; that needs it only where the container
         * has no /proc of its own (no mount namespace), otherwise the container's will do. */
        r = procfs_open(&proc_fd);
        if (r < 0 && (s->n_sysctls > 0 || !s->namespaces[NAMESPACE_MOUNT].enabled))
                stage_fail(ctx->sync_fd, r, "open a procfs");
        if (s->namespaces[NAMESPACE_NETWORK].enabled && !s->namespaces[NAMESPACE_NETWORK].path &&
            (r = loopback_up()) < 0)
                stage_fail(ctx->sync_fd, r, "bring up lo in the new network namespace");

        if (c->bundle && chdir(c->bundle) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "chdir to bundle %s", c->bundle);
        r = rootfs_prepare(c, ctx->idmapped_fds, &e);
        if (r < 0)
                stage_fail_step(ctx->sync_fd, r, &e);
        idmap_mounts_close(ctx->idmapped_fds, s->n_mounts);
        /* prestart and createRuntime run in the runtime's namespaces (stage 0) now that ours
         * exist; createContainer in ours, before pivot_root, as the runtime spec orders them. */
        if (s->n_hooks[HOOK_PRESTART] + s->n_hooks[HOOK_CREATE_RUNTIME] + s->n_hooks[HOOK_CREATE_CONTAINER] > 0) {
                SyncMessage ack;
                if (sync_send(ctx->sync_fd, SYNC_HOOKS_PLS, 0) < 0 || sync_recv(ctx->sync_fd, &ack) < 0 ||
                    ack.type != SYNC_HOOKS_ACK)
                        _exit(1); /* stage 0 reports why */
                init_pid = ack.value;
                state = hook_state_json(c->id, "creating", init_pid, c->bundle, s);
                if (!state)
                        stage_fail(ctx->sync_fd, -ENOMEM, "hooks: state");
                /* runc runs them from the container's root (still the host path here). */
                if (s->n_hooks[HOOK_CREATE_CONTAINER] > 0 && chdir(c->rootfs) < 0)
                        stage_fail(ctx->sync_fd, negative_errno(), "chdir to %s", c->rootfs);
                r = hooks_run(s, HOOK_CREATE_CONTAINER, state, &e);
                if (r < 0)
                        stage_fail_step(ctx->sync_fd, r, &e);
        }
        r = rootfs_switch(c, &e);
        if (r < 0)
                stage_fail_step(ctx->sync_fd, r, &e);
        r = reopen_dev_null_stdio();
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "reopen /dev/null stdio read-write");
        if (s->cwd) {
                /* runc creates a missing cwd, as root and before the root may turn read-only. */
                _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), cwd = -EBADF;
                r = root < 0 ? negative_errno() : rootfs_open_in_root(root, s->cwd, true, true, &cwd);
                if (r < 0)
                        stage_fail(ctx->sync_fd, r, "process.cwd: create %s", s->cwd);
        }
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "hostname: set \"%s\"", s->hostname);
        if (s->terminal && (r = console_setup(console_socket, s, true, &e)) < 0)
                stage_fail_step(ctx->sync_fd, r, &e);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "domainname: set \"%s\"", s->domainname);
        for (size_t i = 0; i < s->n_sysctls; i++) {
                r = write_sysctl(proc_fd, s->sysctls[i].key, s->sysctls[i].value);
                if (r < 0)
                        stage_fail(ctx->sync_fd, r, "linux.sysctl.%s: set \"%s\"", s->sysctls[i].key, s->sysctls[i].value);
        }
        r = rootfs_finalize(s, &e);
        if (r < 0)
                stage_fail_step(ctx->sync_fd, r, &e);
        if (!c->no_new_keyring && (r = keyring_join_container(c->id, s->namespaces[NAMESPACE_USER].enabled)) < 0 &&
            r != -ENOSYS)
                stage_fail(ctx->sync_fd, r, "join the session keyring _ses.%s", c->id);

        if (spec_has_process(s))
                stage_become_process(s, ctx->sync_fd, c->n_preserve_fds, &filter, &executable);
        if (sync_send(ctx->sync_fd, SYNC_INIT_READY, 0) < 0)
                _exit(1);
        safe_close(ctx->sync_fd);

        /* Blocks until `start` opens the other end. */
        snprintf(fifo_path, sizeof fifo_path, "/proc/self/fd/%d", ctx->fifo_fd);
        fifo = proc_fd >= 0 ? openat(proc_fd, fifo_path + strlen("/proc/"), O_WRONLY | O_CLOEXEC)
                            : open(fifo_path, O_WRONLY | O_CLOEXEC);
        if (fifo < 0) {
                dprintf(STDERR_FILENO, "ocictl init: open exec.fifo: %m\n");
                _exit(127);
        }
        safe_close(proc_fd);
        /* A config without a process can be created, not started (the runtime spec's rule). */
        if (!spec_has_process(s)) {
                dprintf(fifo, "process: missing in config.json: there is nothing to start");
                _exit(1);
        }
        /* With noNewPrivileges the filter waited until here: after the fifo is open (a profile
         * may refuse opening for writing), before the startContainer hooks, which run under it
         * as in runc. A failure goes back to `start` through the fifo. */
        if (filter && (r = seccomp_filter_load(filter, &e)) < 0) {
                dprintf(fifo, "%s", error_text(&e, r, text, sizeof text));
                _exit(1);
        }
        /* startContainer hooks: in the container, after start, before the process; a failure
         * goes back to `start` through the fifo instead of the "0". */
        if (s->n_hooks[HOOK_START_CONTAINER] > 0) {
                _cleanup_free_ char *started = hook_state_json(c->id, "created", init_pid, c->bundle, s);
                r = started ? hooks_run(s, HOOK_START_CONTAINER, started, &e) : -ENOMEM;
                if (r < 0) {
                        dprintf(fifo, "%s", error_text(&e, r, text, sizeof text));
                        _exit(1);
                }
        }
        if (write(fifo, "0", 1) != 1) {
                dprintf(STDERR_FILENO, "ocictl init: write exec.fifo: %m\n");
                _exit(127);
        }
        execve(executable, s->args, s->env ?: (char *[]) { NULL });
        dprintf(STDERR_FILENO, "ocictl init: exec %s: %m\n", executable);
        _exit(127);
}

static _noreturn_ void stage_child(StageContext *ctx) {
        const NsexecConfig *c = ctx->config;
        const Spec *s = c->spec;
        int ns_fds[_NAMESPACE_MAX];
        int unshare_flags = 0, init_pidfd = -EBADF;
        pid_t init;

        (void) prctl(PR_SET_NAME, "ocictl:[1:CHILD]");
        reset_signals();

        /* Into the cgroup first (what the clone did not join), so the namespaces and init are
         * accounted there and the cgroup namespace is rooted at the container's cgroup. */
        int r = cgroup_join_write(ctx->cgroups);
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "join the container's cgroup");
        if (s->has_oom_score_adj && (r = procfs_set_oom_score_adj(s->oom_score_adj)) < 0)
                stage_fail(ctx->sync_fd, r, "process.oomScoreAdj: set %d", s->oom_score_adj);

        /* Open every namespace path before joining any: joining the mount namespace changes
         * what the later paths resolve to. */
        for (NamespaceType t = 0; t < _NAMESPACE_MAX; t++) {
                ns_fds[t] = -EBADF;
                if (!s->namespaces[t].enabled)
                        continue;
                if (!s->namespaces[t].path) {
                        unshare_flags |= namespace_type_to_clone_flag(t);
                        continue;
                }
                ns_fds[t] = open(s->namespaces[t].path, O_RDONLY | O_CLOEXEC);
                if (ns_fds[t] < 0)
                        stage_fail(ctx->sync_fd, negative_errno(), "linux.namespaces: open %s namespace %s",
                                   namespace_type_to_string(t), s->namespaces[t].path);
        }
        /* The user namespace first: the namespaces made or joined after it belong to it, so that
         * root inside may administer them. A new one needs stage 0 to write our maps: we cannot
         * map arbitrary ids into it ourselves. */
        if (ns_fds[NAMESPACE_USER] >= 0 && setns(ns_fds[NAMESPACE_USER], CLONE_NEWUSER) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "linux.namespaces: join user namespace %s",
                           s->namespaces[NAMESPACE_USER].path);
        ns_fds[NAMESPACE_USER] = safe_close(ns_fds[NAMESPACE_USER]);
        if (unshare_flags & CLONE_NEWUSER) {
                SyncMessage ack;
                if (unshare(CLONE_NEWUSER) < 0)
                        stage_fail(ctx->sync_fd, negative_errno(), "linux.namespaces: unshare the user namespace");
                unshare_flags &= ~CLONE_NEWUSER;
                /* Rootless, stage 0 is an unprivileged process of the same user: it may write our
                 * maps only while /proc/<us> is that user's, that is while we are dumpable. Nothing
                 * but stage 0 can reach us in that window (no container process exists yet). */
                bool rootless = geteuid() != 0;
                if (rootless)
                        (void) prctl(PR_SET_DUMPABLE, 1);
                if (sync_send(ctx->sync_fd, SYNC_USERMAP_PLS, 0) < 0 || sync_recv(ctx->sync_fd, &ack) < 0 ||
                    ack.type != SYNC_USERMAP_ACK)
                        _exit(1); /* stage 0 reports why */
                if (rootless)
                        (void) prctl(PR_SET_DUMPABLE, 0);
        }
        if (s->namespaces[NAMESPACE_USER].enabled &&
            (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
                stage_fail(ctx->sync_fd, negative_errno(), "become root in the user namespace (is 0 mapped?)");

        for (NamespaceType t = 0; t < _NAMESPACE_MAX; t++)
                if (ns_fds[t] >= 0) {
                        if (setns(ns_fds[t], namespace_type_to_clone_flag(t)) < 0)
                                stage_fail(ctx->sync_fd, negative_errno(), "linux.namespaces: join %s namespace %s",
                                           namespace_type_to_string(t), s->namespaces[t].path);
                        safe_close(ns_fds[t]);
                }
        if (unshare_flags && unshare(unshare_flags) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "linux.namespaces: unshare");
        /* A new time namespace takes its offsets only before a process enters it: init is the
         * first, at the next clone. Stage 0 writes them: in a user namespace our own
         * /proc/self belongs to the host's root, since we are not dumpable. */
        if (s->has_time_offsets) {
                SyncMessage ack;
                if (sync_send(ctx->sync_fd, SYNC_TIMENS_PLS, 0) < 0 || sync_recv(ctx->sync_fd, &ack) < 0 ||
                    ack.type != SYNC_TIMENS_ACK)
                        _exit(1); /* stage 0 reports why */
        }

        /* A new pid namespace applies to our children only: init is the second clone. Stage 0
         * learns who it is from the pidfd, not from a number we could be made to send. */
        init = clone_stage_pidfd(CLONE_PARENT, &init_pidfd);
        if (init < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "clone init");
        if (init == 0)
                stage_init(ctx);
        (void) sync_send_fd(ctx->sync_fd, SYNC_INIT_PID, init_pidfd);
        _exit(0);
}


/* prestart (deprecated, same moment) and createRuntime, in the runtime's namespaces. */
static int run_runtime_hooks(const NsexecConfig *c, pid_t init, Error *e) {
        _cleanup_free_ char *state = hook_state_json(c->id, "creating", init, c->bundle, c->spec);
        int r;

        if (!state)
                return error_set(e, -ENOMEM, "hooks: state");
        r = hooks_run(c->spec, HOOK_PRESTART, state, e);
        if (r < 0)
                return r;
        return hooks_run(c->spec, HOOK_CREATE_RUNTIME, state, e);
}

int nsexec_spawn(const NsexecConfig *c, pid_t *ret_init_pid, bool *ret_cgroup_at_clone, Error *e) {
        _cleanup_close_ int fifo_fd = -EBADF, parent_end = -EBADF, notify_fd = -EBADF, init_pidfd = -EBADF;
        _cleanup_free_ int *idmapped_fds = NULL;
        _cleanup_(cgroup_join_done) CgroupJoin cgroups = CGROUP_JOIN_NULL;
        pid_t stage1 = 0, init = 0;
        bool hooks_requested = false, devices_moved = false, init_ready = false;
        SyncMessage msg;
        int pair[2], r;

        r = cgroup_join_init(&cgroups, c->cgroup_join_fds, c->n_cgroup_join_fds);
        if (r < 0) {
                error_set(e, r, "the container's cgroup descriptors");
                return r;
        }
        if (mkfifoat(c->state_dir_fd, EXEC_FIFO_NAME, 0622) < 0) {
                r = negative_errno();
                error_set(e, r, "create exec.fifo");
                return r;
        }
        /* 0622 whatever our umask: init opens it for writing after it became the container's user. */
        if (fchmodat(c->state_dir_fd, EXEC_FIFO_NAME, 0622, 0) < 0) {
                r = negative_errno();
                error_set(e, r, "chmod exec.fifo");
                goto fail;
        }
        fifo_fd = openat(c->state_dir_fd, EXEC_FIFO_NAME, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (fifo_fd < 0) {
                r = negative_errno();
                error_set(e, r, "open exec.fifo");
                goto fail;
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
                r = negative_errno();
                error_set(e, r, "socketpair");
                goto fail;
        }
        parent_end = pair[0];
        idmapped_fds = calloc(c->spec->n_mounts + 1, sizeof(int));
        if (!idmapped_fds) {
                r = error_set(e, -ENOMEM, "the idmapped mounts");
                safe_close(pair[1]);
                goto fail;
        }
        r = idmap_mounts_prepare(c, idmapped_fds, e);
        if (r < 0) {
                safe_close(pair[1]);
                goto fail;
        }

        stage1 = cgroup_join_clone(&cgroups, c->clone_parent ? CLONE_PARENT : 0);
        if (stage1 < 0) {
                r = negative_errno();
                safe_close(pair[1]);
                stage1 = 0;
                error_set(e, r, "clone stage 1");
                goto fail;
        }
        if (stage1 == 0) {
                StageContext ctx = { .config = c, .sync_fd = pair[1], .fifo_fd = fifo_fd, .idmapped_fds = idmapped_fds,
                                     .cgroups = &cgroups };
                safe_close(pair[0]);
                stage_child(&ctx);
        }
        safe_close(pair[1]); /* so that we see EOF once every child is gone */
        idmap_mounts_close(idmapped_fds, c->spec->n_mounts); /* init has its copies */

        for (;;) {
                notify_fd = safe_close(notify_fd);
                r = sync_recv_fd(parent_end, &msg, &notify_fd);
                if (r == -EPIPE) {
                        error_set_complete(e, r, "container setup ended without a report");
                        goto fail;
                }
                if (r < 0) {
                        error_set(e, r, "read from container setup");
                        goto fail;
                }
                if (msg.type == SYNC_USERMAP_PLS) {
                        r = write_id_maps(stage1, c->spec->uid_mappings, c->spec->n_uid_mappings,
                                          c->spec->gid_mappings, c->spec->n_gid_mappings, "linux", e);
                        if (r < 0)
                                goto fail;
                        if ((r = sync_ack(parent_end, SYNC_USERMAP_ACK, 0, "container setup", e)) < 0)
                                goto fail;
                } else if (msg.type == SYNC_TIMENS_PLS && c->spec->has_time_offsets && init == 0) {
                        r = write_time_offsets(stage1, c->spec, e);
                        if (r < 0)
                                goto fail;
                        if ((r = sync_ack(parent_end, SYNC_TIMENS_ACK, 0, "container setup", e)) < 0)
                                goto fail;
                } else if (msg.type == SYNC_HOOKS_PLS)
                        hooks_requested = true;
                else if (msg.type == SYNC_INIT_PID && init == 0 && notify_fd >= 0) {
                        r = take_sibling_pidfd(&notify_fd, c->clone_parent,
                                               "container setup sent a pidfd that is not its init's", &init,
                                               &init_pidfd, e);
                        if (r < 0)
                                goto fail;
                        /* Before init reports ready, so before anything runs in the container. */
                        r = net_devices_move_into(init, c->spec->net_devices, c->spec->n_net_devices, e);
                        if (r < 0)
                                goto fail;
                        devices_moved = true;
                }
                else if (msg.type == SYNC_INIT_READY)
                        init_ready = true; /* it may overtake stage 1's pid report (below) */
                else if (msg.type == SYNC_WARNING && c->warn)
                        c->warn(msg.text);
                else if (msg.type == SYNC_SECCOMP_FD && notify_fd >= 0 && init > 0) {
                        /* init loads its filter long after stage 1 reported its pid. */
                        r = seccomp_notify_send(notify_fd, c->spec, c->id, "creating", init, init, c->bundle, e);
                        if (r < 0)
                                goto fail;
                        if ((r = sync_ack(parent_end, SYNC_SECCOMP_ACK, 0, "container setup", e)) < 0)
                                goto fail;
                } else if (msg.type == SYNC_ERROR) {
                        r = error_set_complete(e, msg.value > 0 ? -msg.value : -EIO, "%s", msg.text);
                        goto fail;
                } else {
                        r = error_set_complete(e, -EBADMSG, "unexpected message %u from container setup", msg.type);
                        goto fail;
                }
                /* Stage 1's pid report and init's request come from two processes: in either order. */
                if (hooks_requested && init > 0) {
                        hooks_requested = false;
                        r = run_runtime_hooks(c, init, e);
                        if (r < 0)
                                goto fail;
                        if ((r = sync_ack(parent_end, SYNC_HOOKS_ACK, init, "container setup", e)) < 0)
                                goto fail;
                }
                /* init now waits on exec.fifo: nothing of the container's process has run. */
                if (init_ready && init > 0)
                        break;
        }
        wait_exit(stage1, 1000);
        *ret_init_pid = init;
        if (ret_cgroup_at_clone)
                *ret_cgroup_at_clone = cgroups.at_clone;
        return 0;

fail:
        idmap_mounts_close(idmapped_fds, c->spec->n_mounts);
        /* Killing init ends its network namespace: a virtual interface would die with it. */
        if (devices_moved)
                (void) net_devices_return(init, c->spec->net_devices, c->spec->n_net_devices);
        if (init_pidfd >= 0)
                (void) syscall(SYS_pidfd_send_signal, init_pidfd, SIGKILL, NULL, 0);
        if (stage1 > 0) {
                (void) kill(stage1, SIGKILL);
                wait_exit(stage1, 1000);
        }
        (void) unlinkat(c->state_dir_fd, EXEC_FIFO_NAME, 0);
        return r;
}

int nsexec_kill(pid_t pid, uint64_t start_time, int sig) {
        _cleanup_close_ int fd = pidfd_open_checked(pid);
        uint64_t t;

        if (fd < 0)
                return fd;
        /* The pidfd pins the process: checking the start time after opening it closes the race
         * with pid reuse. */
        if (process_get_start_time(pid, &t) < 0 || t != start_time)
                return -ESRCH;
        if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                return negative_errno();
        return 0;
}
