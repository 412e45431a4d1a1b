/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry's cgroup verbs: update, pause, resume, stats (events) and the cgroup paths. The
 * state file keeps linux.resources, typed, as the last create or update left them, so that a
 * later update (v2's swap.max depends on the memory limit) and `state` agree with the cgroup. */
#include <sys/file.h>

#include "bus-errors.h"
#include "caller.h"
#include "registry-container.h"
#include "registry.h"
#include "spec-bus.h"
#include "systemd-path.h"

/* Spec1.ParseResources: a LinuxResources JSON document into res (added to what res holds). */
static int call_parse_resources(Registry *reg, const char *json, SpecResources *res, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_SPEC, &p, error);
        if (r >= 0)
                r = peer_new_call(p, "ParseResources", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", json);
        if (r >= 0)
                r = peer_call(p, m, error, &reply);
        if (r >= 0)
                r = spec_bus_read_resources(reply, res);
        return r;
}

static int check_live(const char *id, ContainerStatus status, const char *verb, sd_bus_error *error) {
        if (status == CONTAINER_STOPPED || status == CONTAINER_CREATING)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot %s container %s: it is %s", verb, id,
                                         container_status_to_string(status));
        return 0;
}

/* Root only. changes: LinuxResources JSON documents, applied in order (update's -r file, then
 * its flags). */
int method_update(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(resources_done) SpecResources change = {};
        _cleanup_strv_free_ char **changes = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const Peer *p;
        _cleanup_free_ char *id = NULL;
        int r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = sd_bus_message_read_strv(m, &changes);
        if (r < 0)
                return r;
        r = load_container(reg, id, LOCK_EX, &dir_fd, &state, error);
        if (r >= 0 && (r = registry_authorize(reg, m, ACTION_MANAGE, state.owner, method_update, error)) > 0)
                return r;
        if (r >= 0)
                r = check_live(id, container_status(dir_fd, &state), "update", error);
        /* What create and the updates before left, typed in the state; a state written before
         * that keeps them as JSON, which goes through the parser once and is then typed. */
        if (r >= 0 && state.legacy_resources_json)
                r = call_parse_resources(reg, state.legacy_resources_json, &state.resources, error);
        for (char **c = changes; r >= 0 && c && *c; c++)
                r = call_parse_resources(reg, *c, &change, error);
        if (r < 0)
                return r;
        if (resources_empty(&change))
                return sd_bus_reply_method_return(m, NULL); /* as runc: docker sends {"memory":{},"cpu":{}} */
        r = resources_merge(&state.resources, &change);
        if (r < 0)
                return r;
        resources_add_dependencies(&state.resources, &change);

        r = new_cgroups_call(reg, &state, "Update", NULL, &p, &call, error);
        if (r >= 0)
                r = spec_bus_append_resources(call, &change);
        if (r >= 0)
                r = peer_call(p, call, error, NULL);
        if (r < 0)
                return r;
        free(state.legacy_resources_json);
        state.legacy_resources_json = NULL;
        r = state_file_write(dir_fd, &state);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "the cgroup was updated but the state of %s was not: %m", id);
        return sd_bus_reply_method_return(m, NULL);
}

int freeze_container(Registry *reg, const ContainerState *state, bool frozen, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        const Peer *p;
        int r;

        if (state->n_cgroups == 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED, "container %s has no cgroup", state->id);
        r = new_cgroups_call(reg, state, "Freeze", NULL, &p, &call, error);
        if (r >= 0)
                r = sd_bus_message_append(call, "b", frozen);
        if (r >= 0)
                r = peer_call(p, call, error, NULL);
        return r;
}

/* Root only: pause (frozen) or resume; runc's rules: pause a created or running container,
 * resume a paused one. */
static int pause_or_resume(Registry *reg, sd_bus_message *m, bool frozen, sd_bus_message_handler_t handler,
                           sd_bus_error *error) {
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        ContainerStatus status;
        _cleanup_free_ char *id = NULL;
        int r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r < 0)
                return r;
        r = load_container(reg, id, LOCK_EX, &dir_fd, &state, error);
        if (r >= 0)
                r = registry_authorize(reg, m, ACTION_MANAGE, state.owner, handler, error);
        if (r != 0)
                return r;
        status = container_status(dir_fd, &state);
        if (frozen && status != CONTAINER_RUNNING && status != CONTAINER_CREATED)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot pause container %s: it is %s", id,
                                         container_status_to_string(status));
        if (!frozen && status != CONTAINER_PAUSED)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot resume container %s: it is %s", id,
                                         container_status_to_string(status));
        r = freeze_container(reg, &state, frozen, error);
        if (r < 0)
                return r;
        state.paused = frozen;
        r = state_file_write(dir_fd, &state);
        if (r < 0) {
                _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
                (void) freeze_container(reg, &state, !frozen, &ignored);
                return sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
        }
        emit_status_changed(reg, id);
        return sd_bus_reply_method_return(m, NULL);
}

int method_pause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        return pause_or_resume(reg, m, true, method_pause, error);
}

int method_resume(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        return pause_or_resume(reg, m, false, method_resume, error);
}

/* Open to every caller, as GetState and GetPids: runc's stats JSON and the OOM kill count. */
int method_stats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        const char *json;
        uint64_t ooms;
        const Peer *p;
        int r;

        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = load_container(reg, id, LOCK_SH, &dir_fd, &state, error);
        if (r >= 0)
                r = check_live(id, container_status(dir_fd, &state), "read the stats of", error);
        if (r < 0)
                return r;
        if (state.n_cgroups == 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED, "container %s has no cgroup", id);
        r = new_cgroups_call(reg, &state, "Stats", NULL, &p, &call, error);
        if (r >= 0)
                r = peer_call(p, call, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "st", &json, &ooms);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "st", json, ooms);
}

/* Open to every caller: where the container's cgroup is, as (hierarchy, path) records in the
 * form of /proc/PID/cgroup (and ("systemd-unit", scope) for the systemd driver's), and its
 * linux.resources as JSON. */
int method_get_cgroup(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *json = NULL;
        _cleanup_free_ char *id = NULL;
        int r;

        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = load_container(reg, id, LOCK_SH, &dir_fd, &state, error);
        if (r >= 0)
                r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < state.n_cgroups; i++)
                r = sd_bus_message_append(reply, "(ss)", state.cgroups[i].key, state.cgroups[i].value);
        if (r >= 0 && state.systemd_unit)
                r = sd_bus_message_append(reply, "(ss)", CGROUP_SYSTEMD_UNIT_KEY, state.systemd_unit);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0 && !state.legacy_resources_json && !(json = resources_to_json(&state.resources)))
                r = -ENOMEM;
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", state.legacy_resources_json ?: json);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
