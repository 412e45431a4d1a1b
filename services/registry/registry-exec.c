/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry1.Exec: a new process in a running container, from the spec the container was created
 * with (re-read through the sandboxed parser from the folder's copy) and the caller's overrides,
 * as runc's exec builds it from the container's config and its flags. */
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>

#include "bus-errors.h"
#include "caller.h"
#include "create-options.h"
#include "log.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"
#include "spec-bus.h"


static int call_parse_process(Registry *reg, int fd, Spec *spec, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(spec_done) Spec process = {};
        const Peer *p;
        int r;

        r = get_peer(reg, SERVICE_SPEC, &p, error);
        if (r < 0)
                return r;
        r = peer_new_call(p, "ParseProcess", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "h", fd);
        if (r >= 0)
                r = peer_call(p, m, error, &reply);
        if (r >= 0)
                r = spec_bus_read(reply, &process);
        if (r < 0)
                return r;
        spec_take_process(spec, &process);
        return 0;
}

/* exec --cgroup: a sub-cgroup of the container's, for every hierarchy ("" as the controller) or
 * per controller; the strings are the caller's message's. */
typedef struct SubCgroups {
        const char *controllers[16], *paths[16];
        size_t n;
} SubCgroups;

/* Below the container's cgroup and nowhere else: relative, no "." or ".." part. */
static int read_sub_cgroups(sd_bus_message *m, SubCgroups *subs, sd_bus_error *error) {
        const char *ctrl, *path;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "a{ss}");
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "{ss}");
        while (r >= 0 && (r = sd_bus_message_read(m, "{ss}", &ctrl, &path)) > 0) {
                if (subs->n >= ELEMENTSOF(subs->paths))
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "cgroup: more than %zu sub-cgroups",
                                                 ELEMENTSOF(subs->paths));
                path += strspn(path, "/"); /* "/" is the container's own cgroup, as with runc */
                if (strlen(path) >= PATH_MAX || path_has_component(path, "..") ||
                    path_has_component(path, "."))
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                 "cgroup: \"%s\" is not a sub-cgroup path", path);
                for (size_t i = 0; i < subs->n; i++)
                        if (streq(subs->controllers[i], ctrl) || !*ctrl || !*subs->controllers[i])
                                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                         "cgroup: controller \"%s\" given twice", ctrl);
                subs->controllers[subs->n] = ctrl;
                subs->paths[subs->n++] = path;
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        return r;
}

/* Whether a hierarchy key ("cpu,cpuacct"; "" for cgroup2) names the controller. */
static bool key_has_controller(const char *key, const char *controller) {
        size_t n = strlen(controller);
        for (const char *k = key; *k; k += strcspn(k, ",") + (k[strcspn(k, ",")] == ','))
                if (strneq(k, controller, n) && (k[n] == ',' || k[n] == 0))
                        return true;
        return false;
}

/* The sub-cgroup asked for in a hierarchy, or NULL. */
static const char *sub_cgroup_for(const SubCgroups *subs, const char *key) {
        for (size_t i = 0; i < subs->n; i++)
                if (!*subs->controllers[i] || key_has_controller(key, subs->controllers[i]))
                        return subs->paths[i];
        return NULL;
}

/* The overrides of runc's exec flags: "args" as, "env" as (NAME=VALUE, later ones win),
 * "cwd" s, "uid" u, "gid" u, "additionalGids" au, "capabilities" as (added to every set but the
 * inheritable one, as runc), "noNewPrivileges" b, "terminal" b, "processFile" h (a whole Process
 * object), "subCgroups" a{ss} (controller, or "" for all, → path below the container's cgroup).
 * Unknown keys are refused. */
