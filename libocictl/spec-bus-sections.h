/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the spec's D-Bus codec: the values spec-bus.c's table hands to a function pair. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "spec.h"

/* linux.seccomp: (defaultAction, defaultErrnoRet, flags, architectures,
 *                 syscalls [(names, action, errnoRet, args [(index, value, valueTwo, op)])]) */
#define SECCOMP_SIGNATURE_INNER "uuuaua(asuua(uttu))ss" /* …, listenerPath, listenerMetadata */
#define SECCOMP_SIGNATURE "(" SECCOMP_SIGNATURE_INNER ")"
/* mounts[]: (destination, type, source, options, uidMappings, gidMappings) */
#define MOUNT_SIGNATURE_INNER "sssasa(uuu)a(uuu)"
#define MOUNT_SIGNATURE "(" MOUNT_SIGNATURE_INNER ")"
/* linux.devices[]: (path, type, major, minor, fileMode, uid, gid) */
#define DEVICE_SIGNATURE "(syxxuuu)"

/* One value: whether the spec has it, its writer and its reader (inside the entry's variant).
 * index tells apart the table rows that share a pair (the hook kind; 0/1 for uid/gid maps). */
typedef struct SpecBusSection {
        bool (*present)(const Spec *s, int index);
        int (*append)(sd_bus_message *m, const Spec *s, int index);
        int (*read)(sd_bus_message *m, Spec *s, int index);
} SpecBusSection;

extern const SpecBusSection section_console_size, section_additional_gids, section_capabilities, section_rlimits,
        section_io_priority, section_scheduler, section_mounts, section_devices, section_id_mappings,
        section_namespaces, section_time_offsets, section_memory_policy, section_seccomp, section_hooks,
        section_resources;
