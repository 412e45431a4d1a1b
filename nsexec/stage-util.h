/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the create path (stages.c) and the exec path (exec.c) share. */
#pragma once

#include <sys/types.h>

#include "macros.h"
#include "error.h"
#include "spec.h"

/* fork() semantics with clone()'s flags (CLONE_PARENT, …): the child continues in the caller. */
pid_t clone_stage(unsigned long flags);
/* As clone_stage(), with a pidfd for the child in *ret_pidfd (CLONE_PIDFD, 5.2+). */
pid_t clone_stage_pidfd(unsigned long flags, int *ret_pidfd);
/* The process a pidfd stands for, as the kernel tells it (/proc/self/fdinfo), and its parent:
 * what stage 0 learns of init and of an exec'd process, never a pid a message carries, since a
 * process in the container could write that message (issue 10). */
int pidfd_get_pid(int pidfd, pid_t expected_parent, pid_t *ret);
/* Stage 0 on SYNC_INIT_PID: the process the pidfd *pidfd (from the message) stands for must be
 * a sibling of stage 1 (CLONE_PARENT: our parent's child in direct mode, ours in bus mode). On
 * success takes the pidfd into *ret_pidfd and the pid into *ret_pid; else names what in error. */
int take_sibling_pidfd(int *pidfd, bool clone_parent, const char *what, pid_t *ret_pid, int *ret_pidfd, Error *e);
/* Writes /proc/PID/{uid,gid}_map, as only a process outside a new user namespace may (for more
 * than its own id). field names the spec section in the error ("linux", "mounts[2]"). */
int write_id_maps(pid_t pid, const SpecIdMapping *uids, size_t n_uids, const SpecIdMapping *gids, size_t n_gids,
                  const char *field, Error *e);
/* linux.timeOffsets into /proc/PID/timens_offsets (the time namespace pid unshared). */
int write_time_offsets(pid_t pid, const Spec *s, Error *e);
/* No signal blocked, every handler at its default: the spawner's sd-event state must not leak
 * into the container. */
void reset_signals(void);
/* The caller's stdio (sent over the bus) becomes 0, 1, 2. */
int setup_stdio(const int stdio[3]);
int pidfd_open_checked(pid_t pid);
/* Renumbers the fds *fds[i] (those >= 0) to 3, 4, … and closes every other fd above stdio. A
 * process about to enter the container must hold nothing else: close-on-exec is not enough,
 * since chdir("/proc/self/fd/N") before the exec would lead out (CVE-2024-21626 in runc). */
int keep_fds(int *const *fds, size_t n);
/* As keep_fds(), with the first n_preserved of them (the caller's --preserve-fds) placed first,
 * at 3, 4, …, and left open across exec. */
int keep_fds_preserving(const int *preserved, size_t n_preserved, int *const *fds, size_t n);
/* After chdir(): the cwd must be reachable from our root, not a host directory reached through
 * a leftover fd. */
int check_cwd_inside(void);
/* Waits up to timeout_ms for a process we may not be the parent of to exit. */
void wait_exit(pid_t pid, int timeout_ms);
