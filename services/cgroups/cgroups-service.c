/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.ocictl.Cgroups1: creates, configures and removes containers' cgroups. It hands out
 * descriptors rather than paths (the cgroup2 directory, v1 tasks files), so the spawner can put
 * a process in the cgroup without write access to the cgroup tree. */
#include "bus-errors.h"
#include "caller.h"
#include "cgroup-apply.h"
#include "cgroup-freeze.h"
#include "cgroup-stats.h"
#include "cgroup-systemd.h"
#include "log.h"
#include "process-util.h"
#include "service-capabilities.h"
#include "service-mains.h"
#include "service-run.h"
#include "services.h"
#include "spec-bus.h"
#include "systemd-path.h"

static CgroupLayout layout;

/* (hierarchy, path, topmost directory made by this create or ""), and the systemd unit's record. */
static int append_paths(sd_bus_message *reply, const CgroupSet *set) {
        int r = sd_bus_message_open_container(reply, 'a', "(sss)");
        for (size_t i = 0; r >= 0 && i < set->n_entries; i++)
                r = sd_bus_message_append(reply, "(sss)", set->entries[i].key, set->entries[i].path,
                                          cgroup_entry_created_path(&set->entries[i], &layout));
        if (r >= 0 && set->unit)
                r = sd_bus_message_append(reply, "(sss)", CGROUP_SYSTEMD_UNIT_KEY, set->unit, "");
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Rootless, a slice:prefix:name path is the user manager's scope only where the user has one
 * (a systemd login session); elsewhere it stays a cgroupfs path, as before. */
static bool user_manager_runs(void) {
        char path[PATH_MAX];
        return !running_rootless() || (systemd_socket_path(path, sizeof path) >= 0 && access(path, F_OK) >= 0);
}

/* Which driver makes the cgroup: "cgroupfs", "systemd" (runc's --systemd-cgroup), or "" for the
 * path's choice: systemd's slice:prefix:name form is a scope on a host that systemd runs (and
 * a cgroupfs path where it does not, as runc reads it). Returns the path the driver uses in
 * *ret_path, with runc's default slice filled in (--systemd-cgroup without a path:
 * "system.slice:ocictl:ID", as runc's ":runc:ID"; rootless user.slice). */
static int choose_driver(const char *driver, const char *id, const char *path, bool *ret_systemd, char **ret_path,
                         sd_bus_error *error) {
        bool systemd;

        if (streq(driver, "systemd"))
                systemd = true;
        else if (streq(driver, "cgroupfs"))
                systemd = false;
        else if (streq(driver, ""))
                systemd = cgroups_path_is_systemd(path) && systemd_runs_host() && user_manager_runs();
        else
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "unknown cgroup driver \"%s\"", driver);
        if (systemd && !systemd_runs_host())
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED,
                                         "--systemd-cgroup: systemd does not run this host (no /run/systemd/system)");
        if (systemd && *path && !cgroups_path_is_systemd(path))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC,
                                         "linux.cgroupsPath: \"%s\": --systemd-cgroup needs the form slice:prefix:name", path);
        /* runc's defaults: system.slice, or rootless user.slice (in the user's manager). */
        const char *slice = running_rootless() ? "user.slice" : "system.slice";
        if (systemd && !*path ? asprintf(ret_path, "%s:ocictl:%s", slice, id) < 0
            : systemd && path[0] == ':' ? asprintf(ret_path, "%s%s", slice, path) < 0
                                        : !(*ret_path = strdup(path)))
                return -ENOMEM;
        *ret_systemd = systemd;
        return 0;
}

/* Where the scope of a systemd-form path lives: its slice, its name, and its cgroup, below the
 * manager's own (the root for the system manager, user@UID.service's for a user's). */
static int locate_scope(sd_bus *bus, const char *path, char **ret_slice, char **ret_scope, char **ret_cgroup,
                        sd_bus_error *error) {
        _cleanup_free_ char *mapped = NULL, *prefix = NULL;
        const char *reason = NULL;
        Error err = {};
        int r;

        r = systemd_cgroups_unit(path, ret_slice, ret_scope, &reason);
        if (r >= 0)
                r = systemd_cgroups_path(path, &mapped, &reason);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "linux.cgroupsPath: \"%s\": %s", path, reason);
        if (r < 0)
                return r;
        r = systemd_manager_cgroup(bus, &prefix, &err);
        if (r < 0)
                return bus_error_set_from(error, SD_BUS_ERROR_FAILED, &err, r);
        return asprintf(ret_cgroup, "%s%s", prefix, mapped) < 0 ? -ENOMEM : 0;
}

