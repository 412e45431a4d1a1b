/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A connection to one service. The only difference between direct mode and bus mode lives here:
 * a peer is either a forked child on a private socket pair (destination NULL) or a well-known
 * name on a bus. */
#pragma once

#include <systemd/sd-bus.h>

#include "services.h"

/* A connection to one service. destination is NULL on a private socket pair. */
typedef struct Peer {
        ServiceId id;
        sd_bus *bus;
        const char *destination;
} Peer;

/* Finds the peer of a service: the fd named in OCICTL_PEER_FDS (direct mode), else bus_fallback
 * (bus mode: the service's own connection). */
int peer_connect(ServiceId id, sd_bus *bus_fallback, Peer *ret);
/* Direct mode: forks the service as our own child and connects to it (its log is our stderr). */
int peer_spawn(ServiceId id, Peer *ret);
/* Connects to a peer over an inherited or newly created socket. */
int peer_connect_fd(ServiceId id, int fd, Peer *ret);
int peer_connect_address(ServiceId id, const char *address, Peer *ret);
/* Another service on the same bus connection (takes a reference). */
int peer_from_bus_shared(ServiceId id, sd_bus *bus, Peer *ret);
void peer_done(Peer *p);
int peer_new_call(const Peer *p, const char *member, sd_bus_message **ret);
/* Calls with no timeout that could cut a slow but legitimate container setup short. */
int peer_call(const Peer *p, sd_bus_message *m, sd_bus_error *error, sd_bus_message **reply);
