/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-enosys.h"
#include "seccomp-filter.h"

struct SeccompFilter {
        scmp_filter_ctx ctx;
        const SpecSeccomp *spec;
        int notify_fd;
};

/* The parser keeps SCMP_ACT_ERRNO/TRACE without their value; the errno goes in here. */
static uint32_t fold_action(uint32_t action, uint32_t errno_ret) {
        if (action == SCMP_ACT_ERRNO(0))
                return SCMP_ACT_ERRNO(errno_ret);
        if (action == SCMP_ACT_TRACE(0))
                return SCMP_ACT_TRACE(errno_ret);
        return action;
}

static bool args_share_an_index(const SpecSeccompRule *rule) {
        for (size_t i = 0; i < rule->n_args; i++)
                for (size_t j = i + 1; j < rule->n_args; j++)
                        if (rule->args[i].index == rule->args[j].index)
                                return true;
        return false;
}

static struct scmp_arg_cmp to_cmp(const SpecSeccompArg *a) {
        /* For MASKED_EQ the spec's value is the mask and valueTwo the datum, as libseccomp wants. */
        return (struct scmp_arg_cmp) {
                .arg = a->index,
                .op = a->op,
                .datum_a = a->value,
                .datum_b = a->value_two,
        };
}

static int add_rule(scmp_filter_ctx ctx, uint32_t default_action, const SpecSeccompRule *rule, size_t index,
                    Error *e) {
        uint32_t action = fold_action(rule->action, rule->errno_ret);
        struct scmp_arg_cmp cmps[6];
        int r;

        if (action == default_action)
                return 0; /* libseccomp refuses a rule that repeats the default */
        for (size_t i = 0; i < rule->n_args && i < 6; i++)
                cmps[i] = to_cmp(&rule->args[i]);
        for (char **name = rule->names; *name; name++) {
                int nr = seccomp_syscall_resolve_name(*name);
                if (nr == __NR_SCMP_ERROR)
                        continue; /* unknown here (another architecture's syscall): runc skips it */
                if (args_share_an_index(rule)) {
                        /* libseccomp takes one comparison per argument in a rule: several on the
                         * same argument become one rule each (they match as OR, as in runc). */
                        for (size_t i = 0; i < rule->n_args; i++) {
                                r = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[i]);
                                if (r < 0)
                                        return error_set(e, r, "linux.seccomp.syscalls[%zu]: %s", index, *name);
                        }
                        continue;
                }
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned) rule->n_args, cmps);
                if (r < 0)
                        return error_set(e, r, "linux.seccomp.syscalls[%zu]: %s", index, *name);
        }
        return 0;
}

int seccomp_filter_build(const SpecSeccomp *sc, SeccompFilter **ret, Error *e) {
        uint32_t default_action;
        scmp_filter_ctx ctx;
        SeccompFilter *f;
        int r = 0;

        *ret = NULL;
        if (!sc->enabled)
                return 0;
        default_action = fold_action(sc->default_action, sc->default_errno_ret);
        ctx = seccomp_init(default_action);
        if (!ctx)
                return error_set(e, -EINVAL, "linux.seccomp.defaultAction: libseccomp refused it");
        if (sc->flags & SPEC_SECCOMP_FLAG_WAIT_KILLABLE_RECV) {
                seccomp_release(ctx);
                return error_set(e, -EOPNOTSUPP,
                                   "linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a newer libseccomp");
        }
        for (size_t i = 0; i < sc->n_architectures; i++) {
                r = seccomp_arch_add(ctx, sc->architectures[i]);
                if (r < 0 && r != -EEXIST) {
                        seccomp_release(ctx);
                        return error_set(e, r, "linux.seccomp.architectures[%zu]", i);
                }
        }
        for (size_t i = 0; i < sc->n_rules; i++) {
                r = add_rule(ctx, default_action, &sc->rules[i], i, e);
                if (r < 0) {
                        seccomp_release(ctx);
                        return r;
                }
        }
        f = malloc(sizeof *f);
        if (!f) {
                seccomp_release(ctx);
                return error_set(e, -ENOMEM, "linux.seccomp");
        }
        *f = (SeccompFilter) { .ctx = ctx, .spec = sc, .notify_fd = -EBADF };
        *ret = f;
        return 0;
}

/* libseccomp's program as the kernel would get it (an array of struct sock_filter). */
static int export_program(scmp_filter_ctx ctx, struct sock_filter *out, size_t max, size_t *ret_n) {
        _cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
        ssize_t n;
        int r;

        if (fd < 0)
                return negative_errno();
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        n = pread(fd, out, max * sizeof *out + 1, 0);
        if (n < 0)
                return negative_errno();
        if ((size_t) n > max * sizeof *out || n % (ssize_t) sizeof *out != 0)
                return -E2BIG;
        *ret_n = (size_t) n / sizeof *out;
        return 0;
}

int seccomp_filter_load(SeccompFilter *f, Error *e) {
        static struct sock_filter program[BPF_MAXINSNS];
        unsigned flags = 0;
        size_t n_stub, n_body;
        long fd;
        int r;

        if (!f)
                return 0;
        r = seccomp_enosys_stub(f->spec, program, ELEMENTSOF(program), &n_stub);
        if (r < 0)
                return error_set(e, r, "linux.seccomp: the ENOSYS stub");
        r = export_program(f->ctx, program + n_stub, ELEMENTSOF(program) - n_stub, &n_body);
        if (r < 0)
                return error_set(e, r, "linux.seccomp: the filter (more than %d instructions?)", BPF_MAXINSNS);
        if (f->spec->flags & SPEC_SECCOMP_FLAG_TSYNC)
                flags |= SECCOMP_FILTER_FLAG_TSYNC;
        if (f->spec->flags & SPEC_SECCOMP_FLAG_LOG)
                flags |= SECCOMP_FILTER_FLAG_LOG;
        if (f->spec->flags & SPEC_SECCOMP_FLAG_SPEC_ALLOW)
                flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        if (seccomp_filter_has_notify(f->spec)) {
                flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
                if (flags & SECCOMP_FILTER_FLAG_TSYNC)
                        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH; /* the kernel's price for both */
        }
        struct sock_fprog prog = { .len = (unsigned short) (n_stub + n_body), .filter = program };
        /* noNewPrivileges is the spec's to decide: without it loading needs CAP_SYS_ADMIN. */
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (fd < 0)
                return error_set(e, negative_errno(), "linux.seccomp: load the filter");
        if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
                f->notify_fd = (int) fd;
        return 0;
}

int seccomp_filter_take_notify_fd(SeccompFilter *f) {
        return f && f->notify_fd >= 0 ? TAKE_FD(f->notify_fd) : -ENOENT;
}

SeccompFilter *seccomp_filter_free(SeccompFilter *f) {
        if (f) {
                seccomp_release(f->ctx);
                safe_close(f->notify_fd);
                free(f);
        }
        return NULL;
}

bool seccomp_filter_has_notify(const SpecSeccomp *sc) {
        for (size_t i = 0; i < sc->n_rules; i++)
                if (sc->rules[i].action == SCMP_ACT_NOTIFY)
                        return true;
        return false;
}
