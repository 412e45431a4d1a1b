/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources as D-Bus data, driven by resources.c's field table: it travels inside the spec
 * and alone (Cgroups1.Create and Update, Spec1.ParseResources). */
#include "macros.h"
#include "spec-bus-codec.h"
#include "spec-bus.h"

/* A resource list as a(sxxxx): name ("" for block devices), major, minor, two values. */
static int append_resource_list(sd_bus_message *m, const char *key, const ResourceEntry *l, size_t n) {
        int r;
        if (n == 0)
                return 0;
        r = open_entry(m, key, "a(sxxxx)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sxxxx)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(sxxxx)", l[i].name ?: "", l[i].major, l[i].minor, l[i].value[0],
                                          l[i].value[1]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : close_entry(m);
}

int spec_bus_append_resources(sd_bus_message *m, const SpecResources *res) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                if (!resources_has(res, f))
                        continue;
                if (resource_fields[f].boolean)
                        r = append_entry(m, resource_fields[f].path, "b", (int) res->value[f]);
                else
                        r = append_entry(m, resource_fields[f].path, "x", res->value[f]);
                if (r < 0)
                        return r;
        }
        if ((res->cpus && (r = append_entry(m, "cpu.cpus", "s", res->cpus)) < 0) ||
            (res->mems && (r = append_entry(m, "cpu.mems", "s", res->mems)) < 0))
                return r;
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                if ((r = append_resource_list(m, resource_lists[l].path, res->lists[l], res->n_lists[l])) < 0)
                        return r;
        if (res->n_unified > 0) {
                r = open_entry(m, "unified", "a{ss}");
                if (r >= 0)
                        r = append_pairs(m, res->unified, res->n_unified);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        if (res->n_devices > 0) {
                r = open_entry(m, "devices", "a(bsxxs)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(bsxxs)");
                for (size_t i = 0; r >= 0 && i < res->n_devices; i++) {
                        const SpecDevice *d = &res->devices[i];
                        char type[2] = { d->type, 0 };
                        r = sd_bus_message_append(m, "(bsxxs)", d->allow, type, d->major, d->minor, d->access);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

/* ---- reading ---- */

static int read_device(sd_bus_message *m, void *userdata) {
        SpecResources *res = userdata;
        SpecDevice *d = GROW(res->devices, res->n_devices);
        const char *type, *access;
        int allow, r;

        if (!d)
                return -ENOMEM;
        r = sd_bus_message_read(m, "(bsxxs)", &allow, &type, &d->major, &d->minor, &access);
        if (r < 0)
                return r;
        if (strlen(type) != 1 || strlen(access) >= sizeof d->access)
                return -EBADMSG;
        d->allow = allow;
        d->type = type[0];
        strcpy(d->access, access);
        return 0;
}

typedef struct ResourceListTarget {
        SpecResources *res;
        ResourceList list;
} ResourceListTarget;

static int read_resource_list_entry(sd_bus_message *m, void *userdata) {
        ResourceListTarget *t = userdata;
        int64_t major, minor, v0, v1;
        const char *name;
        ResourceEntry *e;
        int r;

        r = sd_bus_message_read(m, "(sxxxx)", &name, &major, &minor, &v0, &v1);
        if (r < 0)
                return r;
        e = resources_add_entry(t->res, t->list, *name ? name : NULL);
        if (!e)
                return -ENOMEM;
        *e = (ResourceEntry) { e->name, major, minor, { v0, v1 } };
        return 0;
}

static int read_resource_entry(sd_bus_message *m, void *userdata) {
        SpecResources *res = userdata;
        const char *key;
        int r;

        r = read_entry_key(m, &key);
        if (r < 0)
                return r;
        r = -EBADMSG;
        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                if (!streq(key, resource_fields[f].path))
                        continue;
                if (resource_fields[f].boolean) {
                        int b;
                        r = sd_bus_message_read(m, "v", "b", &b);
                        resources_set(res, f, b);
                } else {
                        int64_t v;
                        r = sd_bus_message_read(m, "v", "x", &v);
                        resources_set(res, f, v);
                }
        }
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                if (streq(key, resource_lists[l].path))
                        r = ENTER("a(sxxxx)") ?: read_array(m, "(sxxxx)", read_resource_list_entry,
                                                            &(ResourceListTarget) { res, l }) ?: EXIT();
        if (streq(key, "cpu.cpus"))
                r = ENTER("s") ?: read_string(m, &res->cpus) ?: EXIT();
        else if (streq(key, "cpu.mems"))
                r = ENTER("s") ?: read_string(m, &res->mems) ?: EXIT();
        else if (streq(key, "unified"))
                r = ENTER("a{ss}") ?: read_pairs(m, &res->unified, &res->n_unified) ?: EXIT();
        else if (streq(key, "devices"))
                r = ENTER("a(bsxxs)") ?: read_array(m, "(bsxxs)", read_device, res) ?: EXIT();
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int spec_bus_read_resources(sd_bus_message *m, SpecResources *res) {
        return read_array(m, "{sv}", read_resource_entry, res);
}
