/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "macros.h"
#include "state-file.h"
#include "state-resources.h"

/* "=" then the escaped text, so that an empty name is a token too. */
static char *escape_token(const char *s) {
        _cleanup_free_ char *e = state_escape(s ?: "");
        char *out = NULL;
        if (e && asprintf(&out, "=%s", e) < 0)
                out = NULL;
        return out;
}

static char *unescape_token(const char *t) {
        return t[0] == '=' ? state_unescape(t + 1) : NULL;
}

int state_write_resources(FILE *f, const SpecResources *res) {
        for (ResourceField i = 0; i < _RES_FIELD_MAX; i++)
                if (resources_has(res, i))
                        fprintf(f, "resource %s %" PRIi64 "\n", resource_fields[i].path, res->value[i]);
        for (int k = 0; k < 2; k++) {
                const char *v = k == 0 ? res->cpus : res->mems;
                _cleanup_free_ char *e = v ? escape_token(v) : NULL;
                if (v && !e)
                        return -ENOMEM;
                if (v)
                        fprintf(f, "resource.%s %s\n", k == 0 ? "cpus" : "mems", e);
        }
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                for (size_t i = 0; i < res->n_lists[l]; i++) {
                        const ResourceEntry *e = &res->lists[l][i];
                        _cleanup_free_ char *name = escape_token(e->name);
                        if (!name)
                                return -ENOMEM;
                        fprintf(f, "resource.list %s %s %" PRIi64 " %" PRIi64 " %" PRIi64 " %" PRIi64 "\n",
                                resource_lists[l].path, e->name ? name : "=", e->major, e->minor, e->value[0],
                                e->value[1]);
                }
        for (size_t i = 0; i < res->n_unified; i++) {
                _cleanup_free_ char *k = escape_token(res->unified[i].key), *v = escape_token(res->unified[i].value);
                if (!k || !v)
                        return -ENOMEM;
                fprintf(f, "resource.unified %s %s\n", k, v);
        }
        for (size_t i = 0; i < res->n_devices; i++) {
                const SpecDevice *d = &res->devices[i];
                fprintf(f, "resource.device %d %c %" PRIi64 " %" PRIi64 " =%s\n", d->allow, d->type, d->major, d->minor,
                        d->access);
        }
        return 0;
}

static int find_field(const char *path) {
        for (ResourceField i = 0; i < _RES_FIELD_MAX; i++)
                if (streq(path, resource_fields[i].path))
                        return i;
        return -EBADMSG;
}

static int find_list(const char *path) {
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                if (streq(path, resource_lists[l].path))
                        return l;
        return -EBADMSG;
}

int state_read_resource(const char *key, char *value, SpecResources *res) {
        char token[4][256];
        int64_t n[4];
        int r;

        if (streq(key, "resource")) {
                if (sscanf(value, "%255s %" SCNd64, token[0], &n[0]) != 2 || (r = find_field(token[0])) < 0)
                        return -EBADMSG;
                resources_set(res, r, n[0]);
                return 1;
        }
        if (streq(key, "resource.cpus") || streq(key, "resource.mems")) {
                char **field = streq(key, "resource.cpus") ? &res->cpus : &res->mems;
                char *v = unescape_token(value);
                if (!v)
                        return -EBADMSG;
                free(*field);
                *field = v;
                return 1;
        }
        if (streq(key, "resource.list")) {
                ResourceEntry *e;
                _cleanup_free_ char *name = NULL;
                if (sscanf(value, "%255s %255s %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64, token[0], token[1], &n[0],
                           &n[1], &n[2], &n[3]) != 6 || (r = find_list(token[0])) < 0)
                        return -EBADMSG;
                if (!streq(token[1], "=") && !(name = unescape_token(token[1])))
                        return -EBADMSG;
                e = resources_add_entry(res, r, name);
                if (!e)
                        return -ENOMEM;
                e->major = n[0];
                e->minor = n[1];
                e->value[0] = n[2];
                e->value[1] = n[3];
                return 1;
        }
        if (streq(key, "resource.unified")) {
                char *v = strchr(value, ' ');
                StringPair *a;
                if (!v)
                        return -EBADMSG;
                *v++ = 0;
                a = realloc(res->unified, (res->n_unified + 1) * sizeof *a);
                if (!a)
                        return -ENOMEM;
                res->unified = a;
                a = &a[res->n_unified++];
                *a = (StringPair) { unescape_token(value), unescape_token(v) };
                return a->key && a->value ? 1 : -EBADMSG;
        }
        if (streq(key, "resource.device")) {
                SpecDevice *d;
                int allow;
                char type;
                token[0][0] = 0; /* an empty access list reads as four fields */
                if (sscanf(value, "%d %c %" SCNd64 " %" SCNd64 " =%3s", &allow, &type, &n[0], &n[1], token[0]) < 4)
                        return -EBADMSG;
                d = realloc(res->devices, (res->n_devices + 1) * sizeof *d);
                if (!d)
                        return -ENOMEM;
                res->devices = d;
                d = &d[res->n_devices++];
                *d = (SpecDevice) { .allow = allow, .type = type, .major = n[0], .minor = n[1] };
                snprintf(d->access, sizeof d->access, "%s", token[0]);
                return 1;
        }
        return 0;
}
