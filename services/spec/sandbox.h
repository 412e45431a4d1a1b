/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Leaves the process with no privilege before it reads untrusted JSON: every capability dropped
 * from all sets including the bounding set, uid/gid "nobody" when started as root, no_new_privs,
 * and a seccomp filter that refuses what a JSON parser never needs (exec, sockets, mounts,
 * namespaces, ptrace, opening files for writing, …). Fds already open (the bus socket, config
 * fds sent to us) keep working. */
int sandbox_enter(void);
