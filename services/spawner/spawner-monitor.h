/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "nsexec.h"

/* The monitor's exit status when the set-up failed (no init to report on). */
#define MONITOR_SETUP_FAILED 255

/* Bus mode: forks the container's monitor, which runs the staged clone of config and stays as
 * init's parent (spawner-monitor.c). *ret_monitor is set whenever a monitor was forked (the
 * caller reaps it); init's pid and how its cgroup was joined on success. */
int monitor_spawn(const NsexecConfig *config, pid_t *ret_monitor, pid_t *ret_init, bool *ret_at_clone, Error *e);
