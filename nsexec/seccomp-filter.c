/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "seccomp-filter.h"

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
                    StageError *e) {
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
                                        return step_failed(e, r, "linux.seccomp.syscalls[%zu]: %s", index, *name);
                        }
                        continue;
                }
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned) rule->n_args, cmps);
                if (r < 0)
                        return step_failed(e, r, "linux.seccomp.syscalls[%zu]: %s", index, *name);
        }
        return 0;
}

int seccomp_filter_build(const SpecSeccomp *sc, scmp_filter_ctx *ret, StageError *e) {
        uint32_t default_action;
        scmp_filter_ctx ctx;
        int r = 0;

        *ret = NULL;
        if (!sc->enabled)
                return 0;
        default_action = fold_action(sc->default_action, sc->default_errno_ret);
        ctx = seccomp_init(default_action);
        if (!ctx)
                return step_failed(e, -EINVAL, "linux.seccomp.defaultAction: libseccomp refused it");
        /* noNewPrivileges is the spec's to decide, not libseccomp's. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r >= 0 && (sc->flags & SPEC_SECCOMP_FLAG_TSYNC))
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
        if (r >= 0 && (sc->flags & SPEC_SECCOMP_FLAG_LOG))
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
        if (r >= 0 && (sc->flags & SPEC_SECCOMP_FLAG_SPEC_ALLOW))
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
        if (r < 0) {
                seccomp_release(ctx);
                return step_failed(e, r, "linux.seccomp.flags");
        }
        if (sc->flags & SPEC_SECCOMP_FLAG_WAIT_KILLABLE_RECV) {
                seccomp_release(ctx);
                return step_failed(e, -EOPNOTSUPP,
                                   "linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a newer libseccomp");
        }
        for (size_t i = 0; i < sc->n_architectures; i++) {
                r = seccomp_arch_add(ctx, sc->architectures[i]);
                if (r < 0 && r != -EEXIST) {
                        seccomp_release(ctx);
                        return step_failed(e, r, "linux.seccomp.architectures[%zu]", i);
                }
        }
        for (size_t i = 0; i < sc->n_rules; i++) {
                r = add_rule(ctx, default_action, &sc->rules[i], i, e);
                if (r < 0) {
                        seccomp_release(ctx);
                        return r;
                }
        }
        *ret = ctx;
        return 0;
}

int seccomp_filter_load(scmp_filter_ctx ctx, StageError *e) {
        int r;
        if (!ctx)
                return 0;
        r = seccomp_load(ctx);
        if (r < 0)
                return step_failed(e, r, "linux.seccomp: load the filter");
        return 0;
}

bool seccomp_filter_has_notify(const SpecSeccomp *sc) {
        for (size_t i = 0; i < sc->n_rules; i++)
                if (sc->rules[i].action == SCMP_ACT_NOTIFY)
                        return true;
        return false;
}
