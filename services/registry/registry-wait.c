/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Container1.Wait: the exit status of a container's init, or of a process exec'd into it, for a
 * caller on the bus (`ocictl run` and `exec` in bus mode), answered when it exits while others
 * are served. init's comes from its folder (registry-watch.c); an exec'd process's from the
 * spawner, its parent. */
#include <sys/file.h>

#include "bus-errors.h"
#include "log.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"

typedef struct ForwardedWait {
        Registry *reg;
        sd_bus_message *request;
} ForwardedWait;

static int on_spawner_wait(sd_bus_message *reply, void *userdata, sd_bus_error *unused) {
        ForwardedWait *w = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = w->request;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int status, r;

        w->reg->n_forwarded_waits--;
        free(w);
        if (e)
                return sd_bus_reply_method_error(request, e);
        r = sd_bus_message_read(reply, "i", &status);
        if (r < 0)
                return sd_bus_reply_method_errno(request, r, NULL);
        return sd_bus_reply_method_return(request, "i", status);
}

int method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        uint32_t pid;
        ForwardedWait *w;
        const Peer *p;
        int r;

        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "u", &pid);
        if (r < 0)
                return r;
        if (service_is_direct())
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED,
                                         "in direct mode the container is the caller's child: wait for it there");
        r = load_container(reg, id, LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        /* init: its monitor records the status in the folder, whatever service is up, and the
         * watch reads it (at once for a container that is gone): the caller has its answer only
         * once the exit was announced, and a delete that follows cannot race the watch. */
        if (pid == 0)
                return registry_watch_wait(reg, id, dir_fd, &state, m, error);
        r = get_peer(reg, SERVICE_SPAWNER, &p, error);
        if (r >= 0)
                r = peer_new_call(p, "Wait", &call);
        if (r >= 0)
                r = sd_bus_message_append(call, "u", pid);
        if (r < 0)
                return r;
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        *w = (ForwardedWait) { reg, m };
        /* No time limit: a container runs as long as it runs. */
        r = sd_bus_call_async(p->bus, NULL, call, on_spawner_wait, w, UINT64_MAX);
        if (r < 0) {
                free(w);
                return r;
        }
        sd_bus_message_ref(m); /* on_spawner_wait answers and lets go of it */
        reg->n_forwarded_waits++;
        return 1;
}
