/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-systemd.h"
#include "macros.h"
#include "process-util.h"

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_TIMEOUT_USEC (30ULL * 1000 * 1000)

bool systemd_runs_host(void) {
        return sd_booted() > 0;
}

int systemd_socket_path(char *buf, size_t size) {
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        /* Rootless: the user's own manager, whose private socket is in the user's runtime folder. */
        if (running_rootless() && (!xdg || xdg[0] != '/'))
                return -EOPNOTSUPP;
        snprintf(buf, size, "%s/systemd/private", running_rootless() ? xdg : "/run");
        return 0;
}

int systemd_connect(sd_bus **ret, Error *err) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        char path[PATH_MAX], address[PATH_MAX + 16];
        int r;

        if (!systemd_runs_host())
                return error_set_complete(err, -EOPNOTSUPP, "systemd does not run this host (no /run/systemd/system)");
        if (systemd_socket_path(path, sizeof path) < 0)
                return error_set_complete(err, -EOPNOTSUPP,
                                          "no XDG_RUNTIME_DIR: rootless, the scope is asked of the user's systemd manager");
        snprintf(address, sizeof address, "unix:path=%s", path);
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return error_set(err, r, "cannot connect to systemd at %s", path);
        *ret = TAKE_PTR(bus);
        return 0;
}

int systemd_manager_cgroup(sd_bus *bus, char **ret, Error *err) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        char *cgroup = NULL;
        int r;

        r = sd_bus_get_property_string(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "ControlGroup", &e, &cgroup);
        if (r < 0)
                return error_set(err, r, "systemd: cannot read the manager's ControlGroup%s%s", e.message ? ": " : "",
                                 e.message ?: "");
        if (streq(cgroup, "/"))
                cgroup[0] = 0; /* the root: paths below it start with their own "/" */
        *ret = cgroup;
        return 0;
}

static int bus_fail(Error *err, int r, const sd_bus_error *e, const char *what, const char *unit) {
        if (e && sd_bus_error_is_set(e))
                return error_set_complete(err, r < 0 ? r : -EIO, "systemd: %s %s: %s", what, unit, e->message);
        return error_set(err, r, "systemd: %s %s", what, unit);
}

/* --- the properties systemd has for what the plan writes --- */

int systemd_cpu_set_mask(const char *list, uint8_t *mask, size_t size) {
        size_t n = 0;
        const char *s = list;

        memset(mask, 0, size);
        while (*s) {
                char *end;
                unsigned long lo = strtoul(s, &end, 10), hi = lo;
                if (end == s)
                        return -EINVAL;
                if (*end == '-') {
                        s = end + 1;
                        hi = strtoul(s, &end, 10);
                        if (end == s || hi < lo)
                                return -EINVAL;
                }
                if (hi / 8 >= size)
                        return -EINVAL;
                for (unsigned long c = lo; c <= hi; c++)
                        mask[c / 8] |= (uint8_t) (1u << (c % 8));
                if (hi / 8 + 1 > n)
                        n = hi / 8 + 1;
                s = end;
                if (*s == ',')
                        s++;
                else if (*s && *s != '\n')
                        return -EINVAL;
                else
                        break;
        }
        return (int) n;
}

uint64_t systemd_cpu_quota_per_sec(const char *cpu_max) {
        unsigned long long quota, period = 100000;

        if (sscanf(cpu_max, "%llu %llu", &quota, &period) < 1 || period == 0)
                return UINT64_MAX; /* "max" or "max PERIOD" */
        uint64_t usec = quota * 1000000ULL / period;
        return (usec + 9999) / 10000 * 10000;
}

static uint64_t value_or_infinity(const char *v) {
        return streq(v, "max") || streq(v, "-1") ? UINT64_MAX : strtoull(v, NULL, 10);
}

static int append_u64(sd_bus_message *m, const char *property, uint64_t v) {
        return sd_bus_message_append(m, "(sv)", property, "t", v);
}

