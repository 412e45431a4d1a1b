/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "sandbox.h"
#include "spec.h"

#define NOBODY 65534

static int drop_identity(void) {
        if (geteuid() != 0)
                return 0;
        /* The bounding set can only shrink while we still hold CAP_SETPCAP. */
        for (int cap = 0; cap <= capability_last(); cap++)
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                        return negative_errno();
        if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
            setresuid(NOBODY, NOBODY, NOBODY) < 0)
                return negative_errno();
        return 0;
}

static int drop_capabilities(void) {
        cap_t caps = cap_init(); /* all sets empty */
        int r = 0;

        if (!caps)
                return -ENOMEM;
        if (cap_set_proc(caps) < 0)
                r = negative_errno();
        cap_free(caps);
        if (r >= 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                r = negative_errno();
        return r;
}

static int install_seccomp(void) {
        static const int denied[] = {
                SCMP_SYS(execve),        SCMP_SYS(execveat),      SCMP_SYS(ptrace),
                SCMP_SYS(socket),        SCMP_SYS(socketpair),    SCMP_SYS(connect),
                SCMP_SYS(bind),          SCMP_SYS(listen),        SCMP_SYS(accept),
                SCMP_SYS(accept4),       SCMP_SYS(mount),         SCMP_SYS(umount2),
                SCMP_SYS(pivot_root),    SCMP_SYS(chroot),        SCMP_SYS(unshare),
                SCMP_SYS(setns),         SCMP_SYS(clone3),        SCMP_SYS(fork),
                SCMP_SYS(vfork),         SCMP_SYS(kill),          SCMP_SYS(tkill),
                SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev), SCMP_SYS(bpf),
                SCMP_SYS(keyctl),        SCMP_SYS(add_key),       SCMP_SYS(request_key),
                SCMP_SYS(init_module),   SCMP_SYS(finit_module),  SCMP_SYS(kexec_load),
                SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd), SCMP_SYS(open_tree),
                SCMP_SYS(move_mount),    SCMP_SYS(fsopen),        SCMP_SYS(fsmount),
                SCMP_SYS(unlink),        SCMP_SYS(unlinkat),      SCMP_SYS(rename),
                SCMP_SYS(renameat),      SCMP_SYS(renameat2),     SCMP_SYS(mkdir),
                SCMP_SYS(mkdirat),       SCMP_SYS(chmod),         SCMP_SYS(fchmodat),
                SCMP_SYS(chown),         SCMP_SYS(fchownat),      SCMP_SYS(creat),
                SCMP_SYS(truncate),      SCMP_SYS(symlink),       SCMP_SYS(symlinkat),
                SCMP_SYS(link),          SCMP_SYS(linkat),
        };
        static const int write_flags[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC };
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        int r = 0;

        if (!ctx)
                return -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(denied); i++)
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0);
        /* Reading is all the parser does: opening anything for writing or creating is refused. */
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(write_flags); i++) {
                r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 1,
                                     SCMP_A2(SCMP_CMP_MASKED_EQ, write_flags[i], write_flags[i]));
                if (r >= 0)
                        r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 1,
                                             SCMP_A1(SCMP_CMP_MASKED_EQ, write_flags[i], write_flags[i]));
        }
        if (r >= 0)
                r = seccomp_load(ctx);
        seccomp_release(ctx);
        return r;
}

int sandbox_enter(void) {
        int r;

        r = drop_identity();
        if (r >= 0)
                r = drop_capabilities();
        if (r >= 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                r = negative_errno();
        if (r >= 0)
                r = install_seccomp();
        return r;
}
