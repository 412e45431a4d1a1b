/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry's calls to its peers (Spec1, Cgroups1, Spawner1): each one a function that builds
 * the call from the container's state, sends it and reads what comes back. Peers are reached
 * or started on first use. */
#include <fcntl.h>
#include <limits.h>

#include "bus-errors.h"
#include "container-id.h"
#include "systemd-path.h"
#include "create-options.h"
#include "log.h"
#include "peer.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"
#include "services.h"
#include "spec-bus.h"

void peers_done(Registry *reg) {
        for (ServiceId i = 0; i < _SERVICE_MAX; i++)
                peer_done(&reg->peers[i]);
}

/* Connects to a peer on first use: only the services a call needs are ever contacted. In direct
 * mode that means starting it: the registry alone knows which services each call needs (the
 * CLI hands over only the spawner it started for a verb that clones, cli.h). */
int get_peer(Registry *reg, ServiceId id, const Peer **ret, sd_bus_error *error) {
        int r;

        if (!reg->peers[id].bus) {
                r = peer_connect(id, service_is_direct() ? NULL : reg->peer_bus, &reg->peers[id]);
                if (r == -ENOTCONN && service_is_direct())
                        r = peer_spawn(id, &reg->peers[id]);
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "cannot reach %s: %s",
                                                 service_table[id].bus_name, strerror(-r));
        }
        *ret = &reg->peers[id];
        return 0;
}

/* get_peer() ahead of the first call, so that several services start in parallel; a failure
 * shows again at that call. */
void start_peer_early(Registry *reg, ServiceId id) {
        _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
        const Peer *p;
        (void) get_peer(reg, id, &p, &ignored);
}

/* A call that could not be built or read: named by method and part, as a failed step should be. */
static int message_failed(sd_bus_error *error, int r, ServiceId id, const char *member, const char *part) {
        return sd_bus_error_set_errnof(error, -r, "%s.%s: %s: %s", service_table[id].bus_name, member, part,
                                       strerror(-r));
}

static int append_fd_array(sd_bus_message *m, const int *fds, size_t n) {
        int r = sd_bus_message_open_container(m, 'a', "h");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "h", fds[i]);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int read_reply_fds(sd_bus_message *reply, int *fds, size_t max, size_t *ret_n) {
        size_t n = 0;
        int fd, r;

        r = sd_bus_message_enter_container(reply, 'a', "h");
        while (r >= 0 && n < max && (r = sd_bus_message_read(reply, "h", &fd)) > 0) {
                fds[n] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (fds[n] < 0)
                        r = negative_errno();
                else
                        n++;
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply); /* so that what follows can be read */
        if (r < 0) { /* all of them or none */
                while (n > 0)
                        safe_close(fds[--n]);
                return r;
        }
        *ret_n = n;
        return 0;
}

