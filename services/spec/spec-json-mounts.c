/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, "mounts", and the rules idmapped mounts must follow. */

#include "spec-json-parser.h"

int parse_mounts(Parser *p, JsonValue *n) {
        JsonValue *a;
        size_t len;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "mounts", &a);
        if (r < 0)
                return r;
        len = json_length(a);
        p->spec->mounts = calloc(len ?: 1, sizeof(SpecMount));
        if (!p->spec->mounts)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("mounts", i), *dpath = NULL;
                SpecMount *mt = &p->spec->mounts[p->spec->n_mounts++];
                JsonValue *o = NULL;
                JsonValue *m;

                r = want_object(p, json_array_at(a, i), path, &o);
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
int check_idmapped_mounts(Parser *p) {
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
