/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pause and resume: the v1 freezer where the host has one, else cgroup v2's cgroup.freeze. */
#pragma once

#include "cgroup-apply.h"

/* Freezes or thaws every process in the cgroup and waits until the kernel says it is done
 * (at most 5 s). -EOPNOTSUPP when the host can freeze nothing. */
int cgroup_freeze(const CgroupLayout *l, const CgroupSet *s, bool frozen, Error *err);

/* Whether the cgroup is frozen now (for kill: thaw after the signal). */
bool cgroup_is_frozen(const CgroupLayout *l, const CgroupSet *s);
