/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, "process": user, capabilities, rlimits, LSM labels, I/O priority, scheduler, CPU affinity. */
#include <inttypes.h>

#include "spec-json-parser.h"

static int parse_user(Parser *p, JsonValue *n) {
        static const char *const unsupported[] = { "username", NULL };
        JsonValue *o = NULL;
        JsonValue *m;
        int64_t v;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, "process.user", &o);
        if (r < 0)
                return r;
        if ((m = member(o, "uid"))) {
                r = want_int(p, m, "process.user.uid", 0, UINT32_MAX - 1, &v);
                if (r < 0)
                        return r;
                p->spec->uid = (uid_t) v;
        }
        if ((m = member(o, "gid"))) {
                r = want_int(p, m, "process.user.gid", 0, UINT32_MAX - 1, &v);
                if (r < 0)
                        return r;
                p->spec->gid = (gid_t) v;
        }
        if ((m = member(o, "umask"))) {
                r = want_int(p, m, "process.user.umask", 0, 0777, &v);
                if (r < 0)
                        return r;
                p->spec->umask = (mode_t) v;
                p->spec->has_umask = true;
        }
        if ((m = member(o, "additionalGids"))) {
                JsonValue *a;
                size_t len;

                r = want_array(p, m, "process.user.additionalGids", &a);
                if (r < 0)
                        return r;
                len = json_length(a);
                p->spec->additional_gids = calloc(len ?: 1, sizeof(gid_t));
                if (!p->spec->additional_gids)
                        return -ENOMEM;
                for (size_t i = 0; i < len; i++) {
                        _cleanup_free_ char *ipath = join_index("process.user.additionalGids", i);
                        r = want_int(p, json_array_at(a, i), ipath, 0, UINT32_MAX - 1, &v);
                        if (r < 0)
                                return r;
                        p->spec->additional_gids[p->spec->n_additional_gids++] = (gid_t) v;
                }
        }
        return refuse_unsupported(p, o, "process.user", unsupported);
}

static int parse_capabilities(Parser *p, JsonValue *n) {
        JsonValue *o = NULL;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, "process.capabilities", &o);
        if (r < 0)
                return r;
        p->spec->has_capabilities = true;
        for (CapabilitySet set = 0; set < _CAP_SET_MAX; set++) {
                _cleanup_free_ char *path = join("process.capabilities", capability_set_to_string(set));
                _cleanup_strv_free_ char **names = NULL;
                JsonValue *m = member(o, capability_set_to_string(set));

                if (!m)
                        continue;
                r = want_strv(p, m, path, &names);
                if (r < 0)
                        return r;
                for (size_t i = 0; names[i]; i++) {
                        int cap = capability_from_string(names[i]);
                        if (cap < 0) {
                                _cleanup_free_ char *ipath = join_index(path, i);
                                return fail(p, ipath, "unknown capability \"%s\"", names[i]);
                        }
                        if (cap <= capability_last())
                                p->spec->capabilities[set] |= UINT64_C(1) << cap;
                }
        }
        return 0;
}

static int parse_rlimits(Parser *p, JsonValue *n) {
        JsonValue *a;
        size_t len;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "process.rlimits", &a);
        if (r < 0)
                return r;
        len = json_length(a);
        p->spec->rlimits = calloc(len ?: 1, sizeof(SpecRlimit));
        if (!p->spec->rlimits)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("process.rlimits", i), *tpath = NULL, *spath = NULL,
                                    *hpath = NULL, *type = NULL;
                SpecRlimit *rl = &p->spec->rlimits[i];
                JsonValue *o = NULL;
                JsonValue *m;

                r = want_object(p, json_array_at(a, i), path, &o);
                if (r < 0)
                        return r;
                tpath = join(path, "type");
                spath = join(path, "soft");
                hpath = join(path, "hard");
                if (!(m = member(o, "type")))
                        return fail(p, tpath, "missing");
                if ((r = want_string(p, m, tpath, &type)) < 0)
                        return r;
                rl->resource = rlimit_from_string(type);
                if (rl->resource < 0)
                        return fail(p, tpath, "unknown rlimit \"%s\"", type);
                for (size_t j = 0; j < i; j++)
                        if (p->spec->rlimits[j].resource == rl->resource)
                                return fail(p, tpath, "\"%s\" is given twice", type);
                if (!(m = member(o, "soft")))
                        return fail(p, spath, "missing");
                if ((r = want_uint64(p, m, spath, &rl->soft)) < 0)
                        return r;
                if (!(m = member(o, "hard")))
                        return fail(p, hpath, "missing");
                if ((r = want_uint64(p, m, hpath, &rl->hard)) < 0)
                        return r;
                if (rl->soft > rl->hard)
                        return fail(p, spath, "%" PRIu64 " is above the hard limit %" PRIu64,
                                    rl->soft, rl->hard);
                p->spec->n_rlimits++;
        }
        return 0;
}

