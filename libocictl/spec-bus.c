/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "macros.h"

#include "spec-bus.h"

/* linux.seccomp: (defaultAction, defaultErrnoRet, flags, architectures,
 *                 syscalls [(names, action, errnoRet, args [(index, value, valueTwo, op)])]) */
#define SECCOMP_SIGNATURE_INNER "uuuaua(asuua(uttu))ss" /* …, listenerPath, listenerMetadata */
#define SECCOMP_SIGNATURE "(" SECCOMP_SIGNATURE_INNER ")"
/* mounts[]: (destination, type, source, options, uidMappings, gidMappings) */
#define MOUNT_SIGNATURE_INNER "sssasa(uuu)a(uuu)"
#define MOUNT_SIGNATURE "(" MOUNT_SIGNATURE_INNER ")"
/* linux.devices[]: (path, type, major, minor, fileMode, uid, gid) */
#define DEVICE_SIGNATURE "(syxxuuu)"

static int open_entry(sd_bus_message *m, const char *key, const char *sig) {
        int r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', sig);
        return r;
}

static int close_entry(sd_bus_message *m) {
        int r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int append_string(sd_bus_message *m, const char *key, const char *v) {
        int r;
        if (!v)
                return 0;
        r = open_entry(m, key, "s");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", v);
        return r < 0 ? r : close_entry(m);
}

static int append_strv(sd_bus_message *m, const char *key, char **v) {
        int r;
        if (!v)
                return 0;
        r = open_entry(m, key, "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, v);
        return r < 0 ? r : close_entry(m);
}

static int append_pairs(sd_bus_message *m, const char *key, const StringPair *pairs, size_t n) {
        int r;
        if (n == 0)
                return 0;
        r = open_entry(m, key, "a{ss}");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "{ss}", pairs[i].key, pairs[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : close_entry(m);
}

/* The array itself, a(uuu): linux.uidMappings and a mount's idmap alike. */
static int append_id_mappings(sd_bus_message *m, const SpecIdMapping *l, size_t n) {
        int r = sd_bus_message_open_container(m, 'a', "(uuu)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(uuu)", l[i].container_id, l[i].host_id, l[i].size);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

/* One entry whose value is a basic type or a struct of them: key, signature, the values. */
static int append_entry(sd_bus_message *m, const char *key, const char *sig, ...) {
        va_list ap;
        int r = open_entry(m, key, sig);
        if (r < 0)
                return r;
        va_start(ap, sig);
        r = sd_bus_message_appendv(m, sig, ap);
        va_end(ap);
        return r < 0 ? r : close_entry(m);
}

/* A resource list as a(sxxxx): name ("" for block devices), major, minor, two values. */
static int append_resource_list(sd_bus_message *m, const char *key, const ResourceEntry *l, size_t n) {
        int r;
        if (n == 0)
                return 0;
        r = open_entry(m, key, "a(sxxxx)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sxxxx)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "(sxxxx)", l[i].name ?: "", l[i].major, l[i].minor, l[i].value[0],
                                          l[i].value[1]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r < 0 ? r : close_entry(m);
}

int spec_bus_append_resources(sd_bus_message *m, const SpecResources *res) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                if (!resources_has(res, f))
                        continue;
                if (resource_fields[f].boolean)
                        r = append_entry(m, resource_fields[f].path, "b", (int) res->value[f]);
                else
                        r = append_entry(m, resource_fields[f].path, "x", res->value[f]);
                if (r < 0)
                        return r;
        }
        if ((r = append_string(m, "cpu.cpus", res->cpus)) < 0 || (r = append_string(m, "cpu.mems", res->mems)) < 0)
                return r;
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                if ((r = append_resource_list(m, resource_lists[l].path, res->lists[l], res->n_lists[l])) < 0)
                        return r;
        if ((r = append_pairs(m, "unified", res->unified, res->n_unified)) < 0)
                return r;
        if (res->n_devices > 0) {
                r = open_entry(m, "devices", "a(bsxxs)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(bsxxs)");
                for (size_t i = 0; r >= 0 && i < res->n_devices; i++) {
                        const SpecDevice *d = &res->devices[i];
                        char type[2] = { d->type, 0 };
                        r = sd_bus_message_append(m, "(bsxxs)", d->allow, type, d->major, d->minor, d->access);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

int spec_bus_append(sd_bus_message *m, const Spec *s) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        if ((r = append_string(m, "ociVersion", s->oci_version)) < 0 ||
            (r = append_string(m, "root.path", s->root_path)) < 0 ||
            (r = append_entry(m, "root.readonly", "b", s->root_readonly)) < 0 ||
            (r = append_entry(m, "process.terminal", "b", s->terminal)) < 0 ||
            (r = append_entry(m, "process.user.uid", "u", s->uid)) < 0 ||
            (r = append_entry(m, "process.user.gid", "u", s->gid)) < 0 ||
            (r = append_strv(m, "process.args", s->args)) < 0 ||
            (r = append_strv(m, "process.env", s->env)) < 0 ||
            (r = append_string(m, "process.cwd", s->cwd)) < 0 ||
            (r = append_entry(m, "process.noNewPrivileges", "b", s->no_new_privileges)) < 0 ||
            (r = append_string(m, "hostname", s->hostname)) < 0 ||
            (r = append_string(m, "domainname", s->domainname)) < 0 ||
            (r = append_strv(m, "linux.maskedPaths", s->masked_paths)) < 0 ||
            (r = append_strv(m, "linux.readonlyPaths", s->readonly_paths)) < 0 ||
            (r = append_string(m, "linux.cgroupsPath", s->cgroups_path)) < 0 ||
            (r = append_string(m, "linux.rootfsPropagation", s->rootfs_propagation)) < 0)
                return r;
        if ((s->console_width > 0 || s->console_height > 0) &&
            (r = append_entry(m, "process.consoleSize", "(uu)", s->console_height, s->console_width)) < 0)
                return r;
        if (s->has_umask && (r = append_entry(m, "process.user.umask", "u", (uint32_t) s->umask)) < 0)
                return r;
        if (s->has_oom_score_adj && (r = append_entry(m, "process.oomScoreAdj", "i", s->oom_score_adj)) < 0)
                return r;
        if (s->has_personality && (r = append_entry(m, "linux.personality", "u", s->personality)) < 0)
                return r;
        if ((r = append_string(m, "process.execCPUAffinity.initial", s->cpu_affinity_initial)) < 0 ||
            (r = append_string(m, "process.execCPUAffinity.final", s->cpu_affinity_final)) < 0)
                return r;
        if (s->has_io_priority &&
            (r = append_entry(m, "process.ioPriority", "(uu)", s->io_class, s->io_priority)) < 0)
                return r;
        if (s->has_scheduler &&
            (r = append_entry(m, "process.scheduler", "(uiutttt)", s->sched_policy, s->sched_nice, s->sched_priority,
                              s->sched_flags, s->sched_runtime, s->sched_deadline, s->sched_period)) < 0)
                return r;
        if (s->n_additional_gids > 0) {
                r = open_entry(m, "process.user.additionalGids", "au");
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'u', s->additional_gids,
                                                        s->n_additional_gids * sizeof(uint32_t));
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        if (s->has_capabilities &&
            (r = append_entry(m, "process.capabilities", "(ttttt)", s->capabilities[0], s->capabilities[1],
                              s->capabilities[2], s->capabilities[3], s->capabilities[4])) < 0)
                return r;
        if (s->n_rlimits > 0) {
                r = open_entry(m, "process.rlimits", "a(itt)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(itt)");
                for (size_t i = 0; r >= 0 && i < s->n_rlimits; i++)
                        r = sd_bus_message_append(m, "(itt)", s->rlimits[i].resource, s->rlimits[i].soft,
                                                  s->rlimits[i].hard);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        if (s->n_mounts > 0) {
                r = open_entry(m, "mounts", "a" MOUNT_SIGNATURE);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', MOUNT_SIGNATURE);
                for (size_t i = 0; r >= 0 && i < s->n_mounts; i++) {
                        const SpecMount *mt = &s->mounts[i];
                        r = sd_bus_message_open_container(m, 'r', MOUNT_SIGNATURE_INNER);
                        if (r >= 0)
                                r = sd_bus_message_append(m, "sss", mt->destination, mt->type ?: "",
                                                          mt->source ?: "");
                        if (r >= 0)
                                r = sd_bus_message_append_strv(m, mt->options);
                        if (r >= 0)
                                r = append_id_mappings(m, mt->uid_mappings, mt->n_uid_mappings);
                        if (r >= 0)
                                r = append_id_mappings(m, mt->gid_mappings, mt->n_gid_mappings);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        if ((r = append_pairs(m, "annotations", s->annotations, s->n_annotations)) < 0 ||
            (r = append_pairs(m, "linux.sysctl", s->sysctls, s->n_sysctls)) < 0 ||
            (r = append_pairs(m, "linux.netDevices", s->net_devices, s->n_net_devices)) < 0)
                return r;
        if (s->has_time_offsets &&
            (r = append_entry(m, "linux.timeOffsets", "(xuxu)", s->time_monotonic.secs, s->time_monotonic.nanosecs,
                              s->time_boottime.secs, s->time_boottime.nanosecs)) < 0)
                return r;
        if (s->has_memory_policy &&
            (r = append_entry(m, "linux.memoryPolicy", "(us)", s->memory_policy_mode, s->memory_policy_nodes ?: "")) < 0)
                return r;
        if (s->n_devices > 0) {
                r = open_entry(m, "linux.devices", "a" DEVICE_SIGNATURE);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', DEVICE_SIGNATURE);
                for (size_t i = 0; r >= 0 && i < s->n_devices; i++) {
                        const SpecLinuxDevice *d = &s->devices[i];
                        r = sd_bus_message_append(m, DEVICE_SIGNATURE, d->path, (uint8_t) d->type, d->major,
                                                  d->minor, d->file_mode, d->uid, d->gid);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        for (int k = 0; k < 2; k++) {
                const SpecIdMapping *l = k == 0 ? s->uid_mappings : s->gid_mappings;
                size_t n = k == 0 ? s->n_uid_mappings : s->n_gid_mappings;
                if (n == 0)
                        continue;
                r = open_entry(m, k == 0 ? "linux.uidMappings" : "linux.gidMappings", "a(uuu)");
                if (r >= 0)
                        r = append_id_mappings(m, l, n);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        if (s->seccomp.enabled) {
                const SpecSeccomp *sc = &s->seccomp;
                r = open_entry(m, "linux.seccomp", SECCOMP_SIGNATURE);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'r', SECCOMP_SIGNATURE_INNER);
                if (r >= 0)
                        r = sd_bus_message_append(m, "uuu", sc->default_action, sc->default_errno_ret, sc->flags);
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'u', sc->architectures,
                                                        sc->n_architectures * sizeof(uint32_t));
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
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++) {
                char key[64];
                if (s->n_hooks[k] == 0)
                        continue;
                snprintf(key, sizeof key, "hooks.%s", hook_kind_to_string(k));
                r = open_entry(m, key, "a(sasasi)");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "(sasasi)");
                for (size_t i = 0; r >= 0 && i < s->n_hooks[k]; i++) {
                        const SpecHook *h = &s->hooks[k][i];
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
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = close_entry(m);
                if (r < 0)
                        return r;
        }
        r = open_entry(m, "linux.namespaces", "a(ss)");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ss)");
        for (int i = 0; r >= 0 && i < _NAMESPACE_MAX; i++)
                if (s->namespaces[i].enabled)
                        r = sd_bus_message_append(m, "(ss)", namespace_type_to_string(i),
                                                  s->namespaces[i].path ?: "");
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = close_entry(m);
        if (r < 0)
                return r;

        r = open_entry(m, "linux.resources", "a{sv}");
        if (r >= 0)
                r = spec_bus_append_resources(m, &s->resources);
        if (r >= 0)
                r = close_entry(m);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(m);
}

/* ---- reading ---- */

static int read_string(sd_bus_message *m, char **ret) {
        const char *v;
        int r = sd_bus_message_read(m, "s", &v);
        if (r < 0)
                return r;
        if (strlen(v) > SPEC_MAX_STRING_LENGTH)
                return -E2BIG;
        free(*ret);
        *ret = strdup(v);
        return *ret ? 0 : -ENOMEM;
}

/* "" stands for an unset string. */
static int read_optional_string(sd_bus_message *m, char **ret) {
        int r = read_string(m, ret);
        if (r >= 0 && **ret == 0) {
                free(*ret);
                *ret = NULL;
        }
        return r;
}

static int read_strv(sd_bus_message *m, char ***ret) {
        char **l = NULL;
        int r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        if (strv_length(l) > SPEC_MAX_STRINGS) {
                strv_free(l);
                return -E2BIG;
        }
        strv_free(*ret);
        *ret = l;
        return 0;
}

/* Enters a{T}, calls item() once per element; bounded like every caller-controlled list. */
static int read_array(sd_bus_message *m, const char *contents, int (*item)(sd_bus_message *m, void *userdata),
                      void *userdata) {
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', contents);
        if (r < 0)
                return r;
        /* peek_type() answers 0 at the end of the array. */
        while ((r = sd_bus_message_peek_type(m, NULL, NULL)) > 0) {
                if (++n > SPEC_MAX_STRINGS)
                        return -E2BIG;
                r = item(m, userdata);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 0; /* 0, not sd-bus's 1: callers chain steps with ?: */
}

#define GROW(array, n)                                                               \
        ({                                                                           \
                typeof(array) _a = realloc((array), ((n) + 1) * sizeof(*(array)));   \
                if (_a) {                                                            \
                        (array) = _a;                                                \
                        memset(&(array)[(n)], 0, sizeof(*(array)));                  \
                }                                                                    \
                _a ? &(array)[(n)++] : NULL;                                         \
        })

static int read_rlimit(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        SpecRlimit *rl = GROW(s->rlimits, s->n_rlimits);
        if (!rl)
                return -ENOMEM;
        return sd_bus_message_read(m, "(itt)", &rl->resource, &rl->soft, &rl->hard);
}

typedef struct IdMappingList {
        SpecIdMapping **mappings;
        size_t *n;
} IdMappingList;

static int read_id_mapping(sd_bus_message *m, void *userdata) {
        IdMappingList *l = userdata;
        SpecIdMapping *e;
        if (*l->n >= SPEC_ID_MAPPINGS_MAX)
                return -E2BIG;
        e = GROW(*l->mappings, *l->n);
        if (!e)
                return -ENOMEM;
        return sd_bus_message_read(m, "(uuu)", &e->container_id, &e->host_id, &e->size);
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
                r = read_array(m, "(uuu)", read_id_mapping, &(IdMappingList) { &mt->uid_mappings, &mt->n_uid_mappings });
        if (r >= 0)
                r = read_array(m, "(uuu)", read_id_mapping, &(IdMappingList) { &mt->gid_mappings, &mt->n_gid_mappings });
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
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

typedef struct PairList {
        StringPair **pairs;
        size_t *n;
} PairList;

static int read_pair(sd_bus_message *m, void *userdata) {
        PairList *l = userdata;
        StringPair *a = GROW(*l->pairs, *l->n);
        const char *k, *v;
        int r;

        if (!a)
                return -ENOMEM;
        r = sd_bus_message_read(m, "{ss}", &k, &v);
        if (r < 0)
                return r;
        a->key = strdup(k);
        a->value = strdup(v);
        return a->key && a->value ? 0 : -ENOMEM;
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

static int read_seccomp(sd_bus_message *m, SpecSeccomp *sc) {
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

static int read_device(sd_bus_message *m, void *userdata) {
        SpecResources *res = userdata;
        SpecDevice *d = GROW(res->devices, res->n_devices);
        const char *type, *access;
        int allow, r;

        if (!d)
                return -ENOMEM;
        r = sd_bus_message_read(m, "(bsxxs)", &allow, &type, &d->major, &d->minor, &access);
        if (r < 0)
                return r;
        if (strlen(type) != 1 || strlen(access) >= sizeof d->access)
                return -EBADMSG;
        d->allow = allow;
        d->type = type[0];
        strcpy(d->access, access);
        return 0;
}

/* Inside a variant: enter it (0 on success, for chaining with ?:) and leave it. */
#define ENTER(sig) ((r = sd_bus_message_enter_container(m, 'v', sig)) < 0 ? r : 0)
#define EXIT() sd_bus_message_exit_container(m)

typedef struct ResourceListTarget {
        SpecResources *res;
        ResourceList list;
} ResourceListTarget;

static int read_resource_list_entry(sd_bus_message *m, void *userdata) {
        ResourceListTarget *t = userdata;
        int64_t major, minor, v0, v1;
        const char *name;
        ResourceEntry *e;
        int r;

        r = sd_bus_message_read(m, "(sxxxx)", &name, &major, &minor, &v0, &v1);
        if (r < 0)
                return r;
        e = resources_add_entry(t->res, t->list, *name ? name : NULL);
        if (!e)
                return -ENOMEM;
        *e = (ResourceEntry) { e->name, major, minor, { v0, v1 } };
        return 0;
}

static int read_resource_entry(sd_bus_message *m, void *userdata) {
        SpecResources *res = userdata;
        const char *key;
        int r;

        r = sd_bus_message_enter_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;
        r = -EBADMSG;
        for (ResourceField f = 0; f < _RES_FIELD_MAX; f++) {
                if (!streq(key, resource_fields[f].path))
                        continue;
                if (resource_fields[f].boolean) {
                        int b;
                        r = sd_bus_message_read(m, "v", "b", &b);
                        resources_set(res, f, b);
                } else {
                        int64_t v;
                        r = sd_bus_message_read(m, "v", "x", &v);
                        resources_set(res, f, v);
                }
        }
        for (ResourceList l = 0; l < _RES_LIST_MAX; l++)
                if (streq(key, resource_lists[l].path))
                        r = ENTER("a(sxxxx)") ?: read_array(m, "(sxxxx)", read_resource_list_entry,
                                                            &(ResourceListTarget) { res, l }) ?: EXIT();
        if (streq(key, "cpu.cpus"))
                r = ENTER("s") ?: read_string(m, &res->cpus) ?: EXIT();
        else if (streq(key, "cpu.mems"))
                r = ENTER("s") ?: read_string(m, &res->mems) ?: EXIT();
        else if (streq(key, "unified"))
                r = ENTER("a{ss}") ?: read_array(m, "{ss}", read_pair, &(PairList) { &res->unified, &res->n_unified }) ?: EXIT();
        else if (streq(key, "devices"))
                r = ENTER("a(bsxxs)") ?: read_array(m, "(bsxxs)", read_device, res) ?: EXIT();
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}


static int read_entry(sd_bus_message *m, void *userdata) {
        Spec *s = userdata;
        const char *key;
        int b, r;

        r = sd_bus_message_enter_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;

        if (streq(key, "ociVersion"))
                r = ENTER("s") ?: read_string(m, &s->oci_version) ?: EXIT();
        else if (streq(key, "root.path"))
                r = ENTER("s") ?: read_string(m, &s->root_path) ?: EXIT();
        else if (streq(key, "root.readonly")) {
                r = sd_bus_message_read(m, "v", "b", &b);
                s->root_readonly = b;
        } else if (streq(key, "process.terminal")) {
                r = sd_bus_message_read(m, "v", "b", &b);
                s->terminal = b;
        } else if (streq(key, "linux.personality")) {
                r = sd_bus_message_read(m, "v", "u", &s->personality);
                s->has_personality = true;
        } else if (streq(key, "process.execCPUAffinity.initial"))
                r = ENTER("s") ?: read_string(m, &s->cpu_affinity_initial) ?: EXIT();
        else if (streq(key, "process.execCPUAffinity.final"))
                r = ENTER("s") ?: read_string(m, &s->cpu_affinity_final) ?: EXIT();
        else if (streq(key, "process.ioPriority")) {
                r = sd_bus_message_read(m, "v", "(uu)", &s->io_class, &s->io_priority);
                s->has_io_priority = true;
        } else if (streq(key, "process.scheduler")) {
                r = sd_bus_message_read(m, "v", "(uiutttt)", &s->sched_policy, &s->sched_nice, &s->sched_priority,
                                        &s->sched_flags, &s->sched_runtime, &s->sched_deadline, &s->sched_period);
                s->has_scheduler = true;
        } else if (streq(key, "process.consoleSize"))
                r = sd_bus_message_read(m, "v", "(uu)", &s->console_height, &s->console_width);
        else if (streq(key, "process.user.uid"))
                r = sd_bus_message_read(m, "v", "u", &s->uid);
        else if (streq(key, "process.user.gid"))
                r = sd_bus_message_read(m, "v", "u", &s->gid);
        else if (streq(key, "process.user.umask")) {
                uint32_t u;
                r = sd_bus_message_read(m, "v", "u", &u);
                s->umask = u;
                s->has_umask = true;
        } else if (streq(key, "process.user.additionalGids")) {
                const void *p;
                size_t sz;
                r = ENTER("au") ?: sd_bus_message_read_array(m, 'u', &p, &sz);
                if (r >= 0 && sz / sizeof(uint32_t) > SPEC_MAX_STRINGS)
                        r = -E2BIG;
                if (r >= 0) {
                        free(s->additional_gids);
                        s->additional_gids = malloc(sz ?: 1);
                        if (!s->additional_gids)
                                return -ENOMEM;
                        memcpy(s->additional_gids, p, sz);
                        s->n_additional_gids = sz / sizeof(uint32_t);
                        r = EXIT();
                }
        } else if (streq(key, "process.args"))
                r = ENTER("as") ?: read_strv(m, &s->args) ?: EXIT();
        else if (streq(key, "process.env"))
                r = ENTER("as") ?: read_strv(m, &s->env) ?: EXIT();
        else if (streq(key, "process.cwd"))
                r = ENTER("s") ?: read_string(m, &s->cwd) ?: EXIT();
        else if (streq(key, "process.capabilities")) {
                uint64_t *c = s->capabilities;
                r = sd_bus_message_read(m, "v", "(ttttt)", &c[0], &c[1], &c[2], &c[3], &c[4]);
                s->has_capabilities = true;
        } else if (streq(key, "process.rlimits"))
                r = ENTER("a(itt)") ?: read_array(m, "(itt)", read_rlimit, s) ?: EXIT();
        else if (streq(key, "process.noNewPrivileges")) {
                r = sd_bus_message_read(m, "v", "b", &b);
                s->no_new_privileges = b;
        } else if (streq(key, "process.oomScoreAdj")) {
                r = sd_bus_message_read(m, "v", "i", &s->oom_score_adj);
                s->has_oom_score_adj = true;
        } else if (streq(key, "hostname"))
                r = ENTER("s") ?: read_string(m, &s->hostname) ?: EXIT();
        else if (streq(key, "mounts"))
                r = ENTER("a" MOUNT_SIGNATURE) ?: read_array(m, MOUNT_SIGNATURE, read_mount, s) ?: EXIT();
        else if (streq(key, "annotations"))
                r = ENTER("a{ss}") ?: read_array(m, "{ss}", read_pair, &(PairList) { &s->annotations, &s->n_annotations }) ?: EXIT();
        else if (streq(key, "linux.sysctl"))
                r = ENTER("a{ss}") ?: read_array(m, "{ss}", read_pair, &(PairList) { &s->sysctls, &s->n_sysctls }) ?: EXIT();
        else if (streq(key, "domainname"))
                r = ENTER("s") ?: read_string(m, &s->domainname) ?: EXIT();
        else if (streq(key, "linux.namespaces"))
                r = ENTER("a(ss)") ?: read_array(m, "(ss)", read_namespace, s) ?: EXIT();
        else if (streq(key, "linux.uidMappings"))
                r = ENTER("a(uuu)") ?: read_array(m, "(uuu)", read_id_mapping, &(IdMappingList) { &s->uid_mappings, &s->n_uid_mappings }) ?: EXIT();
        else if (streq(key, "linux.gidMappings"))
                r = ENTER("a(uuu)") ?: read_array(m, "(uuu)", read_id_mapping, &(IdMappingList) { &s->gid_mappings, &s->n_gid_mappings }) ?: EXIT();
        else if (streq(key, "linux.netDevices"))
                r = ENTER("a{ss}") ?: read_array(m, "{ss}", read_pair, &(PairList) { &s->net_devices, &s->n_net_devices }) ?: EXIT();
        else if (streq(key, "linux.devices"))
                r = ENTER("a" DEVICE_SIGNATURE) ?: read_array(m, DEVICE_SIGNATURE, read_linux_device, s) ?: EXIT();
        else if (streq(key, "linux.timeOffsets")) {
                r = sd_bus_message_read(m, "v", "(xuxu)", &s->time_monotonic.secs, &s->time_monotonic.nanosecs,
                                        &s->time_boottime.secs, &s->time_boottime.nanosecs);
                s->has_time_offsets = true;
        } else if (streq(key, "linux.memoryPolicy")) {
                r = ENTER("(us)") ?: sd_bus_message_enter_container(m, 'r', "us");
                if (r >= 0)
                        r = sd_bus_message_read(m, "u", &s->memory_policy_mode);
                if (r >= 0)
                        r = read_optional_string(m, &s->memory_policy_nodes);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r >= 0)
                        r = EXIT();
                s->has_memory_policy = true;
        }
        else if (streq(key, "linux.seccomp"))
                r = ENTER(SECCOMP_SIGNATURE) ?: read_seccomp(m, &s->seccomp) ?: EXIT();
        else if (strneq(key, "hooks.", 6)) {
                HookKind k = _HOOK_KIND_INVALID;
                for (HookKind i = 0; i < _HOOK_KIND_MAX; i++)
                        if (streq(key + 6, hook_kind_to_string(i)))
                                k = i;
                if (k < 0)
                        r = -EBADMSG;
                else
                        r = ENTER("a(sasasi)") ?: read_array(m, "(sasasi)", read_hook, &(HookList) { &s->hooks[k], &s->n_hooks[k] }) ?: EXIT();
        } else if (streq(key, "linux.maskedPaths"))
                r = ENTER("as") ?: read_strv(m, &s->masked_paths) ?: EXIT();
        else if (streq(key, "linux.readonlyPaths"))
                r = ENTER("as") ?: read_strv(m, &s->readonly_paths) ?: EXIT();
        else if (streq(key, "linux.cgroupsPath"))
                r = ENTER("s") ?: read_string(m, &s->cgroups_path) ?: EXIT();
        else if (streq(key, "linux.rootfsPropagation"))
                r = ENTER("s") ?: read_string(m, &s->rootfs_propagation) ?: EXIT();
        else if (streq(key, "linux.resources"))
                r = ENTER("a{sv}") ?: spec_bus_read_resources(m, &s->resources) ?: EXIT();
        else
                r = -EBADMSG;
#undef ENTER
#undef EXIT
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int spec_bus_read_resources(sd_bus_message *m, SpecResources *res) {
        return read_array(m, "{sv}", read_resource_entry, res);
}

int spec_bus_read(sd_bus_message *m, Spec *s) {
        return read_array(m, "{sv}", read_entry, s);
}
