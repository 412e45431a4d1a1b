/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.cgroupsPath in systemd's form, "slice:prefix:name", as the cgroupfs path systemd would
 * give it: the slice expanded into its parents ("a-b.slice" → "/a.slice/a-b.slice") and the
 * unit "prefix-name.scope" below it, as runc's systemd driver names it. */
#pragma once

#include <stdbool.h>

bool cgroups_path_is_systemd(const char *path);

/* Returns 0 and the path ("/system.slice/docker-abc.scope"), or -EINVAL with *reason. */
int systemd_cgroups_path(const char *spec, char **ret, const char **reason);
