/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How one service reaches another: a forked child on a private socket pair (direct mode) or a
 * well-known name on a bus (system mode). The only place that knows which. */
#include <stdlib.h>

#include "log.h"
#include "peer.h"
#include "service-spawn.h"

static int peer_from_bus(ServiceId id, sd_bus *bus, bool direct, Peer *ret) {
        *ret = (Peer) {
                .id = id,
                .bus = bus,
                .destination = direct ? NULL : service_table[id].bus_name,
        };
        return 0;
}

/* The end of setting up a client connection (r: how the set-up went so far): file descriptors
 * on, started; on failure the bus is gone. */
static int start_bus(sd_bus *bus, int r) {
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                sd_bus_flush_close_unref(bus);
        return r;
}

int peer_connect_fd(ServiceId id, int fd, Peer *ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        (void) sd_bus_set_description(bus, service_table[id].short_name);
        r = sd_bus_set_fd(bus, fd, fd);
        r = start_bus(bus, r);
        return r < 0 ? r : peer_from_bus(id, bus, true, ret);
}

int peer_connect_address(ServiceId id, const char *address, Peer *ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, true);
        r = start_bus(bus, r);
        return r < 0 ? r : peer_from_bus(id, bus, false, ret);
}

/* OCICTL_PEER_FDS is "spec=4 cgroups=5 spawner=6": set by service_spawn() for the registry. */
static int peer_fd_from_env(ServiceId id) {
        const char *e = getenv("OCICTL_PEER_FDS");
        const char *name = service_table[id].short_name;
        size_t n = strlen(name);

        for (const char *p = e; p && *p;) {
                p += strspn(p, " ");
                if (strneq(p, name, n) && p[n] == '=')
                        return atoi(p + n + 1);
                p += strcspn(p, " ");
        }
        return -ENOENT;
}

int peer_from_bus_shared(ServiceId id, sd_bus *bus, Peer *ret) {
        return peer_from_bus(id, sd_bus_ref(bus), false, ret);
}

int peer_connect(ServiceId id, sd_bus *bus_fallback, Peer *ret) {
        int fd = peer_fd_from_env(id);

        if (fd >= 0)
                return peer_connect_fd(id, fd, ret);
        if (!bus_fallback)
                return -ENOTCONN;
        return peer_from_bus_shared(id, bus_fallback, ret);
}

int peer_spawn(ServiceId id, Peer *ret) {
        pid_t pid;
        int fd, r;

        /* Not reaped by us: it exits when we close its connection, after we are gone. */
        r = service_spawn(id, NULL, STDERR_FILENO, &pid, &fd);
        if (r < 0)
                return r;
        return peer_connect_fd(id, fd, ret);
}

void peer_done(Peer *p) {
        if (p->bus)
                p->bus = sd_bus_flush_close_unref(p->bus);
}

int peer_new_call(const Peer *p, const char *member, sd_bus_message **ret) {
        const ServiceInfo *s = &service_table[p->id];
        return sd_bus_message_new_method_call(p->bus, ret, p->destination, s->object_path, s->bus_name, member);
}

int peer_call(const Peer *p, sd_bus_message *m, sd_bus_error *error, sd_bus_message **reply) {
        /* Container set-up can wait on hooks and slow storage; runc has no timeout either. */
        int r = sd_bus_call(p->bus, m, UINT64_MAX - 1, error, reply);

        /* A peer that died shows up as a broken connection: say which one. */
        if (r < 0 && (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ESHUTDOWN)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, SD_BUS_ERROR_NO_REPLY, "%s stopped answering during %s (%s)",
                                         service_table[p->id].bus_name, sd_bus_message_get_member(m), strerror(-r));
        }
        /* On a bus, the bus daemon says it (a call without a time limit has no other NoReply);
         * one that names a service already is a peer's own report, passed on. */
        if (r < 0 && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY) && error->message &&
            !strstr(error->message, "stopped answering")) {
                _cleanup_free_ char *text = strdup(error->message);
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, SD_BUS_ERROR_NO_REPLY, "%s stopped answering during %s (%s)",
                                         service_table[p->id].bus_name, sd_bus_message_get_member(m),
                                         text ?: "no reply");
        }
        return r;
}
