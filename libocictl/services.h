/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The four services: their names, paths and binaries, and how a process reaches one. The only
 * difference between direct mode and bus mode lives here: a peer is either a forked child on a
 * private socket pair (destination NULL) or a well-known name on a bus. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

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
ServiceId service_from_short_name(const char *s);

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

/* Forks and execs a service binary in direct mode. peer_fds[i] (may be -1) become the service's
 * connections to the other services; log_fd (or -1) becomes its stderr; returns our end of its
 * socket in ret_fd. */
int service_spawn(ServiceId id, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid, int *ret_fd);

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

/* The uid of the process that sent m: on a socket pair the peer's SO_PEERCRED, on a bus the
 * sender's credentials as the bus daemon saw them. */
int bus_message_get_sender_uid(sd_bus_message *m, uid_t *ret);
/* Refuses callers that are not root (polkit for others comes with system mode). */
int bus_check_caller_is_root(sd_bus_message *m, sd_bus_error *error);
