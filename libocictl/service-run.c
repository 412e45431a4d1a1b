/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The life of a service process: its connection (socket pair or bus), its object, its loop. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bus-errors.h"
#include "log.h"
#include "service-run.h"
#include "spec.h"

bool service_is_direct(void) {
        return getenv("OCICTL_SERVICE_FD") != NULL;
}

int service_bus_open_server(int fd, sd_bus **ret) {
        sd_bus *bus = NULL;
        sd_id128_t server_id;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        (void) sd_id128_randomize(&server_id);
        r = sd_bus_set_fd(bus, fd, fd);
        if (r >= 0)
                r = sd_bus_set_server(bus, true, server_id);
        /* The only client is the process that forked us over a socket pair we were handed;
         * SO_PEERCRED still tells us its uid for the root checks. */
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, true);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_negotiate_creds(bus, true, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int service_bus_open_bus(sd_bus **ret) {
        const char *address = getenv("OCICTL_BUS_ADDRESS");
        sd_bus *bus = NULL;
        int r;

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
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

static int service_bus_open(sd_bus **ret) {
        const char *fd_env = getenv("OCICTL_SERVICE_FD");
        return fd_env ? service_bus_open_server(atoi(fd_env), ret) : service_bus_open_bus(ret);
}

/* Drops every capability not in keep from the bounding, permitted, effective, inheritable and
 * ambient sets (raw capset: libcap is not worth its load time to the services that do not
 * otherwise need it). */
static int keep_capabilities(uint64_t keep, bool keep_bounding) {
        struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct data[2] = {};
        int last = capability_last();

        if (keep == SERVICE_CAPS_ALL)
                return 0;
        if (syscall(SYS_capget, &header, data) < 0)
                return -errno;
        /* Without CAP_SETPCAP (rootless: a user's own services) the bounding set cannot shrink,
         * and holds nothing that user could use: the other sets are all there is to drop. */
        if (!(data[CAP_TO_INDEX(CAP_SETPCAP)].effective & CAP_TO_MASK(CAP_SETPCAP)))
                keep_bounding = true;
        for (int cap = 0; !keep_bounding && cap <= last && cap < 64; cap++)
                if (!(keep & CAP_MASK(cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                        return -errno;
        data[0].permitted &= (uint32_t) keep;
        data[1].permitted &= (uint32_t) (keep >> 32);
        data[0].effective = data[0].permitted;
        data[1].effective = data[1].permitted;
        data[0].inheritable = data[1].inheritable = 0;
        if (syscall(SYS_capset, &header, data) < 0)
                return -errno;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return -errno;
        return 0;
}

static uint64_t idle_exit_usec(void) {
        const char *e = getenv("OCICTL_IDLE_EXIT_SEC");
        char *end;
        unsigned long sec;

        if (!e || !*e)
                return SERVICE_IDLE_EXIT_SEC * 1000000ULL;
        errno = 0;
        sec = strtoul(e, &end, 10);
        if (errno != 0 || *end || sec > 24UL * 3600) {
                log_warning("OCICTL_IDLE_EXIT_SEC=%s is not a number of seconds up to a day: using %d", e,
                            SERVICE_IDLE_EXIT_SEC);
                return SERVICE_IDLE_EXIT_SEC * 1000000ULL;
        }
        return sec * 1000000ULL;
}

static bool service_busy(const ServiceDefinition *def) {
        return def->busy && def->busy(def->userdata);
}

/* Serves until the connection goes away, or until idle for idle_exit_usec in bus mode. Exit on
 * idle as systemd's services do: give up the name first (the bus then queues new callers for
 * the next instance), then answer whatever reached us before; a call among those that leaves
 * work behind keeps us serving until it is done. */
static int serve(const ServiceDefinition *def, sd_bus *bus, sd_event *event) {
        const ServiceInfo *s = &service_table[def->id];
        uint64_t idle = service_is_direct() ? 0 : idle_exit_usec();
        bool named = true;
        int r, code = 0;

        if (idle == 0)
                return sd_event_loop(event);
        for (;;) {
                if (sd_event_get_state(event) == SD_EVENT_FINISHED)
                        return sd_event_get_exit_code(event, &code) >= 0 ? code : 0;
                r = sd_event_run(event, idle);
                if (r < 0)
                        return r;
                if (r > 0 || service_busy(def))
                        continue;
                if (named) {
                        log_debug("Idle for %" PRIu64 " s: releasing %s", idle / 1000000, s->bus_name);
                        r = sd_bus_release_name(bus, s->bus_name);
                        if (r < 0)
                                return log_error_errno(r, "Failed to release %s: %m", s->bus_name);
                        named = false;
                }
                while ((r = sd_bus_process(bus, NULL)) > 0)
                        ;
                if (r < 0)
                        return r;
                if (!service_busy(def)) {
                        (void) sd_bus_flush(bus);
                        log_debug("Exiting: nothing to do");
                        return 0;
                }
        }
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

        r = keep_capabilities(def->capabilities, def->starts_services);
        if (r < 0) {
                log_error_errno(r, "Failed to drop the capabilities %s does not need: %m", s->binary);
                goto finish;
        }
        r = sd_event_default(&event);
        if (r < 0) {
                log_error_errno(r, "Failed to allocate event loop: %m");
                goto finish;
        }
        r = service_bus_open(&bus);
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
        r = serve(def, bus, event);
        if (r < 0)
                log_error_errno(r, "Event loop failed: %m");

finish:
        sd_bus_flush_close_unref(bus);
        sd_event_unref(event);
        return r < 0 ? 1 : 0;
}
