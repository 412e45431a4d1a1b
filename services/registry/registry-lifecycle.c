/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry1's lifecycle: Create, Start, Kill, Delete. Every failure path undoes what the call
 * made: no cgroup, process, fifo or state folder stays behind (a killed call leaves its
 * "creating" state for delete -f). */
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <time.h>

#include "bus-errors.h"
#include "exec-fifo.h"
#include "caller.h"
#include "container-id.h"
#include "create-options.h"
#include "log.h"
#include "peer.h"
#include "process-util.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"
#include "services.h"
#include "spec-bus.h"

int check_id(const char *id, sd_bus_error *error) {
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

/* A config that reaches into the host (registry-privilege.c) needs org.ocictl.manage from a
 * caller that is not root. */
static int authorize_privileged_fields(Registry *reg, sd_bus_message *m, const Spec *spec, const char *rootfs,
                                       uid_t caller, sd_bus_error *error) {
        _cleanup_free_ char *field = NULL;
        int r;

        if (caller == 0 || service_is_direct())
                return 0;
        r = spec_find_privileged_field(spec, rootfs, caller, &field);
        if (r <= 0)
                return r;
        r = registry_authorize(reg, m, ACTION_MANAGE, UID_INVALID, method_create, error);
        if (r < 0 && sd_bus_error_has_name(error, OCICTL_ERROR_NOT_AUTHORIZED)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                         "config.json: %s: needs %s, and uid %u is not authorized for it", field,
                                         ACTION_MANAGE, caller);
        }
        return r;
}

/* Root, or whom polkit allows org.ocictl.create. The config is read by the sandboxed parser
 * from the caller's descriptor; the bundle path only names the rootfs, which must be a
 * directory. Returns 1 without a reply while polkit decides (registry-auth.c). */
int method_create(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_free_ char *path = NULL;
        CreateRequest req = { .options = CREATE_OPTIONS_INIT, .check_privileged_fields = true };
        int r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = sd_bus_message_read(m, "ssh", &req.id, &req.bundle, &req.config_fd);
        if (r >= 0)
                r = sd_bus_message_read(m, "hhh", &req.stdio[0], &req.stdio[1], &req.stdio[2]);
        if (r >= 0)
                r = create_options_read(m, &req.options, error);
        if (r < 0)
                return r;
        if (req.options.n_mount_source_fds > 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "options: mountSourceFds is not for CreateContainer (RunSandbox sets it)");
        r = check_id(req.id, error);
        if (r < 0)
                return r;
        if (req.bundle[0] != '/')
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "bundle \"%s\" is not an absolute path",
                                         req.bundle);
        r = registry_authorize(reg, m, ACTION_CREATE, UID_INVALID, method_create, error);
        if (r != 0)
                return r;
        (void) registry_caller_uid(reg, m, &req.owner);
        r = create_container(reg, m, &req, &state, error);
        if (r != 0)
                return r; /* < 0, or 1: polkit decides on a privileged field, and the call comes again */
        r = container_object_path(req.id, &path);
        if (r < 0)
                return r; /* made, and listed: only the reply is lost */
        return sd_bus_reply_method_return(m, "ou", path, (uint32_t) state.pid);
}

