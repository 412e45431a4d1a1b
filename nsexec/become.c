/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "become.h"
#include "identity.h"
#include "seccomp-filter.h"
#include "stage-util.h"
#include "sync.h"

void stage_become_process(const Spec *s, int sync_fd, scmp_filter_ctx *ret_filter, char **ret_executable) {
        StageError e = {};
        int r;

        r = identity_apply_limits(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.what);
        r = seccomp_filter_build(&s->seccomp, ret_filter, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.what);
        /* Without no_new_privs loading a filter needs CAP_SYS_ADMIN: now, before the uid change. */
        if (!s->no_new_privileges && (r = seccomp_filter_load(*ret_filter, &e)) < 0)
                stage_fail(sync_fd, r, "%s", e.what);
        r = identity_apply_user(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.what);
        if (r > 0)
                (void) sync_send_text(sync_fd, SYNC_WARNING, e.what);
        if (chdir(s->cwd) < 0)
                stage_fail(sync_fd, negative_errno(), "process.cwd: chdir to %s", s->cwd);
        if (check_cwd_inside() < 0)
                stage_fail(sync_fd, 0, "process.cwd: %s leads outside the container", s->cwd);
        r = identity_find_executable(s, ret_executable, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.what);
        r = identity_apply_no_new_privileges(s, &e);
        if (r < 0)
                stage_fail(sync_fd, r, "%s", e.what);
}
