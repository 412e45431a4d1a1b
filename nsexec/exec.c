/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `exec`: a new process in a running container. Stage 1 joins the container's cgroup and then
 * all its namespaces at once with setns(pidfd, flags) (5.8+: user namespace first, and the
 * root and cwd of the container's init come along with its mount namespace); stage 2, cloned
 * into the pid namespace, becomes the process. There is no exec.fifo: stage 0 knows the process
 * runs when the sync socket closes (close-on-exec) without an error on it. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "become.h"
#include "cgroup-join.h"
#include "console.h"
#include "identity.h"
#include "keyring.h"
#include "nsexec.h"
#include "process-util.h"
#include "procfs.h"
#include "seccomp-filter.h"
#include "seccomp-notify.h"
#include "stage-util.h"
#include "sync.h"

typedef struct ExecContext {
        const NsexecExecConfig *config;
        int sync_fd;
        int pidfd;
        int ns_flags;
        const CgroupJoin *cgroups;
} ExecContext;

static _noreturn_ void stage_exec_process(ExecContext *ctx) {
        const Spec *s = ctx->config->spec;
        _cleanup_free_ char *executable = NULL;
        SeccompFilter *filter = NULL;
        int console_socket = ctx->config->console_socket;
        Error e = {};
        int r;

        (void) prctl(PR_SET_NAME, "ocictl:[2:EXEC]");
        if (setsid() < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "setsid");
        r = setup_stdio(ctx->config->stdio);
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "set up stdio");
        r = keep_fds_preserving(ctx->config->preserve_fds, ctx->config->n_preserve_fds,
                                (int *const[]) { &ctx->sync_fd, &console_socket }, 2);
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "close the spawner's file descriptors");
        if (s->terminal && (r = console_setup(console_socket, s, false, &e)) < 0)
                stage_fail(ctx->sync_fd, r, "%s", e.message);
        /* The container's keyring, which init made (keyring.h). */
        if (!ctx->config->no_new_keyring &&
            (r = keyring_join_existing(ctx->config->id)) < 0 && r != -ENOSYS)
                stage_fail(ctx->sync_fd, r, "join the session keyring _ses.%s", ctx->config->id);
        stage_become_process(s, ctx->sync_fd, ctx->config->n_preserve_fds, &filter, &executable);
        if (s->no_new_privileges && (r = seccomp_filter_load(filter, &e)) < 0)
                stage_fail(ctx->sync_fd, r, "%s", e.message);
        execve(executable, s->args, s->env ?: (char *[]) { NULL });
        stage_fail(ctx->sync_fd, negative_errno(), "exec %s", executable);
}

static _noreturn_ void stage_exec_child(ExecContext *ctx) {
        int child_pidfd = -EBADF, r;
        pid_t child;

        (void) prctl(PR_SET_NAME, "ocictl:[1:EXEC]");
        reset_signals();
        r = cgroup_join_write(ctx->cgroups);
        if (r < 0)
                stage_fail(ctx->sync_fd, r, "join the container's cgroup");
        /* While we are still the host's root in the host's namespaces (procfs.h). */
        if (ctx->config->spec->has_oom_score_adj &&
            (r = procfs_set_oom_score_adj(ctx->config->spec->oom_score_adj)) < 0)
                stage_fail(ctx->sync_fd, r, "process.oomScoreAdj: set %d", ctx->config->spec->oom_score_adj);
        /* A container in our mount namespace (none of its own) has a chroot for a root, which
         * setns does not bring along: take init's, from our own /proc while we are still the
         * host's root, and check that the pidfd's process is still the one it names. */
        if (!(ctx->ns_flags & CLONE_NEWNS)) {
                char root_path[64];
                snprintf(root_path, sizeof root_path, "/proc/%d/root", (int) ctx->config->init_pid);
                _cleanup_close_ int root = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root < 0 || syscall(SYS_pidfd_send_signal, ctx->pidfd, 0, NULL, 0) < 0)
                        stage_fail(ctx->sync_fd, -ESRCH, "container not running");
                if (fchdir(root) < 0 || chroot(".") < 0)
                        stage_fail(ctx->sync_fd, negative_errno(), "enter the container's root");
        }
        if (ctx->ns_flags && setns(ctx->pidfd, ctx->ns_flags) < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "join the container's namespaces");
        /* Our own pid namespace does not change: the process is the next clone. */
        child = clone_stage_pidfd(CLONE_PARENT, &child_pidfd);
        if (child < 0)
                stage_fail(ctx->sync_fd, negative_errno(), "clone the exec process");
        if (child == 0)
                stage_exec_process(ctx);
        (void) sync_send_fd(ctx->sync_fd, SYNC_INIT_PID, child_pidfd);
        _exit(0);
}

