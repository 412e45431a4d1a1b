/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources → the cgroup files to write and what to write in them, for each controller on
 * the version of the hierarchy that holds it. Pure: no file is touched, so the unit tests check
 * every write, and the conversions between v1 and v2 values (runc's) live here alone. */
#pragma once

#include "error.h"
#include "resources.h"

/* Where a controller lives on this host: 1 (a v1 hierarchy), 2 (the unified one), 0 (nowhere). */
typedef int (*CgroupVersionOf)(const char *controller, void *userdata);

typedef struct CgroupWrite {
        char *controller; /* v1 or v2 name: "memory", "blkio", "io", "net_cls" */
        char *field;      /* what an error names: "memory.limit", "blockIO.throttleReadBpsDevice[0]" */
        char *file, *value;
        char *alt_file, *alt_value; /* written instead when file does not exist (blkio.bfq.weight) */
} CgroupWrite;

typedef struct CgroupPlan {
        CgroupWrite *writes;
        size_t n_writes;
        bool check_memory_usage; /* memory.checkBeforeUpdate: the new limit must hold what is in use */
} CgroupPlan;

void cgroup_plan_done(CgroupPlan *p);

/* Fills ret, or fails with a message naming the field (prefixed by base, "linux.resources")
 * for what this host cannot do: a controller it lacks, a field with no v2 (or no v1) form. */
int cgroup_plan(const SpecResources *res, const char *base, CgroupVersionOf version_of, void *userdata,
                CgroupPlan *ret, Error *error);

/* runc's conversions. shares [2, 262144] → cpu.weight [1, 10000]. */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares);
/* blkio.weight [10, 1000] → io.weight [1, 10000]. */
uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight);
/* memory.swap is memory+swap in the spec (v1's memsw); v2's memory.swap.max is swap alone.
 * Returns the value for memory.swap.max (-1: max) or -EINVAL with the reason. */
int cgroup_swap_to_v2(int64_t swap, int64_t limit, bool has_limit, int64_t *ret, const char **reason);