static int apply_overrides(Registry *reg, sd_bus_message *m, Spec *spec, SubCgroups *subs, sd_bus_error *error) {
        const char *key;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "subCgroups"))
                        r = read_sub_cgroups(m, subs, error);
                else if (streq(key, "processFile")) {
                        int fd;
                        r = sd_bus_message_read(m, "v", "h", &fd);
                        if (r >= 0)
                                r = call_parse_process(reg, fd, spec, error);
                } else if (streq(key, "args") || streq(key, "env")) {
                        _cleanup_strv_free_ char **l = NULL;
                        r = sd_bus_message_enter_container(m, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_read_strv(m, &l);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        if (r >= 0 && streq(key, "args")) {
                                if (!l || !l[0])
                                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "args must not be empty");
                                strv_free(spec->args);
                                spec->args = TAKE_PTR(l);
                        }
                        for (size_t i = 0; r >= 0 && streq(key, "env") && l && l[i]; i++) {
                                r = spec_env_set(spec, l[i]);
                                if (r == -EINVAL)
                                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                                 "env: \"%s\" is not NAME=VALUE", l[i]);
                        }
                } else if (streq(key, "cwd")) {
                        const char *cwd;
                        r = sd_bus_message_read(m, "v", "s", &cwd);
                        if (r >= 0 && cwd[0] != '/')
                                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                         "cwd: \"%s\" is not an absolute path", cwd);
                        if (r >= 0) {
                                free(spec->cwd);
                                spec->cwd = strdup(cwd);
                                if (!spec->cwd)
                                        return -ENOMEM;
                        }
                } else if (streq(key, "uid"))
                        r = sd_bus_message_read(m, "v", "u", &spec->uid);
                else if (streq(key, "gid"))
                        r = sd_bus_message_read(m, "v", "u", &spec->gid);
                else if (streq(key, "additionalGids")) {
                        const void *p;
                        size_t size;
                        r = sd_bus_message_enter_container(m, 'v', "au");
                        if (r >= 0)
                                r = sd_bus_message_read_array(m, 'u', &p, &size);
                        if (r >= 0 && size / sizeof(gid_t) > SPEC_MAX_STRINGS)
                                r = -E2BIG;
                        if (r >= 0) {
                                gid_t *g = malloc(size ?: 1);
                                if (!g)
                                        return -ENOMEM;
                                memcpy(g, p, size);
                                free(spec->additional_gids);
                                spec->additional_gids = g;
                                spec->n_additional_gids = size / sizeof(gid_t);
                                r = sd_bus_message_exit_container(m);
                        }
                } else if (streq(key, "capabilities")) {
                        _cleanup_strv_free_ char **l = NULL;
                        r = sd_bus_message_enter_container(m, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_read_strv(m, &l);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        for (size_t i = 0; r >= 0 && l && l[i]; i++) {
                                int cap = capability_from_string(l[i]);
                                if (cap < 0)
                                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                                 "cap: unknown capability \"%s\"", l[i]);
                                if (cap > capability_last())
                                        continue;
                                spec->has_capabilities = true;
                                for (CapabilitySet set = 0; set < _CAP_SET_MAX; set++)
                                        if (set != CAP_SET_INHERITABLE && set != CAP_SET_AMBIENT)
                                                spec->capabilities[set] |= UINT64_C(1) << cap;
                        }
                } else if (streq(key, "terminal")) {
                        int b;
                        r = sd_bus_message_read(m, "v", "b", &b);
                        spec->terminal = b;
                } else if (streq(key, "noNewPrivileges")) {
                        int b;
                        r = sd_bus_message_read(m, "v", "b", &b);
                        if (r >= 0 && b)
                                spec->no_new_privileges = true;
                } else
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "unknown exec setting \"%s\"", key);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int call_cgroups_open(Registry *reg, const ContainerState *state, const SubCgroups *subs, int *fds,
                             size_t *n_fds, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        ContainerState target = *state;
        StringPair paths[state->n_cgroups + 1];
        char *joined[state->n_cgroups + 1];
        const Peer *p;
        int r;

        *n_fds = 0;
        if (state->n_cgroups == 0 && subs->n > 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED, "cgroup: the container has no cgroup");
        if (state->n_cgroups == 0)
                return 0;
        for (size_t i = 0; i < subs->n; i++) {
                bool found = !*subs->controllers[i];
                for (size_t j = 0; j < state->n_cgroups && !found; j++)
                        found = key_has_controller(state->cgroups[j].key, subs->controllers[i]);
                if (!found)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                 "cgroup: the container has no cgroup for the controller \"%s\"",
                                                 subs->controllers[i]);
        }
        /* The container's own paths, each with its sub-cgroup below it where one was asked. */
        for (size_t i = 0; i < state->n_cgroups; i++) {
                const char *sub = sub_cgroup_for(subs, state->cgroups[i].key);
                joined[i] = NULL;
                paths[i] = state->cgroups[i];
                if (sub && *sub) {
                        if (asprintf(&joined[i], "%s/%s", state->cgroups[i].value, sub) < 0) {
                                while (i > 0)
                                        free(joined[--i]);
                                return -ENOMEM;
                        }
                        paths[i].value = joined[i];
                }
        }
        target.cgroups = paths;
        target.systemd_unit = NULL; /* joining needs no unit, and a sub-cgroup is not the scope */
        r = new_cgroups_call(reg, &target, "Open", NULL, &p, &m, error);
        for (size_t i = 0; i < state->n_cgroups; i++)
                free(joined[i]);
        if (r >= 0)
                r = peer_call(p, m, error, &reply);
        if (r < 0 && subs->n > 0 && sd_bus_error_has_name(error, SD_BUS_ERROR_FILE_NOT_FOUND)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "cgroup: a sub-cgroup asked for does not exist (runc does not make it either)");
        }
        if (r >= 0)
                r = read_reply_fds(reply, fds, CGROUP_FDS_MAX, n_fds);
        return r;
}

