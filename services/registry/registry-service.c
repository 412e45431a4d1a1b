/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.ocictl.Registry1: the front door. It owns the container list and each container's state
 * on disk, and orchestrates the spec parser, the cgroup manager and the spawner. Every failure
 * path undoes what the call made: no cgroup, process, fifo or state folder stays behind. */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>

#include "bus-errors.h"
#include "container-id.h"
#include "create-options.h"
#include "log.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"
#include "services.h"
#include "spec-bus.h"


const char *root_dir = "/run/ocictl";
int root_fd = -EBADF;
static sd_bus *service_bus;
static Peer peers[_SERVICE_MAX];

/* Connects to a peer on first use: only the services a call needs are ever contacted. In direct
 * mode that means starting it: the registry alone knows which services each call needs (the
 * CLI hands over only the spawner it started for a verb that clones, cli.h). */
int get_peer(ServiceId id, const Peer **ret, sd_bus_error *error) {
        int r;

        if (!peers[id].bus) {
                r = peer_connect(id, service_is_direct() ? NULL : service_bus, &peers[id]);
                if (r == -ENOTCONN && service_is_direct())
                        r = peer_spawn(id, &peers[id]);
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "cannot reach %s: %s",
                                                 service_table[id].bus_name, strerror(-r));
        }
        *ret = &peers[id];
        return 0;
}

/* get_peer() ahead of the first call, so that several services start in parallel; a failure
 * shows again at that call. */
static void start_peer_early(ServiceId id) {
        sd_bus_error ignored = SD_BUS_ERROR_NULL;
        const Peer *p;
        (void) get_peer(id, &p, &ignored);
        sd_bus_error_free(&ignored);
}

static int check_id(const char *id, sd_bus_error *error) {
        if (!container_id_is_valid(id))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "invalid container id \"%s\": use 1-%d letters, digits, '_', '+', '-', '.'",
                                         id, CONTAINER_ID_MAX);
        return 0;
}

static void now_rfc3339(char *buf, size_t size) {
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

void emit_changed(const char *id, const char *status) {
        if (!service_is_direct())
                (void) sd_bus_emit_signal(service_bus, service_table[SERVICE_REGISTRY].object_path,
                                          service_table[SERVICE_REGISTRY].bus_name, "ContainerChanged", "ss", id,
                                          status);
}

/* Opens the folder and reads the state; NoSuchContainer in runc's words when either is missing. */
int load_container(const char *id, int lock, int *ret_fd, ContainerState *ret, sd_bus_error *error) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = check_id(id, error);
        if (r < 0)
                return r;
        r = container_dir_open(root_fd, id, lock, &fd);
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
        if (r < 0) { /* all of them or none */
                while (n > 0)
                        safe_close(fds[--n]);
                return r;
        }
        *ret_n = n;
        return 0;
}

