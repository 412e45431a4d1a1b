/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writes to /proc that cannot be redirected. The container's config decides what is mounted on
 * /proc, and a symlink tree or a bind mount there would send a write meant for the container's
 * /proc/sys/net/... or /proc/self/oom_score_adj to a host file instead (CVE-2025-52881 in runc).
 * So init and exec write only through a procfs they checked, resolving each path without
 * symlinks and without crossing a mount. */
#pragma once

#include <stdbool.h>

/* A procfs for our pid namespace: a fresh, detached instance (fsopen), which no mount of the
 * container can cover; where that is refused (inside a user namespace whose /proc is partly
 * masked), the /proc we see, if it is the root of a procfs. */
int procfs_open(int *ret_fd);

/* Writes value to path below the procfs at proc_fd ("sys/net/ipv4/ip_forward"). With self, path
 * is below our own /proc/self ("oom_score_adj"): the "self" link is procfs' own and is the
 * only link followed. */
int procfs_write(int proc_fd, bool self, const char *path, const char *value);

/* process.oomScoreAdj, set by stage 1 on itself while it is still the host's root in the host's
 * namespaces (init and the exec'd process inherit it), as runc does: later, inside a user
 * namespace, a non-dumpable stage's /proc/self belongs to the host's root, not to it. */
int procfs_set_oom_score_adj(int value);

/* The rules runc keeps for mounts on or below /proc: on /proc only a procfs (a new one, or a
 * bind of one); below it only the files lxcfs emulates. relative is the destination as resolved
 * in the rootfs ("/proc", "/proc/meminfo"); source_is_procfs says whether a bind source is. */
bool procfs_mount_allowed(const char *relative, bool bind, const char *type, bool source_is_procfs);
