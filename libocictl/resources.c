/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "json-writer.h"
#include "macros.h"
#include "resources.h"

/* Ranges are the kernel's where the spec's type is wider, so that the parser names the field. */
const ResourceFieldInfo resource_fields[_RES_FIELD_MAX] = {
        [RES_MEMORY_LIMIT] = { "memory.limit", false, true, -1, INT64_MAX },
        [RES_MEMORY_RESERVATION] = { "memory.reservation", false, true, -1, INT64_MAX },
        [RES_MEMORY_SWAP] = { "memory.swap", false, true, -1, INT64_MAX },
        [RES_MEMORY_KERNEL] = { "memory.kernel", false, true, -1, INT64_MAX },
        [RES_MEMORY_KERNEL_TCP] = { "memory.kernelTCP", false, true, -1, INT64_MAX },
        [RES_MEMORY_SWAPPINESS] = { "memory.swappiness", false, false, 0, 200 },
        [RES_MEMORY_DISABLE_OOM_KILLER] = { "memory.disableOOMKiller", true, false, 0, 1 },
        [RES_MEMORY_USE_HIERARCHY] = { "memory.useHierarchy", true, false, 0, 1 },
        [RES_MEMORY_CHECK_BEFORE_UPDATE] = { "memory.checkBeforeUpdate", true, false, 0, 1 },
        [RES_CPU_SHARES] = { "cpu.shares", false, true, 2, 262144 },
        [RES_CPU_QUOTA] = { "cpu.quota", false, true, -1, INT64_MAX },
        [RES_CPU_BURST] = { "cpu.burst", false, false, 0, INT64_MAX },
        [RES_CPU_PERIOD] = { "cpu.period", false, true, 1000, 1000000 },
        [RES_CPU_REALTIME_RUNTIME] = { "cpu.realtimeRuntime", false, true, -1, INT64_MAX },
        [RES_CPU_REALTIME_PERIOD] = { "cpu.realtimePeriod", false, true, 1, INT64_MAX },
        [RES_CPU_IDLE] = { "cpu.idle", false, false, 0, 1 },
        [RES_PIDS_LIMIT] = { "pids.limit", false, false, INT64_MIN, INT64_MAX },
        [RES_BLKIO_WEIGHT] = { "blockIO.weight", false, true, 10, 1000 },
        [RES_BLKIO_LEAF_WEIGHT] = { "blockIO.leafWeight", false, true, 10, 1000 },
        [RES_NETWORK_CLASS_ID] = { "network.classID", false, true, 0, UINT32_MAX },
};

const ResourceListInfo resource_lists[_RES_LIST_MAX] = {
        [RES_LIST_WEIGHT_DEVICE] = { "blockIO.weightDevice", NULL, { "weight", "leafWeight" }, false, 1000 },
        [RES_LIST_THROTTLE_READ_BPS] = { "blockIO.throttleReadBpsDevice", NULL, { "rate" }, true, INT64_MAX },
        [RES_LIST_THROTTLE_WRITE_BPS] = { "blockIO.throttleWriteBpsDevice", NULL, { "rate" }, true, INT64_MAX },
        [RES_LIST_THROTTLE_READ_IOPS] = { "blockIO.throttleReadIOPSDevice", NULL, { "rate" }, true, INT64_MAX },
        [RES_LIST_THROTTLE_WRITE_IOPS] = { "blockIO.throttleWriteIOPSDevice", NULL, { "rate" }, true, INT64_MAX },
        [RES_LIST_HUGEPAGE_LIMITS] = { "hugepageLimits", "pageSize", { "limit" }, true, INT64_MAX },
        [RES_LIST_NETWORK_PRIORITIES] = { "network.priorities", "name", { "priority" }, true, UINT32_MAX },
        [RES_LIST_RDMA] = { "rdma", "", { "hcaHandles", "hcaObjects" }, false, UINT32_MAX },
};

void string_pairs_free(StringPair *pairs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(pairs[i].key);
                free(pairs[i].value);
        }
        free(pairs);
}

int string_pairs_copy(const StringPair *pairs, size_t n, StringPair **ret) {
        StringPair *c = calloc(n + 1, sizeof(StringPair));
        if (!c)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                c[i].key = strdup(pairs[i].key);
                c[i].value = strdup(pairs[i].value);
                if (!c[i].key || !c[i].value) {
                        string_pairs_free(c, i + 1);
                        return -ENOMEM;
                }
        }
        *ret = c;
        return 0;
}

