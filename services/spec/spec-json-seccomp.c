/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, "linux.seccomp": actions, architectures, flags, rules and their argument conditions. */
#include <sys/un.h>
#include <ctype.h>
#include <seccomp.h>

#include "spec-json-parser.h"

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

static int parse_seccomp_action(Parser *p, JsonValue *o, const char *path, const char *key, const char *errno_key,
                                uint32_t *ret_action, uint32_t *ret_errno) {
        _cleanup_free_ char *apath = join(path, key), *name = NULL;
        JsonValue *m;
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

static int parse_seccomp_rule(Parser *p, JsonValue *o, const char *path, SpecSeccompRule *rule) {
        _cleanup_free_ char *npath = join(path, "names"), *apath = join(path, "args");
        JsonValue *args;
        JsonValue *m;
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
        if (json_length(args) > 6)
                return fail(p, apath, "a syscall has at most 6 arguments");
        rule->args = calloc(json_length(args) + 1, sizeof(SpecSeccompArg));
        if (!rule->args)
                return -ENOMEM;
        for (size_t i = 0; i < json_length(args); i++) {
                _cleanup_free_ char *path_i = join_index(apath, i), *op = NULL;
                SpecSeccompArg *a = &rule->args[rule->n_args++];
                JsonValue *ao = NULL;
                int64_t index;

                if ((r = want_object(p, json_array_at(args, i), path_i, &ao)) < 0)
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

int parse_seccomp(Parser *p, JsonValue *n) {
        SpecSeccomp *sc = &p->spec->seccomp;
        bool notify = false;
        _cleanup_strv_free_ char **list = NULL;
        JsonValue *o = NULL;
        JsonValue *a;
        JsonValue *m;
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
                        if (!startswith(list[i], "SCMP_ARCH_"))
                                token = 0;
                        else {
                                lower = strdup(list[i] + strlen("SCMP_ARCH_"));
                                if (!lower)
                                        return -ENOMEM;
                                for (char *c = lower; *c; c++)
                                        *c = (char) tolower((unsigned char) *c);
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
                sc->rules = calloc(json_length(a) + 1, sizeof(SpecSeccompRule));
                if (!sc->rules)
                        return -ENOMEM;
                for (size_t i = 0; i < json_length(a); i++) {
                        _cleanup_free_ char *path = join_index("linux.seccomp.syscalls", i);
                        JsonValue *ro = NULL;
                        if ((r = want_object(p, json_array_at(a, i), path, &ro)) < 0)
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
