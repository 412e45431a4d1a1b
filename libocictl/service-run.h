/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "services.h"

typedef struct ServiceDefinition {
        ServiceId id;
        const sd_bus_vtable *vtable;
        void *userdata;
        /* Runs after the bus is up and before the first message is read. */
        int (*setup)(sd_bus *bus, sd_event *event, void *userdata);
} ServiceDefinition;

/* The whole life of a service process: connect (socket pair from OCICTL_SERVICE_FD, else the bus
 * in OCICTL_BUS_ADDRESS, else the system bus), publish the vtable, serve until the connection
 * or the bus goes away. Returns an exit status. */
int service_run(const ServiceDefinition *def);

/* True when the service was started on a private socket pair by ocictl. */
bool service_is_direct(void);
