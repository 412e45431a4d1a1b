/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's exit status on disk: ROOT/ID/exit, "N\n", written once by whoever reaps init
 * (in bus mode the container's monitor, services/spawner/spawner-monitor.c) and read by the
 * registry, so that it outlives every service. */
#pragma once

#define EXIT_FILE "exit"

/* init's exit code, or 128+N after signal N; -1 when none is recorded. */
int exit_status_read(int dir_fd);
/* Atomically (a temporary file renamed), without the folder's lock: whoever holds it (a delete
 * waiting for this very exit) must not hold up the record. */
int exit_status_write(int dir_fd, int status);
