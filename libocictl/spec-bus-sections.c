/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec's values that are more than a string, a list of strings, a map or a number: each
 * one's writer beside its reader, named in spec-bus.c's table. Each works inside the entry's
 * variant, which the table code opens and closes. */
#include "macros.h"
#include "spec-bus-codec.h"
#include "spec-bus-sections.h"
#include "spec-bus.h"

/* ---- process ---- */

static bool console_size_present(const Spec *s, int index) {
        return s->console_width > 0 || s->console_height > 0;
}
static int console_size_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append(m, "(uu)", s->console_height, s->console_width);
}
static int console_size_read(sd_bus_message *m, Spec *s, int index) {
        return sd_bus_message_read(m, "(uu)", &s->console_height, &s->console_width);
}
const SpecBusSection section_console_size = { console_size_present, console_size_append, console_size_read };

static bool additional_gids_present(const Spec *s, int index) {
        return s->n_additional_gids > 0;
}
static int additional_gids_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append_array(m, 'u', s->additional_gids, s->n_additional_gids * sizeof(uint32_t));
}
static int additional_gids_read(sd_bus_message *m, Spec *s, int index) {
        const void *p;
        size_t size;
        int r = sd_bus_message_read_array(m, 'u', &p, &size);
        if (r < 0)
                return r;
        if (size / sizeof(uint32_t) > SPEC_MAX_STRINGS)
                return -E2BIG;
        free(s->additional_gids);
        s->additional_gids = malloc(size ?: 1);
        if (!s->additional_gids)
                return -ENOMEM;
        memcpy(s->additional_gids, p, size);
        s->n_additional_gids = size / sizeof(uint32_t);
        return 0;
}
const SpecBusSection section_additional_gids = { additional_gids_present, additional_gids_append,
                                                 additional_gids_read };

static bool capabilities_present(const Spec *s, int index) {
        return s->has_capabilities;
}
static int capabilities_append(sd_bus_message *m, const Spec *s, int index) {
        const uint64_t *c = s->capabilities;
        return sd_bus_message_append(m, "(ttttt)", c[0], c[1], c[2], c[3], c[4]);
}
static int capabilities_read(sd_bus_message *m, Spec *s, int index) {
        uint64_t *c = s->capabilities;
        s->has_capabilities = true;
        return sd_bus_message_read(m, "(ttttt)", &c[0], &c[1], &c[2], &c[3], &c[4]);
}
const SpecBusSection section_capabilities = { capabilities_present, capabilities_append, capabilities_read };

static bool rlimits_present(const Spec *s, int index) {
        return s->n_rlimits > 0;
}
static int rlimits_append(sd_bus_message *m, const Spec *s, int index) {
        int r = sd_bus_message_open_container(m, 'a', "(itt)");
        for (size_t i = 0; r >= 0 && i < s->n_rlimits; i++)
                r = sd_bus_message_append(m, "(itt)", s->rlimits[i].resource, s->rlimits[i].soft, s->rlimits[i].hard);
        return r < 0 ? r : sd_bus_message_close_container(m);
}
static int read_rlimit(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        SpecRlimit *rl = GROW(s->rlimits, s->n_rlimits);
        if (!rl)
                return -ENOMEM;
        return sd_bus_message_read(m, "(itt)", &rl->resource, &rl->soft, &rl->hard);
}
static int rlimits_read(sd_bus_message *m, Spec *s, int index) {
        return read_array(m, "(itt)", read_rlimit, s);
}
const SpecBusSection section_rlimits = { rlimits_present, rlimits_append, rlimits_read };

static bool io_priority_present(const Spec *s, int index) {
        return s->has_io_priority;
}
static int io_priority_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append(m, "(uu)", s->io_class, s->io_priority);
}
static int io_priority_read(sd_bus_message *m, Spec *s, int index) {
        s->has_io_priority = true;
        return sd_bus_message_read(m, "(uu)", &s->io_class, &s->io_priority);
}
const SpecBusSection section_io_priority = { io_priority_present, io_priority_append, io_priority_read };

static bool scheduler_present(const Spec *s, int index) {
        return s->has_scheduler;
}
static int scheduler_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append(m, "(uiutttt)", s->sched_policy, s->sched_nice, s->sched_priority, s->sched_flags,
                                     s->sched_runtime, s->sched_deadline, s->sched_period);
}
static int scheduler_read(sd_bus_message *m, Spec *s, int index) {
        s->has_scheduler = true;
        return sd_bus_message_read(m, "(uiutttt)", &s->sched_policy, &s->sched_nice, &s->sched_priority,
                                   &s->sched_flags, &s->sched_runtime, &s->sched_deadline, &s->sched_period);
}
const SpecBusSection section_scheduler = { scheduler_present, scheduler_append, scheduler_read };

