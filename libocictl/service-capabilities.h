/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What each service keeps of root's capabilities (service-run.h drops the rest, bounding set
 * included, before it serves), and why: one place to read them side by side. */
#pragma once

#include <linux/capability.h>

#include "service-run.h"

/* The spawner: SERVICE_CAPS_ALL. It makes the container: namespaces, mounts, pivot_root,
 * devices, identity, and the capabilities the config grants the process, which must all still
 * be in its bounding set. It is the one service that needs root whole. */
#define SPAWNER_CAPABILITIES SERVICE_CAPS_ALL

/* The parser: what it needs to drop to nobody in its sandbox (services/spec/sandbox.c drops
 * these too, with the bounding set, as soon as it is up). */
#define SPEC_CAPABILITIES (CAP_MASK(CAP_SETUID) | CAP_MASK(CAP_SETGID) | CAP_MASK(CAP_SETPCAP))

/* The cgroup manager: CAP_SYS_ADMIN, CAP_BPF and CAP_NET_ADMIN to load and attach the device
 * filter (a BPF program on the cgroup) and for cgroup v1's controls; CAP_KILL to kill every
 * process of a container, whoever it runs as; CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
 * and CAP_CHOWN for cgroup trees that are not root's (delegated to a user or to systemd) and to
 * hand a user-namespaced container its own cgroup. No mounts, devices, identities, raw I/O,
 * modules, clock or reboot. */
#define CGROUPS_CAPABILITIES                                                                            \
        (CAP_MASK(CAP_SYS_ADMIN) | CAP_MASK(CAP_BPF) | CAP_MASK(CAP_NET_ADMIN) | CAP_MASK(CAP_KILL) |   \
         CAP_MASK(CAP_DAC_OVERRIDE) | CAP_MASK(CAP_DAC_READ_SEARCH) | CAP_MASK(CAP_FOWNER) |            \
         CAP_MASK(CAP_CHOWN))

/* The registry: CAP_DAC_READ_SEARCH to resolve a caller's bundle and rootfs wherever they are,
 * CAP_DAC_OVERRIDE for the state folders and the exit records its monitors write, CAP_SETUID
 * and CAP_SETGID for the child that becomes a sandbox's caller to open its binds with the
 * caller's rights (registry-sandbox.c; the child loses every capability with root). It signals,
 * mounts and clones nothing itself (the spawner and the cgroup manager do). In direct mode it
 * starts the services a call needs, the spawner among them, and keeps its bounding set whole
 * for them (service-run.h: starts_services); on a bus they are started by the bus. */
#define REGISTRY_CAPABILITIES                                                                           \
        (CAP_MASK(CAP_DAC_READ_SEARCH) | CAP_MASK(CAP_DAC_OVERRIDE) | CAP_MASK(CAP_SETUID) | CAP_MASK(CAP_SETGID))
