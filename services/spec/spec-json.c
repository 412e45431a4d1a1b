/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <net/if.h>
#include <sys/un.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>

#include "spec-json.h"
#include "systemd-path.h"

typedef struct Parser {
        Spec *spec;
        char *error;
} Parser;

static int fail(Parser *p, const char *path, const char *fmt, ...) _printf_(3, 4);
static int fail(Parser *p, const char *path, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        if (p->error) /* keep the first error: it is the cause */
                return -EINVAL;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (asprintf(&p->error, "%s%s%s", path ?: "", path && *path ? ": " : "", msg) < 0)
                p->error = NULL;
        return -EINVAL;
}

static const char *node_type_name(JsonNode *n) {
        if (JSON_NODE_HOLDS_NULL(n))
                return "null";
        if (JSON_NODE_HOLDS_OBJECT(n))
                return "an object";
        if (JSON_NODE_HOLDS_ARRAY(n))
                return "an array";
        switch (json_node_get_value_type(n)) {
        case G_TYPE_STRING:
                return "a string";
        case G_TYPE_BOOLEAN:
                return "a boolean";
        case G_TYPE_INT64:
                return "an integer";
        default:
                return "a number";
        }
}

static char *join(const char *path, const char *name) {
        char *s;
        if (asprintf(&s, "%s%s%s", path, *path ? "." : "", name) < 0)
                return NULL;
        return s;
}

static char *join_index(const char *path, size_t i) {
        char *s;
        if (asprintf(&s, "%s[%zu]", path, i) < 0)
                return NULL;
        return s;
}

/* A member that is absent or null counts as not given. */
static JsonNode *member(JsonObject *o, const char *name) {
        JsonNode *n = o ? json_object_get_member(o, name) : NULL;
        return n && !JSON_NODE_HOLDS_NULL(n) ? n : NULL;
}

static int want_object(Parser *p, JsonNode *n, const char *path, JsonObject **ret) {
        if (!JSON_NODE_HOLDS_OBJECT(n))
                return fail(p, path, "expected an object, got %s", node_type_name(n));
        *ret = json_node_get_object(n);
        return 0;
}

static int want_array(Parser *p, JsonNode *n, const char *path, JsonArray **ret) {
        if (!JSON_NODE_HOLDS_ARRAY(n))
                return fail(p, path, "expected an array, got %s", node_type_name(n));
        if (json_array_get_length(json_node_get_array(n)) > SPEC_MAX_STRINGS)
                return fail(p, path, "more than %d entries", SPEC_MAX_STRINGS);
        *ret = json_node_get_array(n);
        return 0;
}

static int want_string(Parser *p, JsonNode *n, const char *path, char **ret) {
        const char *s;
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
                return fail(p, path, "expected a string, got %s", node_type_name(n));
        s = json_node_get_string(n);
        if (strlen(s) > SPEC_MAX_STRING_LENGTH)
                return fail(p, path, "longer than %d bytes", SPEC_MAX_STRING_LENGTH);
        free(*ret);
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int want_bool(Parser *p, JsonNode *n, const char *path, bool *ret) {
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_BOOLEAN)
                return fail(p, path, "expected a boolean, got %s", node_type_name(n));
        *ret = json_node_get_boolean(n);
        return 0;
}

static int want_int(Parser *p, JsonNode *n, const char *path, int64_t min, int64_t max, int64_t *ret) {
        int64_t v;
        if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64)
                return fail(p, path, "expected an integer, got %s", node_type_name(n));
        v = json_node_get_int(n);
        if (v < min || v > max)
                return fail(p, path, "%" G_GINT64_FORMAT " is out of range [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]",
                            v, min, max);
        *ret = v;
        return 0;
}

/* Rlimits are uint64 and 2^64-1 means unlimited. json-glib reads integers above INT64_MAX into
 * an int64 with the same 64 bits, so a negative value is the unsigned one it stands for (a
 * literal -1 reads as unlimited too, harmlessly). */
static int want_uint64(Parser *p, JsonNode *n, const char *path, uint64_t *ret) {
        if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64) {
                *ret = (uint64_t) json_node_get_int(n);
                return 0;
        }
        if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_DOUBLE) {
                double d = json_node_get_double(n);
                if (d >= 18446744073709551615.0 && d < 18446744073709551617.0 * 1.0000001) {
                        *ret = UINT64_MAX;
                        return 0;
                }
                if (d >= 0 && d < 18446744073709551615.0 && d == (double) (uint64_t) d) {
                        *ret = (uint64_t) d;
                        return 0;
                }
        }
        return fail(p, path, "expected an unsigned integer, got %s", node_type_name(n));
}

static int want_strv(Parser *p, JsonNode *n, const char *path, char ***ret) {
        JsonArray *a;
        char **l;
        guint len;
        int r;

        r = want_array(p, n, path, &a);
        if (r < 0)
                return r;
        len = json_array_get_length(a);
        l = calloc(len + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *ipath = join_index(path, i);
                r = want_string(p, json_array_get_element(a, i), ipath, &l[i]);
                if (r < 0) {
                        strv_free(l);
                        return r;
                }
        }
        strv_free(*ret);
        *ret = l;
        return 0;
}

typedef struct NamedValue {
        const char *name;
        uint64_t value;
} NamedValue;

/* A member that names one entry of a table (a policy, a mode): its value, or an error that
 * names the field and what kind of name it wanted. */
static int want_named(Parser *p, JsonObject *o, const char *key, const char *path, const char *kind,
                      const NamedValue *table, size_t n_table, uint64_t *ret) {
        _cleanup_free_ char *name = NULL;
        JsonNode *m = member(o, key);
        int r;

        if (!m)
                return fail(p, path, "missing");
        if ((r = want_string(p, m, path, &name)) < 0)
                return r;
        for (size_t i = 0; i < n_table; i++)
                if (streq(name, table[i].name)) {
                        *ret = table[i].value;
                        return 0;
                }
        return fail(p, path, "unknown %s \"%s\"", kind, name);
}

/* A list of flag names, or'ed into *ret. */
static int want_flags(Parser *p, JsonNode *n, const char *path, const NamedValue *table, size_t n_table,
                      uint64_t *ret) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        if ((r = want_strv(p, n, path, &names)) < 0)
                return r;
        for (size_t i = 0; names[i]; i++) {
                size_t k = 0;
                while (k < n_table && !streq(names[i], table[k].name))
                        k++;
                if (k == n_table) {
                        _cleanup_free_ char *ipath = join_index(path, i);
                        return fail(p, ipath, "unknown flag \"%s\"", names[i]);
                }
                *ret |= table[k].value;
        }
        return 0;
}

static int refuse_unsupported(Parser *p, JsonObject *o, const char *path, const char *const *names) {
        for (; *names; names++) {
                JsonNode *n = member(o, *names);
                _cleanup_free_ char *fpath = NULL;

                if (!n)
                        continue;
                /* An empty list or object asks for nothing: accept it. */
                if (JSON_NODE_HOLDS_ARRAY(n) && json_array_get_length(json_node_get_array(n)) == 0)
                        continue;
                if (JSON_NODE_HOLDS_OBJECT(n) && json_object_get_size(json_node_get_object(n)) == 0)
                        continue;
                fpath = join(path, *names);
                return fail(p, fpath, "not supported yet");
        }
        return 0;
}

static bool path_is_absolute(const char *s) {
        return s && s[0] == '/';
}

/* ---- sections ---- */

static int parse_string_map(Parser *p, JsonNode *n, const char *base, size_t max_size, StringPair **ret, size_t *ret_n);
static int parse_id_mappings(Parser *p, JsonNode *n, const char *base, SpecIdMapping **ret, size_t *ret_n);
static NamespaceType sysctl_namespace(const char *key);

static int parse_root(Parser *p, JsonNode *n) {
        JsonObject *o = NULL;
        JsonNode *m;
        int r;

        if (!n)
                return fail(p, "root", "missing: the container needs a root filesystem");
        r = want_object(p, n, "root", &o);
        if (r < 0)
                return r;
        m = member(o, "path");
        if (!m)
                return fail(p, "root.path", "missing");
        r = want_string(p, m, "root.path", &p->spec->root_path);
        if (r < 0)
                return r;
        if (!*p->spec->root_path)
                return fail(p, "root.path", "must not be empty");
        if ((m = member(o, "readonly")) && (r = want_bool(p, m, "root.readonly", &p->spec->root_readonly)) < 0)
                return r;
        return 0;
}

