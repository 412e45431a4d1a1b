/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.netDevices: moving a network interface between network namespaces with rtnetlink,
 * renamed on the way (one RTM_NEWLINK: IFLA_NET_NS_FD plus IFLA_IFNAME). */
#pragma once

#include <stddef.h>

#include "error.h"
#include "spec.h"

/* Moves interface `name` of the network namespace netns_fd (-1: ours) into target_netns_fd,
 * named new_name there. */
int net_device_move(int netns_fd, const char *name, const char *new_name, int target_netns_fd);

/* Moves each host → container pair of devs into target (pid's network namespace) and, on
 * failure, moves back those that went, so nothing is lost with the namespace. error names the
 * failing field. */
int net_devices_move_into(pid_t pid, const StringPair *devs, size_t n, Error *e);

/* delete: moves the devices back from pid's namespace to ours, under their host names. Best
 * effort: a device already gone (its namespace died) is skipped. Returns the first error. */
int net_devices_return(pid_t pid, const StringPair *devs, size_t n);
