/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each container as a D-Bus object, /org/ocictl/container/<encoded id> with org.ocictl.Container1
 * (as machined has an object per machine): its path, its properties read from the state folder,
 * the signals the manager sends about it, the ObjectManager over them, and the exit statuses the
 * spawner announces, kept in the folder so that they outlive any service. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "container-id.h"
#include "exit-status.h"
#include "log.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"
#include "systemd-path.h"


int container_object_path(const char *id, char **ret) {
        return sd_bus_path_encode(CONTAINER_PATH_PREFIX, id, ret);
}

int container_call_id(sd_bus_message *m, char **ret, sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;
        int r;

        r = sd_bus_path_decode(sd_bus_message_get_path(m), CONTAINER_PATH_PREFIX, &id);
        if (r < 0)
                return r;
        if (r == 0 || !container_id_is_valid(id))
                return sd_bus_error_setf(error, OCICTL_ERROR_NO_SUCH_CONTAINER, "container does not exist");
        *ret = TAKE_PTR(id);
        return 0;
}

/* Every valid id is an object to call (so that Delete with force of a missing one succeeds,
 * and a missing one's calls fail as runc's do); only existing ones are listed. */
static int find_container(sd_bus *bus, const char *path, const char *interface, void *userdata, void **found,
                          sd_bus_error *error) {
        _cleanup_free_ char *id = NULL;

        if (sd_bus_path_decode(path, CONTAINER_PATH_PREFIX, &id) <= 0 || !container_id_is_valid(id))
                return 0;
        *found = userdata;
        return 1;
}

static int enumerate_containers(sd_bus *bus, const char *prefix, void *userdata, char ***ret, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_strv_free_ char **ids = NULL;
        char **paths;
        size_t n = 0;
        int r;

        r = registry_list_ids(reg, &ids, &n);
        if (r < 0)
                return r;
        paths = calloc(n + 1, sizeof *paths);
        if (!paths)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (container_object_path(ids[i], &paths[i]) < 0) {
                        strv_free(paths);
                        return -ENOMEM;
                }
        *ret = paths;
        return 0;
}

/* The cgroup the container is in: the cgroup2 path where there is one, else the first
 * hierarchy's (cgroupsPath names the same path in each). GetCgroup has them all. */
static const char *cgroup_path_of(const ContainerState *s) {
        for (size_t i = 0; i < s->n_cgroups; i++)
                if (streq(s->cgroups[i].key, ""))
                        return s->cgroups[i].value;
        for (size_t i = 0; i < s->n_cgroups; i++)
                if (!streq(s->cgroups[i].key, CGROUP_SYSTEMD_UNIT_KEY))
                        return s->cgroups[i].value;
        return "";
}

static int get_property(sd_bus *bus, const char *path, const char *interface, const char *property,
                        sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        int r;

        if (sd_bus_path_decode(path, CONTAINER_PATH_PREFIX, &id) <= 0)
                return -ENOENT;
        /* No lock: the state file is replaced atomically, and a reader must not wait on a
         * delete that holds the folder while the container dies. */
        r = load_container(reg, id, 0, &dir_fd, &state, error);
        if (r < 0)
                return r;
        ContainerStatus status = container_status(dir_fd, &state);
        if (streq(property, "Id"))
                return sd_bus_message_append(reply, "s", state.id);
        if (streq(property, "Status"))
                return sd_bus_message_append(reply, "s", container_status_to_string(status));
        if (streq(property, "Pid"))
                return sd_bus_message_append(reply, "u", (uint32_t) (status == CONTAINER_STOPPED ? 0 : state.pid));
        if (streq(property, "Bundle"))
                return sd_bus_message_append(reply, "s", state.bundle ?: "");
        if (streq(property, "Rootfs"))
                return sd_bus_message_append(reply, "s", state.rootfs ?: "");
        if (streq(property, "Created"))
                return sd_bus_message_append(reply, "s", state.created ?: "");
        if (streq(property, "Owner"))
                return sd_bus_message_append(reply, "u", (uint32_t) state.owner);
        if (streq(property, "CgroupPath"))
                return sd_bus_message_append(reply, "s", cgroup_path_of(&state));
        if (streq(property, "ExitStatus"))
                return sd_bus_message_append(reply, "i", status == CONTAINER_STOPPED ? exit_status_read(dir_fd) : -1);
        if (streq(property, "Annotations")) {
                r = sd_bus_message_open_container(reply, 'a', "{ss}");
                for (size_t i = 0; r >= 0 && i < state.n_annotations; i++)
                        r = sd_bus_message_append(reply, "{ss}", state.annotations[i].key, state.annotations[i].value);
                return r < 0 ? r : sd_bus_message_close_container(reply);
        }
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "unknown property %s", property);
}

