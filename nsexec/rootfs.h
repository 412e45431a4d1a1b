/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's mount namespace, set up by init: propagation, the rootfs bind, the spec's
 * mounts (new mount API, every destination resolved inside the rootfs with openat2
 * RESOLVE_IN_ROOT so no symlink leads out of it), /dev, pivot_root, masked and read-only paths. */
#pragma once

#include "nsexec.h"
#include "stage-error.h"

/* Everything up to pivot_root: propagation, the rootfs bind, the spec's mounts, /dev. */
/* idmapped_fds: per mount, a detached tree stage 0 made (idmap-mounts.h) or -EBADF; may be NULL. */
int rootfs_prepare(const NsexecConfig *c, const int *idmapped_fds, Error *e);
/* pivot_root (or MS_MOVE + chroot with no_pivot): createContainer hooks run before it. */
int rootfs_switch(const NsexecConfig *c, Error *e);
/* After the switch: maskedPaths, readonlyPaths, then root.readonly. */
int rootfs_finalize(const Spec *s, Error *e);

/* Opens path inside root_fd, never leaving it; creates missing parents (and the last component
 * as a directory or an empty file) when create is set. Exposed for the cwd. */
int rootfs_open_in_root(int root_fd, const char *path, bool create, bool directory, int *ret_fd);