static int append_mask(sd_bus_message *m, const char *property, const char *list) {
        uint8_t mask[1024];
        int n = systemd_cpu_set_mask(list, mask, sizeof mask);
        if (n < 0)
                return 0; /* the kernel judges the cgroupfs write of the same value */
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", property);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "ay");
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', mask, (size_t) n);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* One table: the cgroup file the plan writes → the unit property that says the same. */
static int append_resources(sd_bus_message *m, const CgroupPlan *plan) {
        static const struct {
                const char *file, *property;
        } direct[] = {
                { "memory.max", "MemoryMax" },         { "memory.low", "MemoryLow" },
                { "memory.high", "MemoryHigh" },       { "memory.swap.max", "MemorySwapMax" },
                { "pids.max", "TasksMax" },            { "cpu.weight", "CPUWeight" },
                { "memory.limit_in_bytes", "MemoryLimit" }, { "cpu.shares", "CPUShares" },
        };
        int r = 0;

        for (size_t i = 0; r >= 0 && plan && i < plan->n_writes; i++) {
                const CgroupWrite *w = &plan->writes[i];
                for (size_t j = 0; r >= 0 && j < ELEMENTSOF(direct); j++)
                        if (streq(w->file, direct[j].file))
                                r = append_u64(m, direct[j].property, value_or_infinity(w->value));
                if (r >= 0 && streq(w->file, "cpu.max")) {
                        unsigned long long period;
                        r = append_u64(m, "CPUQuotaPerSecUSec", systemd_cpu_quota_per_sec(w->value));
                        if (r >= 0 && sscanf(w->value, "%*s %llu", &period) == 1)
                                r = append_u64(m, "CPUQuotaPeriodUSec", period);
                }
                if (r >= 0 && streq(w->file, "cpuset.cpus"))
                        r = append_mask(m, "AllowedCPUs", w->value);
                if (r >= 0 && streq(w->file, "cpuset.mems"))
                        r = append_mask(m, "AllowedMemoryNodes", w->value);
        }
        return r;
}

/* --- jobs --- */

typedef struct JobWait {
        const char *path; /* the job, once StartUnit or StopUnit has answered */
        char result[32];  /* JobRemoved's result: "done", "failed", "canceled", … */
} JobWait;

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && w->path && streq(path, w->path))
                snprintf(w->result, sizeof w->result, "%s", result);
        return 0;
}

/* Calls a Manager method that returns a job and waits for the job to end. The match is in
 * place before the call: JobRemoved may come before the reply has been read. */
static int call_job(sd_bus *bus, sd_bus_message *m, const char *what, const char *unit, Error *err) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        JobWait wait = {};
        uint64_t deadline;
        int r;

        r = sd_bus_match_signal(bus, &slot, NULL, SYSTEMD_PATH, SYSTEMD_MANAGER, "JobRemoved", on_job_removed, &wait);
        if (r < 0)
                return error_set(err, r, "systemd: cannot watch the job of %s", unit);
        r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, &reply);
        if (r < 0)
                return bus_fail(err, r, &e, what, unit);
        r = sd_bus_message_read(reply, "o", &wait.path);
        if (r < 0)
                return error_set(err, r, "systemd: %s %s: no job in the reply", what, unit);
        deadline = (uint64_t) time(NULL) + JOB_TIMEOUT_USEC / 1000000;
        while (!wait.result[0]) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return error_set(err, r, "systemd: %s %s: the connection failed", what, unit);
                if (r > 0)
                        continue;
                if ((uint64_t) time(NULL) > deadline)
                        return error_set_complete(err, -ETIMEDOUT, "systemd: %s %s: the job did not end in 30 s", what, unit);
                r = sd_bus_wait(bus, 1000 * 1000);
                if (r < 0)
                        return error_set(err, r, "systemd: %s %s: the connection failed", what, unit);
        }
        if (!streq(wait.result, "done"))
                return error_set_complete(err, -EIO, "systemd: %s %s: the job ended \"%s\" (see journalctl -u %s)", what, unit,
                                          wait.result, unit);
        return 0;
}

/* --- the placeholder --- */

/* A process that does nothing but wait for EOF on its hold pipe. It is forked twice, so that it
 * is nobody's child here (a subreaper or PID 1 reaps it), and keeps no descriptor but the pipe. */
