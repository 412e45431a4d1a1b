/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/close_range.h>
#include <sys/prctl.h>

#include "become.h"
#include "identity.h"
#include "seccomp-filter.h"
#include "seccomp-notify.h"
#include "stage-util.h"
#include "sync.h"

void stage_become_process(const Spec *s, int sync_fd, size_t n_preserve_fds, SeccompFilter **ret_filter,
                          char **ret_executable) {
        Error e = {};
        int r;

        r = identity_apply_limits(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.message);
        /* Entered while still privileged, as runc does: a cwd only root can reach works. */
        if (chdir(s->cwd) < 0)
                stage_fail(sync_fd, negative_errno(), "process.cwd: chdir to %s", s->cwd);
        if (check_cwd_inside() < 0)
                stage_fail(sync_fd, 0, "process.cwd: %s leads outside the container", s->cwd);
        /* Nothing of the host may reach the container: every fd above stdio and the preserved
         * ones closes at exec. Before the filter: a profile need not allow close_range. */
        if (close_range(3 + (unsigned) n_preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                stage_fail(sync_fd, negative_errno(), "close_range");
        /* From the load on (without noNewPrivileges) only what runc also does after its own
         * load may follow: prctl, setgroups, setres[ug]id, capset, stat/access for the
         * executable, write, openat of exec.fifo, execve (docs/errors.md). */
        r = seccomp_filter_build(&s->seccomp, ret_filter, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.message);
        /* Without no_new_privs loading a filter needs CAP_SYS_ADMIN: now, before the uid change.
         * A filter with a listener loads now as well, so that its fd reaches the listener while
         * stage 0 still waits for us (as runc sends it during create). */
        bool notify = s->seccomp.listener_path && seccomp_filter_has_notify(&s->seccomp);
        if ((!s->no_new_privileges || notify) && *ret_filter) {
                r = seccomp_filter_load(*ret_filter, &e);
                if (r < 0)
                        stage_fail(sync_fd, r, "%s", e.message);
                if (notify && (r = seccomp_notify_pass_up(*ret_filter, sync_fd)) < 0)
                        _exit(1); /* stage 0 reports why */
                *ret_filter = seccomp_filter_free(*ret_filter); /* loaded: the callers' late load has nothing left to do */
        }
        r = identity_apply_user(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.message);
        if (r > 0)
                (void) sync_send_text(sync_fd, SYNC_WARNING, e.message);
        /* A change of uid or capabilities resets "dumpable" to fs.suid_dumpable, which an admin
         * may have set to 1: we stay out of the container's reach until execve. */
        if (prctl(PR_SET_DUMPABLE, 0) < 0)
                stage_fail(sync_fd, negative_errno(), "prctl(PR_SET_DUMPABLE)");
        r = identity_find_executable(s, ret_executable, &e);
        if (r < 0)
                stage_fail_step(sync_fd, r, &e);
        r = identity_apply_no_new_privileges(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.message);
}