/* ---- mounts and devices ---- */

static bool mounts_present(const Spec *s, int index) {
        return s->n_mounts > 0;
}
static int mounts_append(sd_bus_message *m, const Spec *s, int index) {
        int r = sd_bus_message_open_container(m, 'a', MOUNT_SIGNATURE);
        for (size_t i = 0; r >= 0 && i < s->n_mounts; i++) {
                const SpecMount *mt = &s->mounts[i];
                r = sd_bus_message_open_container(m, 'r', MOUNT_SIGNATURE_INNER);
                if (r >= 0)
                        r = sd_bus_message_append(m, "sss", mt->destination, mt->type ?: "", mt->source ?: "");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, mt->options);
                if (r >= 0)
                        r = append_id_mappings(m, mt->uid_mappings, mt->n_uid_mappings);
                if (r >= 0)
                        r = append_id_mappings(m, mt->gid_mappings, mt->n_gid_mappings);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}
static int read_mount(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        SpecMount *mt = GROW(s->mounts, s->n_mounts);
        const char *d, *t, *src;
        int r;

        if (!mt)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'r', MOUNT_SIGNATURE_INNER);
        if (r >= 0)
                r = sd_bus_message_read(m, "sss", &d, &t, &src);
        if (r < 0)
                return r;
        mt->destination = strdup(d);
        mt->type = *t ? strdup(t) : NULL;
        mt->source = *src ? strdup(src) : NULL;
        if (!mt->destination || (*t && !mt->type) || (*src && !mt->source))
                return -ENOMEM;
        r = read_strv(m, &mt->options);
        if (r >= 0)
                r = read_id_mappings(m, &mt->uid_mappings, &mt->n_uid_mappings);
        if (r >= 0)
                r = read_id_mappings(m, &mt->gid_mappings, &mt->n_gid_mappings);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}
static int mounts_read(sd_bus_message *m, Spec *s, int index) {
        return read_array(m, MOUNT_SIGNATURE, read_mount, s);
}
const SpecBusSection section_mounts = { mounts_present, mounts_append, mounts_read };