static int parse_user(Parser *p, JsonNode *n) {
        static const char *const unsupported[] = { "username", NULL };
        JsonObject *o = NULL;
        JsonNode *m;
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
                JsonArray *a;
                guint len;

                r = want_array(p, m, "process.user.additionalGids", &a);
                if (r < 0)
                        return r;
                len = json_array_get_length(a);
                p->spec->additional_gids = calloc(len ?: 1, sizeof(gid_t));
                if (!p->spec->additional_gids)
                        return -ENOMEM;
                for (guint i = 0; i < len; i++) {
                        _cleanup_free_ char *ipath = join_index("process.user.additionalGids", i);
                        r = want_int(p, json_array_get_element(a, i), ipath, 0, UINT32_MAX - 1, &v);
                        if (r < 0)
                                return r;
                        p->spec->additional_gids[p->spec->n_additional_gids++] = (gid_t) v;
                }
        }
        return refuse_unsupported(p, o, "process.user", unsupported);
}

static int parse_capabilities(Parser *p, JsonNode *n) {
        JsonObject *o = NULL;
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
                JsonNode *m = member(o, capability_set_to_string(set));

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

static int parse_rlimits(Parser *p, JsonNode *n) {
        JsonArray *a;
        guint len;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "process.rlimits", &a);
        if (r < 0)
                return r;
        len = json_array_get_length(a);
        p->spec->rlimits = calloc(len ?: 1, sizeof(SpecRlimit));
        if (!p->spec->rlimits)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("process.rlimits", i), *tpath = NULL, *spath = NULL,
                                    *hpath = NULL, *type = NULL;
                SpecRlimit *rl = &p->spec->rlimits[i];
                JsonObject *o = NULL;
                JsonNode *m;

                r = want_object(p, json_array_get_element(a, i), path, &o);
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
                for (guint j = 0; j < i; j++)
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
                        return fail(p, spath, "%" G_GUINT64_FORMAT " is above the hard limit %" G_GUINT64_FORMAT,
                                    rl->soft, rl->hard);
                p->spec->n_rlimits++;
        }
        return 0;
}

/* An LSM label the host cannot apply is refused, saying so; an empty label asks for nothing. */
static int parse_lsm_label(Parser *p, JsonNode *n, const char *path, const char *lsm_dir, const char *lsm) {
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

static int parse_io_priority(Parser *p, JsonNode *n) {
        static const char *const classes[] = { [1] = "IOPRIO_CLASS_RT", [2] = "IOPRIO_CLASS_BE", [3] = "IOPRIO_CLASS_IDLE" };
        _cleanup_free_ char *class = NULL;
        JsonObject *o = NULL;
        JsonNode *m;
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

static int parse_scheduler(Parser *p, JsonNode *n) {
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
        JsonObject *o = NULL;
        JsonNode *m;
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

static bool cpu_list_is_valid(const char *s) {
        /* "0-3,7,9-10" */
        if (!*s)
                return false;
        for (const char *c = s; *c;) {
                char *end;
                unsigned long a = strtoul(c, &end, 10), b;
                if (end == c || a >= 8192)
                        return false;
                c = end;
                if (*c == '-') {
                        b = strtoul(c + 1, &end, 10);
                        if (end == c + 1 || b < a || b >= 8192)
                                return false;
                        c = end;
                }
                if (*c == ',')
                        c++;
                else if (*c)
                        return false;
        }
        return true;
}

static int parse_cpu_affinity(Parser *p, JsonNode *n) {
        JsonObject *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "process.execCPUAffinity", &o)) < 0)
                return r;
        for (int k = 0; k < 2; k++) {
                const char *name = k == 0 ? "initial" : "final";
                _cleanup_free_ char *path = join("process.execCPUAffinity", name);
                char **dst = k == 0 ? &p->spec->cpu_affinity_initial : &p->spec->cpu_affinity_final;
                JsonNode *m = member(o, name);
                if (!m)
                        continue;
                if ((r = want_string(p, m, path, dst)) < 0)
                        return r;
                if (!cpu_list_is_valid(*dst))
                        return fail(p, path, "\"%s\" is not a CPU list", *dst);
        }
        return 0;
}

static int parse_process(Parser *p, JsonNode *n) {
        static const char *const unsupported[] = { "commandLine", NULL };
        Spec *s = p->spec;
        JsonObject *o = NULL;
        JsonNode *m;
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
                JsonObject *co = NULL;
                if ((r = want_object(p, m, "process.consoleSize", &co)) < 0)
                        return r;
                for (int k = 0; k < 2; k++) {
                        const char *name = k == 0 ? "height" : "width";
                        _cleanup_free_ char *cpath = join("process.consoleSize", name);
                        JsonNode *d = member(co, name);
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

static int parse_mounts(Parser *p, JsonNode *n) {
        JsonArray *a;
        guint len;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "mounts", &a);
        if (r < 0)
                return r;
        len = json_array_get_length(a);
        p->spec->mounts = calloc(len ?: 1, sizeof(SpecMount));
        if (!p->spec->mounts)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("mounts", i), *dpath = NULL;
                SpecMount *mt = &p->spec->mounts[p->spec->n_mounts++];
                JsonObject *o = NULL;
                JsonNode *m;

                r = want_object(p, json_array_get_element(a, i), path, &o);
                if (r < 0)
                        return r;
                dpath = join(path, "destination");
                if (!(m = member(o, "destination")))
                        return fail(p, dpath, "missing");
                if ((r = want_string(p, m, dpath, &mt->destination)) < 0)
                        return r;
                if (!path_is_absolute(mt->destination))
                        return fail(p, dpath, "\"%s\" is not an absolute path", mt->destination);
                if ((m = member(o, "type"))) {
                        _cleanup_free_ char *tpath = join(path, "type");
                        if ((r = want_string(p, m, tpath, &mt->type)) < 0)
                                return r;
                }
                if ((m = member(o, "source"))) {
                        _cleanup_free_ char *spath = join(path, "source");
                        if ((r = want_string(p, m, spath, &mt->source)) < 0)
                                return r;
                }
                if ((m = member(o, "options"))) {
                        _cleanup_free_ char *opath = join(path, "options");
                        if ((r = want_strv(p, m, opath, &mt->options)) < 0)
                                return r;
                }
                if (!mt->type && !mt->options)
                        return fail(p, path, "needs a type or bind options");
                if ((m = member(o, "uidMappings"))) {
                        _cleanup_free_ char *upath = join(path, "uidMappings");
                        if ((r = parse_id_mappings(p, m, upath, &mt->uid_mappings, &mt->n_uid_mappings)) < 0)
                                return r;
                }
                if ((m = member(o, "gidMappings"))) {
                        _cleanup_free_ char *gpath = join(path, "gidMappings");
                        if ((r = parse_id_mappings(p, m, gpath, &mt->gid_mappings, &mt->n_gid_mappings)) < 0)
                                return r;
                }
        }
        return 0;
}

static bool mount_is_bind(const SpecMount *mt) {
        if (mt->type && streq(mt->type, "bind"))
                return true;
        for (char **o = mt->options; o && *o; o++)
                if (streq(*o, "bind") || streq(*o, "rbind"))
                        return true;
        return false;
}

/* Idmapped mounts, checked once linux.uidMappings are known: "idmap"/"ridmap" without maps of
 * its own take the container's user namespace maps, as runc does. */
static int check_idmapped_mounts(Parser *p) {
        Spec *s = p->spec;

        for (size_t i = 0; i < s->n_mounts; i++) {
                SpecMount *mt = &s->mounts[i];
                _cleanup_free_ char *path = join_index("mounts", i);
                bool option = strv_contains(mt->options, "idmap") || strv_contains(mt->options, "ridmap");
                bool maps = mt->n_uid_mappings > 0 || mt->n_gid_mappings > 0;

                if (!option && !maps)
                        continue;
                if (!mount_is_bind(mt))
                        return fail(p, path, "idmapped mounts must be bind mounts");
                if (!maps) {
                        if (s->n_uid_mappings == 0)
                                return fail(p, path, "\"idmap\" without uidMappings needs the container's own user namespace");
                        mt->uid_mappings = memdup(s->uid_mappings, s->n_uid_mappings * sizeof(SpecIdMapping));
                        mt->gid_mappings = memdup(s->gid_mappings, s->n_gid_mappings * sizeof(SpecIdMapping));
                        if (!mt->uid_mappings || !mt->gid_mappings)
                                return -ENOMEM;
                        mt->n_uid_mappings = s->n_uid_mappings;
                        mt->n_gid_mappings = s->n_gid_mappings;
                }
                if (mt->n_uid_mappings == 0 || mt->n_gid_mappings == 0) {
                        _cleanup_free_ char *mpath = join(path, mt->n_uid_mappings == 0 ? "uidMappings" : "gidMappings");
                        return fail(p, mpath, "an idmapped mount needs both uidMappings and gidMappings");
                }
        }
        return 0;
}

