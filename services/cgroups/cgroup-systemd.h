/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The systemd cgroup driver. On a host that systemd runs, systemd owns the cgroup tree: a
 * container's cgroup is a transient scope that systemd makes (StartTransientUnit, Delegate=yes),
 * with the limits systemd understands as unit properties, so that a daemon-reload or a sibling
 * unit never writes them back to systemd's defaults; the rest is written to the cgroup as with
 * cgroupfs. As runc's and crun's drivers, but the scope exists before the container's first
 * process: a placeholder process holds it open, so that the spawner clones straight into the
 * cgroup (CLONE_INTO_CGROUP) with its limits and device filter already in place, and no process
 * of the container ever runs outside them. The placeholder leaves when the last copy of its hold
 * descriptor is closed (the registry closes it once the spawn is over, or dies). */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "cgroup-plan.h"
#include "error.h"
#include "systemd-path.h"

/* Whether systemd is PID 1 of this host (sd_booted()). */
bool systemd_runs_host(void);

/* The manager's private socket, as systemctl uses it, so that no bus daemon is needed: the
 * system manager's (/run/systemd/private) for root, the user's own manager's
 * ($XDG_RUNTIME_DIR/systemd/private) rootless, as podman rootless asks for on a systemd host. */
int systemd_connect(sd_bus **ret, Error *err);
/* That socket's path; -EOPNOTSUPP rootless without XDG_RUNTIME_DIR. */
int systemd_socket_path(char *buf, size_t size);

/* The manager's own cgroup, below which its units' cgroups are: "" for the system manager,
 * "/user.slice/user-1000.slice/user@1000.service" for a user's. */
int systemd_manager_cgroup(sd_bus *bus, char **ret, Error *err);

/* Starts scope in slice around a placeholder and waits for the job. Returns the placeholder's
 * pid (the only process in the cgroup until the container's) and the descriptor that keeps it
 * there. The properties: Delegate, accounting, and plan's values systemd has a property for. */
int systemd_scope_start(sd_bus *bus, const char *scope, const char *slice, const char *id, const CgroupPlan *plan,
                        pid_t *ret_placeholder, int *ret_hold, Error *err);

/* update: the plan's values systemd has a property for, as runtime properties of the unit. */
int systemd_unit_set_resources(sd_bus *bus, const char *unit, const CgroupPlan *plan, Error *err);

/* Stops the unit (its processes are killed before, by cgroup.kill) and forgets a failed one;
 * a unit systemd no longer knows is not an error. */
int systemd_unit_stop(sd_bus *bus, const char *unit, Error *err);

/* pause/resume: FreezeUnit/ThawUnit, so that systemd's FreezerState agrees. */
int systemd_unit_freeze(sd_bus *bus, const char *unit, bool frozen, Error *err);

/* A unit record must name the scope whose cgroup the path is: "…/x.scope" for unit
 * "x.scope"; anything else (another service's unit) is refused. */
bool systemd_unit_matches_path(const char *unit, const char *path);

/* For the unit test: "0-3,8" → the bit mask systemd's AllowedCPUs takes (bit n of byte n/8).
 * Returns the number of bytes, or -EINVAL. */
int systemd_cpu_set_mask(const char *list, uint8_t *mask, size_t size);
/* cpu.max "quota period" → CPUQuotaPerSecUSec, rounded up to 10 ms as runc does (systemd keeps
 * a percentage). "max": UINT64_MAX. */
uint64_t systemd_cpu_quota_per_sec(const char *cpu_max);