int load_saved_spec(Registry *reg, int dir_fd, const char *id, Spec *spec, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *parsed = NULL;
        _cleanup_close_ int config_fd = -EBADF;
        int r;

        r = saved_spec_read(dir_fd, reg->bus, &parsed);
        if (r >= 0)
                return spec_bus_read(parsed, spec);
        if (r != -ENOENT)
                log_warning_errno(r, "%s: the saved spec cannot be read, parsing config.json again: %m", id);
        r = container_dir_open_config(dir_fd, &config_fd);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot open the config of %s: %m", id);
        r = call_parse(reg, config_fd, &parsed, error);
        if (r >= 0)
                r = spec_bus_read(parsed, spec);
        return r;
}

void run_post_hooks(Registry *reg, const ContainerState *state, HookKind kind, const char *status, int dir_fd) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(spec_done) Spec spec = {};
        const Peer *p;
        int r;

        if (!(state->hooks & (1u << kind)))
                return;
        r = load_saved_spec(reg, dir_fd, state->id, &spec, &error);
        if (r >= 0)
                r = get_peer(reg, SERVICE_SPAWNER, &p, &error);
        if (r >= 0)
                r = peer_new_call(p, "RunHooks", &call);
        if (r >= 0)
                r = sd_bus_message_append(call, "sssus", hook_kind_to_string(kind), state->id, state->bundle ?: "",
                                          (uint32_t) (streq(status, "stopped") ? 0 : state->pid), status);
        if (r >= 0)
                r = spec_bus_append(call, &spec);
        if (r >= 0)
                r = peer_call(p, call, &error, NULL);
        if (r < 0)
                log_warning("%s: %s hooks: %s", state->id, hook_kind_to_string(kind), error.message ?: strerror(-r));
}

/* Root only. The process gets the container's namespaces, cgroup, capabilities and user unless
 * the caller overrides them; the spawner checks that init is still the one we started. */
/* Overrides that reach past the container (capabilities beyond the default set …) need
 * org.ocictl.manage from a caller that is not root. */
static int authorize_privileged_process(Registry *reg, sd_bus_message *m, const Spec *spec, sd_bus_error *error) {
        _cleanup_free_ char *field = NULL;
        uid_t caller;
        int r;

        if (service_is_direct() || registry_caller_uid(reg, m, &caller) < 0 || caller == 0)
                return 0; /* no uid: registry_authorize has refused already */
        r = spec_find_privileged_process_field(spec, &field);
        if (r <= 0)
                return r;
        r = registry_authorize(reg, m, ACTION_MANAGE, UID_INVALID, method_exec, error);
        if (r < 0 && sd_bus_error_has_name(error, OCICTL_ERROR_NOT_AUTHORIZED)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                         "%s: needs %s, and uid %u is not authorized for it", field, ACTION_MANAGE,
                                         caller);
        }
        return r;
}