int create_container(Registry *reg, sd_bus_message *m, const CreateRequest *req, ContainerState *ret,
                     sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *parsed = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(spec_done) Spec spec = {};
        _cleanup_free_ char *rootfs = NULL;
        _cleanup_strv_free_ char **created_cgroups = NULL;
        _cleanup_close_ int dir_fd = -EBADF, copy_fd = -EBADF, hold_fd = -EBADF;
        const char *id = req->id, *bundle = req->bundle;
        const CreateOptions options = req->options;
        int cgroup_fds[CGROUP_FDS_MAX];
        size_t n_cgroup_fds = 0;
        char created[64];
        uid_t owner = req->owner;
        int r;

        /* Both start now, in parallel with each other (get_peer only forks and connects); the
         * first call to each waits for it. A failure shows at that call. */
        start_peer_early(reg, SERVICE_SPEC);
        start_peer_early(reg, SERVICE_CGROUPS);

        r = container_dir_create(reg->root_fd, id, &dir_fd);
        if (r == -EEXIST)
                return sd_bus_error_setf(error, OCICTL_ERROR_ALREADY_EXISTS, "container with given ID already exists");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot create %s/%s: %m", reg->root_dir, id);

        /* From here on every failure goes to fail: and removes what was made. The parser reads
         * our copy, so what exec later re-reads is exactly what was validated. */
        r = container_dir_save_config(dir_fd, req->config_fd, 4 * 1024 * 1024, &copy_fd);
        if (r == -EFBIG || r == -EBADFD)
                r = sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "config.json: %s",
                                      r == -EFBIG ? "larger than 4 MiB" : "not a regular file");
        else if (r < 0)
                r = sd_bus_error_set_errnof(error, -r, "cannot save config.json in %s/%s: %m", reg->root_dir, id);
        if (r >= 0)
                r = call_parse(reg, copy_fd, &parsed, error);
        if (r >= 0)
                r = spec_bus_read(parsed, &spec);
        if (r >= 0 && req->make_rootfs)
                r = req->make_rootfs(dir_fd, &spec, req->userdata, error);
        if (r >= 0)
                r = resolve_rootfs(bundle, spec.root_path, &rootfs, error);
        if (r >= 0 && req->check_privileged_fields)
                r = authorize_privileged_fields(reg, m, &spec, rootfs, owner, error);
        if (r != 0)
                goto fail; /* 1: polkit decides, and the call comes again */
        saved_spec_write(dir_fd, parsed); /* for exec, once the create may go on */

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
        r = resources_merge(&state.resources, &spec.resources); /* a copy: state.resources is empty */
        if (r < 0)
                goto fail;

        /* Intent first (issue 10): a state without a pid reads as "creating", and names the
         * cgroups before they exist, so that whatever dies from here on, `list` shows the
         * container and `delete -f` finds and kills what it holds. */
        r = call_cgroups_resolve(reg, id, &spec, &options, &state, error);
        if (r >= 0 && (r = state_file_write(dir_fd, &state)) < 0)
                sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
        if (r < 0)
                goto fail;
        r = call_cgroups_create(reg, id, &spec, &options, &state, &created_cgroups, cgroup_fds, &n_cgroup_fds,
                                &hold_fd, error);
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
                free(state.systemd_unit);
                state.systemd_unit = NULL;
                /* Rootless without a cgroup subtree of its own: as runc, go on without a cgroup
                 * when the config asks for no limit, quietly (--debug says so): clients such as
                 * podman read a runtime's stderr as its error. */
                bool rootless = options.rootless == ROOTLESS_TRUE ||
                                (options.rootless == ROOTLESS_AUTO && running_rootless());
                if (rootless && sd_bus_error_has_name(error, OCICTL_ERROR_PERMISSION_DENIED) &&
                    resources_empty(&spec.resources)) {
                        log_debug("%s: no cgroup (this user has no delegated cgroup subtree): %s", id,
                                    error->message);
                        sd_bus_error_free(error);
                        r = state_file_write(dir_fd, &state);
                        if (r < 0) {
                                sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
                                goto fail;
                        }
                } else
                        goto fail;
        }
        /* The folder the container's NOTIFY_SOCKET lives in; `start` binds the socket. */
        if (options.notify_socket && mkdirat(dir_fd, NOTIFY_DIR, 0755) < 0 && errno != EEXIST) {
                r = sd_bus_error_set_errnof(error, errno, "cannot create %s/%s/%s: %m", reg->root_dir, id, NOTIFY_DIR);
                goto fail;
        }
        r = call_spawn(reg, id, bundle, rootfs, parsed, dir_fd, cgroup_fds, n_cgroup_fds, req->stdio, &options,
                       &state, error);
        for (size_t i = 0; i < n_cgroup_fds; i++)
                safe_close(cgroup_fds[i]);
        /* The container's init is in its cgroup (or never will be): the systemd driver's
         * placeholder may leave the scope. */
        hold_fd = safe_close(hold_fd);
        if (r < 0)
                goto fail;
        r = state_file_write(dir_fd, &state);
        if (r < 0) {
                sd_bus_error_set_errnof(error, -r, "cannot write the state of %s: %m", id);
                goto fail;
        }
        emit_container_new(reg, id); /* and its exit is watched by the worker's parent */
        *ret = state;
        state = (ContainerState) {};
        return 0;

fail:
        if (state.pid > 0) {
                _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
                (void) call_kill(reg, &state, SIGKILL, &ignored);
                (void) wait_gone(state.pid, state.start_time, 5000);
        }
        hold_fd = safe_close(hold_fd);
        if (state.n_cgroups > 0 || state.systemd_unit) {
                _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
                if (call_cgroups_remove(reg, &state, created_cgroups ?: (char *[]) { NULL }, &ignored) < 0)
                        log_warning("Failed to remove the cgroup of %s: %s", id, ignored.message);
        }
        (void) container_dir_remove(reg->root_fd, id, dir_fd);
        registry_sandbox_remove(reg, id);
        return r;
}