/* An LSM label the host cannot apply is refused, saying so; an empty label asks for nothing. */
int parse_lsm_label(Parser *p, JsonValue *n, const char *path, const char *lsm_dir, const char *lsm) {
        _cleanup_free_ char *label = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_string(p, n, path, &label)) < 0)
                return r;
        if (!*label)
                return 0;
        if (access(lsm_dir, F_OK) < 0)
                return fail(p, path, "\"%s\": this host has no %s", label, lsm);
        return fail(p, path, "\"%s\": %s labels are not supported yet", label, lsm);
}

static int parse_io_priority(Parser *p, JsonValue *n) {
        static const char *const classes[] = { [1] = "IOPRIO_CLASS_RT", [2] = "IOPRIO_CLASS_BE", [3] = "IOPRIO_CLASS_IDLE" };
        _cleanup_free_ char *class = NULL;
        JsonValue *o = NULL;
        JsonValue *m;
        int64_t v = 0;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "process.ioPriority", &o)) < 0)
                return r;
        if (!(m = member(o, "class")))
                return fail(p, "process.ioPriority.class", "missing");
        if ((r = want_string(p, m, "process.ioPriority.class", &class)) < 0)
                return r;
        for (uint32_t i = 1; i < ELEMENTSOF(classes); i++)
                if (streq(class, classes[i]))
                        p->spec->io_class = i;
        if (p->spec->io_class == 0)
                return fail(p, "process.ioPriority.class", "unknown class \"%s\"", class);
        if ((m = member(o, "priority")) && (r = want_int(p, m, "process.ioPriority.priority", 0, 7, &v)) < 0)
                return r;
        p->spec->io_priority = (uint32_t) v;
        p->spec->has_io_priority = true;
        return 0;
}

static int parse_scheduler(Parser *p, JsonValue *n) {
        static const NamedValue flags[] = {
                { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 },
                { "SCHED_FLAG_DL_OVERRUN", 0x04 },    { "SCHED_FLAG_KEEP_POLICY", 0x08 },
                { "SCHED_FLAG_KEEP_PARAMS", 0x10 },   { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 },
                { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
        };
        static const NamedValue policies[] = {
                { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 }, { "SCHED_BATCH", 3 }, { "SCHED_IDLE", 5 },
                { "SCHED_DEADLINE", 6 },
        };
        Spec *s = p->spec;
        JsonValue *o = NULL;
        JsonValue *m;
        uint64_t policy;
        int64_t v;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "process.scheduler", &o)) < 0)
                return r;
        r = want_named(p, o, "policy", "process.scheduler.policy", "policy", policies, ELEMENTSOF(policies), &policy);
        if (r < 0)
                return r;
        s->sched_policy = (uint32_t) policy;
        if ((m = member(o, "nice"))) {
                if ((r = want_int(p, m, "process.scheduler.nice", -20, 19, &v)) < 0)
                        return r;
                p->spec->sched_nice = (int32_t) v;
        }
        if ((m = member(o, "priority"))) {
                if ((r = want_int(p, m, "process.scheduler.priority", 0, 99, &v)) < 0)
                        return r;
                p->spec->sched_priority = (uint32_t) v;
        }
        if ((m = member(o, "flags")) &&
            (r = want_flags(p, m, "process.scheduler.flags", flags, ELEMENTSOF(flags), &s->sched_flags)) < 0)
                return r;
        {
                static const char *const names[] = { "runtime", "deadline", "period" };
                uint64_t *fields[] = { &s->sched_runtime, &s->sched_deadline, &s->sched_period };
                for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                        _cleanup_free_ char *fpath = join("process.scheduler", names[i]);
                        if ((m = member(o, names[i])) && (r = want_uint64(p, m, fpath, fields[i])) < 0)
                                return r;
                        if (m && s->sched_policy != 6)
                                return fail(p, fpath, "only SCHED_DEADLINE takes a %s", names[i]);
                }
        }
        /* The kernel's own rules for SCHED_DEADLINE (sched_setattr(2)), checked here so that the
         * error names the field: runtime ≤ deadline ≤ period, runtime at least 1024 ns. */
        if (s->sched_policy == 6) {
                uint64_t period = s->sched_period ?: s->sched_deadline;
                if (s->sched_runtime < 1024)
                        return fail(p, "process.scheduler.runtime", "SCHED_DEADLINE needs a runtime of at least 1024 ns");
                if (s->sched_deadline < s->sched_runtime)
                        return fail(p, "process.scheduler.deadline", "%" PRIu64 " is below the runtime (%" PRIu64 ")",
                                    s->sched_deadline, s->sched_runtime);
                if (period < s->sched_deadline)
                        return fail(p, "process.scheduler.period", "%" PRIu64 " is below the deadline (%" PRIu64 ")",
                                    period, s->sched_deadline);
        }
        /* The real-time policies need a priority of 1-99; the others 0. */
        if ((p->spec->sched_policy == 1 || p->spec->sched_policy == 2) != (p->spec->sched_priority > 0))
                return fail(p, "process.scheduler.priority", "%u does not suit %s", p->spec->sched_priority,
                            p->spec->sched_policy == 1 ? "SCHED_FIFO" : p->spec->sched_policy == 2 ? "SCHED_RR" : "this policy");
        p->spec->has_scheduler = true;
        return 0;
}

