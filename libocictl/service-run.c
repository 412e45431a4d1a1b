/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The life of a service process: its connection (socket pair or bus), its object, its loop. */
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "bus-errors.h"
#include "log.h"
#include "service-run.h"

bool service_is_direct(void) {
        return getenv("OCICTL_SERVICE_FD") != NULL;
}

static int service_bus_open(const ServiceDefinition *def, sd_bus **ret) {
        const char *fd_env = getenv("OCICTL_SERVICE_FD");
        const char *address = getenv("OCICTL_BUS_ADDRESS");
        sd_bus *bus = NULL;
        sd_id128_t server_id;
        int r;

        if (fd_env) {
                int fd = atoi(fd_env);

                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                (void) sd_id128_randomize(&server_id);
                r = sd_bus_set_fd(bus, fd, fd);
                if (r >= 0)
                        r = sd_bus_set_server(bus, true, server_id);
                /* The only client is the process that forked us over a socket pair we were
                 * handed; SO_PEERCRED still tells us its uid for the root checks. */
                if (r >= 0)
                        r = sd_bus_set_anonymous(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_fds(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_creds(bus, true, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else {
                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                /* Ours, then the bus that activated us, then the system bus. */
                if (!address)
                        address = getenv("DBUS_STARTER_ADDRESS");
                if (!address)
                        address = getenv("DBUS_SYSTEM_BUS_ADDRESS");
                r = sd_bus_set_address(bus, address ?: "unix:path=/run/dbus/system_bus_socket");
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_fds(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        }
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int service_run(const ServiceDefinition *def) {
        const ServiceInfo *s = &service_table[def->id];
        sd_event *event = NULL;
        sd_bus *bus = NULL;
        int r;

        log_setup_from_env(s->binary);
        bus_errors_register();
        (void) prctl(PR_SET_NAME, s->binary);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&event);
        if (r < 0) {
                log_error_errno(r, "Failed to allocate event loop: %m");
                goto finish;
        }
        r = service_bus_open(def, &bus);
        if (r < 0) {
                /* In direct mode ocictl may give up before we are up (bad arguments): not ours
                 * to report. */
                log_full_errno(service_is_direct() && (r == -ECONNRESET || r == -EPIPE) ? LOG_DEBUG : LOG_ERR, r,
                               "Failed to connect %s to its bus: %m", s->bus_name);
                goto finish;
        }
        r = sd_bus_add_object_vtable(bus, NULL, s->object_path, s->bus_name, def->vtable, def->userdata);
        if (r < 0) {
                log_error_errno(r, "Failed to publish %s: %m", s->object_path);
                goto finish;
        }
        if (!service_is_direct()) {
                r = sd_bus_request_name(bus, s->bus_name, 0);
                if (r < 0) {
                        log_error_errno(r, "Failed to acquire bus name %s: %m", s->bus_name);
                        goto finish;
                }
        }
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(bus, true);
        if (r < 0) {
                log_error_errno(r, "Failed to attach bus to event loop: %m");
                goto finish;
        }
        if (def->setup) {
                r = def->setup(bus, event, def->userdata);
                if (r < 0)
                        goto finish; /* setup logged */
        }
        r = sd_event_loop(event);
        if (r < 0)
                log_error_errno(r, "Event loop failed: %m");

finish:
        sd_bus_flush_close_unref(bus);
        sd_event_unref(event);
        return r < 0 ? 1 : 0;
}