static int connect_systemd(sd_bus **ret, sd_bus_error *error) {
        Error err = {};
        int r = systemd_connect(ret, &err);
        if (r < 0)
                return bus_error_set_from(error, r == -EOPNOTSUPP ? OCICTL_ERROR_NOT_SUPPORTED : SD_BUS_ERROR_FAILED, &err, r);
        return 0;
}

/* Takes back a set: what is inside is killed, the scope stopped, the directories removed. */
static int destroy_set(const CgroupSet *set, bool rollback, Error *err) {
        int r = 0;

        cgroup_kill_all(&layout, set);
        if (set->unit) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                r = systemd_connect(&bus, err);
                if (r >= 0)
                        r = systemd_unit_stop(bus, set->unit, err);
        }
        int k = cgroup_remove_dirs(set, rollback, r < 0 ? &(Error) {} : err);
        return r < 0 ? r : k;
}

static int append_fds(sd_bus_message *reply, const int *fds, size_t n) {
        int r = sd_bus_message_open_container(reply, 'a', "h");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "h", fds[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* A limit the host cannot give is NotSupported; one the kernel refuses is the spec's fault. */
static int set_limit_error(sd_bus_error *error, int r, const Error *err) {
        return bus_error_set_from(error,
                                  r == -EOPNOTSUPP                 ? OCICTL_ERROR_NOT_SUPPORTED
                                  : r == -EACCES || r == -EPERM ? OCICTL_ERROR_PERMISSION_DENIED
                                                                   : OCICTL_ERROR_INVALID_SPEC,
                                  err, r);
}

/* The systemd driver's part of Create: the scope, started around a placeholder, then the
 * cgroupfs work in it as for any cgroup (the placeholder is its one process). */
static int create_scope(const char *id, const char *path, const SpecResources *res, CgroupSet *ret, int *ret_hold,
                        sd_bus_error *error) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(cgroup_plan_done) CgroupPlan plan = {};
        _cleanup_free_ char *slice = NULL, *scope = NULL, *cgroup = NULL;
        _cleanup_close_ int hold = -EBADF;
        CgroupSet set = {};
        pid_t placeholder = 0;
        Error err = {};
        int r;

        r = connect_systemd(&bus, error);
        if (r >= 0)
                r = locate_scope(bus, path, &slice, &scope, &cgroup, error);
        if (r < 0)
                return r;
        r = cgroup_plan_for_layout(&layout, res, "linux.resources", &plan, &err);
        if (r < 0)
                return set_limit_error(error, r, &err);
        r = systemd_scope_start(bus, scope, slice, id, &plan, &placeholder, &hold, &err);
        if (r < 0)
                return bus_error_set_from(error, SD_BUS_ERROR_FAILED, &err, r);
        r = cgroup_create(&layout, cgroup, id, res, placeholder, &set, &err);
        if (r < 0) {
                /* Without its hold the placeholder leaves, and the stop ends the scope. */
                hold = safe_close(hold);
                (void) systemd_unit_stop(bus, scope, &(Error) {});
                return set_limit_error(error, r, &err);
        }
        set.unit = TAKE_PTR(scope);
        *ret = set;
        *ret_hold = TAKE_FD(hold);
        return 0;
}

/* Root only: it creates directories under /sys/fs/cgroup (or asks systemd for a scope) and
 * writes resource limits. The path was validated by the spec parser and is checked again here
 * (no "..", never a root). */
static int method_create(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        _cleanup_(resources_done) SpecResources res = {};
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int hold = -EBADF;
        const char *id, *asked, *driver;
        Error err = {};
        int fds[CGROUP_HIERARCHIES_MAX];
        size_t n_fds = 0;
        bool systemd;
        int r;

        r = sd_bus_message_read(m, "sss", &id, &asked, &driver);
        if (r < 0)
                return r;
        r = spec_bus_read_resources(m, &res);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "resources: %s", strerror(-r));
        r = bus_check_caller_allowed(m, error);
        if (r >= 0)
                r = choose_driver(driver, id, asked, &systemd, &path, error);
        if (r < 0)
                return r;

        if (systemd)
                r = create_scope(id, path, &res, &set, &hold, error);
        else if ((r = cgroup_create(&layout, path, id, &res, 0, &set, &err)) < 0)
                r = set_limit_error(error, r, &err);
        if (r < 0)
                return r;
        r = cgroup_open_join(&set, fds, &n_fds);
        if (r < 0) {
                hold = safe_close(hold);
                (void) destroy_set(&set, true, &(Error) {});
                return sd_bus_error_set_errnof(error, -r, "cannot open the cgroup to join: %m");
        }
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = append_paths(reply, &set);
        if (r >= 0)
                r = append_fds(reply, fds, n_fds);
        if (r >= 0)
                r = append_fds(reply, &hold, hold >= 0 ? 1 : 0);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        for (size_t i = 0; i < n_fds; i++)
                safe_close(fds[i]);
        hold = safe_close(hold); /* the caller's copy holds the placeholder now */
        if (r < 0)
                (void) destroy_set(&set, true, &(Error) {});
        else
                log_debug("Created cgroup %s for %s%s%s", set.entries[0].path, id, set.unit ? " as " : "", set.unit ?: "");
        return r;
}

