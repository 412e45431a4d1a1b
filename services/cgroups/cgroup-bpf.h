/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device rules on cgroup v2: v2 has no devices.allow, so the rules become an eBPF program of
 * type BPF_PROG_TYPE_CGROUP_DEVICE attached to the container's cgroup, which the kernel asks
 * on every open and mknod of a device node. */
#pragma once

#include <linux/bpf.h>
#include <stddef.h>

#include "resources.h"

/* The program for the rules (pure, for the unit test). */
int cgroup_device_program(const SpecDevice *rules, size_t n, struct bpf_insn **ret, size_t *ret_n);

/* Loads it and attaches it to the cgroup directory, replacing the device programs attached
 * before (update). log receives the verifier's words when the kernel refuses the program. */
int cgroup_device_filter_attach(const char *dir, const SpecDevice *rules, size_t n, char *log, size_t log_size);
