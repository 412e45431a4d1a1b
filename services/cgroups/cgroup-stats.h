/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What `events` reports: runc's stats JSON (cpu, memory, pids, blkio, hugetlb) read from the
 * container's cgroup on either version, and the count of OOM kills in it. */
#pragma once

#include <stdint.h>

#include "cgroup-apply.h"

/* The "data" of a runc stats event; NULL on ENOMEM. */
char *cgroup_stats_json(const CgroupLayout *l, const CgroupSet *s);

/* How many processes the OOM killer has killed in the cgroup (memory.events or
 * memory.oom_control "oom_kill"); 0 without a memory controller. */
uint64_t cgroup_oom_kills(const CgroupLayout *l, const CgroupSet *s);
