/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The "tmpcopyup" mount option (podman puts it on every tmpfs): a new tmpfs starts with a copy of
 * what the image had at its destination, as runc does it, so that --read-only with a tmpfs /etc
 * or /var keeps the image's files there. */
#pragma once

/* Copies the tree below the directory src_fd (in the rootfs) into dst_fd (the root of the new,
 * still detached tmpfs): directories, regular files, symlinks, device nodes, fifos and sockets,
 * with their modes and owners. Nothing is followed: every name is opened with O_NOFOLLOW below
 * its own parent's fd. On failure, what names the entry that could not be copied. */
int tmpfs_copy_up(int src_fd, int dst_fd, char *what, size_t what_size);