static int parse_namespaces(Parser *p, JsonNode *n) {
        JsonArray *a;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "linux.namespaces", &a);
        if (r < 0)
                return r;
        for (guint i = 0; i < json_array_get_length(a); i++) {
                _cleanup_free_ char *path = join_index("linux.namespaces", i), *tpath = NULL, *type = NULL;
                NamespaceType t;
                JsonObject *o = NULL;
                JsonNode *m;

                r = want_object(p, json_array_get_element(a, i), path, &o);
                if (r < 0)
                        return r;
                tpath = join(path, "type");
                if (!(m = member(o, "type")))
                        return fail(p, tpath, "missing");
                if ((r = want_string(p, m, tpath, &type)) < 0)
                        return r;
                t = namespace_type_from_string(type);
                if (t < 0)
                        return fail(p, tpath, "unknown namespace \"%s\"", type);
                if (p->spec->namespaces[t].enabled)
                        return fail(p, tpath, "namespace \"%s\" is given twice", type);
                if (t == NAMESPACE_TIME && access("/proc/self/ns/time", F_OK) < 0)
                        return fail(p, tpath, "this kernel has no time namespaces");
                p->spec->namespaces[t].enabled = true;
                if ((m = member(o, "path"))) {
                        _cleanup_free_ char *ppath = join(path, "path");
                        if ((r = want_string(p, m, ppath, &p->spec->namespaces[t].path)) < 0)
                                return r;
                        if (!path_is_absolute(p->spec->namespaces[t].path))
                                return fail(p, ppath, "\"%s\" is not an absolute path", p->spec->namespaces[t].path);
                }
        }
        return 0;
}

static int parse_id_mappings(Parser *p, JsonNode *n, const char *base, SpecIdMapping **ret, size_t *ret_n) {
        static const char *const fields[] = { "containerID", "hostID", "size" };
        JsonArray *a;
        guint len;
        int r;

        r = want_array(p, n, base, &a);
        if (r < 0)
                return r;
        len = json_array_get_length(a);
        if (len > SPEC_ID_MAPPINGS_MAX)
                return fail(p, base, "more than %d entries (the kernel's limit)", SPEC_ID_MAPPINGS_MAX);
        *ret = calloc(len ?: 1, sizeof(SpecIdMapping));
        if (!*ret)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index(base, i);
                SpecIdMapping *e = &(*ret)[(*ret_n)++];
                uint32_t *v[] = { &e->container_id, &e->host_id, &e->size };
                JsonObject *o = NULL;
                JsonNode *m;
                int64_t x;

                r = want_object(p, json_array_get_element(a, i), path, &o);
                if (r < 0)
                        return r;
                for (size_t f = 0; f < ELEMENTSOF(fields); f++) {
                        _cleanup_free_ char *fpath = join(path, fields[f]);
                        if (!(m = member(o, fields[f])))
                                return fail(p, fpath, "missing");
                        r = want_int(p, m, fpath, f == 2 ? 1 : 0, UINT32_MAX, &x);
                        if (r < 0)
                                return r;
                        *v[f] = (uint32_t) x;
                }
                if ((uint64_t) e->container_id + e->size > UINT32_MAX || (uint64_t) e->host_id + e->size > UINT32_MAX)
                        return fail(p, path, "the range overflows 32 bits");
        }
        return 0;
}

