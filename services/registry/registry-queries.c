/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The read-only calls: Registry1's Features, ListContainers, GetContainer; Container1's GetPids. */
#include <fcntl.h>
#include <dirent.h>
#include <sys/file.h>

#include "bus-errors.h"
#include "container-id.h"
#include "create-options.h"
#include "log.h"
#include "peer.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"
#include "services.h"
#include "spec-bus.h"

/* Open to every caller: what the runtime supports (runc features), as the parser says. */
int method_features(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        const char *json;
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_SPEC, &p, error);
        if (r >= 0)
                r = peer_new_call(p, "Features", &call);
        if (r >= 0)
                r = peer_call(p, call, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "s", json);
}

/* Open to every caller, like GetState: the pids of the container's processes (runc ps). */
int method_get_pids(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL, *answer = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const void *pids;
        const Peer *p;
        _cleanup_free_ char *id = NULL;
        size_t size = 0;
        int r;

        r = container_call_id(m, &id, error);
        if (r < 0)
                return r;
        r = load_container(reg, id, LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        if (container_status(dir_fd, &state) == CONTAINER_STOPPED || state.n_cgroups == 0)
                return sd_bus_reply_method_return(m, "au", 0);
        r = new_cgroups_call(reg, &state, "GetPids", NULL, &p, &call, error);
        if (r >= 0)
                r = peer_call(p, call, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read_array(reply, 'u', &pids, &size);
        if (r >= 0)
                r = sd_bus_message_new_method_return(m, &answer);
        if (r >= 0)
                r = sd_bus_message_append_array(answer, 'u', pids, size);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, answer, NULL);
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* runc lists in id order. */
int registry_list_ids(Registry *reg, char ***ret, size_t *ret_n) {
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;
        struct dirent *de;
        _cleanup_closedir_ DIR *d = NULL;
        int fd = fcntl(reg->root_fd, F_DUPFD_CLOEXEC, 3);

        d = fd < 0 ? NULL : fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return negative_errno();
        }
        rewinddir(d);
        while ((de = readdir(d))) {
                char **grown;
                if (!container_id_is_valid(de->d_name) || de->d_type != DT_DIR)
                        continue;
                grown = realloc(ids, (n + 2) * sizeof *ids);
                if (!grown || !(grown[n] = strdup(de->d_name))) {
                        if (grown)
                                ids = grown;
                        return -ENOMEM;
                }
                ids = grown;
                ids[++n] = NULL;
        }
        if (n > 0)
                qsort(ids, n, sizeof *ids, compare_strings);
        *ret = TAKE_PTR(ids);
        *ret_n = n;
        return 0;
}

/* Open to every caller: each container as (id, status, pid, owner, bundle, rootfs, created,
 * object path). */
int method_list_containers(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;
        int r;

        r = registry_list_ids(reg, &ids, &n);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot list %s: %m", reg->root_dir);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssuussso)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_(container_state_done) ContainerState state = {};
                _cleanup_close_ int dir_fd = -EBADF;
                _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;

                /* No lock: a list must not wait on a delete that holds one folder. */
                if (load_container(reg, ids[i], 0, &dir_fd, &state, &ignored) < 0)
                        continue; /* gone meanwhile */
                ContainerStatus status = container_status(dir_fd, &state);
                r = container_object_path(state.id, &path);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "(ssuussso)", state.id, container_status_to_string(status),
                                                  (uint32_t) (status == CONTAINER_STOPPED ? 0 : state.pid),
                                                  (uint32_t) state.owner, state.bundle ?: "", state.rootfs ?: "",
                                                  state.created ?: "", path);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Open to every caller: the object of container id (NoSuchContainer when there is none). */
int method_get_container(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *path = NULL;
        const char *id;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r >= 0)
                r = load_container(reg, id, 0, &dir_fd, &state, error);
        if (r >= 0)
                r = container_object_path(id, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "o", path);
}