/* Root only, and it changes nothing: where Create would put the cgroup, per hierarchy, so that
 * the registry can record that before the cgroup exists (a registry killed during Create must
 * not leave a cgroup that nobody knows of). */
static int method_resolve(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *slice = NULL, *scope = NULL, *cgroup = NULL;
        const char *id, *asked, *driver;
        bool systemd;
        int r;

        r = sd_bus_message_read(m, "sss", &id, &asked, &driver);
        if (r < 0)
                return r;
        r = bus_check_caller_allowed(m, error);
        if (r >= 0)
                r = choose_driver(driver, id, asked, &systemd, &path, error);
        if (r >= 0 && systemd)
                r = connect_systemd(&bus, error);
        if (r >= 0 && systemd)
                r = locate_scope(bus, path, &slice, &scope, &cgroup, error);
        if (r < 0)
                return r;
        if (cgroup) { /* the scope's cgroup, in every hierarchy */
                free(path);
                path = TAKE_PTR(cgroup);
        }
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < layout.n_hierarchies; i++) {
                _cleanup_free_ char *resolved = NULL;
                r = cgroup_resolve_path(&layout.hierarchies[i], path, id, &resolved);
                if (r < 0)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC,
                                                 "linux.cgroupsPath: \"%s\" is not a usable cgroup path", path);
                r = sd_bus_message_append(reply, "(ss)", layout.hierarchies[i].key, resolved);
        }
        if (r >= 0 && scope)
                r = sd_bus_message_append(reply, "(ss)", CGROUP_SYSTEMD_UNIT_KEY, scope);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Reads the (hierarchy, path[, created]) records the registry kept and checks them: real
 * hierarchies, paths without "..", never a hierarchy's root. */
static int read_set(sd_bus_message *m, bool with_created, CgroupSet *ret, sd_bus_error *error) {
        char *keys[CGROUP_HIERARCHIES_MAX], *paths[CGROUP_HIERARCHIES_MAX], *created[CGROUP_HIERARCHIES_MAX];
        const char *unit = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', with_created ? "(sss)" : "(ss)");
        if (r < 0)
                return r;
        for (;;) {
                if (with_created)
                        r = sd_bus_message_read(m, "(sss)", &keys[n], &paths[n], &created[n]);
                else
                        r = sd_bus_message_read(m, "(ss)", &keys[n], &paths[n]);
                if (r <= 0)
                        break;
                if (streq(keys[n], CGROUP_SYSTEMD_UNIT_KEY)) {
                        if (unit)
                                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "more than one systemd unit");
                        unit = paths[n];
                        continue;
                }
                if (++n >= CGROUP_HIERARCHIES_MAX)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "too many cgroup paths");
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        r = cgroup_set_from_paths(&layout, keys, paths, with_created ? created : NULL, n, ret);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "not a container cgroup of this host");
        if (!unit)
                return 0;
        /* Only the scope that is the container's cgroup, never another unit a caller names. */
        bool matches = false;
        for (size_t i = 0; i < ret->n_entries && !matches; i++)
                matches = systemd_unit_matches_path(unit, ret->entries[i].path);
        if (!matches) {
                cgroup_set_done(ret);
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "systemd unit \"%s\" is not the container's scope",
                                         unit);
        }
        if (!(ret->unit = strdup(unit)))
                return -ENOMEM;
        return 0;
}