static const struct {
        const char *name;
        uint32_t action;
} seccomp_actions[] = {
        { "SCMP_ACT_KILL", SCMP_ACT_KILL },
        { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
        { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
        { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
        { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) }, /* the errno is folded in by nsexec */
        { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
        { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
        { "SCMP_ACT_LOG", SCMP_ACT_LOG },
        { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY },
};

static const struct {
        const char *name;
        uint32_t op;
} seccomp_operators[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const NamedValue seccomp_flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SPEC_SECCOMP_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SPEC_SECCOMP_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SPEC_SECCOMP_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SPEC_SECCOMP_FLAG_WAIT_KILLABLE_RECV },
};

static int parse_seccomp_action(Parser *p, JsonObject *o, const char *path, const char *key, const char *errno_key,
                                uint32_t *ret_action, uint32_t *ret_errno) {
        _cleanup_free_ char *apath = join(path, key), *name = NULL;
        JsonNode *m;
        int64_t e = EPERM; /* runc's default errno for SCMP_ACT_ERRNO and SCMP_ACT_TRACE */
        int r;

        if (!(m = member(o, key)))
                return fail(p, apath, "missing");
        if ((r = want_string(p, m, apath, &name)) < 0)
                return r;
        *ret_action = UINT32_MAX;
        for (size_t i = 0; i < ELEMENTSOF(seccomp_actions); i++)
                if (streq(name, seccomp_actions[i].name))
                        *ret_action = seccomp_actions[i].action;
        if (*ret_action == UINT32_MAX)
                return fail(p, apath, "unknown action \"%s\"", name);
        if ((m = member(o, errno_key))) {
                _cleanup_free_ char *epath = join(path, errno_key);
                if ((r = want_int(p, m, epath, 0, 4095, &e)) < 0)
                        return r;
        }
        *ret_errno = (uint32_t) e;
        return 0;
}

static int parse_seccomp_rule(Parser *p, JsonObject *o, const char *path, SpecSeccompRule *rule) {
        _cleanup_free_ char *npath = join(path, "names"), *apath = join(path, "args");
        JsonArray *args;
        JsonNode *m;
        int r;

        if (!(m = member(o, "names")))
                return fail(p, npath, "missing");
        if ((r = want_strv(p, m, npath, &rule->names)) < 0)
                return r;
        if (!rule->names[0])
                return fail(p, npath, "must not be empty");
        r = parse_seccomp_action(p, o, path, "action", "errnoRet", &rule->action, &rule->errno_ret);
        if (r < 0)
                return r;
        if (!(m = member(o, "args")))
                return 0;
        if ((r = want_array(p, m, apath, &args)) < 0)
                return r;
        if (json_array_get_length(args) > 6)
                return fail(p, apath, "a syscall has at most 6 arguments");
        rule->args = calloc(json_array_get_length(args) + 1, sizeof(SpecSeccompArg));
        if (!rule->args)
                return -ENOMEM;
        for (guint i = 0; i < json_array_get_length(args); i++) {
                _cleanup_free_ char *path_i = join_index(apath, i), *op = NULL;
                SpecSeccompArg *a = &rule->args[rule->n_args++];
                JsonObject *ao = NULL;
                int64_t index;

                if ((r = want_object(p, json_array_get_element(args, i), path_i, &ao)) < 0)
                        return r;
                {
                        _cleanup_free_ char *ipath = join(path_i, "index"), *vpath = join(path_i, "value"),
                                            *v2path = join(path_i, "valueTwo"), *opath = join(path_i, "op");
                        if (!(m = member(ao, "index")))
                                return fail(p, ipath, "missing");
                        if ((r = want_int(p, m, ipath, 0, 5, &index)) < 0)
                                return r;
                        a->index = (uint32_t) index;
                        if (!(m = member(ao, "value")))
                                return fail(p, vpath, "missing");
                        if ((r = want_uint64(p, m, vpath, &a->value)) < 0)
                                return r;
                        if ((m = member(ao, "valueTwo")) && (r = want_uint64(p, m, v2path, &a->value_two)) < 0)
                                return r;
                        if (!(m = member(ao, "op")))
                                return fail(p, opath, "missing");
                        if ((r = want_string(p, m, opath, &op)) < 0)
                                return r;
                        a->op = 0;
                        for (size_t k = 0; k < ELEMENTSOF(seccomp_operators); k++)
                                if (streq(op, seccomp_operators[k].name))
                                        a->op = seccomp_operators[k].op;
                        if (a->op == 0)
                                return fail(p, opath, "unknown operator \"%s\"", op);
                }
        }
        return 0;
}

static int parse_seccomp(Parser *p, JsonNode *n) {
        SpecSeccomp *sc = &p->spec->seccomp;
        bool notify = false;
        _cleanup_strv_free_ char **list = NULL;
        JsonObject *o = NULL;
        JsonArray *a;
        JsonNode *m;
        int r;

        if ((r = want_object(p, n, "linux.seccomp", &o)) < 0)
                return r;
        r = parse_seccomp_action(p, o, "linux.seccomp", "defaultAction", "defaultErrnoRet", &sc->default_action,
                                 &sc->default_errno_ret);
        if (r < 0)
                return r;
        /* Every syscall would wait for the listener, those of our own init too (as runc refuses). */
        if (sc->default_action == SCMP_ACT_NOTIFY)
                return fail(p, "linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
        if ((m = member(o, "listenerPath"))) {
                if ((r = want_string(p, m, "linux.seccomp.listenerPath", &sc->listener_path)) < 0)
                        return r;
                if (!path_is_absolute(sc->listener_path))
                        return fail(p, "linux.seccomp.listenerPath", "\"%s\" is not an absolute path", sc->listener_path);
                if (strlen(sc->listener_path) >= sizeof(((struct sockaddr_un *) NULL)->sun_path))
                        return fail(p, "linux.seccomp.listenerPath", "too long for a unix socket address");
        }
        if ((m = member(o, "listenerMetadata")) &&
            (r = want_string(p, m, "linux.seccomp.listenerMetadata", &sc->listener_metadata)) < 0)
                return r;
        if ((m = member(o, "architectures"))) {
                if ((r = want_strv(p, m, "linux.seccomp.architectures", &list)) < 0)
                        return r;
                if (strv_length(list) > 64)
                        return fail(p, "linux.seccomp.architectures", "more than 64 entries");
                sc->architectures = calloc(strv_length(list) + 1, sizeof(uint32_t));
                if (!sc->architectures)
                        return -ENOMEM;
                for (size_t i = 0; list[i]; i++) {
                        _cleanup_free_ char *lower = NULL;
                        uint32_t token;
                        if (!g_str_has_prefix(list[i], "SCMP_ARCH_"))
                                token = 0;
                        else {
                                lower = g_ascii_strdown(list[i] + strlen("SCMP_ARCH_"), -1);
                                token = seccomp_arch_resolve_name(lower);
                        }
                        if (token == 0) {
                                _cleanup_free_ char *ipath = join_index("linux.seccomp.architectures", i);
                                return fail(p, ipath, "unknown architecture \"%s\"", list[i]);
                        }
                        sc->architectures[sc->n_architectures++] = token;
                }
                strv_free(list);
                list = NULL;
        }
        if ((m = member(o, "flags"))) {
                uint64_t flags = 0;
                if ((r = want_flags(p, m, "linux.seccomp.flags", seccomp_flags, ELEMENTSOF(seccomp_flags), &flags)) < 0)
                        return r;
                sc->flags = (uint32_t) flags;
        }
        if ((m = member(o, "syscalls"))) {
                if ((r = want_array(p, m, "linux.seccomp.syscalls", &a)) < 0)
                        return r;
                sc->rules = calloc(json_array_get_length(a) + 1, sizeof(SpecSeccompRule));
                if (!sc->rules)
                        return -ENOMEM;
                for (guint i = 0; i < json_array_get_length(a); i++) {
                        _cleanup_free_ char *path = join_index("linux.seccomp.syscalls", i);
                        JsonObject *ro = NULL;
                        if ((r = want_object(p, json_array_get_element(a, i), path, &ro)) < 0)
                                return r;
                        if ((r = parse_seccomp_rule(p, ro, path, &sc->rules[sc->n_rules++])) < 0)
                                return r;
                        if (sc->rules[sc->n_rules - 1].action != SCMP_ACT_NOTIFY)
                                continue;
                        notify = true;
                        /* Init hands the notify fd to the runtime with sendmsg() after the filter
                         * is loaded: a notified sendmsg would wait for that very fd. */
                        for (char **name = sc->rules[sc->n_rules - 1].names; *name; name++)
                                if (streq(*name, "sendmsg")) {
                                        _cleanup_free_ char *npath = join(path, "names");
                                        return fail(p, npath, "SCMP_ACT_NOTIFY cannot be used for sendmsg");
                                }
                }
        }
        if (notify && !sc->listener_path)
                return fail(p, "linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY needs a listenerPath");
        sc->enabled = true;
        return 0;
}

static int parse_devices(Parser *p, JsonNode *n, const char *base, SpecResources *res) {
        JsonArray *a;
        guint len;
        int r;

        r = want_array(p, n, base, &a);
        if (r < 0)
                return r;
        len = json_array_get_length(a);
        res->devices = calloc(len ?: 1, sizeof(SpecDevice));
        if (!res->devices)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index(base, i), *fpath = NULL, *type = NULL, *access = NULL;
                SpecDevice *d = &res->devices[res->n_devices++];
                JsonObject *o = NULL;
                JsonNode *m;

                r = want_object(p, json_array_get_element(a, i), path, &o);
                if (r < 0)
                        return r;
                fpath = join(path, "allow");
                if (!(m = member(o, "allow")))
                        return fail(p, fpath, "missing");
                if ((r = want_bool(p, m, fpath, &d->allow)) < 0)
                        return r;
                d->type = 'a';
                d->major = d->minor = -1;
                strcpy(d->access, "rwm");
                if ((m = member(o, "type"))) {
                        free(fpath);
                        fpath = join(path, "type");
                        if ((r = want_string(p, m, fpath, &type)) < 0)
                                return r;
                        if (!streq(type, "a") && !streq(type, "c") && !streq(type, "b"))
                                return fail(p, fpath, "unknown device type \"%s\" (a, b or c)", type);
                        d->type = type[0];
                }
                if ((m = member(o, "major"))) {
                        free(fpath);
                        fpath = join(path, "major");
                        if ((r = want_int(p, m, fpath, -1, UINT32_MAX, &d->major)) < 0)
                                return r;
                }
                if ((m = member(o, "minor"))) {
                        free(fpath);
                        fpath = join(path, "minor");
                        if ((r = want_int(p, m, fpath, -1, UINT32_MAX, &d->minor)) < 0)
                                return r;
                }
                if ((m = member(o, "access"))) {
                        free(fpath);
                        fpath = join(path, "access");
                        if ((r = want_string(p, m, fpath, &access)) < 0)
                                return r;
                        if (!*access || strlen(access) > 3 || strspn(access, "rwm") != strlen(access))
                                return fail(p, fpath, "\"%s\" is not a combination of r, w and m", access);
                        strcpy(d->access, access);
                }
        }
        return 0;
}

/* The node at a dotted path below the resources object ("blockIO.weight"), checking that the
 * group on the way is an object; NULL when absent. */
static JsonNode *resource_member(Parser *p, JsonObject *o, const char *base, const char *path, int *r) {
        const char *dot = strchr(path, '.');
        _cleanup_free_ char *group = NULL, *gpath = NULL;
        JsonObject *go = NULL;
        JsonNode *g;

        *r = 0;
        if (!dot)
                return member(o, path);
        group = strndup(path, dot - path);
        if (!group || !(gpath = join(base, group))) {
                *r = -ENOMEM;
                return NULL;
        }
        if (!(g = member(o, group)))
                return NULL;
        if ((*r = want_object(p, g, gpath, &go)) < 0)
                return NULL;
        return member(go, dot + 1);
}

/* "0-3,7": what cpuset.cpus and cpuset.mems accept. */
static bool valid_cpu_list(const char *s) {
        if (!*s)
                return true; /* empty: inherit */
        for (;;) {
                char *end;
                unsigned long a = strtoul(s, &end, 10), b;
                if (end == s || !isdigit((unsigned char) *s))
                        return false;
                s = end;
                if (*s == '-') {
                        s++;
                        b = strtoul(s, &end, 10);
                        if (end == s || !isdigit((unsigned char) *s) || b < a)
                                return false;
                        s = end;
                }
                if (*s == 0)
                        return true;
                if (*s++ != ',')
                        return false;
        }
}

static int parse_resource_fields(Parser *p, JsonObject *o, const char *base, SpecResources *res) {
        int r;

        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                const ResourceFieldInfo *info = &resource_fields[f];
                _cleanup_free_ char *fpath = join(base, info->path);
                JsonNode *n = resource_member(p, o, base, info->path, &r);
                int64_t v;

                if (r < 0 || !fpath)
                        return r < 0 ? r : -ENOMEM;
                if (!n)
                        continue;
                if (info->boolean) {
                        bool b;
                        if ((r = want_bool(p, n, fpath, &b)) < 0)
                                return r;
                        resources_set(res, f, b);
                        continue;
                }
                /* runc reads 0 as "not set" for limits and weights, and so do we. */
                if (info->zero_is_unset && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_INT64 &&
                    json_node_get_int(n) == 0)
                        continue;
                if ((r = want_int(p, n, fpath, info->min, info->max, &v)) < 0)
                        return r;
                if (f == RES_PIDS_LIMIT && v <= 0)
                        v = -1; /* the spec: 0 or -1 mean unlimited */
                resources_set(res, f, v);
        }
        for (int i = 0; i < 2; i++) {
                const char *field = i == 0 ? "cpu.cpus" : "cpu.mems";
                char **target = i == 0 ? &res->cpus : &res->mems;
                _cleanup_free_ char *fpath = join(base, field);
                JsonNode *n = resource_member(p, o, base, field, &r);

                if (r < 0 || !fpath)
                        return r < 0 ? r : -ENOMEM;
                if (!n)
                        continue;
                if ((r = want_string(p, n, fpath, target)) < 0)
                        return r;
                if (!valid_cpu_list(*target))
                        return fail(p, fpath, "\"%s\" is not a list of numbers and ranges (\"0-3,7\")", *target);
        }
        return 0;
}

/* One entry of a list: a block device (major, minor) or a name, and its values. */
static int parse_resource_entry(Parser *p, JsonObject *o, const char *path, ResourceList l, const char *key,
                                SpecResources *res) {
        const ResourceListInfo *info = &resource_lists[l];
        _cleanup_free_ char *name = NULL;
        ResourceEntry *e;
        int64_t major = -1, minor = -1, values[2] = { -1, -1 };
        bool any = false;
        int r;

        if (info->name_field && *info->name_field) {
                _cleanup_free_ char *fpath = join(path, info->name_field);
                JsonNode *n = member(o, info->name_field);
                if (!fpath)
                        return -ENOMEM;
                if (!n)
                        return fail(p, fpath, "missing");
                if ((r = want_string(p, n, fpath, &name)) < 0)
                        return r;
                if (!*name || strchr(name, '/') || strchr(name, ' ') || strchr(name, '\n'))
                        return fail(p, fpath, "\"%s\" is not a valid name", name);
        } else if (!info->name_field) {
                const char *fields[] = { "major", "minor" };
                int64_t *targets[] = { &major, &minor };
                for (int i = 0; i < 2; i++) {
                        _cleanup_free_ char *fpath = join(path, fields[i]);
                        JsonNode *n = member(o, fields[i]);
                        if (!fpath)
                                return -ENOMEM;
                        if (!n)
                                return fail(p, fpath, "missing");
                        if ((r = want_int(p, n, fpath, 0, UINT32_MAX, targets[i])) < 0)
                                return r;
                }
        }
        for (int i = 0; i < 2 && info->value_fields[i]; i++) {
                _cleanup_free_ char *fpath = join(path, info->value_fields[i]);
                JsonNode *n = member(o, info->value_fields[i]);
                if (!fpath)
                        return -ENOMEM;
                if (!n) {
                        if (info->value_required)
                                return fail(p, fpath, "missing");
                        continue;
                }
                if ((r = want_int(p, n, fpath, 0, info->max, &values[i])) < 0)
                        return r;
                any = true;
        }
        if (!any)
                return fail(p, path, "gives no value");
        e = resources_add_entry(res, l, key ?: name);
        if (!e)
                return -ENOMEM;
        e->major = major;
        e->minor = minor;
        memcpy(e->value, values, sizeof values);
        return 0;
}

static int parse_resource_lists(Parser *p, JsonObject *o, const char *base, SpecResources *res) {
        int r;

        for (ResourceList l = 0; l < _RES_LIST_MAX; l++) {
                _cleanup_free_ char *path = join(base, resource_lists[l].path);
                JsonNode *n = resource_member(p, o, base, resource_lists[l].path, &r);

                if (r < 0 || !path)
                        return r < 0 ? r : -ENOMEM;
                if (!n)
                        continue;
                if (resource_lists[l].name_field && !*resource_lists[l].name_field) {
                        /* rdma: {"mlx5_1": {"hcaHandles": 3}} */
                        JsonObject *ko = NULL;
                        GList *keys;
                        if ((r = want_object(p, n, path, &ko)) < 0)
                                return r;
                        keys = json_object_get_members(ko);
                        for (GList *k = keys; k && r >= 0; k = k->next) {
                                _cleanup_free_ char *epath = join(path, k->data);
                                JsonObject *eo = NULL;
                                if (!epath)
                                        r = -ENOMEM;
                                else if (strchr(k->data, ' ') || strchr(k->data, '\n') || !*(char *) k->data)
                                        r = fail(p, epath, "not a valid device name");
                                else if ((r = want_object(p, json_object_get_member(ko, k->data), epath, &eo)) >= 0)
                                        r = parse_resource_entry(p, eo, epath, l, k->data, res);
                        }
                        g_list_free(keys);
                        if (r < 0)
                                return r;
                        continue;
                }
                JsonArray *a = NULL;
                if ((r = want_array(p, n, path, &a)) < 0)
                        return r;
                for (guint i = 0; i < json_array_get_length(a); i++) {
                        _cleanup_free_ char *epath = join_index(path, i);
                        JsonObject *eo = NULL;
                        if (!epath)
                                return -ENOMEM;
                        if ((r = want_object(p, json_array_get_element(a, i), epath, &eo)) < 0 ||
                            (r = parse_resource_entry(p, eo, epath, l, NULL, res)) < 0)
                                return r;
                }
        }
        return 0;
}

/* linux.resources.unified: cgroup v2 file names and the values written to them. */
static int parse_unified(Parser *p, JsonNode *n, const char *base, SpecResources *res) {
        _cleanup_free_ char *path = join(base, "unified");
        JsonObject *o = NULL;
        GList *keys;
        int r;

        if (!path)
                return -ENOMEM;
        if ((r = want_object(p, n, path, &o)) < 0)
                return r;
        keys = json_object_get_members(o);
        res->unified = calloc(g_list_length(keys) + 1, sizeof(StringPair));
        for (GList *k = keys; k && r >= 0; k = k->next) {
                _cleanup_free_ char *kpath = join(path, k->data);
                const char *key = k->data;
                StringPair *pair = &res->unified[res->n_unified];

                if (!res->unified || !kpath) {
                        r = -ENOMEM;
                        break;
                }
                if (!*key || strchr(key, '/') || streq(key, ".") || streq(key, "..") || !strchr(key, '.'))
                        r = fail(p, kpath, "not a cgroup v2 file name (\"controller.file\")");
                else if (strneq(key, "cgroup.", 7))
                        r = fail(p, kpath, "the cgroup's own files are the runtime's to manage");
                else if ((r = want_string(p, json_object_get_member(o, key), kpath, &pair->value)) >= 0) {
                        pair->key = strdup(key);
                        r = pair->key ? 0 : -ENOMEM;
                        res->n_unified++;
                }
        }
        g_list_free(keys);
        return r;
}

/* linux.resources, or the LinuxResources object of `update -r` (base ""). */
static int parse_resources_at(Parser *p, JsonNode *n, const char *base, SpecResources *res) {
        JsonObject *o = NULL;
        JsonNode *m;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, *base ? base : "resources", &o)) < 0)
                return r;
        if ((r = parse_resource_fields(p, o, base, res)) < 0 || (r = parse_resource_lists(p, o, base, res)) < 0)
                return r;
        if ((m = member(o, "unified")) && (r = parse_unified(p, m, base, res)) < 0)
                return r;
        if ((m = member(o, "devices"))) {
                _cleanup_free_ char *path = join(base, "devices");
                if (!path)
                        return -ENOMEM;
                if ((r = parse_devices(p, m, path, res)) < 0)
                        return r;
        }
        if (resources_has(res, RES_CPU_REALTIME_RUNTIME) && resources_has(res, RES_CPU_REALTIME_PERIOD) &&
            res->value[RES_CPU_REALTIME_RUNTIME] > res->value[RES_CPU_REALTIME_PERIOD]) {
                _cleanup_free_ char *path = join(base, "cpu.realtimeRuntime");
                return fail(p, path, "%" PRIi64 " is longer than realtimePeriod (%" PRIi64 ")",
                            res->value[RES_CPU_REALTIME_RUNTIME], res->value[RES_CPU_REALTIME_PERIOD]);
        }
        return 0;
}