int start_container(Registry *reg, const char *id, int dir_fd, const ContainerState *state, sd_bus_error *error) {
        Error e = {};
        /* Here, not in the spawner: opening exec.fifo needs only the state folder, and a start
         * that starts no spawner is one sealed exec fewer (libocictl/exec-fifo.h). */
        int r = exec_fifo_start(dir_fd, state->pid, state->start_time, &e);
        if (r < 0)
                return bus_error_set_from(error, OCICTL_ERROR_INVALID_STATE, &e, r);
        run_post_hooks(reg, state, HOOK_POSTSTART, "running", dir_fd);
        emit_status_changed(reg, id);
        return 0;
}

int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        int r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r < 0)
                return r;
        r = load_container(reg, id, LOCK_EX, &dir_fd, &state, error);
        if (r < 0)
                return r;
        r = registry_authorize(reg, m, ACTION_MANAGE, state.owner, method_start, error);
        if (r != 0)
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
        r = start_container(reg, id, dir_fd, &state, error);
        return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        int sig, all, r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "ib", &sig, &all);
        if (r < 0)
                return r;
        r = load_container(reg, id, sig == SIGKILL ? LOCK_EX : LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        r = registry_authorize(reg, m, ACTION_MANAGE, state.owner, method_kill, error);
        if (r != 0)
                return r;
        ContainerStatus status = container_status(dir_fd, &state);
        if (status != CONTAINER_CREATED && status != CONTAINER_RUNNING && status != CONTAINER_PAUSED)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container not running");
        if (all) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
                const Peer *p;
                r = new_cgroups_call(reg, &state, "Kill", NULL, &p, &call, error);
                if (r >= 0)
                        r = sd_bus_message_append(call, "i", sig);
                if (r >= 0)
                        r = peer_call(p, call, error, NULL);
        } else
                r = call_kill(reg, &state, sig, error);
        if (r < 0)
                return r;
        /* As runc: SIGKILL to a paused container thaws it, or a frozen v1 task never acts on
         * the signal (ctr task kill -s SIGKILL of a paused task). */
        if (sig == SIGKILL && status == CONTAINER_PAUSED) {
                r = freeze_container(reg, &state, false, error);
                if (r < 0)
                        return r;
                state.paused = false;
                if ((r = state_file_write(dir_fd, &state)) < 0)
                        return sd_bus_error_set_errnof(error, -r, "the container was thawed but its state was not saved: %m");
        }
        return sd_bus_reply_method_return(m, NULL);
}

int method_delete(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *id = NULL;
        int force, r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "b", &force);
        if (r < 0)
                return r;
        r = container_dir_open(reg->root_fd, id, LOCK_EX, &dir_fd);
        if (r == -ENOENT && force)
                return sd_bus_reply_method_return(m, NULL); /* as runc: nothing to delete is fine */
        if (r == -ENOENT)
                return sd_bus_error_setf(error, OCICTL_ERROR_NO_SUCH_CONTAINER, "container does not exist");
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot open %s/%s: %m", reg->root_dir, id);
        r = state_file_read(dir_fd, &state);
        /* A folder without a state has no owner yet: it is for whoever may manage any. */
        int a = registry_authorize(reg, m, ACTION_MANAGE, r >= 0 ? state.owner : UID_INVALID, method_delete, error);
        if (a != 0)
                return a;
        if (r == -ENOENT) {
                /* A create that died before writing its state: the folder is all there is. As
                 * runc, remove it; only --force makes that a success. */
                (void) container_dir_remove(reg->root_fd, id, dir_fd);
                registry_sandbox_remove(reg, id);
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
                r = call_return_net_devices(reg, &state, error);
                if (r < 0)
                        log_warning("%s: %s", id, error->message ?: strerror(-r));
                sd_bus_error_free(error);
                r = call_kill(reg, &state, SIGKILL, error);
                if (r < 0 && !sd_bus_error_has_name(error, OCICTL_ERROR_INVALID_STATE))
                        return r;
                sd_bus_error_free(error);
                /* A frozen v1 task cannot act on SIGKILL until it thaws. */
                if (status == CONTAINER_PAUSED && (r = freeze_container(reg, &state, false, error)) < 0)
                        return r;
                if (wait_gone(state.pid, state.start_time, 10000) < 0)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "container %s did not die", id);
                break;
        default:
                break;
        }
        r = call_cgroups_remove(reg, &state, NULL, error);
        if (r < 0)
                return r;
        run_post_hooks(reg, &state, HOOK_POSTSTOP, "stopped", dir_fd);
        r = container_dir_remove(reg->root_fd, id, dir_fd);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot remove %s/%s: %m", reg->root_dir, id);
        registry_sandbox_remove(reg, id);
        emit_container_removed(reg, id);
        return sd_bus_reply_method_return(m, NULL);
}
