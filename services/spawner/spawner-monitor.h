/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nsexec.h"

/* The monitor's exit status when the set-up failed (no init to report on). */
#define MONITOR_SETUP_FAILED 255

/* What a child forked for a call reports, once, on a pipe, when its work is done: the result,
 * and for a monitor init's pid and how its cgroup was joined. */
typedef struct ChildReport {
        int r;
        pid_t init;
        bool at_clone;
        Error error;
} ChildReport;

/* Bus mode: forks the container's monitor, which runs the staged clone of config, reports, and
 * stays as init's parent (spawner-monitor.c). The caller reaps it, and reads its report from
 * *ret_report_fd when it is ready (the set-up runs hooks: the spawner serves others meanwhile). */
int monitor_fork(const NsexecConfig *config, pid_t *ret_monitor, int *ret_report_fd, Error *e);
/* Forks a child that runs fn and reports its result (hooks, which may take their time). */
int child_fork_report(int (*fn)(void *userdata, Error *e), void *userdata, pid_t *ret_pid, int *ret_report_fd,
                      Error *e);
/* The report, or -EPIPE (and the error set) when the child died before it wrote one. */
int child_read_report(int fd, ChildReport *ret);