static int parse_resources(Parser *p, JsonNode *n) {
        return parse_resources_at(p, n, "linux.resources", &p->spec->resources);
}

static int parse_resources_document(Parser *p, JsonNode *root) {
        return parse_resources_at(p, root, "", &p->spec->resources);
}

static int parse_time_offsets(Parser *p, JsonNode *n) {
        static const char *const clocks[] = { "monotonic", "boottime" };
        Spec *s = p->spec;
        SpecTimeOffset *offsets[] = { &s->time_monotonic, &s->time_boottime };
        JsonObject *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.timeOffsets", &o)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(clocks); i++) {
                _cleanup_free_ char *cpath = join("linux.timeOffsets", clocks[i]);
                JsonObject *co = NULL;
                JsonNode *m, *v;
                int64_t x;

                if (!(m = member(o, clocks[i])))
                        continue;
                if ((r = want_object(p, m, cpath, &co)) < 0)
                        return r;
                if ((v = member(co, "secs"))) {
                        _cleanup_free_ char *fpath = join(cpath, "secs");
                        if ((r = want_int(p, v, fpath, INT64_MIN, INT64_MAX, &offsets[i]->secs)) < 0)
                                return r;
                }
                if ((v = member(co, "nanosecs"))) {
                        _cleanup_free_ char *fpath = join(cpath, "nanosecs");
                        if ((r = want_int(p, v, fpath, 0, 999999999, &x)) < 0)
                                return r;
                        offsets[i]->nanosecs = (uint32_t) x;
                }
        }
        GList *names = json_object_get_members(o);
        for (GList *l = names; l; l = l->next)
                if (!streq(l->data, "monotonic") && !streq(l->data, "boottime")) {
                        _cleanup_free_ char *cpath = join("linux.timeOffsets", l->data);
                        g_list_free(names);
                        return fail(p, cpath, "unknown clock (monotonic or boottime)");
                }
        g_list_free(names);
        s->has_time_offsets = true;
        return 0;
}

