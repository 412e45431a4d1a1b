/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "services.h"

/* Forks and execs a service binary in direct mode. peer_fds[i] (may be -1) become the service's
 * connections to the other services; log_fd (or -1) becomes its stderr; returns our end of its
 * socket in ret_fd. */
int service_spawn(ServiceId id, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid, int *ret_fd);