int new_cgroups_call(const ContainerState *s, const char *member, char **created, const Peer **ret_peer,
                     sd_bus_message **ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = get_peer(SERVICE_CGROUPS, ret_peer, error);
        if (r < 0)
                return r;
        r = peer_new_call(*ret_peer, member, &m);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', created ? "(sss)" : "(ss)");
        for (size_t i = 0; r >= 0 && i < s->n_cgroups; i++)
                r = created ? sd_bus_message_append(m, "(sss)", s->cgroups[i].key, s->cgroups[i].value,
                                                    created[i] ?: "")
                            : sd_bus_message_append(m, "(ss)", s->cgroups[i].key, s->cgroups[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

/* Remove, or with created (what Create reported it made) Rollback, which also removes the
 * parents made for this container. */
static int call_cgroups_remove(const ContainerState *s, char **created, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        if (s->n_cgroups == 0)
                return 0;
        r = new_cgroups_call(s, created ? "Rollback" : "Remove", created, &p, &m, error);
        if (r < 0)
                return r;
        return peer_call(p, m, error, NULL);
}

static int call_return_net_devices(const ContainerState *s, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        if (s->n_net_devices == 0)
                return 0;
        r = get_peer(SERVICE_SPAWNER, &p, error);
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

static int call_kill(const ContainerState *s, int sig, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        r = get_peer(SERVICE_SPAWNER, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Kill", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "uti", (uint32_t) s->pid, s->start_time, sig);
        if (r < 0)
                return r;
        return peer_call(p, m, error, NULL);
}

/* Waits for a process we are not the parent of (pidfd), up to timeout_ms. */
static int wait_gone(pid_t pid, uint64_t start_time, int timeout_ms) {
        int fd = (int) syscall(SYS_pidfd_open, pid, 0);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r;

        if (fd < 0)
                return 0; /* already gone */
        if (!process_is_same_and_alive(pid, start_time)) {
                safe_close(fd);
                return 0;
        }
        r = poll(&p, 1, timeout_ms);
        safe_close(fd);
        return r > 0 ? 0 : -ETIMEDOUT;
}

static int resolve_rootfs(const char *bundle, const char *root_path, char **ret, sd_bus_error *error) {
        _cleanup_free_ char *joined = NULL;
        char resolved[PATH_MAX];
        struct stat st;

        if (root_path[0] == '/')
                joined = strdup(root_path);
        else if (asprintf(&joined, "%s/%s", bundle, root_path) < 0)
                joined = NULL;
        if (!joined)
                return -ENOMEM;
        if (!realpath(joined, resolved) || stat(resolved, &st) < 0)
                return sd_bus_error_set_errnof(error, errno, "config.json: root.path: %s: %m", joined);
        if (!S_ISDIR(st.st_mode))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "config.json: root.path: %s is not a directory",
                                         joined);
        *ret = strdup(resolved);
        return *ret ? 0 : -ENOMEM;
}

int call_parse(int config_fd, sd_bus_message **ret_reply, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const Peer *p;
        int r;

        r = get_peer(SERVICE_SPEC, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Parse", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "h", config_fd);
        if (r < 0)
                return r;
        return peer_call(p, m, error, ret_reply);
}

/* Where Cgroups1.Create will put the cgroup, into state->cgroups: recorded before it exists. */
static int call_cgroups_resolve(const char *id, const Spec *spec, ContainerState *state, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *key, *path;
        const Peer *p;
        int r;

        r = get_peer(SERVICE_CGROUPS, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Resolve", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", id, spec->cgroups_path ?: "");
        if (r >= 0)
                r = peer_call(p, m, error, &reply);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ss)", &key, &path)) > 0)
                r = string_pairs_append(&state->cgroups, &state->n_cgroups, key, path);
        return r;
}

static int call_cgroups_create(const char *id, const Spec *spec, ContainerState *state, char ***created, int *fds,
                               size_t *n_fds, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *key, *path, *made;
        const Peer *p;
        int r;

        *n_fds = 0;
        r = get_peer(SERVICE_CGROUPS, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "Create", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", id, spec->cgroups_path ?: "");
        if (r >= 0)
                r = spec_bus_append_resources(m, &spec->resources);
        if (r < 0)
                return r;
        r = peer_call(p, m, error, &reply);
        if (r < 0)
                return r;

        /* What Resolve said, now with what was made. */
        string_pairs_free(state->cgroups, state->n_cgroups);
        state->cgroups = NULL;
        state->n_cgroups = 0;
        r = sd_bus_message_enter_container(reply, 'a', "(sss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sss)", &key, &path, &made)) > 0) {
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
        if (r >= 0)
                r = read_reply_fds(reply, fds, CGROUP_FDS_MAX, n_fds);
        return r;
}

/* A second open of the state folder for the spawner: flock belongs to the open file, and init
 * (cloned from the spawner) keeps every fd it was sent until it execs; the locked fd itself would
 * keep the folder locked for as long as init waits for `start`. */
static int reopen_unlocked(int dir_fd) {
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

static int call_spawn(const char *id, const char *bundle, const char *rootfs, const Spec *spec, int dir_fd,
                      const int *cgroup_fds, size_t n_cgroup_fds, const int stdio[3], const CreateOptions *options,
                      ContainerState *state, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_close_ int unlocked_fd = -EBADF;
        const Peer *p;
        uint32_t pid;
        int r;

        r = get_peer(SERVICE_SPAWNER, &p, error);
        if (r < 0)
                return r;
        unlocked_fd = reopen_unlocked(dir_fd);
        if (unlocked_fd < 0)
                return unlocked_fd;
        r = peer_new_call(p, "Spawn", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sss", id, bundle, rootfs);
        if (r >= 0)
                r = spec_bus_append(m, spec);
        if (r >= 0)
                r = sd_bus_message_append(m, "h", unlocked_fd);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "h");
        for (size_t i = 0; r >= 0 && i < n_cgroup_fds; i++)
                r = sd_bus_message_append(m, "h", cgroup_fds[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "hhh", stdio[0], stdio[1], stdio[2]);
        if (r >= 0)
                r = create_options_append(m, options);
        if (r < 0)
                return r;
        r = peer_call(p, m, error, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ut", &pid, &state->start_time);
        if (r < 0)
                return r;
        state->pid = (pid_t) pid;
        return 0;
}

/* Root only (polkit for others comes with system mode). The config is read by the sandboxed
 * parser from the caller's descriptor; the bundle path only names the rootfs, which must be a
 * directory. */
static int method_create(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *parsed = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(spec_done) Spec spec = {};
        _cleanup_free_ char *rootfs = NULL;
        _cleanup_strv_free_ char **created_cgroups = NULL;
        _cleanup_close_ int dir_fd = -EBADF, copy_fd = -EBADF;
        const char *id, *bundle;
        int config_fd, stdio[3], cgroup_fds[CGROUP_FDS_MAX];
        size_t n_cgroup_fds = 0;
        char created[64];
        CreateOptions options = CREATE_OPTIONS_INIT;
        uid_t owner = 0;
        int r;

        r = sd_bus_message_read(m, "ssh", &id, &bundle, &config_fd);
        if (r >= 0)
                r = sd_bus_message_read(m, "hhh", &stdio[0], &stdio[1], &stdio[2]);
        if (r >= 0)
                r = create_options_read(m, &options, error);
        if (r < 0)
                return r;
        r = check_id(id, error);
        if (r < 0)
                return r;
        if (bundle[0] != '/')
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "bundle \"%s\" is not an absolute path", bundle);
        r = bus_check_caller_is_root(m, error);
        if (r < 0)
                return r;
        (void) bus_message_get_sender_uid(m, &owner);
        /* Both start now, in parallel with each other (get_peer only forks and connects); the
         * first call to each waits for it. A failure shows at that call. */
        start_peer_early(SERVICE_SPEC);
        start_peer_early(SERVICE_CGROUPS);

        r = container_dir_create(root_fd, id, &dir_fd);
        if (r == -EEXIST)
                return sd_bus_error_setf(error, OCICTL_ERROR_ALREADY_EXISTS, "container with given ID already exists");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot create %s/%s: %m", root_dir, id);

        /* From here on every failure goes to fail: and removes what was made. The parser reads
         * our copy, so what exec later re-reads is exactly what was validated. */
        r = container_dir_save_config(dir_fd, config_fd, 4 * 1024 * 1024, &copy_fd);
        if (r == -EFBIG || r == -EBADFD)
                r = sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "config.json: %s",
                                      r == -EFBIG ? "larger than 4 MiB" : "not a regular file");
        else if (r < 0)
                r = sd_bus_error_set_errnof(error, -r, "cannot save config.json in %s/%s: %m", root_dir, id);
        if (r >= 0)
                r = call_parse(copy_fd, &parsed, error);
        if (r >= 0)
                r = spec_bus_read(parsed, &spec);
        if (r >= 0)
                r = resolve_rootfs(bundle, spec.root_path, &rootfs, error);
        if (r < 0)
                goto fail;

        state.id = strdup(id);
        state.bundle = strdup(bundle);
        state.rootfs = strdup(rootfs);
        now_rfc3339(created, sizeof created);
        state.created = strdup(created);
        state.owner = owner;
        state.no_new_keyring = options.no_new_keyring;
        if (!state.id || !state.bundle || !state.rootfs || !state.created) {
                r = -ENOMEM;
                goto fail;
        }
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++)
                if (spec.n_hooks[k] > 0)
                        state.hooks |= 1u << k;
        /* Copies: the spawner needs both too (the hooks' state, the interfaces to move). */
        if (string_pairs_copy(spec.annotations, spec.n_annotations, &state.annotations) < 0 ||
            string_pairs_copy(spec.net_devices, spec.n_net_devices, &state.net_devices) < 0) {
                r = -ENOMEM;
                goto fail;
        }
        state.n_annotations = spec.n_annotations;
        state.n_net_devices = spec.n_net_devices;
        state.resources = resources_to_json(&spec.resources);
        if (!state.resources) {
                r = -ENOMEM;
                goto fail;
        }

        /* Intent first (issue 10): a state without a pid reads as "creating", and names the
         * cgroups before they exist, so that whatever dies from here on, `list` shows the
         * container and `delete -f` finds and kills what it holds. */
        r = call_cgroups_resolve(id, &spec, &state, error);
        if (r >= 0 && (r = state_file_write(dir_fd, &state)) < 0)
                sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
        if (r < 0)
                goto fail;
        r = call_cgroups_create(id, &spec, &state, &created_cgroups, cgroup_fds, &n_cgroup_fds, error);
        if (r < 0 && sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY)) {
                /* The cgroup manager died in the middle: what it made is unknown. The state on
                 * disk ("creating", with the resolved paths) stays, for delete -f to remove. */
                return r;
        }
        if (r < 0) {
                /* Nothing was made: the resolved paths are not ours to remove. */
                string_pairs_free(state.cgroups, state.n_cgroups);
                state.cgroups = NULL;
                state.n_cgroups = 0;
                goto fail;
        }
        r = call_spawn(id, bundle, rootfs, &spec, dir_fd, cgroup_fds, n_cgroup_fds, stdio, &options, &state, error);
        for (size_t i = 0; i < n_cgroup_fds; i++)
                safe_close(cgroup_fds[i]);
        if (r < 0)
                goto fail;
        r = state_file_write(dir_fd, &state);
        if (r < 0) {
                sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
                goto fail;
        }
        emit_changed(id, "created");
        return sd_bus_reply_method_return(m, "u", (uint32_t) state.pid);

fail:
        if (state.pid > 0) {
                sd_bus_error ignored = SD_BUS_ERROR_NULL;
                (void) call_kill(&state, SIGKILL, &ignored);
                (void) wait_gone(state.pid, state.start_time, 5000);
                sd_bus_error_free(&ignored);
        }
        if (state.n_cgroups > 0) {
                sd_bus_error ignored = SD_BUS_ERROR_NULL;
                if (call_cgroups_remove(&state, created_cgroups ?: (char *[]) { NULL }, &ignored) < 0)
                        log_warning("Failed to remove the cgroup of %s: %s", id, ignored.message);
                sd_bus_error_free(&ignored);
        }
        (void) container_dir_remove(root_fd, id, dir_fd);
        return r;
}

static int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;
        const Peer *p;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        r = bus_check_caller_is_root(m, error);
        if (r < 0)
                return r;
        r = load_container(id, LOCK_EX, &dir_fd, &state, error);
        if (r < 0)
                return r;
        switch (container_status(dir_fd, &state)) {
        case CONTAINER_CREATED:
                break;
        case CONTAINER_STOPPED:
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot start a container that has stopped");
        case CONTAINER_CREATING:
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE,
                                         "cannot start container %s: its create did not finish (delete -f removes it)", id);
        default:
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot start an already running container");
        }
        r = get_peer(SERVICE_SPAWNER, &p, error);
        if (r < 0)
                return r;
        _cleanup_close_ int unlocked_fd = reopen_unlocked(dir_fd);
        if (unlocked_fd < 0)
                return unlocked_fd;
        r = peer_new_call(p, "Start", &call);
        if (r >= 0)
                r = sd_bus_message_append(call, "hut", unlocked_fd, (uint32_t) state.pid, state.start_time);
        if (r >= 0)
                r = peer_call(p, call, error, NULL);
        if (r < 0)
                return r;
        run_post_hooks(&state, HOOK_POSTSTART, "running", dir_fd);
        emit_changed(id, "running");
        return sd_bus_reply_method_return(m, NULL);
}

static int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;
        int sig, all, r;

        r = sd_bus_message_read(m, "sib", &id, &sig, &all);
        if (r < 0)
                return r;
        r = bus_check_caller_is_root(m, error);
        if (r < 0)
                return r;
        r = load_container(id, sig == SIGKILL ? LOCK_EX : LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        ContainerStatus status = container_status(dir_fd, &state);
        if (status != CONTAINER_CREATED && status != CONTAINER_RUNNING && status != CONTAINER_PAUSED)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container not running");
        if (all) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
                const Peer *p;
                r = new_cgroups_call(&state, "Kill", NULL, &p, &call, error);
                if (r >= 0)
                        r = sd_bus_message_append(call, "i", sig);
                if (r >= 0)
                        r = peer_call(p, call, error, NULL);
        } else
                r = call_kill(&state, sig, error);
        if (r < 0)
                return r;
        /* As runc: SIGKILL to a paused container thaws it, or a frozen v1 task never acts on
         * the signal (ctr task kill -s SIGKILL of a paused task). */
        if (sig == SIGKILL && status == CONTAINER_PAUSED) {
                r = freeze_container(&state, false, error);
                if (r < 0)
                        return r;
                state.paused = false;
                if ((r = state_file_write(dir_fd, &state)) < 0)
                        return sd_bus_error_set_errnof(error, -r, "the container was thawed but its state was not saved: %m");
        }
        return sd_bus_reply_method_return(m, NULL);
}

