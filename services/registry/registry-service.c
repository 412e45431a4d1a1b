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

static const sd_bus_vtable registry_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Create",
                                SD_BUS_ARGS("s", id, "s", bundle, "h", config, "h", stdin, "h", stdout, "h", stderr,
                                            "a{sv}", options),
                                SD_BUS_RESULT("u", pid), method_create, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Exec",
                                SD_BUS_ARGS("s", id, "a{sv}", process, "h", stdin, "h", stdout, "h", stderr, "a{sv}",
                                            options),
                                SD_BUS_RESULT("u", pid, "t", start_time), method_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", id, "i", signal, "b", all), SD_BUS_NO_RESULT, method_kill, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("s", id, "b", force), SD_BUS_NO_RESULT, method_delete, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Features", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", features), method_features,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetState", SD_BUS_ARGS("s", id),
                                SD_BUS_RESULT("s", status, "u", pid, "u", owner, "s", bundle, "s", rootfs, "s", created,
                                              "s", id, "a{ss}", annotations),
                                method_get_state, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetPids", SD_BUS_ARGS("s", id), SD_BUS_RESULT("au", pids), method_get_pids,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssuusss)", containers), method_list,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Update", SD_BUS_ARGS("s", id, "as", changes), SD_BUS_NO_RESULT, method_update, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resume", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_resume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_ARGS("s", id), SD_BUS_RESULT("s", stats, "t", oom_kills), method_stats,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetCgroup", SD_BUS_ARGS("s", id), SD_BUS_RESULT("a(ss)", paths, "s", resources),
                                method_get_cgroup, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Wait", SD_BUS_ARGS("s", id, "u", pid), SD_BUS_RESULT("i", status), method_wait,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerChanged", SD_BUS_ARGS("s", id, "s", status), 0),
        SD_BUS_VTABLE_END,
};

static int setup(sd_bus *bus, sd_event *event, void *userdata) {
        Registry *reg = userdata;
        const char *e = getenv("OCICTL_ROOT");
        int r;

        reg->bus = bus;
        if (e && *e)
                reg->root_dir = e;
        if (reg->root_dir[0] != '/')
                return log_error_errno(-EINVAL, "The root %s is not an absolute path", reg->root_dir);
        r = registry_open_root(reg->root_dir, &reg->root_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to open the root %s: %m", reg->root_dir);
        return 0;
}

int main(void) {
        Registry registry = { .root_dir = "/run/ocictl", .root_fd = -EBADF };
        const ServiceDefinition def = {
                .id = SERVICE_REGISTRY, .vtable = registry_vtable, .userdata = &registry, .setup = setup
        };
        int r = service_run(&def);
        peers_done(&registry);
        safe_close(registry.root_fd);
        return r;
}
