/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, "linux.resources" (also alone, for update -r): devices, the typed fields, lists, unified. */
#include <inttypes.h>

#include "spec-json-parser.h"

static int parse_devices(Parser *p, JsonValue *n, const char *base, SpecResources *res) {
        JsonValue *a;
        size_t len;
        int r;

        r = want_array(p, n, base, &a);
        if (r < 0)
                return r;
        len = json_length(a);
        res->devices = calloc(len ?: 1, sizeof(SpecDevice));
        if (!res->devices)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index(base, i), *fpath = NULL, *type = NULL, *access = NULL;
                SpecDevice *d = &res->devices[res->n_devices++];
                JsonValue *o = NULL;
                JsonValue *m;

                r = want_object(p, json_array_at(a, i), path, &o);
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
static JsonValue *resource_member(Parser *p, JsonValue *o, const char *base, const char *path, int *r) {
        const char *dot = strchr(path, '.');
        _cleanup_free_ char *group = NULL, *gpath = NULL;
        JsonValue *go = NULL;
        JsonValue *g;

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

static int parse_resource_fields(Parser *p, JsonValue *o, const char *base, SpecResources *res) {
        int r;

        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                const ResourceFieldInfo *info = &resource_fields[f];
                _cleanup_free_ char *fpath = join(base, info->path);
                JsonValue *n = resource_member(p, o, base, info->path, &r);
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
                if (info->zero_is_unset && json_is(n, JSON_INTEGER) &&
                    n->integer == 0)
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
                JsonValue *n = resource_member(p, o, base, field, &r);

                if (r < 0 || !fpath)
                        return r < 0 ? r : -ENOMEM;
                if (!n)
                        continue;
                if ((r = want_string(p, n, fpath, target)) < 0)
                        return r;
                if (**target && !cpu_list_is_valid(*target)) /* empty: inherit */
                        return fail(p, fpath, "\"%s\" is not a list of numbers and ranges (\"0-3,7\")", *target);
        }
        return 0;
}

/* One entry of a list: a block device (major, minor) or a name, and its values. */
static int parse_resource_entry(Parser *p, JsonValue *o, const char *path, ResourceList l, const char *key,
                                SpecResources *res) {
        const ResourceListInfo *info = &resource_lists[l];
        _cleanup_free_ char *name = NULL;
        ResourceEntry *e;
        int64_t major = -1, minor = -1, values[2] = { -1, -1 };
        bool any = false;
        int r;

        if (info->name_field && *info->name_field) {
                _cleanup_free_ char *fpath = join(path, info->name_field);
                JsonValue *n = member(o, info->name_field);
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
                        JsonValue *n = member(o, fields[i]);
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
                JsonValue *n = member(o, info->value_fields[i]);
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

static int parse_resource_lists(Parser *p, JsonValue *o, const char *base, SpecResources *res) {
        int r;

        for (ResourceList l = 0; l < _RES_LIST_MAX; l++) {
                _cleanup_free_ char *path = join(base, resource_lists[l].path);
                JsonValue *n = resource_member(p, o, base, resource_lists[l].path, &r);

                if (r < 0 || !path)
                        return r < 0 ? r : -ENOMEM;
                if (!n)
                        continue;
                if (resource_lists[l].name_field && !*resource_lists[l].name_field) {
                        /* rdma: {"mlx5_1": {"hcaHandles": 3}} */
                        JsonValue *ko = NULL;
                        if ((r = want_object(p, n, path, &ko)) < 0)
                                return r;
                        for (size_t k = 0; k < ko->object.n && r >= 0; k++) {
                                const JsonMember *device = &ko->object.members[k];
                                _cleanup_free_ char *epath = join(path, device->name);
                                JsonValue *eo = NULL;
                                if (!epath)
                                        r = -ENOMEM;
                                else if (strchr(device->name, ' ') || strchr(device->name, '\n') || !*device->name)
                                        r = fail(p, epath, "not a valid device name");
                                else if ((r = want_object(p, device->value, epath, &eo)) >= 0)
                                        r = parse_resource_entry(p, eo, epath, l, device->name, res);
                        }
                        if (r < 0)
                                return r;
                        continue;
                }
                JsonValue *a = NULL;
                if ((r = want_array(p, n, path, &a)) < 0)
                        return r;
                for (size_t i = 0; i < json_length(a); i++) {
                        _cleanup_free_ char *epath = join_index(path, i);
                        JsonValue *eo = NULL;
                        if (!epath)
                                return -ENOMEM;
                        if ((r = want_object(p, json_array_at(a, i), epath, &eo)) < 0 ||
                            (r = parse_resource_entry(p, eo, epath, l, NULL, res)) < 0)
                                return r;
                }
        }
        return 0;
}

/* linux.resources.unified: cgroup v2 file names and the values written to them. */
static int parse_unified(Parser *p, JsonValue *n, const char *base, SpecResources *res) {
        _cleanup_free_ char *path = join(base, "unified");
        JsonValue *o = NULL;
        int r;

        if (!path)
                return -ENOMEM;
        if ((r = want_object(p, n, path, &o)) < 0)
                return r;
        res->unified = calloc(o->object.n + 1, sizeof(StringPair));
        if (!res->unified)
                return -ENOMEM;
        for (size_t k = 0; k < o->object.n && r >= 0; k++) {
                const char *key = o->object.members[k].name;
                _cleanup_free_ char *kpath = join(path, key);
                StringPair *pair = &res->unified[res->n_unified];

                if (!kpath) {
                        r = -ENOMEM;
                        break;
                }
                if (!*key || strchr(key, '/') || streq(key, ".") || streq(key, "..") || !strchr(key, '.'))
                        r = fail(p, kpath, "not a cgroup v2 file name (\"controller.file\")");
                else if (strneq(key, "cgroup.", 7))
                        r = fail(p, kpath, "the cgroup's own files are the runtime's to manage");
                else if ((r = want_string(p, o->object.members[k].value, kpath, &pair->value)) >= 0) {
                        pair->key = strdup(key);
                        r = pair->key ? 0 : -ENOMEM;
                        res->n_unified++;
                }
        }
        return r;
}

/* linux.resources, or the LinuxResources object of `update -r` (base ""). */
static int parse_resources_at(Parser *p, JsonValue *n, const char *base, SpecResources *res) {
        JsonValue *o = NULL;
        JsonValue *m;
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

int parse_resources(Parser *p, JsonValue *n) {
        return parse_resources_at(p, n, "linux.resources", &p->spec->resources);
}

int parse_resources_document(Parser *p, JsonValue *root) {
        return parse_resources_at(p, root, "", &p->spec->resources);
}