static int method_delete(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;
        int force, r;

        r = sd_bus_message_read(m, "sb", &id, &force);
        if (r < 0)
                return r;
        r = check_id(id, error);
        if (r < 0)
                return r;
        r = bus_check_caller_is_root(m, error);
        if (r < 0)
                return r;
        r = container_dir_open(root_fd, id, LOCK_EX, &dir_fd);
        if (r == -ENOENT && force)
                return sd_bus_reply_method_return(m, NULL); /* as runc: nothing to delete is fine */
        if (r == -ENOENT)
                return sd_bus_error_setf(error, OCICTL_ERROR_NO_SUCH_CONTAINER, "container does not exist");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot open %s/%s: %m", root_dir, id);
        r = state_file_read(dir_fd, &state);
        if (r == -ENOENT) {
                /* A create that died before writing its state: the folder is all there is. As
                 * runc, remove it; only --force makes that a success. */
                (void) container_dir_remove(root_fd, id, dir_fd);
                if (force)
                        return sd_bus_reply_method_return(m, NULL);
                return sd_bus_error_setf(error, OCICTL_ERROR_NO_SUCH_CONTAINER, "container does not exist");
        }
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot read the state of %s: %m", id);

        ContainerStatus status = container_status(dir_fd, &state);
        switch (status) {
        case CONTAINER_RUNNING:
        case CONTAINER_PAUSED:
                if (!force)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE,
                                                 "cannot delete container %s that is not stopped: %s", id,
                                                 container_status_to_string(status));
                _fallthrough_;
        case CONTAINER_CREATED:
                /* Back to the host before the namespace dies with init (runtime spec: delete
                 * returns linux.netDevices under their original names). */
                r = call_return_net_devices(&state, error);
                if (r < 0)
                        log_warning("%s: %s", id, error->message ?: strerror(-r));
                sd_bus_error_free(error);
                r = call_kill(&state, SIGKILL, error);
                if (r < 0 && !sd_bus_error_has_name(error, OCICTL_ERROR_INVALID_STATE))
                        return r;
                sd_bus_error_free(error);
                /* A frozen v1 task cannot act on SIGKILL until it thaws. */
                if (status == CONTAINER_PAUSED && (r = freeze_container(&state, false, error)) < 0)
                        return r;
                if (wait_gone(state.pid, state.start_time, 10000) < 0)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container %s did not die", id);
                break;
        default:
                break;
        }
        r = call_cgroups_remove(&state, NULL, error);
        if (r < 0)
                return r;
        run_post_hooks(&state, HOOK_POSTSTOP, "stopped", dir_fd);
        r = container_dir_remove(root_fd, id, dir_fd);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot remove %s/%s: %m", root_dir, id);
        emit_changed(id, "deleted");
        return sd_bus_reply_method_return(m, NULL);
}

