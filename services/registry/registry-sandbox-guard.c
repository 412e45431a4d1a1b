/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A sandbox's guard, in the registry (not its worker, which is gone once the sandbox runs): it
 * kills the sandbox at its deadline and deletes it when its caller leaves the bus, through
 * calls the registry makes to itself (each then runs in a worker, as root's). What it needs is
 * in the sandbox's annotations, so that a registry that restarts guards it again. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "registry-container.h"
#include "registry-sandbox.h"

typedef struct SandboxGuard {
        Registry *reg;
        char *id, *caller;
        sd_bus_slot *match, *check;
        sd_event_source *timer;
        struct SandboxGuard *next;
} SandboxGuard;

static void guard_free(SandboxGuard *g) {
        for (SandboxGuard **p = &g->reg->sandbox_guards; *p; p = &(*p)->next)
                if (*p == g) {
                        *p = g->next;
                        break;
                }
        sd_bus_slot_unref(g->match);
        sd_bus_slot_unref(g->check);
        sd_event_source_disable_unref(g->timer);
        free(g->id);
        free(g->caller);
        free(g);
}

void registry_sandbox_guards_done(Registry *reg) {
        while (reg->sandbox_guards)
                guard_free(reg->sandbox_guards);
}

void registry_sandbox_removed(Registry *reg, const char *id) {
        for (SandboxGuard *g = reg->sandbox_guards; g; g = g->next)
                if (streq(g->id, id)) {
                        guard_free(g);
                        return;
                }
}

static void call_self(Registry *reg, const char *id, const char *member, bool delete) {
        _cleanup_free_ char *path = NULL;
        int r = container_object_path(id, &path);
        if (r >= 0)
                r = delete ? sd_bus_call_method_async(reg->bus, NULL, service_table[SERVICE_REGISTRY].bus_name, path,
                                                      CONTAINER_INTERFACE, member, NULL, NULL, "b", 1) :
                             sd_bus_call_method_async(reg->bus, NULL, service_table[SERVICE_REGISTRY].bus_name, path,
                                                      CONTAINER_INTERFACE, member, NULL, NULL, "ib", SIGKILL, 1);
        if (r < 0)
                log_warning_errno(r, "Sandbox %s: cannot ask for %s: %m", id, member);
}

static void caller_gone(SandboxGuard *g) {
        log_debug("Sandbox %s: its caller left the bus: deleting it", g->id);
        call_self(g->reg, g->id, "Delete", true);
        guard_free(g);
}

static int on_name_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *unused) {
        const char *name, *old_owner, *new_owner;
        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) >= 0 && !*new_owner)
                caller_gone(userdata);
        return 0;
}

static int on_name_checked(sd_bus_message *reply, void *userdata, sd_bus_error *unused) {
        SandboxGuard *g = userdata;
        int has = 1;
        g->check = sd_bus_slot_unref(g->check);
        /* Gone before the match was in place: its NameOwnerChanged came too early for us. */
        if (!sd_bus_message_is_method_error(reply, NULL) && sd_bus_message_read(reply, "b", &has) >= 0 && !has)
                caller_gone(g);
        return 0;
}

static int on_match_installed(sd_bus_message *reply, void *userdata, sd_bus_error *unused) {
        SandboxGuard *g = userdata;
        if (sd_bus_message_is_method_error(reply, NULL))
                return 0; /* the guard stays without it: logged by nobody, checked below */
        return sd_bus_call_method_async(g->reg->bus, &g->check, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus", "NameHasOwner", on_name_checked, g, "s", g->caller);
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        SandboxGuard *g = userdata;
        log_debug("Sandbox %s: its time is up: killing it", g->id);
        g->timer = sd_event_source_disable_unref(g->timer);
        call_self(g->reg, g->id, "Kill", false);
        if (!g->match)
                guard_free(g);
        return 0;
}

static const char *annotation(const ContainerState *s, const char *key) {
        for (size_t i = 0; i < s->n_annotations; i++)
                if (streq(s->annotations[i].key, key))
                        return s->annotations[i].value;
        return NULL;
}

/* The guard of a sandbox, from what its state keeps: after RunSandbox, and for every sandbox a
 * restarted registry finds. */
void registry_sandbox_guard(Registry *reg, const char *id, const ContainerState *state) {
        const char *caller = annotation(state, ANNOTATION_CALLER), *deadline = annotation(state, ANNOTATION_DEADLINE);
        SandboxGuard *g;
        int r;

        if (!annotation(state, ANNOTATION_SANDBOX) || (!caller && !deadline))
                return;
        for (g = reg->sandbox_guards; g; g = g->next)
                if (streq(g->id, id))
                        return;
        g = calloc(1, sizeof *g);
        if (!g || !(g->id = strdup(id))) {
                free(g);
                log_warning("Sandbox %s: out of memory for its guard", id);
                return;
        }
        g->reg = reg;
        g->next = reg->sandbox_guards;
        reg->sandbox_guards = g;
        if (caller) {
                _cleanup_free_ char *rule = NULL;
                g->caller = strdup(caller);
                if (asprintf(&rule, "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                                    "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'",
                             caller) < 0)
                        rule = NULL;
                r = rule && g->caller ? sd_bus_add_match_async(reg->bus, &g->match, rule, on_name_owner_changed,
                                                               on_match_installed, g) :
                                        -ENOMEM;
                if (r < 0)
                        log_warning_errno(r, "Sandbox %s: cannot watch its caller %s: %m", id, caller);
        }
        if (deadline) {
                uint64_t at = strtoull(deadline, NULL, 10), now = now_boottime_usec();
                r = sd_event_add_time_relative(sd_bus_get_event(reg->bus), &g->timer, CLOCK_BOOTTIME,
                                               at > now ? at - now : 0, 1000, on_timeout, g); /* ±1 ms */
                if (r < 0)
                        log_warning_errno(r, "Sandbox %s: cannot set its timeout: %m", id);
        }
}

void registry_sandbox_started(Registry *reg, sd_bus_message *request, sd_bus_message *reply) {
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *id;

        if (sd_bus_message_rewind(reply, true) < 0 || sd_bus_message_read(reply, "s", &id) < 0)
                return;
        if (load_container(reg, id, 0, &dir_fd, &state, &ignored) < 0) {
                log_warning("Sandbox %s: cannot read its state: %s", id, ignored.message);
                return;
        }
        if (registry_watch(reg, id, dir_fd, &state) < 0)
                log_warning("Failed to watch sandbox %s: its exit is not announced", id);
        registry_sandbox_guard(reg, id, &state);
}