static int parse_cpu_affinity(Parser *p, JsonValue *n) {
        JsonValue *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "process.execCPUAffinity", &o)) < 0)
                return r;
        for (int k = 0; k < 2; k++) {
                const char *name = k == 0 ? "initial" : "final";
                _cleanup_free_ char *path = join("process.execCPUAffinity", name);
                char **dst = k == 0 ? &p->spec->cpu_affinity_initial : &p->spec->cpu_affinity_final;
                JsonValue *m = member(o, name);
                if (!m)
                        continue;
                if ((r = want_string(p, m, path, dst)) < 0)
                        return r;
                if (!cpu_list_is_valid(*dst))
                        return fail(p, path, "\"%s\" is not a CPU list", *dst);
        }
        return 0;
}

int parse_process(Parser *p, JsonValue *n) {
        static const char *const unsupported[] = { "commandLine", NULL };
        Spec *s = p->spec;
        JsonValue *o = NULL;
        JsonValue *m;
        int64_t v;
        int r;

        /* Optional until `start`, which then fails by name (stages.c): the spec's rule. */
        if (!n)
                return 0;
        r = want_object(p, n, "process", &o);
        if (r < 0)
                return r;
        r = refuse_unsupported(p, o, "process", unsupported);
        if (r < 0)
                return r;
        if ((m = member(o, "terminal")) && (r = want_bool(p, m, "process.terminal", &s->terminal)) < 0)
                return r;
        if ((m = member(o, "consoleSize"))) {
                JsonValue *co = NULL;
                if ((r = want_object(p, m, "process.consoleSize", &co)) < 0)
                        return r;
                for (int k = 0; k < 2; k++) {
                        const char *name = k == 0 ? "height" : "width";
                        _cleanup_free_ char *cpath = join("process.consoleSize", name);
                        JsonValue *d = member(co, name);
                        if (!d)
                                return fail(p, cpath, "missing");
                        if ((r = want_int(p, d, cpath, 0, UINT16_MAX, &v)) < 0)
                                return r;
                        *(k == 0 ? &s->console_height : &s->console_width) = (uint32_t) v;
                }
        }
        if ((r = parse_user(p, member(o, "user"))) < 0)
                return r;
        if (!(m = member(o, "args")))
                return fail(p, "process.args", "missing: nothing to run");
        if ((r = want_strv(p, m, "process.args", &s->args)) < 0)
                return r;
        if (!s->args[0])
                return fail(p, "process.args", "must not be empty");
        if (!*s->args[0])
                return fail(p, "process.args[0]", "must not be empty");
        if ((m = member(o, "env"))) {
                if ((r = want_strv(p, m, "process.env", &s->env)) < 0)
                        return r;
                for (size_t i = 0; s->env[i]; i++)
                        if (!strchr(s->env[i], '=') || s->env[i][0] == '=') {
                                _cleanup_free_ char *ipath = join_index("process.env", i);
                                return fail(p, ipath, "\"%s\" is not NAME=VALUE", s->env[i]);
                        }
        }
        if (!(m = member(o, "cwd")))
                return fail(p, "process.cwd", "missing");
        if ((r = want_string(p, m, "process.cwd", &s->cwd)) < 0)
                return r;
        if (!path_is_absolute(s->cwd))
                return fail(p, "process.cwd", "\"%s\" is not an absolute path", s->cwd);
        if ((r = parse_capabilities(p, member(o, "capabilities"))) < 0)
                return r;
        if ((r = parse_rlimits(p, member(o, "rlimits"))) < 0)
                return r;
        if ((m = member(o, "noNewPrivileges")) &&
            (r = want_bool(p, m, "process.noNewPrivileges", &s->no_new_privileges)) < 0)
                return r;
        if ((r = parse_lsm_label(p, member(o, "apparmorProfile"), "process.apparmorProfile", "/sys/kernel/security/apparmor",
                                 "AppArmor")) < 0 ||
            (r = parse_lsm_label(p, member(o, "selinuxLabel"), "process.selinuxLabel", "/sys/fs/selinux", "SELinux")) < 0 ||
            (r = parse_io_priority(p, member(o, "ioPriority"))) < 0 || (r = parse_scheduler(p, member(o, "scheduler"))) < 0 ||
            (r = parse_cpu_affinity(p, member(o, "execCPUAffinity"))) < 0)
                return r;
        if ((m = member(o, "oomScoreAdj"))) {
                if ((r = want_int(p, m, "process.oomScoreAdj", -1000, 1000, &v)) < 0)
                        return r;
                s->oom_score_adj = (int) v;
                s->has_oom_score_adj = true;
        }
        return 0;
}
