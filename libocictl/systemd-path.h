/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.cgroupsPath in systemd's form, "slice:prefix:name", as the cgroupfs path systemd would
 * give it: the slice expanded into its parents ("a-b.slice" → "/a.slice/a-b.slice") and the
 * unit "prefix-name.scope" below it, as runc's systemd driver names it. */
#pragma once

#include <stdbool.h>

/* In the (hierarchy, path) records of a container's cgroup (Cgroups1, the registry's state), the
 * record that names the systemd scope the cgroup is, when the systemd driver made it. */
#define CGROUP_SYSTEMD_UNIT_KEY "systemd-unit"

bool cgroups_path_is_systemd(const char *path);

/* Returns 0 and the path ("/system.slice/docker-abc.scope"), or -EINVAL with *reason. */
int systemd_cgroups_path(const char *spec, char **ret, const char **reason);

/* The units the systemd cgroup driver asks for: the slice ("system.slice" when the form leaves
 * it empty) and the scope ("docker-abc.scope"). A name that is a slice of its own has no scope to
 * hold processes: -EINVAL with *reason. */
int systemd_cgroups_unit(const char *spec, char **ret_slice, char **ret_scope, const char **reason);
