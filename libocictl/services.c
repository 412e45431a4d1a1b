/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The table of the four services: names, object paths, binaries. */
#include "macros.h"
#include "services.h"

const ServiceInfo service_table[_SERVICE_MAX] = {
        [SERVICE_SPEC] = { "spec", "org.ocictl.Spec1", "/org/ocictl/Spec1", "ocictl-spec" },
        [SERVICE_CGROUPS] = { "cgroups", "org.ocictl.Cgroups1", "/org/ocictl/Cgroups1", "ocictl-cgroups" },
        [SERVICE_SPAWNER] = { "spawner", "org.ocictl.Spawner1", "/org/ocictl/Spawner1", "ocictl-spawner" },
        [SERVICE_REGISTRY] = { "registry", "org.ocictl.Registry1", "/org/ocictl/Registry1", "ocictl-registry" },
};

ServiceId service_from_short_name(const char *s) {
        for (ServiceId i = 0; i < _SERVICE_MAX; i++)
                if (streq(s, service_table[i].short_name))
                        return i;
        return _SERVICE_INVALID;
}