/* Open to every caller: what the runtime supports (runc features), as the parser says. */
static int method_features(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        const char *json;
        const Peer *p;
        int r;

        r = get_peer(SERVICE_SPEC, &p, error);
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
static int method_get_pids(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL, *answer = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const void *pids;
        const Peer *p;
        const char *id;
        size_t size = 0;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        r = load_container(id, LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        if (container_status(dir_fd, &state) == CONTAINER_STOPPED || state.n_cgroups == 0)
                return sd_bus_reply_method_return(m, "au", 0);
        r = new_cgroups_call(&state, "GetPids", NULL, &p, &call, error);
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

static int append_annotations(sd_bus_message *reply, const ContainerState *s) {
        int r = sd_bus_message_open_container(reply, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < s->n_annotations; i++)
                r = sd_bus_message_append(reply, "{ss}", s->annotations[i].key, s->annotations[i].value);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Anyone may read a container's state, as with runc's state folder (mode 0711): it holds
 * nothing secret. */
static int method_get_state(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;
        int r;

        r = sd_bus_message_read(m, "s", &id);
        if (r < 0)
                return r;
        r = load_container(id, LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        ContainerStatus status = container_status(dir_fd, &state);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "suussss", container_status_to_string(status),
                                          (uint32_t) (status == CONTAINER_STOPPED ? 0 : state.pid), (uint32_t) state.owner,
                                          state.bundle ?: "", state.rootfs ?: "", state.created ?: "", state.id);
        if (r >= 0)
                r = append_annotations(reply, &state);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The container ids under the root, sorted (runc lists in id order). */
static int list_ids(char ***ret, size_t *ret_n) {
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;
        struct dirent *de;
        DIR *d;
        int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);

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
                        closedir(d);
                        return -ENOMEM;
                }
                ids = grown;
                ids[++n] = NULL;
        }
        closedir(d);
        if (n > 0)
                qsort(ids, n, sizeof *ids, compare_strings);
        *ret = TAKE_PTR(ids);
        *ret_n = n;
        return 0;
}

static int method_list(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        size_t n = 0;
        int r;

        r = list_ids(&ids, &n);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot list %s: %m", root_dir);
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ssuusss)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                _cleanup_(container_state_done) ContainerState state = {};
                _cleanup_close_ int dir_fd = -EBADF;
                sd_bus_error ignored = SD_BUS_ERROR_NULL;

                if (load_container(ids[i], LOCK_SH, &dir_fd, &state, &ignored) < 0) {
                        sd_bus_error_free(&ignored);
                        continue; /* gone meanwhile */
                }
                ContainerStatus status = container_status(dir_fd, &state);
                r = sd_bus_message_append(reply, "(ssuusss)", state.id, container_status_to_string(status),
                                          (uint32_t) (status == CONTAINER_STOPPED ? 0 : state.pid),
                                          (uint32_t) state.owner, state.bundle ?: "", state.rootfs ?: "",
                                          state.created ?: "");
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static const sd_bus_vtable registry_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Create",
                                SD_BUS_ARGS("s", id, "s", bundle, "h", config, "h", stdin, "h", stdout, "h", stderr,
                                            "a{sv}", options),
                                SD_BUS_RESULT("u", pid), method_create, 0),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_start, 0),
        SD_BUS_METHOD_WITH_ARGS("Exec",
                                SD_BUS_ARGS("s", id, "a{sv}", process, "h", stdin, "h", stdout, "h", stderr, "a{sv}",
                                            options),
                                SD_BUS_RESULT("u", pid, "t", start_time), method_exec, 0),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", id, "i", signal, "b", all), SD_BUS_NO_RESULT, method_kill, 0),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("s", id, "b", force), SD_BUS_NO_RESULT, method_delete, 0),
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
        SD_BUS_METHOD_WITH_ARGS("Update", SD_BUS_ARGS("s", id, "as", changes), SD_BUS_NO_RESULT, method_update, 0),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_pause, 0),
        SD_BUS_METHOD_WITH_ARGS("Resume", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT, method_resume, 0),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_ARGS("s", id), SD_BUS_RESULT("s", stats, "t", oom_kills), method_stats,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetCgroup", SD_BUS_ARGS("s", id), SD_BUS_RESULT("a(ss)", paths, "s", resources),
                                method_get_cgroup, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ContainerChanged", SD_BUS_ARGS("s", id, "s", status), 0),
        SD_BUS_VTABLE_END,
};

static int setup(sd_bus *bus, sd_event *event, void *userdata) {
        const char *e = getenv("OCICTL_ROOT");
        int r;

        service_bus = bus;
        if (e && *e)
                root_dir = e;
        if (root_dir[0] != '/')
                return log_error_errno(-EINVAL, "The root %s is not an absolute path", root_dir);
        r = registry_open_root(root_dir, &root_fd);
        if (r < 0)
                return log_error_errno(r, "Failed to open the root %s: %m", root_dir);
        return 0;
}

int main(void) {
        const ServiceDefinition def = { .id = SERVICE_REGISTRY, .vtable = registry_vtable, .setup = setup };
        int r = service_run(&def);
        for (ServiceId i = 0; i < _SERVICE_MAX; i++)
                peer_done(&peers[i]);
        return r;
}
