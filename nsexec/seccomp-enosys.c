/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>

#include "seccomp-enosys.h"

#define X32_SYSCALL_BIT 0x40000000u
#define ARCHES_MAX 16

typedef struct ArchLimit {
        uint32_t audit_arch; /* what the kernel puts in seccomp_data.arch */
        uint32_t max_nr;     /* the highest syscall the profile names there, 0 if none */
        uint32_t max_x32;    /* x86_64 only: the same for x32 (numbers with the x32 bit) */
} ArchLimit;

static bool action_is_permissive(uint32_t action) {
        return action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG || (action & SCMP_ACT_TRACE(0)) == SCMP_ACT_TRACE(0);
}

/* The highest number any rule's name has on arch; names unknown there are skipped, as they are
 * when the rules are added. */
static uint32_t highest_syscall(const SpecSeccomp *sc, uint32_t arch) {
        uint32_t max = 0;
        for (size_t i = 0; i < sc->n_rules; i++)
                for (char **name = sc->rules[i].names; *name; name++) {
                        int nr = seccomp_syscall_resolve_name_arch(arch, *name);
                        if (nr >= 0 && (uint32_t) nr > max)
                                max = (uint32_t) nr;
                }
        return max;
}

static ArchLimit *limit_for(ArchLimit *l, size_t *n, uint32_t audit_arch) {
        for (size_t i = 0; i < *n; i++)
                if (l[i].audit_arch == audit_arch)
                        return &l[i];
        if (*n >= ARCHES_MAX)
                return NULL;
        l[*n] = (ArchLimit) { .audit_arch = audit_arch };
        return &l[(*n)++];
}

/* The profile's architectures plus the native one, each with its highest syscall. x32 shares
 * x86_64's audit arch and is told apart by the x32 bit of the number. */
static size_t collect_limits(const SpecSeccomp *sc, ArchLimit *limits) {
        uint32_t arches[ARCHES_MAX + 1];
        size_t n_arches = 0, n = 0;

        arches[n_arches++] = seccomp_arch_native();
        for (size_t i = 0; i < sc->n_architectures && n_arches <= ARCHES_MAX; i++)
                arches[n_arches++] = sc->architectures[i];
        for (size_t i = 0; i < n_arches; i++) {
                uint32_t arch = arches[i], max = highest_syscall(sc, arch);
                bool x32 = arch == SCMP_ARCH_X32;
                ArchLimit *l;

                if (max == 0)
                        continue; /* nothing known there: libseccomp's program decides alone */
                l = limit_for(limits, &n, x32 ? AUDIT_ARCH_X86_64 : arch);
                if (!l)
                        break;
                if (x32)
                        l->max_x32 = max > l->max_x32 ? max : l->max_x32;
                else
                        l->max_nr = max > l->max_nr ? max : l->max_nr;
        }
        return n;
}

/* Two instructions at pc: a number above max goes to enosys, any other past the stub (max 0:
 * the profile names nothing there, so the filter alone decides). Returns the next pc. */
static size_t emit_above_max(struct sock_filter *out, size_t pc, uint32_t max, size_t enosys, size_t body_start) {
        if (max)
                out[pc] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, max, (uint8_t) (enosys - pc - 1), 0);
        else
                out[pc] = (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, 0);
        pc++;
        out[pc] = (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, (uint32_t) (body_start - pc - 1));
        return pc + 1;
}

int seccomp_enosys_stub(const SpecSeccomp *sc, struct sock_filter *out, size_t max, size_t *ret_n) {
        uint32_t default_action = sc->default_action == SCMP_ACT_ERRNO(0) ? SCMP_ACT_ERRNO(sc->default_errno_ret)
                                                                           : sc->default_action;
        ArchLimit limits[ARCHES_MAX];
        size_t n_limits, n = 0, body_start, section[ARCHES_MAX], enosys;

        *ret_n = 0;
        if (action_is_permissive(default_action) || default_action == SCMP_ACT_ERRNO(ENOSYS))
                return 0;
        n_limits = collect_limits(sc, limits);
        if (n_limits == 0)
                return 0;
        /* Layout: load arch; one JEQ per arch to its section; JA past the stub. Each section:
         * load nr; on x86_64 an x32 test; JGT max → ENOSYS; JA past the stub. Then RET ENOSYS.
         * The sizes are known in advance, so every jump is computed before it is written. */
        size_t size = 1 + n_limits + 1;
        for (size_t i = 0; i < n_limits; i++) {
                section[i] = size;
                size += limits[i].audit_arch == AUDIT_ARCH_X86_64 ? 6 : 3;
        }
        enosys = size++;
        if (size > max || size > 255)
                return -E2BIG;
        body_start = size;
#define JUMP_FROM(pc, target) ((uint8_t) ((target) - (pc) - 1))
#define JA_FROM(pc, target) ((uint32_t) ((target) - (pc) - 1))
        out[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
        for (size_t i = 0; i < n_limits; i++, n++)
                out[n] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, limits[i].audit_arch,
                                                       JUMP_FROM(n, section[i]), 0);
        out[n] = (struct sock_filter) BPF_STMT(BPF_JMP | BPF_JA, JA_FROM(n, body_start));
        n++;
        for (size_t i = 0; i < n_limits; i++) {
                const ArchLimit *l = &limits[i];
                out[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
                if (l->audit_arch == AUDIT_ARCH_X86_64) {
                        /* An x32 number is compared with x32's highest (or left to the filter);
                         * the others go on to x86_64's test, three instructions down. */
                        out[n] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, 0, 2);
                        n++;
                        n = emit_above_max(out, n, l->max_x32, enosys, body_start);
                }
                n = emit_above_max(out, n, l->max_nr, enosys, body_start);
        }
        if (n != enosys)
                return -EINVAL;
        out[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
#undef JUMP_FROM
#undef JA_FROM
        *ret_n = n;
        return 0;
}
