/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One fd alongside a message over a unix socket (SCM_RIGHTS): the pty master to a console
 * socket, a seccomp notify fd up the sync socket and on to its listener. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Sends len bytes of data (at least one) with fd; -errno on failure. */
int fd_send(int sock, const void *data, size_t len, int fd);

/* Receives up to size bytes; *ret_fd is the fd that came along (close-on-exec) or -EBADF.
 * flags as recvmsg() (MSG_DONTWAIT). Returns the byte count or -errno. */
ssize_t fd_recv(int sock, void *buf, size_t size, int flags, int *ret_fd);
