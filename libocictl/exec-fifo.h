/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The start side of exec.fifo: a created container's init blocks opening ROOT/ID/exec.fifo for
 * writing (nsexec/stages.c); start opens it for reading, and init runs the startContainer hooks,
 * answers "0" (or a hook's failure in words) and execs the process. The registry does it itself:
 * it needs no privilege beyond its state folder, so `ocictl start` starts no spawner. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define EXEC_FIFO_FILE "exec.fifo"
#define EXEC_FIFO_ANSWER_MAX 1024 /* a hook's failure, as init words it */

/* 0 once init has answered "0"; -ESRCH when init (pid, started at start_time) is not running
 * or exits first, -ECANCELED with the hook's words, else -errno, all with e filled. */
int exec_fifo_start(int state_dir_fd, pid_t pid, uint64_t start_time, Error *e);
