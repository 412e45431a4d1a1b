/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, the parser's helpers: typed members with their JSON path in every error, named values and flags, CPU lists, string maps. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "spec-json-parser.h"


int fail(Parser *p, const char *path, const char *fmt, ...) {
        char msg[ERROR_MESSAGE_MAX];
        va_list ap;

        if (p->error->message[0]) /* keep the first error: it is the cause */
                return -EINVAL;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return error_set_complete(p->error, -EINVAL, "%s%s%s", path ?: "", path && *path ? ": " : "", msg);
}

const char *node_type_name(JsonValue *n) {
        if (json_is(n, JSON_NULL))
                return "null";
        if (json_is(n, JSON_OBJECT))
                return "an object";
        if (json_is(n, JSON_ARRAY))
                return "an array";
        switch (n->type) {
        case JSON_STRING:
                return "a string";
        case JSON_BOOLEAN:
                return "a boolean";
        case JSON_INTEGER:
                return "an integer";
        default:
                return "a number";
        }
}

char *join(const char *path, const char *name) {
        char *s;
        if (asprintf(&s, "%s%s%s", path, *path ? "." : "", name) < 0)
                return NULL;
        return s;
}

char *join_index(const char *path, size_t i) {
        char *s;
        if (asprintf(&s, "%s[%zu]", path, i) < 0)
                return NULL;
        return s;
}

/* A member that is absent or null counts as not given. */
JsonValue *member(JsonValue *o, const char *name) {
        JsonValue *n = o ? json_object_get(o, name) : NULL;
        return n && !json_is(n, JSON_NULL) ? n : NULL;
}

int want_object(Parser *p, JsonValue *n, const char *path, JsonValue **ret) {
        if (!json_is(n, JSON_OBJECT))
                return fail(p, path, "expected an object, got %s", node_type_name(n));
        *ret = n;
        return 0;
}

int want_array(Parser *p, JsonValue *n, const char *path, JsonValue **ret) {
        if (!json_is(n, JSON_ARRAY))
                return fail(p, path, "expected an array, got %s", node_type_name(n));
        if (json_length(n) > SPEC_MAX_STRINGS)
                return fail(p, path, "more than %d entries", SPEC_MAX_STRINGS);
        *ret = n;
        return 0;
}

int want_string(Parser *p, JsonValue *n, const char *path, char **ret) {
        const char *s;
        if (!json_is(n, JSON_STRING))
                return fail(p, path, "expected a string, got %s", node_type_name(n));
        s = n->string;
        if (strlen(s) > SPEC_MAX_STRING_LENGTH)
                return fail(p, path, "longer than %d bytes", SPEC_MAX_STRING_LENGTH);
        free(*ret);
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int want_bool(Parser *p, JsonValue *n, const char *path, bool *ret) {
        if (!json_is(n, JSON_BOOLEAN))
                return fail(p, path, "expected a boolean, got %s", node_type_name(n));
        *ret = n->boolean;
        return 0;
}

int want_int(Parser *p, JsonValue *n, const char *path, int64_t min, int64_t max, int64_t *ret) {
        int64_t v;
        if (!json_is(n, JSON_INTEGER))
                return fail(p, path, "expected an integer, got %s", node_type_name(n));
        v = n->integer;
        if (v < min || v > max)
                return fail(p, path, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]",
                            v, min, max);
        *ret = v;
        return 0;
}

/* Rlimits are uint64 and 2^64-1 means unlimited. The reader keeps integers above INT64_MAX in
 * an int64 with the same 64 bits (json-reader.h), so a negative value is the unsigned one it stands for (a
 * literal -1 reads as unlimited too, harmlessly). */
int want_uint64(Parser *p, JsonValue *n, const char *path, uint64_t *ret) {
        if (json_is(n, JSON_INTEGER)) {
                *ret = (uint64_t) n->integer;
                return 0;
        }
        if (json_is(n, JSON_DOUBLE)) {
                double d = n->number;
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

int want_strv(Parser *p, JsonValue *n, const char *path, char ***ret) {
        JsonValue *a;
        char **l;
        size_t len;
        int r;

        r = want_array(p, n, path, &a);
        if (r < 0)
                return r;
        len = json_length(a);
        l = calloc(len + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *ipath = join_index(path, i);
                r = want_string(p, json_array_at(a, i), ipath, &l[i]);
                if (r < 0) {
                        strv_free(l);
                        return r;
                }
        }
        strv_free(*ret);
        *ret = l;
        return 0;
}


/* A member that names one entry of a table (a policy, a mode): its value, or an error that
 * names the field and what kind of name it wanted. */
int want_named(Parser *p, JsonValue *o, const char *key, const char *path, const char *kind,
               const NamedValue *table, size_t n_table, uint64_t *ret) {
        _cleanup_free_ char *name = NULL;
        JsonValue *m = member(o, key);
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
int want_flags(Parser *p, JsonValue *n, const char *path, const NamedValue *table, size_t n_table,
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

int refuse_unsupported(Parser *p, JsonValue *o, const char *path, const char *const *names) {
        for (; *names; names++) {
                JsonValue *n = member(o, *names);
                _cleanup_free_ char *fpath = NULL;

                if (!n)
                        continue;
                /* An empty list or object asks for nothing: accept it. */
                if (json_is(n, JSON_ARRAY) && json_length(n) == 0)
                        continue;
                if (json_is(n, JSON_OBJECT) && json_length(n) == 0)
                        continue;
                fpath = join(path, *names);
                return fail(p, fpath, "not supported yet");
        }
        return 0;
}

bool path_is_absolute(const char *s) {
        return s && s[0] == '/';
}

/* "0-3,7,9-10": a list of CPUs (or memory nodes), each below 8192 (CPU_SETSIZE). */
bool cpu_list_is_valid(const char *s) {
        if (!*s)
                return false;
        for (;;) {
                unsigned long a, b;
                char *end;
                if (!isdigit((unsigned char) *s))
                        return false;
                a = strtoul(s, &end, 10);
                if (a >= 8192)
                        return false;
                s = end;
                if (*s == '-') {
                        s++;
                        if (!isdigit((unsigned char) *s))
                                return false;
                        b = strtoul(s, &end, 10);
                        if (b < a || b >= 8192)
                                return false;
                        s = end;
                }
                if (!*s)
                        return true;
                if (*s++ != ',')
                        return false;
        }
}

/* An object of strings: annotations, linux.sysctl; max_size bounds keys and values together
 * (0: only each string's own limit). */
int parse_string_map(Parser *p, JsonValue *n, const char *base, size_t max_size, StringPair **ret,
                     size_t *ret_n) {
        JsonValue *o = NULL;
        size_t total = 0;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, base, &o);
        if (r < 0)
                return r;
        if (json_length(o) > SPEC_MAX_STRINGS)
                return fail(p, base, "more than %d entries", SPEC_MAX_STRINGS);
        *ret = calloc(json_length(o) + 1, sizeof(StringPair));
        if (!*ret)
                return -ENOMEM;
        r = 0;
        for (size_t i = 0; i < o->object.n && r >= 0; i++) {
                const JsonMember *m = &o->object.members[i];
                StringPair *a = &(*ret)[(*ret_n)++];
                _cleanup_free_ char *path = join(base, m->name);
                a->key = strdup(m->name);
                if (!a->key)
                        r = -ENOMEM;
                else
                        r = want_string(p, m->value, path, &a->value);
                if (r >= 0 && max_size > 0 && (total += strlen(a->key) + strlen(a->value)) > max_size)
                        r = fail(p, base, "more than %zu bytes of keys and values", max_size);
        }
        return r;
}