/* The namespaces of pid that differ from ours: those are the ones to join. */
static int namespaces_to_join(pid_t pid, int *ret) {
        int flags = 0;

        for (NamespaceType t = 0; t < _NAMESPACE_MAX; t++) {
                char theirs[64], ours[64];
                struct stat a, b;

                snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int) pid, namespace_type_to_proc_name(t));
                snprintf(ours, sizeof ours, "/proc/self/ns/%s", namespace_type_to_proc_name(t));
                if (stat(theirs, &a) < 0) {
                        if (errno == ENOENT && stat(ours, &b) < 0)
                                continue; /* this kernel lacks the type */
                        return negative_errno();
                }
                if (stat(ours, &b) < 0)
                        return negative_errno();
                if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
                        flags |= namespace_type_to_clone_flag(t);
        }
        *ret = flags;
        return 0;
}

int nsexec_exec(const NsexecExecConfig *c, pid_t *ret_pid, bool *ret_cgroup_at_clone, Error *e) {
        _cleanup_close_ int pidfd = -EBADF, parent_end = -EBADF, child_pidfd = -EBADF;
        _cleanup_(cgroup_join_done) CgroupJoin cgroups = CGROUP_JOIN_NULL;
        pid_t stage1 = 0, child = 0;
        uint64_t t;
        int pair[2], flags, r;

        r = cgroup_join_init(&cgroups, c->cgroup_join_fds, c->n_cgroup_join_fds);
        if (r < 0) {
                error_set(e, r, "the container's cgroup descriptors");
                return r;
        }
        /* The pidfd pins init: checking its start time after opening it rules out a recycled pid. */
        pidfd = pidfd_open_checked(c->init_pid);
        if (pidfd < 0 || process_get_start_time(c->init_pid, &t) < 0 || t != c->init_start_time) {
                return error_set_complete(e, -ESRCH, "container not running");
        }
        r = namespaces_to_join(c->init_pid, &flags);
        if (r < 0) {
                error_set(e, r, "read the container's namespaces");
                return r;
        }
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
                r = negative_errno();
                error_set(e, r, "socketpair");
                return r;
        }
        parent_end = pair[0];
        stage1 = cgroup_join_clone(&cgroups, c->clone_parent ? CLONE_PARENT : 0);
        if (stage1 < 0) {
                r = negative_errno();
                safe_close(pair[1]);
                error_set(e, r, "clone");
                return r;
        }
        if (stage1 == 0) {
                ExecContext ctx = { .config = c, .sync_fd = pair[1], .pidfd = pidfd, .ns_flags = flags,
                                    .cgroups = &cgroups };
                safe_close(pair[0]);
                stage_exec_child(&ctx);
        }
        safe_close(pair[1]);

        for (;;) {
                _cleanup_close_ int notify_fd = -EBADF;
                SyncMessage msg;
                r = sync_recv_fd(parent_end, &msg, &notify_fd);
                if (r == -EPIPE && child > 0)
                        break; /* every end closed: stage 1 exited, the process exec'd */
                if (r == -EPIPE) {
                        error_set_complete(e, r, "exec set-up ended without a report");
                        goto fail;
                }
                if (r < 0) {
                        error_set(e, r, "read from exec set-up");
                        goto fail;
                }
                if (msg.type == SYNC_INIT_PID && child == 0 && notify_fd >= 0) {
                        r = take_sibling_pidfd(&notify_fd, c->clone_parent,
                                               "exec set-up sent a pidfd that is not its process's", &child,
                                               &child_pidfd, e);
                        if (r < 0)
                                goto fail;
                }
                else if (msg.type == SYNC_WARNING && c->warn)
                        c->warn(msg.text);
                else if (msg.type == SYNC_SECCOMP_FD && notify_fd >= 0 && child > 0) {
                        r = seccomp_notify_send(notify_fd, c->spec, c->id, "running", child, c->init_pid, c->bundle,
                                                e);
                        if (r < 0)
                                goto fail;
                        if ((r = sync_ack(parent_end, SYNC_SECCOMP_ACK, 0, "exec set-up", e)) < 0)
                                goto fail;
                }
                else if (msg.type == SYNC_ERROR) {
                        r = error_set_complete(e, msg.value > 0 ? -msg.value : -EIO, "%s", msg.text);
                        goto fail;
                }
        }
        wait_exit(stage1, 1000);
        *ret_pid = child;
        if (ret_cgroup_at_clone)
                *ret_cgroup_at_clone = cgroups.at_clone;
        return 0;

fail:
        if (child_pidfd >= 0)
                (void) syscall(SYS_pidfd_send_signal, child_pidfd, SIGKILL, NULL, 0);
        (void) kill(stage1, SIGKILL);
        wait_exit(stage1, 1000);
        return r;
}