/* linux.devices: nodes to create in /dev. They get no device-cgroup rule of their own: as with
 * runc, only linux.resources.devices (and the default set) decides what may be opened, so a
 * config that denies a device keeps it denied even if the node is made. */
static int parse_linux_devices(Parser *p, JsonNode *n) {
        Spec *s = p->spec;
        JsonArray *a;
        guint len;
        int r;

        if (!n)
                return 0;
        if ((r = want_array(p, n, "linux.devices", &a)) < 0)
                return r;
        len = json_array_get_length(a);
        s->devices = calloc(len ?: 1, sizeof(SpecLinuxDevice));
        if (!s->devices)
                return -ENOMEM;
        for (guint i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("linux.devices", i), *type = NULL;
                SpecLinuxDevice *d = &s->devices[s->n_devices++];
                JsonObject *o = NULL;
                JsonNode *m;
                int64_t v;

                if ((r = want_object(p, json_array_get_element(a, i), path, &o)) < 0)
                        return r;
                {
                        _cleanup_free_ char *fpath = join(path, "path");
                        if (!(m = member(o, "path")))
                                return fail(p, fpath, "missing");
                        if ((r = want_string(p, m, fpath, &d->path)) < 0)
                                return r;
                        /* runc allows device nodes under /dev only. */
                        if (!g_str_has_prefix(d->path, "/dev/") || strstr(d->path, "/../") || g_str_has_suffix(d->path, "/.."))
                                return fail(p, fpath, "\"%s\" is not a path under /dev", d->path);
                }
                {
                        _cleanup_free_ char *fpath = join(path, "type");
                        if (!(m = member(o, "type")))
                                return fail(p, fpath, "missing");
                        if ((r = want_string(p, m, fpath, &type)) < 0)
                                return r;
                        if (!streq(type, "c") && !streq(type, "u") && !streq(type, "b") && !streq(type, "p"))
                                return fail(p, fpath, "unknown device type \"%s\" (c, u, b or p)", type);
                        d->type = type[0] == 'u' ? 'c' : type[0];
                }
                static const char *const numbers[] = { "major", "minor" };
                int64_t *fields[] = { &d->major, &d->minor };
                for (size_t k = 0; k < 2; k++) {
                        _cleanup_free_ char *fpath = join(path, numbers[k]);
                        if (!(m = member(o, numbers[k]))) {
                                if (d->type != 'p')
                                        return fail(p, fpath, "missing");
                                continue;
                        }
                        if ((r = want_int(p, m, fpath, 0, numbers[k][1] == 'a' ? 4095 : 1048575, fields[k])) < 0)
                                return r;
                }
                d->file_mode = 0666; /* runc's default */
                if ((m = member(o, "fileMode"))) {
                        _cleanup_free_ char *fpath = join(path, "fileMode");
                        /* podman sends the whole st_mode (8630 = S_IFCHR | 0666): as runc, the
                         * file-type bits go, the type comes from "type". */
                        if ((r = want_int(p, m, fpath, 0, 0177777, &v)) < 0)
                                return r;
                        d->file_mode = (uint32_t) v & 07777;
                }
                if ((m = member(o, "uid"))) {
                        _cleanup_free_ char *fpath = join(path, "uid");
                        if ((r = want_int(p, m, fpath, 0, UINT32_MAX - 1, &v)) < 0)
                                return r;
                        d->uid = (uint32_t) v;
                }
                if ((m = member(o, "gid"))) {
                        _cleanup_free_ char *fpath = join(path, "gid");
                        if ((r = want_int(p, m, fpath, 0, UINT32_MAX - 1, &v)) < 0)
                                return r;
                        d->gid = (uint32_t) v;
                }
        }
        return 0;
}

/* linux.netDevices: {"host name": {"name": "name inside"}}. */
static int parse_net_devices(Parser *p, JsonNode *n) {
        Spec *s = p->spec;
        JsonObject *o = NULL;
        GList *names;
        int r = 0;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.netDevices", &o)) < 0)
                return r;
        names = json_object_get_members(o);
        s->net_devices = calloc(g_list_length(names) + 1, sizeof(StringPair));
        if (!s->net_devices) {
                g_list_free(names);
                return -ENOMEM;
        }
        for (GList *l = names; l && r >= 0; l = l->next) {
                _cleanup_free_ char *path = join("linux.netDevices", l->data), *npath = join(path, "name");
                StringPair *pair = &s->net_devices[s->n_net_devices++];
                JsonObject *d = NULL;
                JsonNode *m;

                pair->key = strdup(l->data);
                if (!pair->key) {
                        r = -ENOMEM;
                        break;
                }
                if (strlen(pair->key) == 0 || strlen(pair->key) >= IFNAMSIZ || strpbrk(pair->key, "/: \t\n")) {
                        r = fail(p, path, "\"%s\" is not an interface name", pair->key);
                        break;
                }
                if ((r = want_object(p, json_object_get_member(o, l->data), path, &d)) < 0)
                        break;
                if ((m = member(d, "name")) && (r = want_string(p, m, npath, &pair->value)) < 0)
                        break;
                if (!pair->value && !(pair->value = strdup(pair->key))) {
                        r = -ENOMEM;
                        break;
                }
                if (strlen(pair->value) == 0 || strlen(pair->value) >= IFNAMSIZ || strpbrk(pair->value, "/: \t\n") ||
                    streq(pair->value, ".") || streq(pair->value, ".."))
                        r = fail(p, npath, "\"%s\" is not an interface name", pair->value);
        }
        g_list_free(names);
        return r;
}

/* linux.memoryPolicy: set_mempolicy(2) for the container's processes. */
static int parse_memory_policy(Parser *p, JsonNode *n) {
        /* In the order of their values: modes[mode].name names a mode. */
        static const NamedValue modes[] = {
                { "MPOL_DEFAULT", 0 },        { "MPOL_PREFERRED", 1 }, { "MPOL_BIND", 2 },
                { "MPOL_INTERLEAVE", 3 },     { "MPOL_LOCAL", 4 },     { "MPOL_PREFERRED_MANY", 5 },
                { "MPOL_WEIGHTED_INTERLEAVE", 6 },
        }, flags[] = {
                { "MPOL_F_NUMA_BALANCING", 1u << 13 }, { "MPOL_F_RELATIVE_NODES", 1u << 14 },
                { "MPOL_F_STATIC_NODES", 1u << 15 },
        };
        Spec *s = p->spec;
        JsonObject *o = NULL;
        JsonNode *m;
        uint64_t mode, mode_flags = 0;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.memoryPolicy", &o)) < 0)
                return r;
        r = want_named(p, o, "mode", "linux.memoryPolicy.mode", "mode", modes, ELEMENTSOF(modes), &mode);
        if (r < 0)
                return r;
        s->memory_policy_mode = (uint32_t) mode;
        if ((m = member(o, "nodes"))) {
                if ((r = want_string(p, m, "linux.memoryPolicy.nodes", &s->memory_policy_nodes)) < 0)
                        return r;
                if (*s->memory_policy_nodes && !cpu_list_is_valid(s->memory_policy_nodes))
                        return fail(p, "linux.memoryPolicy.nodes", "\"%s\" is not a node list like \"0-3,7\"",
                                    s->memory_policy_nodes);
        }
        /* What set_mempolicy(2) demands of each mode. */
        bool has_nodes = s->memory_policy_nodes && *s->memory_policy_nodes;
        if ((mode == 0 || mode == 4) && has_nodes)
                return fail(p, "linux.memoryPolicy.nodes", "%s takes no nodes", modes[mode].name);
        if (mode != 0 && mode != 4 && !has_nodes)
                return fail(p, "linux.memoryPolicy.nodes", "%s needs nodes", modes[mode].name);
        if ((m = member(o, "flags")) &&
            (r = want_flags(p, m, "linux.memoryPolicy.flags", flags, ELEMENTSOF(flags), &mode_flags)) < 0)
                return r;
        s->memory_policy_mode |= (uint32_t) mode_flags;
        s->has_memory_policy = true;
        return 0;
}