int method_exec(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL, *reply = NULL;
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(spec_done) Spec spec = {};
        _cleanup_close_ int dir_fd = -EBADF;
        int stdio[3], cgroup_fds[CGROUP_FDS_MAX];
        size_t n_cgroup_fds = 0;
        CreateOptions options = CREATE_OPTIONS_INIT;
        SubCgroups subs = {};
        const Peer *p;
        _cleanup_free_ char *id = NULL;
        uint32_t pid;
        uint64_t start_time;
        int r;

        r = registry_offload(reg, m, error); /* a worker runs it (registry-worker.c) */
        if (r != 0)
                return r;
        r = container_call_id(m, &id, error);
        if (r < 0)
                return r;
        r = load_container(reg, id, LOCK_SH, &dir_fd, &state, error);
        if (r < 0)
                return r;
        r = registry_authorize(reg, m, ACTION_EXEC, state.owner, method_exec, error);
        if (r != 0)
                return r;
        r = load_saved_spec(reg, dir_fd, id, &spec, error);
        if (r >= 0)
                r = apply_overrides(reg, m, &spec, &subs, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "hhh", &stdio[0], &stdio[1], &stdio[2]);
        if (r >= 0)
                r = create_options_read(m, &options, error);
        if (r >= 0)
                r = authorize_privileged_process(reg, m, &spec, error);
        if (r != 0)
                return r;
        /* A container created without a process (the spec allows it) gives exec nothing to
         * start from: the caller's args are needed, and the cwd is the root. */
        if (!spec_has_process(&spec))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "args: missing, and the container's config has no process");
        if (!spec.cwd && !(spec.cwd = strdup("/")))
                return -ENOMEM;
        /* --ignore-paused, as runc: the new process is born frozen in the container's cgroup and
         * the call returns once it runs, after a resume. */
        ContainerStatus status = container_status(dir_fd, &state);
        bool into_paused = status == CONTAINER_PAUSED && options.ignore_paused;
        if (status != CONTAINER_RUNNING && status != CONTAINER_CREATED && !into_paused)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_STATE, "cannot exec in a %s container%s",
                                         container_status_to_string(status),
                                         status == CONTAINER_PAUSED ? " (use --ignore-paused to override)" : "");
        r = call_cgroups_open(reg, &state, &subs, cgroup_fds, &n_cgroup_fds, error);
        if (r < 0)
                return r;
        /* The resume this call waits for, and a kill or delete meanwhile, need the lock. */
        if (into_paused)
                (void) flock(dir_fd, LOCK_UN);
        /* Ours to say, whatever the caller sent. */
        options.container_id = state.id;
        options.bundle = state.bundle;
        options.no_new_keyring = state.no_new_keyring;

        r = get_peer(reg, SERVICE_SPAWNER, &p, error);
        if (r >= 0)
                r = peer_new_call(p, "Exec", &call);
        if (r >= 0)
                r = sd_bus_message_append(call, "ut", (uint32_t) state.pid, state.start_time);
        if (r >= 0)
                r = spec_bus_append(call, &spec);
        if (r >= 0)
                r = sd_bus_message_open_container(call, 'a', "h");
        for (size_t i = 0; r >= 0 && i < n_cgroup_fds; i++)
                r = sd_bus_message_append(call, "h", cgroup_fds[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(call);
        if (r >= 0)
                r = sd_bus_message_append(call, "hhh", stdio[0], stdio[1], stdio[2]);
        if (r >= 0)
                r = create_options_append(call, &options);
        for (size_t i = 0; i < n_cgroup_fds; i++)
                safe_close(cgroup_fds[i]);
        if (r >= 0)
                r = peer_call(p, call, error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "ut", &pid, &start_time);
        if (r < 0)
                return r;
        log_debug("Container %s: exec'd pid %u", id, pid);
        return sd_bus_reply_method_return(m, "ut", pid, start_time);
}