#define CONTAINER_PROPERTY(name, type, flags) SD_BUS_PROPERTY(name, type, get_property, 0, flags)

static const sd_bus_vtable container_vtable[] = {
        SD_BUS_VTABLE_START(0),
        CONTAINER_PROPERTY("Id", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("Status", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        CONTAINER_PROPERTY("Pid", "u", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        CONTAINER_PROPERTY("Bundle", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("Rootfs", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("Created", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("Owner", "u", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("Annotations", "a{ss}", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("CgroupPath", "s", SD_BUS_VTABLE_PROPERTY_CONST),
        CONTAINER_PROPERTY("ExitStatus", "i", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_start, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("i", signal, "b", all), SD_BUS_NO_RESULT, method_kill,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("b", force), SD_BUS_NO_RESULT, method_delete,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Exec",
                                SD_BUS_ARGS("a{sv}", process, "h", stdin, "h", stdout, "h", stderr, "a{sv}", options),
                                SD_BUS_RESULT("u", pid, "t", start_time), method_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resume", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_resume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Update", SD_BUS_ARGS("as", changes), SD_BUS_NO_RESULT, method_update,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", stats, "t", oom_kills), method_stats,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetPids", SD_BUS_NO_ARGS, SD_BUS_RESULT("au", pids), method_get_pids,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetCgroup", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ss)", paths, "s", resources),
                                method_get_cgroup, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Wait", SD_BUS_ARGS("u", pid), SD_BUS_RESULT("i", status), method_wait,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int registry_objects_setup(Registry *reg, sd_bus *bus) {
        int r;

        r = sd_bus_add_fallback_vtable(bus, NULL, CONTAINER_PATH_PREFIX, CONTAINER_INTERFACE, container_vtable,
                                       find_container, reg);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(bus, NULL, CONTAINER_PATH_PREFIX, enumerate_containers, reg);
        /* At the common root of the manager and the containers, as machined has it at its
         * manager's path: GetManagedObjects lists every container with its properties. */
        if (r >= 0)
                r = sd_bus_add_object_manager(bus, NULL, "/org/ocictl");
        return r;
}

static void emit_manager_signal(Registry *reg, const char *member, const char *id, int status) {
        _cleanup_free_ char *path = NULL;

        if (service_is_direct() || container_object_path(id, &path) < 0)
                return;
        if (streq(member, "ContainerExited"))
                (void) sd_bus_emit_signal(reg->bus, service_table[SERVICE_REGISTRY].object_path,
                                          service_table[SERVICE_REGISTRY].bus_name, member, "soi", id, path, status);
        else
                (void) sd_bus_emit_signal(reg->bus, service_table[SERVICE_REGISTRY].object_path,
                                          service_table[SERVICE_REGISTRY].bus_name, member, "so", id, path);
        if (streq(member, "ContainerNew"))
                (void) sd_bus_emit_object_added(reg->bus, path);
        else if (streq(member, "ContainerRemoved"))
                (void) sd_bus_emit_object_removed(reg->bus, path);
        else
                (void) sd_bus_emit_properties_changed(reg->bus, path, CONTAINER_INTERFACE, "Status", "Pid",
                                                      "ExitStatus", NULL);
}

void emit_container_new(Registry *reg, const char *id) {
        emit_manager_signal(reg, "ContainerNew", id, 0);
}

void emit_container_removed(Registry *reg, const char *id) {
        emit_manager_signal(reg, "ContainerRemoved", id, 0);
}

void emit_container_exited(Registry *reg, const char *id, int status) {
        emit_manager_signal(reg, "ContainerExited", id, status);
}

void emit_status_changed(Registry *reg, const char *id) {
        _cleanup_free_ char *path = NULL;

        if (!service_is_direct() && container_object_path(id, &path) >= 0)
                (void) sd_bus_emit_properties_changed(reg->bus, path, CONTAINER_INTERFACE, "Status", "Pid", NULL);
}