static int placeholder_start(pid_t *ret_pid, int *ret_hold) {
        _cleanup_close_ int hold_r = -EBADF, hold_w = -EBADF, report_r = -EBADF, report_w = -EBADF;
        int p[2], q[2], status;
        pid_t child, pid = 0;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        hold_r = p[0];
        hold_w = p[1];
        if (pipe2(q, O_CLOEXEC) < 0)
                return negative_errno();
        report_r = q[0];
        report_w = q[1];

        child = fork();
        if (child < 0)
                return negative_errno();
        if (child == 0) {
                pid_t grandchild = fork();
                if (grandchild != 0)
                        _exit(grandchild < 0 ? 1 : 0);
                char c;
                pid_t self = getpid();
                (void) prctl(PR_SET_NAME, "ocictl-hold");
                (void) prctl(PR_SET_DUMPABLE, 0);
                if (write(report_w, &self, sizeof self) != sizeof self)
                        _exit(1);
                /* Nothing of the service's stays open in a process that sits in the container's
                 * cgroup: fd 0 becomes the pipe, every other descriptor is closed. */
                if (dup2(hold_r, 0) < 0)
                        _exit(1);
                (void) close_range(1, ~0U, 0);
                while (read(0, &c, 1) < 0 && errno == EINTR)
                        ;
                _exit(0);
        }
        report_w = safe_close(report_w);
        while (waitpid(child, &status, 0) < 0 && errno == EINTR)
                ;
        if (read(report_r, &pid, sizeof pid) != sizeof pid || pid <= 0)
                return -ECHILD;
        *ret_pid = pid;
        *ret_hold = TAKE_FD(hold_w);
        return 0;
}

int systemd_scope_start(sd_bus *bus, const char *scope, const char *slice, const char *id, const CgroupPlan *plan,
                        pid_t *ret_placeholder, int *ret_hold, Error *err) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_close_ int hold = -EBADF;
        char description[128];
        pid_t placeholder = 0;
        int r;

        r = placeholder_start(&placeholder, &hold);
        if (r < 0)
                return error_set(err, r, "cannot start the process that holds the scope %s", scope);
        /* Signals on the private socket come without Subscribe; a bus daemon's need it. */
        (void) sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe", NULL, NULL, NULL);

        snprintf(description, sizeof description, "ocictl container %s", id);
        r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", scope, "fail");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", description, "Slice", "s", slice,
                                          "Delegate", "b", 1, "DefaultDependencies", "b", 0, "CollectMode", "s",
                                          "inactive-or-failed");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)", "MemoryAccounting", "b", 1, "CPUAccounting", "b", 1,
                                          "IOAccounting", "b", 1, "TasksAccounting", "b", 1);
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t) placeholder);
        if (r >= 0)
                r = append_resources(m, plan);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0) {
                (void) kill(placeholder, SIGKILL);
                return error_set(err, r, "systemd: cannot build the StartTransientUnit call for %s", scope);
        }
        r = call_job(bus, m, "cannot start", scope, err);
        if (r < 0) {
                /* The scope may exist and hold it: stopping the placeholder ends both. */
                (void) kill(placeholder, SIGKILL);
                return r;
        }
        *ret_placeholder = placeholder;
        *ret_hold = TAKE_FD(hold);
        return 0;
}

int systemd_unit_set_resources(sd_bus *bus, const char *unit, const CgroupPlan *plan, Error *err) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "SetUnitProperties");
        if (r >= 0)
                r = sd_bus_message_append(m, "sb", unit, 1);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = append_resources(m, plan);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return error_set(err, r, "systemd: cannot build the SetUnitProperties call for %s", unit);
        r = sd_bus_call(bus, m, JOB_TIMEOUT_USEC, &e, NULL);
        if (r < 0)
                return bus_fail(err, r, &e, "cannot set the properties of", unit);
        return 0;
}

int systemd_unit_stop(sd_bus *bus, const char *unit, Error *err) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        /* A scope whose processes are gone is collected (CollectMode): systemd no longer knows
         * it, which is what a stopped container's scope should be. */
        r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "GetUnit", &e, NULL, "s", unit);
        if (r < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
                return 0;
        if (r < 0)
                return bus_fail(err, r, &e, "cannot look up", unit);
        r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "StopUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", unit, "replace");
        if (r < 0)
                return error_set(err, r, "systemd: cannot build the StopUnit call for %s", unit);
        r = call_job(bus, m, "cannot stop", unit, err);
        if (r < 0)
                return r;
        sd_bus_error_free(&e);
        r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "ResetFailedUnit", &e, NULL, "s", unit);
        if (r < 0 && !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
                return bus_fail(err, r, &e, "cannot reset", unit);
        return 0;
}

int systemd_unit_freeze(sd_bus *bus, const char *unit, bool frozen, Error *err) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, frozen ? "FreezeUnit" : "ThawUnit", &e,
                               NULL, "s", unit);
        if (r < 0)
                return bus_fail(err, r, &e, frozen ? "cannot freeze" : "cannot thaw", unit);
        return 0;
}

bool systemd_unit_matches_path(const char *unit, const char *path) {
        const char *base = strrchr(path, '/');
        size_t n = strlen(unit);
        return base && streq(base + 1, unit) && n > 6 && streq(unit + n - 6, ".scope") && !strchr(unit, '/');
}
