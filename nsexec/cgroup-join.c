/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup-join.h"
#include "macros.h"
#include "stage-util.h"

int cgroup_join_init(CgroupJoin *j, const int *fds, size_t n) {
        *j = (CgroupJoin) { .v2_dir = -EBADF, .opened_procs = -EBADF };
        if (n >= CGROUP_JOIN_MAX) /* one slot stays free for cgroup_join_clone() */
                return -E2BIG;
        for (size_t i = 0; i < n; i++) {
                struct stat st;
                if (fstat(fds[i], &st) < 0)
                        return negative_errno();
                if (!S_ISDIR(st.st_mode))
                        j->procs[j->n_procs++] = fds[i];
                else if (j->v2_dir >= 0)
                        return -EINVAL;
                else
                        j->v2_dir = fds[i];
        }
        return 0;
}

pid_t cgroup_join_clone(CgroupJoin *j, unsigned long flags) {
        if (j->v2_dir >= 0 && j->opened_procs < 0) {
                struct clone_args args = {
                        .flags = flags | CLONE_INTO_CGROUP,
                        /* With CLONE_PARENT the kernel takes our own exit signal and refuses
                         * another (legacy clone() ignored it). */
                        .exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD,
                        .cgroup = (uint64_t) j->v2_dir,
                };
                /* fork() semantics: no stack given, the child returns here too. */
                pid_t pid = (pid_t) syscall(SYS_clone3, &args, sizeof args);
                if (pid >= 0) {
                        j->at_clone = true;
                        return pid;
                }
                /* ENOSYS (before 5.3, or a seccomp filter), E2BIG (before 5.7), or a cgroup that
                 * refuses: the write in the child joins it, or fails with the kernel's reason. */
                j->opened_procs = openat(j->v2_dir, "cgroup.procs", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
                if (j->opened_procs < 0)
                        return -1;
                j->procs[j->n_procs++] = j->opened_procs;
        }
        return clone_stage(flags);
}

int cgroup_join_write(const CgroupJoin *j) {
        for (size_t i = 0; i < j->n_procs; i++)
                if (write(j->procs[i], "0", 1) != 1)
                        return negative_errno();
        return 0;
}

void cgroup_join_done(CgroupJoin *j) {
        j->opened_procs = safe_close(j->opened_procs);
}
