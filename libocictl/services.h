/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The four services: their names, paths and binaries (service_table). How a process reaches one
 * is peer.h, how direct mode starts one service-spawn.h, a service's own life service-run.h, who
 * calls it caller.h. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

typedef enum ServiceId {
        SERVICE_SPEC,
        SERVICE_CGROUPS,
        SERVICE_SPAWNER,
        SERVICE_REGISTRY,
        _SERVICE_MAX,
        _SERVICE_INVALID = -EINVAL,
} ServiceId;

typedef struct ServiceInfo {
        const char *short_name; /* "spec": used in env vars and logs */
        const char *bus_name;   /* "org.ocictl.Spec1": well-known name and interface */
        const char *object_path;
        const char *binary; /* "ocictl-spec" */
} ServiceInfo;

extern const ServiceInfo service_table[_SERVICE_MAX];

/* The registry's container objects (bus-interfaces/org.ocictl.Container1.xml): the id encoded as
 * sd_bus_path_encode() does, below the prefix. */
#define CONTAINER_PATH_PREFIX "/org/ocictl/container"
#define CONTAINER_INTERFACE "org.ocictl.Container1"
ServiceId service_from_short_name(const char *s);
