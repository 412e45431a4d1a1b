/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SCMP_ACT_NOTIFY: the notify fd of a loaded filter goes to linux.seccomp.listenerPath with the
 * runtime spec's "container process state" ({"ociVersion", "fds": ["seccompFd"], "pid",
 * "metadata", "state"}) in the same message. Init (or an exec'd process) passes the fd up the
 * sync socket; stage 0, outside the container, connects and sends. */
#pragma once

#include <sys/types.h>

#include "seccomp-filter.h"
#include "error.h"
#include "spec.h"

/* pid: the process whose filter it is; state_pid: the container's init. */
int seccomp_notify_send(int notify_fd, const Spec *s, const char *id, const char *status, pid_t pid, pid_t state_pid,
                        const char *bundle, Error *e);

/* In the process: after the filter with SCMP_ACT_NOTIFY rules is loaded, hands its notify fd
 * to stage 0 and waits until the listener has it (its syscalls may wait on the listener). */
int seccomp_notify_pass_up(SeccompFilter *filter, int sync_fd);
