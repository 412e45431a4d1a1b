/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bind mounts whose trees stage 0 makes in the host's namespaces, before the clones, for init to
 * attach in place of a bind: idmapped ones (mounts[].uidMappings/gidMappings, options
 * idmap/ridmap), since setting MOUNT_ATTR_IDMAP needs privilege over the source filesystem, and,
 * in a new user namespace, every other bind, since the mapped root may not reach its source
 * (as runc opens them on the host). */
#pragma once

#include "nsexec.h"

/* ret_fds[i]: a detached tree for mounts[i] (idmapped, or a plain clone), or -EBADF. */
int idmap_mounts_prepare(const NsexecConfig *c, int *ret_fds, Error *e);
void idmap_mounts_close(int *fds, size_t n);