/* For everything but Remove and Rollback (whose kill spares what is not a container's): the
 * paths must be a container's cgroups, not any a caller names. */
static int read_owned_set(sd_bus_message *m, CgroupSet *ret, sd_bus_error *error) {
        Error err = {};
        int r = read_set(m, false, ret, error);
        if (r >= 0 && (r = cgroup_set_check_owned(ret, &err)) == -EPERM)
                return bus_error_set_from(error, OCICTL_ERROR_PERMISSION_DENIED, &err, r);
        if (r < 0 && err.message[0]) { /* -ENOENT keeps its name: a missing sub-cgroup, for exec */
                char text[ERROR_MESSAGE_MAX + 64];
                return sd_bus_error_set_errnof(error, -r, "%s", error_text(&err, r, text, sizeof text));
        }
        return r;
}

/* Root only: signals every process in a container's cgroup (kill --all). */
static int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        int sig, r;

        r = read_owned_set(m, &set, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "i", &sig);
        if (r >= 0)
                r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        r = cgroup_signal(&set, sig);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot signal the container's cgroup: %m");
        return sd_bus_reply_method_return(m, NULL);
}

/* Anyone who may see the container's state may see its pids (runc's ps needs no privilege
 * beyond reading cgroupfs, which is world-readable). */
static int method_get_pids(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        static pid_t pids[65536];
        int n, r;

        r = read_owned_set(m, &set, error);
        if (r < 0)
                return r;
        n = cgroup_pids(&set, pids, ELEMENTSOF(pids));
        if (n < 0)
                return sd_bus_error_set_errnof(error, -n, "cannot read the container's cgroup: %m");
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = sd_bus_message_append_array(reply, 'u', pids, (size_t) n * sizeof(pid_t));
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* Root only: kills what is left in the cgroup and removes it; Rollback also removes the parents
 * that Create made (for a create that failed later). */
static int remove_or_rollback(sd_bus_message *m, bool rollback, sd_bus_error *error) {
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        Error err = {};
        int r;

        r = read_set(m, rollback, &set, error);
        if (r >= 0)
                r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        r = destroy_set(&set, rollback, &err);
        if (r < 0)
                return bus_error_set_from(error, SD_BUS_ERROR_FAILED, &err, r);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return remove_or_rollback(m, false, error);
}

/* Root only: what joins an existing container cgroup (as Create hands out), for exec. */
static int method_open(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        int fds[CGROUP_HIERARCHIES_MAX];
        size_t n_fds = 0;
        int r;

        r = read_owned_set(m, &set, error);
        if (r >= 0)
                r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        r = cgroup_open_join(&set, fds, &n_fds);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "cannot open the container's cgroup to join: %m");
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = append_fds(reply, fds, n_fds);
        for (size_t i = 0; i < n_fds; i++)
                safe_close(fds[i]);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_rollback(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return remove_or_rollback(m, true, error);
}

/* Root only: writes new limits to an existing container cgroup (update). On failure what this
 * call changed is put back and the error names the field. */
static int method_update(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        _cleanup_(resources_done) SpecResources res = {};
        Error err = {};
        int r;

        r = read_owned_set(m, &set, error);
        if (r < 0)
                return r;
        r = spec_bus_read_resources(m, &res);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "resources: %s", strerror(-r));
        r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        r = cgroup_apply(&layout, &set, &res, "", &err);
        if (r < 0)
                return set_limit_error(error, r, &err);
        /* The kernel took the values: systemd's unit says the same, or its next daemon-reload
         * would write its own back. */
        if (set.unit) {
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                _cleanup_(cgroup_plan_done) CgroupPlan plan = {};
                r = cgroup_plan_for_layout(&layout, &res, "", &plan, &err);
                if (r >= 0)
                        r = systemd_connect(&bus, &err);
                if (r >= 0)
                        r = systemd_unit_set_resources(bus, set.unit, &plan, &err);
                if (r < 0)
                        return bus_error_set_from(error, SD_BUS_ERROR_FAILED, &err, r);
        }
        return sd_bus_reply_method_return(m, NULL);
}

