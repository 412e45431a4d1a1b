/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Putting stage 1 in the container's cgroup. Cgroups1 hands out one fd per hierarchy: the
 * cgroup2 directory, or a v1 tasks file opened for writing. The cgroup2 cgroup is joined at
 * birth with clone3(CLONE_INTO_CGROUP) (Linux 5.7): the process is never charged to the
 * spawner's cgroup and is not migrated. The v1 hierarchies are joined by writing "0" to their
 * tasks files in the child before it does anything else: the child has one thread, so that
 * moves the whole process, without the threadgroup lock a cgroup.procs write takes (whose
 * first taker waits an RCU grace period). cgroup2, where the kernel, a seccomp filter or the
 * cgroup refuses that clone, is joined by writing "0" to its cgroup.procs. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CGROUP_JOIN_MAX 64

typedef struct CgroupJoin {
        int v2_dir;                 /* borrowed from the caller; -EBADF when there is none */
        int procs[CGROUP_JOIN_MAX]; /* cgroup.procs to write "0" to in the child */
        size_t n_procs;
        int opened_procs;           /* v2_dir's cgroup.procs, ours, opened when the clone refused it */
        bool at_clone;              /* the cgroup2 cgroup was joined by CLONE_INTO_CGROUP */
} CgroupJoin;

#define CGROUP_JOIN_NULL { .v2_dir = -EBADF, .opened_procs = -EBADF }

/* Sorts the fds (directories are cgroup2 cgroups). Fails with -EINVAL on two cgroup2 ones. */
int cgroup_join_init(CgroupJoin *j, const int *fds, size_t n);
/* clone_stage(flags), with the child born in the cgroup2 cgroup when the kernel allows it. */
pid_t cgroup_join_clone(CgroupJoin *j, unsigned long flags);
/* In the child: joins what the clone did not. */
int cgroup_join_write(const CgroupJoin *j);
void cgroup_join_done(CgroupJoin *j);
