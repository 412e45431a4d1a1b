/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources: the cgroup limits of a container. The scalar fields and the per-device or
 * per-name lists are described by two tables (resources.c), so that the parser, the bus codec,
 * update's merge and the JSON written to the state folder walk one list of fields instead of
 * naming each of them four times. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct StringPair {
        char *key, *value;
} StringPair;

void string_pairs_free(StringPair *pairs, size_t n);
int string_pairs_copy(const StringPair *pairs, size_t n, StringPair **ret);
/* Appends copies of key and value to the list (*pairs, *n). */
int string_pairs_append(StringPair **pairs, size_t *n, const char *key, const char *value);

typedef enum ResourceField {
        RES_MEMORY_LIMIT,
        RES_MEMORY_RESERVATION,
        RES_MEMORY_SWAP,
        RES_MEMORY_KERNEL,
        RES_MEMORY_KERNEL_TCP,
        RES_MEMORY_SWAPPINESS,
        RES_MEMORY_DISABLE_OOM_KILLER,
        RES_MEMORY_USE_HIERARCHY,
        RES_MEMORY_CHECK_BEFORE_UPDATE,
        RES_CPU_SHARES,
        RES_CPU_QUOTA,
        RES_CPU_BURST,
        RES_CPU_PERIOD,
        RES_CPU_REALTIME_RUNTIME,
        RES_CPU_REALTIME_PERIOD,
        RES_CPU_IDLE,
        RES_PIDS_LIMIT,
        RES_BLKIO_WEIGHT,
        RES_BLKIO_LEAF_WEIGHT,
        RES_NETWORK_CLASS_ID,
        _RES_FIELD_MAX,
} ResourceField;

typedef struct ResourceFieldInfo {
        const char *path; /* below linux.resources, as in config.json and as the bus key: "memory.limit" */
        bool boolean;
        bool zero_is_unset; /* runc's reading of 0 for limits and weights */
        int64_t min, max;   /* integers only */
} ResourceFieldInfo;

extern const ResourceFieldInfo resource_fields[_RES_FIELD_MAX];

/* The lists. Each entry names a block device (major:minor) or something by name (a hugepage
 * size, an interface, an RDMA device) and carries one or two values; -1 is "not given". */
typedef enum ResourceList {
        RES_LIST_WEIGHT_DEVICE,        /* major, minor; weight, leafWeight */
        RES_LIST_THROTTLE_READ_BPS,    /* major, minor; rate */
        RES_LIST_THROTTLE_WRITE_BPS,
        RES_LIST_THROTTLE_READ_IOPS,
        RES_LIST_THROTTLE_WRITE_IOPS,
        RES_LIST_HUGEPAGE_LIMITS,      /* pageSize; limit */
        RES_LIST_NETWORK_PRIORITIES,   /* name; priority */
        RES_LIST_RDMA,                 /* device; hcaHandles, hcaObjects */
        _RES_LIST_MAX,
} ResourceList;

typedef struct ResourceListInfo {
        const char *path;       /* "blockIO.throttleReadBpsDevice" */
        const char *name_field; /* "pageSize", "name"; NULL for block devices; "" for rdma's keys */
        const char *value_fields[2];
        bool value_required;
        int64_t max;
} ResourceListInfo;

extern const ResourceListInfo resource_lists[_RES_LIST_MAX];

typedef struct ResourceEntry {
        char *name;
        int64_t major, minor;
        int64_t value[2];
} ResourceEntry;

typedef struct SpecDevice {
        bool allow;
        char type;        /* 'a', 'c', 'b' */
        int64_t major;    /* -1: any */
        int64_t minor;    /* -1: any */
        char access[4];   /* "rwm" */
} SpecDevice;

typedef struct SpecResources {
        uint32_t set; /* bit (1 << ResourceField) for each field given */
        int64_t value[_RES_FIELD_MAX];
        char *cpus, *mems; /* cpu.cpus, cpu.mems; NULL: not given */
        ResourceEntry *lists[_RES_LIST_MAX];
        size_t n_lists[_RES_LIST_MAX];
        StringPair *unified; /* v2 file → value */
        size_t n_unified;
        SpecDevice *devices;
        size_t n_devices;
} SpecResources;

static inline bool resources_has(const SpecResources *r, ResourceField f) {
        return r->set & (1u << f);
}
static inline void resources_set(SpecResources *r, ResourceField f, int64_t v) {
        r->set |= 1u << f;
        r->value[f] = v;
}
bool resources_empty(const SpecResources *r);

void resources_done(SpecResources *r);

/* Adds one list entry (name copied, may be NULL); returns it or NULL on ENOMEM. */
ResourceEntry *resources_add_entry(SpecResources *r, ResourceList l, const char *name);

/* update: what the change gives replaces what base had: scalars field by field, list entries by
 * device or name (others kept), unified keys one by one, and the device rules as a whole. */
int resources_merge(SpecResources *base, const SpecResources *change);

/* What an update must write besides what it changes: the memory limit with the swap limit and
 * the other way round (v2's swap.max is their difference), quota with period (v2's cpu.max holds
 * both), and checkBeforeUpdate as the container was created with it. Taken from current. */
void resources_add_dependencies(const SpecResources *current, SpecResources *change);

/* linux.resources as config.json has it (devices included), for the state folder and `update -r`. */
char *resources_to_json(const SpecResources *r);