static int parse_linux(Parser *p, JsonNode *n) {
        Spec *s = p->spec;
        JsonObject *o = NULL;
        JsonNode *m;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, "linux", &o);
        if (r < 0)
                return r;
        if ((r = parse_namespaces(p, member(o, "namespaces"))) < 0)
                return r;
        if ((r = parse_time_offsets(p, member(o, "timeOffsets"))) < 0 ||
            (r = parse_linux_devices(p, member(o, "devices"))) < 0 ||
            (r = parse_net_devices(p, member(o, "netDevices"))) < 0 ||
            (r = parse_memory_policy(p, member(o, "memoryPolicy"))) < 0)
                return r;
        if ((m = member(o, "uidMappings")) &&
            (r = parse_id_mappings(p, m, "linux.uidMappings", &s->uid_mappings, &s->n_uid_mappings)) < 0)
                return r;
        if ((m = member(o, "gidMappings")) &&
            (r = parse_id_mappings(p, m, "linux.gidMappings", &s->gid_mappings, &s->n_gid_mappings)) < 0)
                return r;
        /* A new user namespace without maps would leave every id unmapped (nobody). */
        if (s->namespaces[NAMESPACE_USER].enabled && !s->namespaces[NAMESPACE_USER].path &&
            (s->n_uid_mappings == 0 || s->n_gid_mappings == 0))
                return fail(p, "linux.uidMappings", "a new user namespace needs uidMappings and gidMappings");
        if ((s->n_uid_mappings > 0 || s->n_gid_mappings > 0) &&
            !(s->namespaces[NAMESPACE_USER].enabled && !s->namespaces[NAMESPACE_USER].path))
                return fail(p, "linux.uidMappings", "mappings need a new user namespace (linux.namespaces)");
        if ((r = parse_resources(p, member(o, "resources"))) < 0)
                return r;
        if ((m = member(o, "seccomp")) && (r = parse_seccomp(p, m)) < 0)
                return r;
        if ((r = parse_lsm_label(p, member(o, "mountLabel"), "linux.mountLabel", "/sys/fs/selinux", "SELinux")) < 0)
                return r;
        if ((m = member(o, "intelRdt"))) {
                if (access("/sys/fs/resctrl/schemata", F_OK) < 0)
                        return fail(p, "linux.intelRdt", "this host has no resctrl filesystem (Intel RDT)");
                return fail(p, "linux.intelRdt", "not supported yet");
        }
        if ((m = member(o, "personality"))) {
                static const char *const unsupported_personality[] = { "flags", NULL };
                _cleanup_free_ char *domain = NULL;
                JsonObject *po = NULL;
                JsonNode *d;
                if ((r = want_object(p, m, "linux.personality", &po)) < 0)
                        return r;
                if ((r = refuse_unsupported(p, po, "linux.personality", unsupported_personality)) < 0)
                        return r;
                if (!(d = member(po, "domain")))
                        return fail(p, "linux.personality.domain", "missing");
                if ((r = want_string(p, d, "linux.personality.domain", &domain)) < 0)
                        return r;
                if (streq(domain, "LINUX"))
                        s->personality = 0x0000;
                else if (streq(domain, "LINUX32"))
                        s->personality = 0x0008;
                else
                        return fail(p, "linux.personality.domain", "unknown domain \"%s\" (LINUX or LINUX32)", domain);
                s->has_personality = true;
        }
        if ((r = parse_string_map(p, member(o, "sysctl"), "linux.sysctl", 0, &s->sysctls, &s->n_sysctls)) < 0)
                return r;
        if ((m = member(o, "cgroupsPath"))) {
                if ((r = want_string(p, m, "linux.cgroupsPath", &s->cgroups_path)) < 0)
                        return r;
                if (cgroups_path_is_systemd(s->cgroups_path)) {
                        _cleanup_free_ char *mapped = NULL;
                        const char *reason = NULL;
                        r = systemd_cgroups_path(s->cgroups_path, &mapped, &reason);
                        if (r == -EINVAL)
                                return fail(p, "linux.cgroupsPath", "\"%s\": %s", s->cgroups_path, reason);
                        if (r < 0)
                                return r;
                }
                for (const char *c = s->cgroups_path; *c;) {
                        size_t len = strcspn(c, "/");
                        if ((len == 2 && strneq(c, "..", 2)))
                                return fail(p, "linux.cgroupsPath", "\"%s\" must not contain \"..\"", s->cgroups_path);
                        c += len;
                        c += strspn(c, "/");
                }
        }
        if ((m = member(o, "rootfsPropagation"))) {
                static const char *const allowed[] = { "private", "rprivate", "slave", "rslave",
                                                       "shared", "rshared", "unbindable", "runbindable", NULL };
                bool ok = false;
                if ((r = want_string(p, m, "linux.rootfsPropagation", &s->rootfs_propagation)) < 0)
                        return r;
                for (const char *const *a = allowed; *a; a++)
                        ok = ok || streq(*a, s->rootfs_propagation);
                if (!ok)
                        return fail(p, "linux.rootfsPropagation", "unknown propagation \"%s\"", s->rootfs_propagation);
        }
        if ((m = member(o, "maskedPaths")) && (r = want_strv(p, m, "linux.maskedPaths", &s->masked_paths)) < 0)
                return r;
        if ((m = member(o, "readonlyPaths")) && (r = want_strv(p, m, "linux.readonlyPaths", &s->readonly_paths)) < 0)
                return r;
        for (char **l = s->masked_paths; l && *l; l++)
                if (!path_is_absolute(*l))
                        return fail(p, "linux.maskedPaths", "\"%s\" is not an absolute path", *l);
        for (char **l = s->readonly_paths; l && *l; l++)
                if (!path_is_absolute(*l))
                        return fail(p, "linux.readonlyPaths", "\"%s\" is not an absolute path", *l);
        return 0;
}

/* The namespace a sysctl belongs to, as runc's validation has it, or _NAMESPACE_INVALID for
 * one that is global. */
static NamespaceType sysctl_namespace(const char *key) {
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                           "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                           "kernel.shm_rmid_forced", NULL };
        for (const char *const *k = ipc; *k; k++)
                if (streq(key, *k))
                        return NAMESPACE_IPC;
        if (g_str_has_prefix(key, "fs.mqueue."))
                return NAMESPACE_IPC;
        if (g_str_has_prefix(key, "net."))
                return NAMESPACE_NETWORK;
        if (streq(key, "kernel.hostname") || streq(key, "kernel.domainname"))
                return NAMESPACE_UTS;
        return _NAMESPACE_INVALID;
}

/* An object of strings: annotations, linux.sysctl; max_size bounds keys and values together
 * (0: only each string's own limit). */
static int parse_string_map(Parser *p, JsonNode *n, const char *base, size_t max_size, StringPair **ret,
                            size_t *ret_n) {
        JsonObject *o = NULL;
        GList *members;
        size_t total = 0;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, base, &o);
        if (r < 0)
                return r;
        if (json_object_get_size(o) > SPEC_MAX_STRINGS)
                return fail(p, base, "more than %d entries", SPEC_MAX_STRINGS);
        *ret = calloc(json_object_get_size(o) + 1, sizeof(StringPair));
        if (!*ret)
                return -ENOMEM;
        members = json_object_get_members(o);
        r = 0;
        for (GList *i = members; i && r >= 0; i = i->next) {
                StringPair *a = &(*ret)[(*ret_n)++];
                _cleanup_free_ char *path = join(base, i->data);
                a->key = strdup(i->data);
                if (!a->key)
                        r = -ENOMEM;
                else
                        r = want_string(p, json_object_get_member(o, i->data), path, &a->value);
                if (r >= 0 && max_size > 0 && (total += strlen(a->key) + strlen(a->value)) > max_size)
                        r = fail(p, base, "more than %zu bytes of keys and values", max_size);
        }
        g_list_free(members);
        return r;
}

static int parse_hooks(Parser *p, JsonNode *n) {
        JsonObject *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "hooks", &o)) < 0)
                return r;
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++) {
                _cleanup_free_ char *base = join("hooks", hook_kind_to_string(k));
                JsonNode *m = member(o, hook_kind_to_string(k));
                JsonArray *a;

                if (!m)
                        continue;
                if ((r = want_array(p, m, base, &a)) < 0)
                        return r;
                p->spec->hooks[k] = calloc(json_array_get_length(a) + 1, sizeof(SpecHook));
                if (!p->spec->hooks[k])
                        return -ENOMEM;
                for (guint i = 0; i < json_array_get_length(a); i++) {
                        _cleanup_free_ char *path = join_index(base, i), *ppath = join(path, "path"),
                                            *apath = join(path, "args"), *epath = join(path, "env"),
                                            *tpath = join(path, "timeout");
                        SpecHook *h = &p->spec->hooks[k][p->spec->n_hooks[k]++];
                        JsonObject *ho = NULL;
                        JsonNode *f;
                        int64_t t;

                        if ((r = want_object(p, json_array_get_element(a, i), path, &ho)) < 0)
                                return r;
                        if (!(f = member(ho, "path")))
                                return fail(p, ppath, "missing");
                        if ((r = want_string(p, f, ppath, &h->path)) < 0)
                                return r;
                        if (!path_is_absolute(h->path))
                                return fail(p, ppath, "\"%s\" is not an absolute path", h->path);
                        if ((f = member(ho, "args")) && (r = want_strv(p, f, apath, &h->args)) < 0)
                                return r;
                        if ((f = member(ho, "env")) && (r = want_strv(p, f, epath, &h->env)) < 0)
                                return r;
                        if ((f = member(ho, "timeout"))) {
                                if ((r = want_int(p, f, tpath, 1, 24 * 3600, &t)) < 0)
                                        return r;
                                h->timeout = (int) t;
                        }
                }
        }
        return 0;
}