int new_cgroups_call(Registry *reg, const ContainerState *s, const char *member, char **created,
                     const Peer **ret_peer, sd_bus_message **ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = get_peer(reg, SERVICE_CGROUPS, ret_peer, error);
        if (r < 0)
                return r;
        r = peer_new_call(*ret_peer, member, &m);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', created ? "(sss)" : "(ss)");
        for (size_t i = 0; r >= 0 && i < s->n_cgroups; i++)
                r = created ? sd_bus_message_append(m, "(sss)", s->cgroups[i].key, s->cgroups[i].value,
                                                    created[i] ?: "")
                            : sd_bus_message_append(m, "(ss)", s->cgroups[i].key, s->cgroups[i].value);
        /* The scope goes with the paths: Remove stops it, Update and Freeze go through systemd. */
        if (r >= 0 && s->systemd_unit)
                r = created ? sd_bus_message_append(m, "(sss)", CGROUP_SYSTEMD_UNIT_KEY, s->systemd_unit, "")
                            : sd_bus_message_append(m, "(ss)", CGROUP_SYSTEMD_UNIT_KEY, s->systemd_unit);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* Remove, or with created (what Create reported it made) Rollback, which also removes the
 * parents made for this container. */
int call_cgroups_remove(Registry *reg, const ContainerState *s, char **created, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        if (s->n_cgroups == 0 && !s->systemd_unit)
                return 0;
        r = new_cgroups_call(reg, s, created ? "Rollback" : "Remove", created, &p, &m, error);
        if (r < 0)
                return r;
        return peer_call(p, m, error, NULL);
}

int call_return_net_devices(Registry *reg, const ContainerState *s, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        if (s->n_net_devices == 0)
                return 0;
        r = get_peer(reg, SERVICE_SPAWNER, &p, error);
        if (r >= 0)
                r = peer_new_call(p, "ReturnNetDevices", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ut", (uint32_t) s->pid, s->start_time);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < s->n_net_devices; i++)
                r = sd_bus_message_append(m, "(ss)", s->net_devices[i].key, s->net_devices[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        return peer_call(p, m, error, NULL);
}

int call_kill(Registry *reg, const ContainerState *s, int sig, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_SPAWNER, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Kill", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uti", (uint32_t) s->pid, s->start_time, sig);
        if (r < 0)
                return r;
        return peer_call(p, m, error, NULL);
}

int call_parse(Registry *reg, int config_fd, sd_bus_message **ret_reply, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_SPEC, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Parse", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "h", config_fd);
        if (r < 0)
                return r;
        return peer_call(p, m, error, ret_reply);
}

/* A record of Cgroups1's replies: a cgroup, or the systemd unit that it is. */
static int add_cgroup_record(ContainerState *state, const char *key, const char *value) {
        if (!streq(key, CGROUP_SYSTEMD_UNIT_KEY))
                return string_pairs_append(&state->cgroups, &state->n_cgroups, key, value);
        free(state->systemd_unit);
        state->systemd_unit = strdup(value);
        return state->systemd_unit ? 0 : -ENOMEM;
}

static const char *cgroup_driver(const CreateOptions *options) {
        return options->systemd_cgroup ? "systemd" : ""; /* "": the path's form and the host decide */
}

/* Where Cgroups1.Create will put the cgroup, into state->cgroups: recorded before it exists. */
int call_cgroups_resolve(Registry *reg, const char *id, const Spec *spec, const CreateOptions *options,
                         ContainerState *state, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *key, *path;
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_CGROUPS, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Resolve", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", id, spec->cgroups_path ?: "", cgroup_driver(options));
        if (r >= 0)
                r = peer_call(p, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ss)", &key, &path)) > 0)
                r = add_cgroup_record(state, key, path);
        return r;
}

int call_cgroups_create(Registry *reg, const char *id, const Spec *spec, const CreateOptions *options,
                        ContainerState *state, char ***created, int *fds, size_t *n_fds, int *ret_hold,
                        sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *key, *path, *made;
        size_t n_hold = 0;
        const Peer *p;
        int r;

        *n_fds = 0;
        *ret_hold = -EBADF;
        r = get_peer(reg, SERVICE_CGROUPS, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Create", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", id, spec->cgroups_path ?: "", cgroup_driver(options));
        if (r < 0)
                return message_failed(error, r, SERVICE_CGROUPS, "Create", "id and cgroupsPath");
        r = spec_bus_append_resources(m, &spec->resources);
        if (r < 0)
                return message_failed(error, r, SERVICE_CGROUPS, "Create", "the resources");
        r = peer_call(p, m, error, &reply);
        if (r < 0)
                return r;

        /* What Resolve said, now with what was made. */
        string_pairs_free(state->cgroups, state->n_cgroups);
        state->cgroups = NULL;
        state->n_cgroups = 0;
        r = sd_bus_message_enter_container(reply, 'a', "(sss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sss)", &key, &path, &made)) > 0) {
                if (streq(key, CGROUP_SYSTEMD_UNIT_KEY)) {
                        r = add_cgroup_record(state, key, path);
                        continue;
                }
                char **c = realloc(*created, (state->n_cgroups + 2) * sizeof *c);
                if (!c)
                        return -ENOMEM;
                *created = c;
                c[state->n_cgroups + 1] = NULL;
                if (!(c[state->n_cgroups] = strdup(made)))
                        return -ENOMEM;
                r = string_pairs_append(&state->cgroups, &state->n_cgroups, key, path);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return message_failed(error, r, SERVICE_CGROUPS, "Create", "the cgroups in the reply");
        r = read_reply_fds(reply, fds, CGROUP_FDS_MAX, n_fds);
        if (r >= 0)
                r = read_reply_fds(reply, ret_hold, 1, &n_hold);
        if (r < 0)
                return message_failed(error, r, SERVICE_CGROUPS, "Create", "the descriptors in the reply");
        return 0;
}

int call_spawn(Registry *reg, const char *id, const char *bundle, const char *rootfs, sd_bus_message *spec, int dir_fd,
               const int *cgroup_fds, size_t n_cgroup_fds, const int stdio[3], const CreateOptions *options,
               ContainerState *state, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_close_ int unlocked_fd = -EBADF;
        const Peer *p;
        uint32_t pid;
        int r;

        r = get_peer(reg, SERVICE_SPAWNER, &p, error);
        if (r < 0)
                return r;
        unlocked_fd = reopen_unlocked(dir_fd);
        if (unlocked_fd < 0)
                return unlocked_fd;
        r = peer_new_call(p, "Spawn", &m);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "new call");
        r = sd_bus_message_append(m, "sss", id, bundle, rootfs);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "id, bundle and rootfs");
        /* The parser's reply as it came: the spec crosses the registry unchanged, not decoded and
         * encoded again (the registry reads only the fields it keeps). */
        r = sd_bus_message_rewind(spec, true);
        if (r >= 0)
                r = sd_bus_message_copy(m, spec, true);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "the spec");
        r = sd_bus_message_append(m, "h", unlocked_fd);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "the state folder");
        r = append_fd_array(m, cgroup_fds, n_cgroup_fds);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "the cgroup descriptors");
        r = sd_bus_message_append(m, "hhh", stdio[0], stdio[1], stdio[2]);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "stdio");
        r = create_options_append(m, options);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "the options");
        r = peer_call(p, m, error, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ut", &pid, &state->start_time);
        if (r < 0)
                return message_failed(error, r, SERVICE_SPAWNER, "Spawn", "the reply");
        state->pid = (pid_t) pid;
        return 0;
}

/* A second open of the state folder for the spawner: flock belongs to the open file, and init
 * (cloned from the spawner) keeps every fd it was sent until it execs; the locked fd itself would
 * keep the folder locked for as long as init waits for `start`. */
int reopen_unlocked(int dir_fd) {
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}