static bool devices_present(const Spec *s, int index) {
        return s->n_devices > 0;
}
static int devices_append(sd_bus_message *m, const Spec *s, int index) {
        int r = sd_bus_message_open_container(m, 'a', DEVICE_SIGNATURE);
        for (size_t i = 0; r >= 0 && i < s->n_devices; i++) {
                const SpecLinuxDevice *d = &s->devices[i];
                r = sd_bus_message_append(m, DEVICE_SIGNATURE, d->path, (uint8_t) d->type, d->major, d->minor,
                                          d->file_mode, d->uid, d->gid);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}
static int read_linux_device(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        SpecLinuxDevice *d = GROW(s->devices, s->n_devices);
        const char *path;
        uint8_t type;
        int r;

        if (!d)
                return -ENOMEM;
        r = sd_bus_message_read(m, DEVICE_SIGNATURE, &path, &type, &d->major, &d->minor, &d->file_mode, &d->uid,
                                &d->gid);
        if (r < 0)
                return r;
        d->type = (char) type;
        d->path = strdup(path);
        return d->path ? 0 : -ENOMEM;
}
static int devices_read(sd_bus_message *m, Spec *s, int index) {
        return read_array(m, DEVICE_SIGNATURE, read_linux_device, s);
}
const SpecBusSection section_devices = { devices_present, devices_append, devices_read };

/* ---- linux ---- */

/* index 0: uidMappings, 1: gidMappings. */
static bool id_mappings_present(const Spec *s, int index) {
        return (index == 0 ? s->n_uid_mappings : s->n_gid_mappings) > 0;
}
static int id_mappings_append(sd_bus_message *m, const Spec *s, int index) {
        return index == 0 ? append_id_mappings(m, s->uid_mappings, s->n_uid_mappings)
                          : append_id_mappings(m, s->gid_mappings, s->n_gid_mappings);
}
static int id_mappings_read(sd_bus_message *m, Spec *s, int index) {
        return index == 0 ? read_id_mappings(m, &s->uid_mappings, &s->n_uid_mappings)
                          : read_id_mappings(m, &s->gid_mappings, &s->n_gid_mappings);
}
const SpecBusSection section_id_mappings = { id_mappings_present, id_mappings_append, id_mappings_read };

/* Always written: the list of namespaces is what the spawner unshares or joins. */
static bool namespaces_present(const Spec *s, int index) {
        return true;
}
static int namespaces_append(sd_bus_message *m, const Spec *s, int index) {
        int r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (int i = 0; r >= 0 && i < _NAMESPACE_MAX; i++)
                if (s->namespaces[i].enabled)
                        r = sd_bus_message_append(m, "(ss)", namespace_type_to_string(i), s->namespaces[i].path ?: "");
        return r < 0 ? r : sd_bus_message_close_container(m);
}
static int read_namespace(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        const char *type, *path;
        NamespaceType t;
        int r;

        r = sd_bus_message_read(m, "(ss)", &type, &path);
        if (r < 0)
                return r;
        t = namespace_type_from_string(type);
        if (t < 0)
                return -EBADMSG;
        s->namespaces[t].enabled = true;
        if (*path) {
                s->namespaces[t].path = strdup(path);
                if (!s->namespaces[t].path)
                        return -ENOMEM;
        }
        return 0;
}
static int namespaces_read(sd_bus_message *m, Spec *s, int index) {
        return read_array(m, "(ss)", read_namespace, s);
}
const SpecBusSection section_namespaces = { namespaces_present, namespaces_append, namespaces_read };

static bool time_offsets_present(const Spec *s, int index) {
        return s->has_time_offsets;
}
static int time_offsets_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append(m, "(xuxu)", s->time_monotonic.secs, s->time_monotonic.nanosecs,
                                     s->time_boottime.secs, s->time_boottime.nanosecs);
}
static int time_offsets_read(sd_bus_message *m, Spec *s, int index) {
        s->has_time_offsets = true;
        return sd_bus_message_read(m, "(xuxu)", &s->time_monotonic.secs, &s->time_monotonic.nanosecs,
                                   &s->time_boottime.secs, &s->time_boottime.nanosecs);
}
const SpecBusSection section_time_offsets = { time_offsets_present, time_offsets_append, time_offsets_read };

static bool memory_policy_present(const Spec *s, int index) {
        return s->has_memory_policy;
}
static int memory_policy_append(sd_bus_message *m, const Spec *s, int index) {
        return sd_bus_message_append(m, "(us)", s->memory_policy_mode, s->memory_policy_nodes ?: "");
}
static int memory_policy_read(sd_bus_message *m, Spec *s, int index) {
        int r = sd_bus_message_enter_container(m, 'r', "us");
        if (r >= 0)
                r = sd_bus_message_read(m, "u", &s->memory_policy_mode);
        if (r >= 0)
                r = read_optional_string(m, &s->memory_policy_nodes);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        s->has_memory_policy = true;
        return r < 0 ? r : 0;
}
const SpecBusSection section_memory_policy = { memory_policy_present, memory_policy_append, memory_policy_read };

static bool seccomp_present(const Spec *s, int index) {
        return s->seccomp.enabled;
}
static int seccomp_append(sd_bus_message *m, const Spec *s, int index) {
        const SpecSeccomp *sc = &s->seccomp;
        int r = sd_bus_message_open_container(m, 'r', SECCOMP_SIGNATURE_INNER);
        if (r >= 0)
                r = sd_bus_message_append(m, "uuu", sc->default_action, sc->default_errno_ret, sc->flags);
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'u', sc->architectures, sc->n_architectures * sizeof(uint32_t));
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(asuua(uttu))");
        for (size_t i = 0; r >= 0 && i < sc->n_rules; i++) {
                const SpecSeccompRule *rule = &sc->rules[i];
                r = sd_bus_message_open_container(m, 'r', "asuua(uttu)");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, rule->names);
                if (r >= 0)
                        r = sd_bus_message_append(m, "uu", rule->action, rule->errno_ret);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(uttu)");
                for (size_t j = 0; r >= 0 && j < rule->n_args; j++)
                        r = sd_bus_message_append(m, "(uttu)", rule->args[j].index, rule->args[j].value,
                                                  rule->args[j].value_two, rule->args[j].op);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", sc->listener_path ?: "", sc->listener_metadata ?: "");
        return r < 0 ? r : sd_bus_message_close_container(m);
}
static int read_seccomp_arg(sd_bus_message *m, void *userdata) {
        SpecSeccompRule *rule = userdata;
        SpecSeccompArg *a = GROW(rule->args, rule->n_args);
        if (!a)
                return -ENOMEM;
        return sd_bus_message_read(m, "(uttu)", &a->index, &a->value, &a->value_two, &a->op);
}
static int read_seccomp_rule(sd_bus_message *m, void *userdata) {
        SpecSeccomp *sc = userdata;
        SpecSeccompRule *rule = GROW(sc->rules, sc->n_rules);
        int r;

        if (!rule)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'r', "asuua(uttu)");
        if (r >= 0)
                r = read_strv(m, &rule->names);
        if (r >= 0)
                r = sd_bus_message_read(m, "uu", &rule->action, &rule->errno_ret);
        if (r >= 0)
                r = read_array(m, "(uttu)", read_seccomp_arg, rule);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}
