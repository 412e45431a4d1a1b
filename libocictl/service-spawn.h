/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "services.h"

/* Starts a service in direct mode: exec of its binary from a clone that shares our memory until
 * then (as posix_spawn: we wait for the exec, nothing is copied), or fork alone for one this
 * binary holds (service_spawn_in_process below). peer_fds[i] (may be -1) become the service's
 * connections to the other services; log_fd (or -1) becomes its stderr; returns our end of its
 * socket in ret_fd. */
int service_spawn(ServiceId id, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid, int *ret_fd);

/* The same in two steps, for a caller that hands a service's socket to another before the
 * service itself is started: the pair (both ends close-on-exec), then the start on own_fd (the
 * caller keeps it and closes it). */
int service_socket_pair(int *ret_ours, int *ret_theirs);
int service_start(ServiceId id, int own_fd, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid);

/* This binary holds the code of service id (service-mains.h): service_spawn() forks it and runs
 * main_fn in the child instead of exec'ing its binary, which saves the exec, the dynamic linking
 * and the page faults of a fresh image (issue 15). Only for a service that needs no fresh image:
 * never the spawner (its clones enter the container: they run a sealed copy) nor the parser (its
 * sandbox starts from a clean address space). The child forgets these, so that a service never
 * forks another one from itself: it has dropped capabilities the other may need. */
void service_spawn_in_process(ServiceId id, int (*main_fn)(void));

/* The memory of our argv (argv[0] to the end of the last argument), which a service forked in
 * process overwrites with its name, as ps shows it: its command line would otherwise be ours. */
void service_spawn_set_argv_area(int argc, char **argv);

/* Where the services' binaries are: $OCICTL_LIBEXEC_DIR, else next to our own binary when a
 * registry is there (the build tree), else libexecdir. */
const char *service_spawn_directory(void);
