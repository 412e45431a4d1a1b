/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Idmapped bind mounts (mounts[].uidMappings/gidMappings, options idmap/ridmap). Made by stage 0
 * in the host's namespaces, before the clones: setting MOUNT_ATTR_IDMAP needs privilege over
 * the source filesystem, which init in a user namespace lacks. Init inherits the detached
 * trees as fds and attaches them in place of a bind. */
#pragma once

#include "nsexec.h"

/* ret_fds[i]: a detached, idmapped tree for mounts[i], or -EBADF. */
int idmap_mounts_prepare(const NsexecConfig *c, int *ret_fds, char *error, size_t error_size);
void idmap_mounts_close(int *fds, size_t n);
