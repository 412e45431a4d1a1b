/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Creating a container's cgroup in every hierarchy, writing its limits, handing out
 * join descriptors, and removing it with whatever is still inside. */
#pragma once

#include "cgroup-layout.h"
#include "cgroup-plan.h"
#include "error.h"
#include "spec.h"

typedef struct CgroupEntry {
        char *key;     /* hierarchy key, as CgroupHierarchy.key */
        bool v2;
        char *path;    /* inside the hierarchy: "/ocictl/abc" */
        char *dir;     /* on disk: mountpoint + path */
        char *created; /* the topmost directory we created, for rollback; NULL if it existed */
} CgroupEntry;

typedef struct CgroupSet {
        CgroupEntry entries[CGROUP_HIERARCHIES_MAX];
        size_t n_entries;
        char *unit; /* the systemd scope the cgroup is (cgroup-systemd.h), or NULL for cgroupfs */
} CgroupSet;

#define CGROUP_PLAN_MAX_SAVED 64

void cgroup_set_done(CgroupSet *s);

/* Where cgroupsPath puts the container in one hierarchy: an absolute path as it is; a relative
 * one (or none: the container id) below our own cgroup, as runc does. Refuses "..". */
int cgroup_resolve_path(const CgroupHierarchy *h, const char *cgroups_path, const char *id, char **ret);

/* Makes the directories (every hierarchy), refuses a cgroup that already holds processes or is
 * frozen, and writes the limits; on failure removes what it made. placeholder (or 0): the one
 * process the cgroup may hold, the systemd driver's (its scope exists already). */
int cgroup_create(const CgroupLayout *l, const char *cgroups_path, const char *id, const SpecResources *res,
                  pid_t placeholder, CgroupSet *ret, Error *err);
/* The writes cgroup_apply() would make on this host's layout (for the systemd driver, which
 * tells systemd the values it has properties for). */
int cgroup_plan_for_layout(const CgroupLayout *l, const SpecResources *res, const char *base, CgroupPlan *ret,
                           Error *err);
/* Writes the limits (create: base "linux.resources"; update: ""). A value the kernel refuses
 * fails with a message naming the field, after putting back what the earlier writes changed. */
int cgroup_apply(const CgroupLayout *l, const CgroupSet *s, const SpecResources *res, const char *base,
                 Error *err);

/* What joins the cgroup, per entry: the cgroup2 directory (O_PATH, for clone3's
 * CLONE_INTO_CGROUP or openat() of its cgroup.procs), a v1 tasks file opened for writing
 * (writing "0" moves the writing thread in: the joiner must have only one). */
/* Whether every entry is a container's cgroup (marked by cgroup_create), or below one. */
int cgroup_set_check_owned(const CgroupSet *s, Error *err);
int cgroup_open_join(const CgroupSet *s, int *fds, size_t *n_fds);

/* Kills what is left inside (cgroup.kill on v2, SIGKILL rounds on v1) and removes the
 * directories; with rollback only what cgroup_create() made, parents included. */
int cgroup_destroy(const CgroupLayout *l, const CgroupSet *s, bool rollback, Error *err);
/* Its two halves, for the systemd driver, which stops the scope in between. */
void cgroup_kill_all(const CgroupLayout *l, const CgroupSet *s);
int cgroup_remove_dirs(const CgroupSet *s, bool rollback, Error *err);

/* The pids in the cgroup (`ps`), at most max; returns how many. */
int cgroup_pids(const CgroupSet *s, pid_t *pids, size_t max);

/* Sends sig to every process in the cgroup (kill --all); returns how many. */
int cgroup_signal(const CgroupSet *s, int sig);

/* Rebuilds a set from (key, path) pairs saved by the registry, checking that each names a real
 * hierarchy and a path without "..". created (may be NULL, entries may be "") names the topmost
 * directory cgroup_create() made, which must be the path or one of its parents. */
int cgroup_set_from_paths(const CgroupLayout *l, char *const *keys, char *const *paths, char *const *created, size_t n,
                          CgroupSet *ret);
/* The topmost directory made, as a path inside the hierarchy ("" when it existed). */
const char *cgroup_entry_created_path(const CgroupEntry *e, const CgroupLayout *l);

/* One cgroup file: the whole value written in one write(); read returns the length read. */
int cgroup_file_write(const char *dir, const char *file, const char *value);
int cgroup_file_read(const char *dir, const char *file, char *buf, size_t size);
/* The entry of a set in hierarchy h, or NULL. */
CgroupEntry *cgroup_set_find(const CgroupSet *s, const CgroupHierarchy *h);

/* File writes for the unit tests. */
/* "c 1:3 rwm", "a *:* rwm" */
void cgroup_format_device_rule(const SpecDevice *d, char *buf, size_t size);
