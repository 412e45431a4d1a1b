/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "spec-json.h"
#include "spec-json-parser.h"

static int parse_root(Parser *p, JsonValue *n) {
        JsonValue *o = NULL;
        JsonValue *m;
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

static int parse_hooks(Parser *p, JsonValue *n) {
        JsonValue *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "hooks", &o)) < 0)
                return r;
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++) {
                _cleanup_free_ char *base = join("hooks", hook_kind_to_string(k));
                JsonValue *m = member(o, hook_kind_to_string(k));
                JsonValue *a;

                if (!m)
                        continue;
                if ((r = want_array(p, m, base, &a)) < 0)
                        return r;
                p->spec->hooks[k] = calloc(json_length(a) + 1, sizeof(SpecHook));
                if (!p->spec->hooks[k])
                        return -ENOMEM;
                for (size_t i = 0; i < json_length(a); i++) {
                        _cleanup_free_ char *path = join_index(base, i), *ppath = join(path, "path"),
                                            *apath = join(path, "args"), *epath = join(path, "env"),
                                            *tpath = join(path, "timeout");
                        SpecHook *h = &p->spec->hooks[k][p->spec->n_hooks[k]++];
                        JsonValue *ho = NULL;
                        JsonValue *f;
                        int64_t t;

                        if ((r = want_object(p, json_array_at(a, i), path, &ho)) < 0)
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

static int parse_toplevel(Parser *p, JsonValue *root) {
        static const char *const unsupported[] = { "solaris", "windows", "vm", "zos", NULL };
        Spec *s = p->spec;
        JsonValue *o = NULL;
        JsonValue *m;
        int r;

        if (!json_is(root, JSON_OBJECT))
                return fail(p, "", "the top level must be an object, got %s", node_type_name(root));
        o = root;

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

/* Reads JSON text and hands its root to parse(); reports JSON syntax errors with their
 * position. */
static int parse_document(const char *data, size_t size, Spec *ret, Error *error,
                          int (*parse)(Parser *p, JsonValue *root)) {
        _cleanup_json_value_ JsonValue *root = NULL;
        JsonSyntaxError syntax = {};
        Parser p = { .spec = ret, .error = error };
        int r;

        if (size > SPEC_JSON_MAX_SIZE) {
                fail(&p, NULL, "larger than %d bytes", SPEC_JSON_MAX_SIZE);
                return -EFBIG;
        }
        r = json_read(data, size, SPEC_JSON_MAX_DEPTH, &root, &syntax);
        if (r == -E2BIG) {
                fail(&p, NULL, "nested deeper than %d levels at line %u, column %u", SPEC_JSON_MAX_DEPTH,
                     syntax.line, syntax.column);
                return r;
        }
        if (r == -EINVAL) {
                fail(&p, NULL, "invalid JSON at line %u, column %u: %s", syntax.line, syntax.column, syntax.message);
                return r;
        }
        if (r < 0)
                return r;
        if (!root) {
                fail(&p, NULL, "empty file");
                return -EINVAL;
        }
        r = parse(&p, root);
        return r < 0 ? r : 0; /* without a message, error_text() says strerror(r) */
}

int spec_from_json(const char *data, size_t size, Spec *ret, Error *error) {
        return parse_document(data, size, ret, error, parse_toplevel);
}

int spec_process_from_json(const char *data, size_t size, Spec *ret, Error *error) {
        return parse_document(data, size, ret, error, parse_process);
}

int spec_resources_from_json(const char *data, size_t size, Spec *ret, Error *error) {
        return parse_document(data, size, ret, error, parse_resources_document);
}