int string_pairs_append(StringPair **pairs, size_t *n, const char *key, const char *value) {
        StringPair *a = realloc(*pairs, (*n + 1) * sizeof *a);
        if (!a)
                return -ENOMEM;
        *pairs = a;
        a[*n] = (StringPair) { strdup(key), strdup(value) };
        if (!a[*n].key || !a[*n].value) {
                free(a[*n].key);
                free(a[*n].value);
                return -ENOMEM;
        }
        (*n)++;
        return 0;
}

bool resources_empty(const SpecResources *r) {
        size_t lists = 0;
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                lists += r->n_lists[l];
        return r->set == 0 && !r->cpus && !r->mems && lists == 0 && r->n_unified == 0 && r->n_devices == 0;
}

void resources_done(SpecResources *r) {
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++) {
                for (size_t i = 0; i < r->n_lists[l]; i++)
                        free(r->lists[l][i].name);
                free(r->lists[l]);
        }
        free(r->cpus);
        free(r->mems);
        string_pairs_free(r->unified, r->n_unified);
        free(r->devices);
        *r = (SpecResources) {};
}

ResourceEntry *resources_add_entry(SpecResources *r, ResourceList l, const char *name) {
        ResourceEntry *n = realloc(r->lists[l], (r->n_lists[l] + 1) * sizeof(ResourceEntry));
        if (!n)
                return NULL;
        r->lists[l] = n;
        n = &n[r->n_lists[l]];
        *n = (ResourceEntry) { .major = -1, .minor = -1, .value = { -1, -1 } };
        if (name && !(n->name = strdup(name)))
                return NULL;
        r->n_lists[l]++;
        return n;
}

static bool same_entry(const ResourceEntry *a, const ResourceEntry *b) {
        if (a->name || b->name)
                return a->name && b->name && streq(a->name, b->name);
        return a->major == b->major && a->minor == b->minor;
}

static int replace_string(char **dst, const char *src) {
        char *c;
        if (!src)
                return 0;
        if (!(c = strdup(src)))
                return -ENOMEM;
        free(*dst);
        *dst = c;
        return 0;
}

static int merge_unified(SpecResources *base, const StringPair *p) {
        StringPair *n;
        for (size_t i = 0; i < base->n_unified; i++)
                if (streq(base->unified[i].key, p->key))
                        return replace_string(&base->unified[i].value, p->value);
        n = realloc(base->unified, (base->n_unified + 1) * sizeof(StringPair));
        if (!n)
                return -ENOMEM;
        base->unified = n;
        n[base->n_unified] = (StringPair) { strdup(p->key), strdup(p->value) };
        if (!n[base->n_unified].key || !n[base->n_unified].value) {
                free(n[base->n_unified].key);
                free(n[base->n_unified].value);
                return -ENOMEM;
        }
        base->n_unified++;
        return 0;
}

int resources_merge(SpecResources *base, const SpecResources *change) {
        int r;

        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++)
                if (resources_has(change, f))
                        resources_set(base, f, change->value[f]);
        if ((r = replace_string(&base->cpus, change->cpus)) < 0 || (r = replace_string(&base->mems, change->mems)) < 0)
                return r;
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                for (size_t i = 0; i < change->n_lists[l]; i++) {
                        const ResourceEntry *c = &change->lists[l][i];
                        ResourceEntry *e = NULL;
                        for (size_t j = 0; j < base->n_lists[l] && !e; j++)
                                if (same_entry(&base->lists[l][j], c))
                                        e = &base->lists[l][j];
                        if (!e && !(e = resources_add_entry(base, l, c->name)))
                                return -ENOMEM;
                        e->major = c->major;
                        e->minor = c->minor;
                        for (int k = 0; k < 2; k++)
                                if (c->value[k] >= 0)
                                        e->value[k] = c->value[k];
                }
        for (size_t i = 0; i < change->n_unified; i++)
                if ((r = merge_unified(base, &change->unified[i])) < 0)
                        return r;
        if (change->n_devices > 0) {
                SpecDevice *d = memdup(change->devices, change->n_devices * sizeof(SpecDevice));
                if (!d)
                        return -ENOMEM;
                free(base->devices);
                base->devices = d;
                base->n_devices = change->n_devices;
        }
        return 0;
}