/* Root only: pause (true) and resume (false). */
static int method_freeze(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        Error err = {};
        int frozen, r;

        r = read_owned_set(m, &set, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "b", &frozen);
        if (r >= 0)
                r = bus_check_caller_allowed(m, error);
        if (r < 0)
                return r;
        if (set.unit && layout.type == CGROUP_LAYOUT_V2) {
                /* systemd's freezer is cgroup v2's: through it, FreezerState says "frozen". */
                _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
                r = systemd_connect(&bus, &err);
                if (r >= 0)
                        r = systemd_unit_freeze(bus, set.unit, frozen, &err);
        } else
                r = cgroup_freeze(&layout, &set, frozen, &err);
        if (r < 0)
                return bus_error_set_from(error, r == -EOPNOTSUPP ? OCICTL_ERROR_NOT_SUPPORTED : SD_BUS_ERROR_FAILED, &err, r);
        return sd_bus_reply_method_return(m, NULL);
}

/* Like GetPids, open to callers who may see the container: the numbers cgroupfs shows anyone. */
static int method_stats(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(cgroup_set_done) CgroupSet set = {};
        _cleanup_free_ char *json = NULL;
        int r;

        r = read_owned_set(m, &set, error);
        if (r < 0)
                return r;
        json = cgroup_stats_json(&layout, &set);
        if (!json)
                return -ENOMEM;
        return sd_bus_reply_method_return(m, "st", json, cgroup_oom_kills(&layout, &set));
}

static int property_get_layout(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", cgroup_layout_type_to_string(layout.type));
}

static const sd_bus_vtable cgroups_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Layout", "s", property_get_layout, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Create",
                                SD_BUS_ARGS("s", id, "s", cgroups_path, "s", driver, "a{sv}", resources),
                                SD_BUS_RESULT("a(sss)", paths, "ah", join, "ah", hold), method_create, 0),
        SD_BUS_METHOD_WITH_ARGS("Resolve", SD_BUS_ARGS("s", id, "s", cgroups_path, "s", driver),
                                SD_BUS_RESULT("a(ss)", paths), method_resolve, 0),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("a(ss)", paths, "i", signal), SD_BUS_NO_RESULT, method_kill, 0),
        SD_BUS_METHOD_WITH_ARGS("Open", SD_BUS_ARGS("a(ss)", paths), SD_BUS_RESULT("ah", join), method_open, 0),
        SD_BUS_METHOD_WITH_ARGS("GetPids", SD_BUS_ARGS("a(ss)", paths), SD_BUS_RESULT("au", pids), method_get_pids, 0),
        SD_BUS_METHOD_WITH_ARGS("Remove", SD_BUS_ARGS("a(ss)", paths), SD_BUS_NO_RESULT, method_remove, 0),
        SD_BUS_METHOD_WITH_ARGS("Update", SD_BUS_ARGS("a(ss)", paths, "a{sv}", resources), SD_BUS_NO_RESULT,
                                method_update, 0),
        SD_BUS_METHOD_WITH_ARGS("Freeze", SD_BUS_ARGS("a(ss)", paths, "b", frozen), SD_BUS_NO_RESULT, method_freeze, 0),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_ARGS("a(ss)", paths), SD_BUS_RESULT("s", stats, "t", oom_kills),
                                method_stats, 0),
        SD_BUS_METHOD_WITH_ARGS("Rollback", SD_BUS_ARGS("a(sss)", paths), SD_BUS_NO_RESULT, method_rollback, 0),
        SD_BUS_VTABLE_END,
};

int cgroups_service_main(void) {
        /* Which capabilities it keeps, and why: service-capabilities.h. */
        const ServiceDefinition def = {
                .id = SERVICE_CGROUPS, .vtable = cgroups_vtable, .capabilities = CGROUPS_CAPABILITIES
        };
        int r = cgroup_layout_detect(&layout);
        if (r < 0) {
                log_setup_from_env("ocictl-cgroups");
                log_error_errno(r, "Failed to find the cgroup hierarchies: %m");
                return 1;
        }
        r = service_run(&def);
        cgroup_layout_done(&layout);
        return r;
}
