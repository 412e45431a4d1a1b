/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "services.h"

typedef struct ServiceDefinition {
        ServiceId id;
        const sd_bus_vtable *vtable;
        void *userdata;
        /* Runs after the bus is up and before the first message is read. */
        int (*setup)(sd_bus *bus, sd_event *event, void *userdata);
        /* Bus mode: true while the service holds work that would be lost if it exited (a call
         * it has not answered yet, a process only it can reap or report). NULL: never. */
        bool (*busy)(void *userdata);
        /* The capabilities the service keeps (CAP_MASK): the rest are dropped from every set,
         * the bounding set included (so what it execs can have no more), before the bus is
         * opened. SERVICE_CAPS_ALL keeps every one. */
        uint64_t capabilities;
        /* It starts other services (the registry in direct mode): the bounding set stays whole,
         * for them to have what they need; the process itself still holds only the above. */
        bool starts_services;
} ServiceDefinition;

#define CAP_MASK(cap) (UINT64_C(1) << (cap))
#define SERVICE_CAPS_ALL UINT64_MAX

/* Bus mode: a service that was not busy for this long releases its name and exits; the bus
 * starts it again for the next call. OCICTL_IDLE_EXIT_SEC overrides it, 0 never exits. */
#define SERVICE_IDLE_EXIT_SEC 60

/* The whole life of a service process: connect (socket pair from OCICTL_SERVICE_FD, else the bus
 * in OCICTL_BUS_ADDRESS, else the system bus), publish the vtable, serve until the connection
 * or the bus goes away, or in bus mode until it was idle for SERVICE_IDLE_EXIT_SEC. Returns an
 * exit status. */
int service_run(const ServiceDefinition *def);

/* The two ways a service is connected: the server end of a socket pair (direct mode, and a
 * registry worker), or the bus (OCICTL_BUS_ADDRESS, else the one that activated us, else the
 * system bus). */
int service_bus_open_server(int fd, sd_bus **ret);
int service_bus_open_bus(sd_bus **ret);

/* True when the service was started on a private socket pair by ocictl. */
bool service_is_direct(void);