static int parse_toplevel(Parser *p, JsonNode *root) {
        static const char *const unsupported[] = { "solaris", "windows", "vm", "zos", NULL };
        Spec *s = p->spec;
        JsonObject *o = NULL;
        JsonNode *m;
        int r;

        if (!JSON_NODE_HOLDS_OBJECT(root))
                return fail(p, "", "the top level must be an object, got %s", node_type_name(root));
        o = json_node_get_object(root);

        if (!(m = member(o, "ociVersion")))
                return fail(p, "ociVersion", "missing");
        if ((r = want_string(p, m, "ociVersion", &s->oci_version)) < 0)
                return r;
        if (!spec_version_supported(s->oci_version))
                return fail(p, "ociVersion", "\"%s\" is not supported (1.0.0 to 1.3.x are)", s->oci_version);
        if ((r = refuse_unsupported(p, o, "", unsupported)) < 0)
                return r;
        if ((r = parse_root(p, member(o, "root"))) < 0)
                return r;
        if ((r = parse_hooks(p, member(o, "hooks"))) < 0)
                return r;
        if ((r = parse_process(p, member(o, "process"))) < 0)
                return r;
        if ((m = member(o, "hostname")) && (r = want_string(p, m, "hostname", &s->hostname)) < 0)
                return r;
        if ((m = member(o, "domainname")) && (r = want_string(p, m, "domainname", &s->domainname)) < 0)
                return r;
        if ((r = parse_mounts(p, member(o, "mounts"))) < 0)
                return r;
        if ((r = parse_string_map(p, member(o, "annotations"), "annotations", SPEC_ANNOTATIONS_MAX_SIZE, &s->annotations, &s->n_annotations)) < 0)
                return r;
        if ((r = parse_linux(p, member(o, "linux"))) < 0)
                return r;
        /* Not listed, the mount namespace is the caller's (the spec's rule for every namespace):
         * the container only gets root.path as its root. Everything that would mount or make a
         * node would then do it on the host, so it is refused by name, not done there as runc
         * does. */
        if (!s->namespaces[NAMESPACE_MOUNT].enabled) {
                const char *field = s->n_mounts > 0                  ? "mounts"
                                    : s->n_devices > 0               ? "linux.devices"
                                    : s->masked_paths && *s->masked_paths ? "linux.maskedPaths"
                                    : s->readonly_paths && *s->readonly_paths ? "linux.readonlyPaths"
                                    : s->rootfs_propagation          ? "linux.rootfsPropagation"
                                    : s->root_readonly               ? "root.readonly"
                                    : s->terminal                    ? "process.terminal"
                                                                     : NULL;
                if (field)
                        return fail(p, field, "needs a mount namespace (linux.namespaces): without one it would change the host's mounts");
        }
        if (s->hostname && *s->hostname && !s->namespaces[NAMESPACE_UTS].enabled)
                return fail(p, "hostname", "needs a new uts namespace (linux.namespaces)");
        if (s->domainname && *s->domainname && !s->namespaces[NAMESPACE_UTS].enabled)
                return fail(p, "domainname", "needs a new uts namespace (linux.namespaces)");
        for (size_t i = 0; i < s->n_sysctls; i++) {
                _cleanup_free_ char *path = join("linux.sysctl", s->sysctls[i].key);
                NamespaceType t = sysctl_namespace(s->sysctls[i].key);
                const char *k = s->sysctls[i].key;
                if (!*k || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./") != strlen(k) ||
                    strstr(k, "..") || k[0] == '/' || k[0] == '.')
                        return fail(p, path, "not a sysctl name");
                if (t < 0)
                        return fail(p, path, "not in a namespace of the container: it would change the host");
                /* A namespace joined by path may be the host's: runc refuses that as well. */
                if (!s->namespaces[t].enabled || s->namespaces[t].path)
                        return fail(p, path, "needs a new %s namespace (linux.namespaces)", namespace_type_to_string(t));
        }
        if (s->has_time_offsets && (!s->namespaces[NAMESPACE_TIME].enabled || s->namespaces[NAMESPACE_TIME].path))
                return fail(p, "linux.timeOffsets", "needs a new time namespace (linux.namespaces)");
        if (s->n_net_devices > 0 && (!s->namespaces[NAMESPACE_NETWORK].enabled || s->namespaces[NAMESPACE_NETWORK].path))
                return fail(p, "linux.netDevices", "needs a new network namespace (linux.namespaces)");
        return check_idmapped_mounts(p);
}

/* json-glib parses recursively: a document nested a few hundred thousand levels deep overflows
 * its stack. Counts the nesting of arrays and objects (outside strings) before it sees the
 * text; returns the offset where the limit was passed, or -1. The runtime spec itself never goes
 * deeper than about eight levels. */
static ssize_t json_too_deep(const char *data, size_t size, unsigned max) {
        unsigned depth = 0;
        bool in_string = false;

        for (size_t i = 0; i < size; i++) {
                char c = data[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"')
                        in_string = true;
                else if (c == '[' || c == '{') {
                        if (++depth > max)
                                return (ssize_t) i;
                } else if ((c == ']' || c == '}') && depth > 0)
                        depth--;
        }
        return -1;
}

/* Loads JSON text and hands the root node to parse(); reports JSON syntax errors with their
 * position. */
static int parse_document(const char *data, size_t size, Spec *ret, char **ret_error,
                          int (*parse)(Parser *p, JsonNode *root)) {
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) error = NULL;
        Parser p = { .spec = ret };
        int r;

        if (size > SPEC_JSON_MAX_SIZE) {
                fail(&p, NULL, "larger than %d bytes", SPEC_JSON_MAX_SIZE);
                *ret_error = p.error;
                return -EFBIG;
        }
        ssize_t deep = json_too_deep(data, size, SPEC_JSON_MAX_DEPTH);
        if (deep >= 0) {
                unsigned line = 1, column = 1;
                for (ssize_t i = 0; i < deep; i++) {
                        column++;
                        if (data[i] == '\n')
                                line++, column = 1;
                }
                fail(&p, NULL, "nested deeper than %d levels at line %u, column %u", SPEC_JSON_MAX_DEPTH, line, column);
                *ret_error = p.error;
                return -E2BIG;
        }
        parser = json_parser_new_immutable();
        if (!json_parser_load_from_data(parser, data, (gssize) size, &error)) {
                /* json-glib says "<data>:LINE:COL: Parse error: …". */
                const char *msg = error->message;
                unsigned line, column;
                int n = 0;
                if (g_str_has_prefix(msg, "<data>:"))
                        msg += strlen("<data>:");
                if (sscanf(msg, "%u:%u: %n", &line, &column, &n) == 2 && n > 0) {
                        msg += n;
                        if (g_str_has_prefix(msg, "Parse error: "))
                                msg += strlen("Parse error: ");
                        fail(&p, NULL, "invalid JSON at line %u, column %u: %s", line, column, msg);
                } else
                        fail(&p, NULL, "invalid JSON: %s", msg);
                *ret_error = p.error;
                return -EINVAL;
        }
        if (!json_parser_get_root(parser)) {
                fail(&p, NULL, "empty file");
                *ret_error = p.error;
                return -EINVAL;
        }
        r = parse(&p, json_parser_get_root(parser));
        if (r < 0) {
                if (!p.error)
                        fail(&p, NULL, "%s", strerror(-r));
                *ret_error = p.error;
                return r;
        }
        return 0;
}

int spec_from_json(const char *data, size_t size, Spec *ret, char **ret_error) {
        return parse_document(data, size, ret, ret_error, parse_toplevel);
}

int spec_process_from_json(const char *data, size_t size, Spec *ret, char **ret_error) {
        return parse_document(data, size, ret, ret_error, parse_process);
}

int spec_resources_from_json(const char *data, size_t size, Spec *ret, char **ret_error) {
        return parse_document(data, size, ret, ret_error, parse_resources_document);
}