static int seccomp_read(sd_bus_message *m, Spec *s, int index) {
        SpecSeccomp *sc = &s->seccomp;
        const void *p;
        size_t size;
        int r;

        r = sd_bus_message_enter_container(m, 'r', SECCOMP_SIGNATURE_INNER);
        if (r >= 0)
                r = sd_bus_message_read(m, "uuu", &sc->default_action, &sc->default_errno_ret, &sc->flags);
        if (r >= 0)
                r = sd_bus_message_read_array(m, 'u', &p, &size);
        if (r < 0)
                return r;
        if (size / sizeof(uint32_t) > 64)
                return -E2BIG;
        sc->architectures = malloc(size ?: 1);
        if (!sc->architectures)
                return -ENOMEM;
        memcpy(sc->architectures, p, size);
        sc->n_architectures = size / sizeof(uint32_t);
        r = read_array(m, "(asuua(uttu))", read_seccomp_rule, sc);
        if (r >= 0)
                r = read_optional_string(m, &sc->listener_path);
        if (r >= 0)
                r = read_optional_string(m, &sc->listener_metadata);
        if (r < 0)
                return r;
        sc->enabled = true;
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 0;
}
const SpecBusSection section_seccomp = { seccomp_present, seccomp_append, seccomp_read };

/* ---- hooks (index: the HookKind) ---- */

static bool hooks_present(const Spec *s, int index) {
        return s->n_hooks[index] > 0;
}
static int hooks_append(sd_bus_message *m, const Spec *s, int index) {
        int r = sd_bus_message_open_container(m, 'a', "(sasasi)");
        for (size_t i = 0; r >= 0 && i < s->n_hooks[index]; i++) {
                const SpecHook *h = &s->hooks[index][i];
                r = sd_bus_message_open_container(m, 'r', "sasasi");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", h->path);
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, h->args ?: (char *[]) { NULL });
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, h->env ?: (char *[]) { NULL });
                if (r >= 0)
                        r = sd_bus_message_append(m, "i", h->timeout);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        return r < 0 ? r : sd_bus_message_close_container(m);
}
typedef struct HookList {
        SpecHook **hooks;
        size_t *n;
} HookList;
static int read_hook(sd_bus_message *m, void *userdata) {
        HookList *l = userdata;
        SpecHook *h = GROW(*l->hooks, *l->n);
        int r;

        if (!h)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'r', "sasasi");
        if (r >= 0)
                r = read_string(m, &h->path);
        if (r >= 0)
                r = read_strv(m, &h->args);
        if (r >= 0)
                r = read_strv(m, &h->env);
        if (r >= 0)
                r = sd_bus_message_read(m, "i", &h->timeout);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}
static int hooks_read(sd_bus_message *m, Spec *s, int index) {
        return read_array(m, "(sasasi)", read_hook, &(HookList) { &s->hooks[index], &s->n_hooks[index] });
}
const SpecBusSection section_hooks = { hooks_present, hooks_append, hooks_read };

/* ---- linux.resources (spec-bus-resources.c) ---- */

static bool resources_present(const Spec *s, int index) {
        return true;
}
static int resources_append(sd_bus_message *m, const Spec *s, int index) {
        return spec_bus_append_resources(m, &s->resources);
}
static int resources_read(sd_bus_message *m, Spec *s, int index) {
        return spec_bus_read_resources(m, &s->resources);
}
const SpecBusSection section_resources = { resources_present, resources_append, resources_read };
