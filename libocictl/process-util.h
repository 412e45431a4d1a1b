/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Field 22 of /proc/PID/stat: with the pid it names one process for the life of the machine,
 * so a recycled pid is never mistaken for the container's init. */
int process_get_start_time(pid_t pid, uint64_t *ret);
/* Field 3 of /proc/PID/stat ('R', 'S', 'Z', …). */
int process_get_state(pid_t pid, char *ret);
/* Field 4 of /proc/PID/stat. */
int process_get_parent(pid_t pid, pid_t *ret);
/* True when pid is alive (not a zombie) and still has the given start time. */
int process_is_same_and_alive(pid_t pid, uint64_t start_time);

/* Signal names without "SIG" ("KILL", "TERM") or numbers, as runc's kill accepts them. */
int signal_from_string(const char *s);

/* Whether we run in a user namespace other than the host's (root there is not root on the host:
 * podman rootless calls its runtime so). */
bool running_in_user_namespace(void);
/* Rootless: not root, or root only of a user namespace. */
bool running_rootless(void);
