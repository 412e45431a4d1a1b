/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which cgroup hierarchies this host has, where they are mounted, and where we are in each:
 * pure v2, pure v1, or hybrid (controllers on v1 plus a cgroup2 mount without controllers). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum CgroupLayoutType {
        CGROUP_LAYOUT_V1,
        CGROUP_LAYOUT_V2,
        CGROUP_LAYOUT_HYBRID,
        _CGROUP_LAYOUT_MAX,
        _CGROUP_LAYOUT_INVALID = -22,
} CgroupLayoutType;

typedef struct CgroupHierarchy {
        char *key;        /* as in /proc/self/cgroup: "memory", "cpu,cpuacct", "name=systemd"; "" for v2 */
        char *mountpoint; /* "/sys/fs/cgroup/memory" */
        char *own_path;   /* our cgroup in it, for relative cgroupsPath */
        bool v2;
} CgroupHierarchy;

#define CGROUP_HIERARCHIES_MAX 32

typedef struct CgroupLayout {
        CgroupLayoutType type;
        CgroupHierarchy hierarchies[CGROUP_HIERARCHIES_MAX];
        size_t n_hierarchies;
} CgroupLayout;

const char *cgroup_layout_type_to_string(CgroupLayoutType t);

/* Reads /proc/self/mountinfo and /proc/self/cgroup (paths given so tests can feed their own). */
int cgroup_layout_detect_from(const char *mountinfo_path, const char *cgroup_path, CgroupLayout *ret);
int cgroup_layout_detect(CgroupLayout *ret);
void cgroup_layout_done(CgroupLayout *l);

/* The hierarchy that holds a controller ("memory", "pids", "devices"), or NULL. On v2 that is
 * the unified hierarchy when the controller is listed in its cgroup.controllers. */
const CgroupHierarchy *cgroup_layout_find(const CgroupLayout *l, const char *controller);
bool cgroup_hierarchy_has_controller(const CgroupHierarchy *h, const char *controller);