void resources_add_dependencies(const SpecResources *current, SpecResources *change) {
        static const ResourceField together[][2] = {
                { RES_MEMORY_LIMIT, RES_MEMORY_SWAP },
                { RES_CPU_QUOTA, RES_CPU_PERIOD },
        };

        for (size_t i = 0; i < ELEMENTSOF(together); i++) {
                ResourceField a = together[i][0], b = together[i][1];
                if (!resources_has(change, a) && !resources_has(change, b))
                        continue;
                if (!resources_has(change, a) && resources_has(current, a))
                        resources_set(change, a, current->value[a]);
                if (!resources_has(change, b) && resources_has(current, b))
                        resources_set(change, b, current->value[b]);
        }
        if (resources_has(current, RES_MEMORY_CHECK_BEFORE_UPDATE) && !resources_has(change, RES_MEMORY_CHECK_BEFORE_UPDATE))
                resources_set(change, RES_MEMORY_CHECK_BEFORE_UPDATE, current->value[RES_MEMORY_CHECK_BEFORE_UPDATE]);
}

/* The part of path inside group: "blockIO.weight" in "blockIO" is "weight"; a list that is the
 * group itself ("hugepageLimits") is written under its own name. NULL if not in the group. */
static const char *in_group(const char *path, const char *group) {
        size_t n = strlen(group);
        if (!strneq(path, group, n))
                return NULL;
        return path[n] == '.' ? path + n + 1 : path[n] == 0 ? path : NULL;
}

static void write_list(JsonWriter *w, ResourceList l, const ResourceEntry *entries, size_t n) {
        const ResourceListInfo *info = &resource_lists[l];
        bool keyed = info->name_field && !*info->name_field;

        if (keyed)
                json_begin_object(w);
        else
                json_begin_array(w);
        for (size_t i = 0; i < n; i++) {
                const ResourceEntry *e = &entries[i];
                if (keyed)
                        json_key(w, e->name);
                json_begin_object(w);
                if (!info->name_field) {
                        json_key_int(w, "major", e->major);
                        json_key_int(w, "minor", e->minor);
                } else if (!keyed)
                        json_key_string(w, info->name_field, e->name);
                for (int k = 0; k < 2; k++)
                        if (info->value_fields[k] && e->value[k] >= 0)
                                json_key_int(w, info->value_fields[k], e->value[k]);
                json_end_object(w);
        }
        if (keyed)
                json_end_object(w);
        else
                json_end_array(w);
}

static void open_group(JsonWriter *w, const char *group, bool *open) {
        if (*open)
                return;
        json_key(w, group);
        json_begin_object(w);
        *open = true;
}

char *resources_to_json(const SpecResources *r) {
        static const char *const groups[] = { "memory", "cpu", "pids", "blockIO", "hugepageLimits", "network", "rdma" };
        JsonWriter w = {};

        json_begin_object(&w);
        for (size_t g = 0; g < ELEMENTSOF(groups); g++) {
                bool object = false, cpu = streq(groups[g], "cpu") && (r->cpus || r->mems);
                const char *name;

                for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                        if (!resources_has(r, f) || !(name = in_group(resource_fields[f].path, groups[g])))
                                continue;
                        open_group(&w, groups[g], &object);
                        if (resource_fields[f].boolean)
                                json_key_bool(&w, name, r->value[f]);
                        else
                                json_key_int(&w, name, r->value[f]);
                }
                if (cpu) {
                        open_group(&w, groups[g], &object);
                        if (r->cpus)
                                json_key_string(&w, "cpus", r->cpus);
                        if (r->mems)
                                json_key_string(&w, "mems", r->mems);
                }
                for (ResourceList l = 0; l < _RES_LIST_MAX; l++) {
                        if (r->n_lists[l] == 0 || !(name = in_group(resource_lists[l].path, groups[g])))
                                continue;
                        if (name != resource_lists[l].path)
                                open_group(&w, groups[g], &object);
                        json_key(&w, name);
                        write_list(&w, l, r->lists[l], r->n_lists[l]);
                }
                if (object)
                        json_end_object(&w);
        }
        if (r->n_unified > 0) {
                json_key(&w, "unified");
                json_begin_object(&w);
                for (size_t i = 0; i < r->n_unified; i++)
                        json_key_string(&w, r->unified[i].key, r->unified[i].value);
                json_end_object(&w);
        }
        if (r->n_devices > 0) {
                json_key(&w, "devices");
                json_begin_array(&w);
                for (size_t i = 0; i < r->n_devices; i++) {
                        const SpecDevice *d = &r->devices[i];
                        char type[2] = { d->type, 0 };
                        json_begin_object(&w);
                        json_key_bool(&w, "allow", d->allow);
                        json_key_string(&w, "type", type);
                        if (d->major >= 0)
                                json_key_int(&w, "major", d->major);
                        if (d->minor >= 0)
                                json_key_int(&w, "minor", d->minor);
                        json_key_string(&w, "access", d->access);
                        json_end_object(&w);
                }
                json_end_array(&w);
        }
        json_end_object(&w);
        return json_writer_steal(&w);
}
