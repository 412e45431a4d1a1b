/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.ocictl.Registry1: the front door. It owns the container list and each container's state
 * on disk, and orchestrates the spec parser, the cgroup manager and the spawner. Every failure
 * path undoes what the call made: no cgroup, process, fifo or state folder stays behind. */

#include "bus-errors.h"
#include "container-id.h"
#include "create-options.h"
#include "log.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"
#include "service-capabilities.h"
#include "service-mains.h"
#include "service-run.h"
#include "services.h"
#include "spec-bus.h"

/* Opens the folder and reads the state; NoSuchContainer in runc's words when either is missing. */
int load_container(Registry *reg, const char *id, int lock, int *ret_fd, ContainerState *ret, sd_bus_error *error) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = check_id(id, error);
        if (r < 0)
                return r;
        r = container_dir_open(reg->root_fd, id, lock, &fd);
        if (r >= 0) {
                r = state_file_read(fd, ret);
                if (r == -ENOENT) {
                        /* The folder is the first trace of a create: one that has not written
                         * its state yet, or was killed before it could. It is "creating", and
                         * delete -f removes it. */
                        *ret = (ContainerState) { .id = strdup(id) };
                        r = ret->id ? 0 : -ENOMEM;
                }
        }
        if (r == -ENOENT)
                return sd_bus_error_setf(error, OCICTL_ERROR_NO_SUCH_CONTAINER, "container does not exist");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot read the state of %s: %m", id);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The manager: what is not about one container. Each container's calls and properties are on
 * its object (registry-objects.c). */
static const sd_bus_vtable registry_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("CreateContainer",
                                SD_BUS_ARGS("s", id, "s", bundle, "h", config, "h", stdin, "h", stdout, "h", stderr,
                                            "a{sv}", options),
                                SD_BUS_RESULT("o", container, "u", pid), method_create, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetContainer", SD_BUS_ARGS("s", id), SD_BUS_RESULT("o", container),
                                method_get_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListContainers", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssuussso)", containers),
                                method_list_containers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Features", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", features), method_features,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("RunSandbox",
                                SD_BUS_ARGS("as", args, "as", env, "s", cwd, "a(ssb)", binds, "a(hsb)", fd_binds, "as",
                                            tmpfs, "a{sv}", options, "h", stdin, "h", stdout, "h", stderr),
                                SD_BUS_RESULT("s", id, "o", container, "h", pidfd), method_run_sandbox,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerNew", SD_BUS_ARGS("s", id, "o", container), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerRemoved", SD_BUS_ARGS("s", id, "o", container), 0),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerExited", SD_BUS_ARGS("s", id, "o", container, "i", status), 0),
        SD_BUS_VTABLE_END,
};

int registry_publish(Registry *reg, sd_bus *bus) {
        const ServiceInfo *s = &service_table[SERVICE_REGISTRY];
        int r = sd_bus_add_object_vtable(bus, NULL, s->object_path, s->bus_name, registry_vtable, reg);
        return r < 0 ? r : registry_objects_setup(reg, bus);
}

static int setup(sd_bus *bus, sd_event *event, void *userdata) {
        Registry *reg = userdata;
        const char *e = getenv("OCICTL_ROOT");
        int r;

        reg->bus = reg->peer_bus = bus;
        if (e && *e)
                reg->root_dir = e;
        if (reg->root_dir[0] != '/')
                return log_error_errno(-EINVAL, "The root %s is not an absolute path", reg->root_dir);
        r = registry_open_root(reg->root_dir, &reg->root_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to open the root %s: %m", reg->root_dir);
        r = registry_objects_setup(reg, bus);
        if (r < 0)
                return log_error_errno(r, "Failed to publish the container objects: %m");
        /* A registry that was restarted (or exited idle) picks up the containers that run. */
        if (!service_is_direct()) {
                registry_watch_all(reg);
                registry_spare_prepare(reg);
        }
        return 0;
}

/* Idle exit (service-run.h): as machined stays while machines exist, the registry stays while a
 * container runs (it announces the exit), a polkit answer is awaited or a Wait forwarded. */
static bool registry_busy(void *userdata) {
        const Registry *reg = userdata;
        return reg->watches || reg->n_auth_queries > 0 || reg->n_forwarded_waits > 0 || reg->n_workers > 0 ||
               reg->sandbox_guards;
}

int registry_service_main(void) {
        Registry registry = { .root_dir = "/run/ocictl", .root_fd = -EBADF };
        const ServiceDefinition def = {
                .id = SERVICE_REGISTRY, .vtable = registry_vtable, .userdata = &registry, .setup = setup,
                .busy = registry_busy,
                /* service-capabilities.h: which, and why */
                .capabilities = REGISTRY_CAPABILITIES,
                .starts_services = service_is_direct(),
        };
        int r = service_run(&def);
        registry_workers_done(&registry);
        registry_sandbox_guards_done(&registry);
        registry_auth_done(&registry);
        registry_watches_done(&registry);
        peers_done(&registry);
        safe_close(registry.root_fd);
        free(registry.caller_name);
        return r;
}
