/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json, "linux": namespaces and id mappings, time offsets, devices, net devices, memory policy, sysctls. */
#include <net/if.h>

#include "spec-json-parser.h"
#include "systemd-path.h"

static int parse_namespaces(Parser *p, JsonValue *n) {
        JsonValue *a;
        int r;

        if (!n)
                return 0;
        r = want_array(p, n, "linux.namespaces", &a);
        if (r < 0)
                return r;
        for (size_t i = 0; i < json_length(a); i++) {
                _cleanup_free_ char *path = join_index("linux.namespaces", i), *tpath = NULL, *type = NULL;
                NamespaceType t;
                JsonValue *o = NULL;
                JsonValue *m;

                r = want_object(p, json_array_at(a, i), path, &o);
                if (r < 0)
                        return r;
                tpath = join(path, "type");
                if (!(m = member(o, "type")))
                        return fail(p, tpath, "missing");
                if ((r = want_string(p, m, tpath, &type)) < 0)
                        return r;
                t = namespace_type_from_string(type);
                if (t < 0)
                        return fail(p, tpath, "unknown namespace \"%s\"", type);
                if (p->spec->namespaces[t].enabled)
                        return fail(p, tpath, "namespace \"%s\" is given twice", type);
                if (t == NAMESPACE_TIME && access("/proc/self/ns/time", F_OK) < 0)
                        return fail(p, tpath, "this kernel has no time namespaces");
                p->spec->namespaces[t].enabled = true;
                if ((m = member(o, "path"))) {
                        _cleanup_free_ char *ppath = join(path, "path");
                        if ((r = want_string(p, m, ppath, &p->spec->namespaces[t].path)) < 0)
                                return r;
                        if (!path_is_absolute(p->spec->namespaces[t].path))
                                return fail(p, ppath, "\"%s\" is not an absolute path", p->spec->namespaces[t].path);
                }
        }
        return 0;
}

int parse_id_mappings(Parser *p, JsonValue *n, const char *base, SpecIdMapping **ret, size_t *ret_n) {
        static const char *const fields[] = { "containerID", "hostID", "size" };
        JsonValue *a;
        size_t len;
        int r;

        r = want_array(p, n, base, &a);
        if (r < 0)
                return r;
        len = json_length(a);
        if (len > SPEC_ID_MAPPINGS_MAX)
                return fail(p, base, "more than %d entries (the kernel's limit)", SPEC_ID_MAPPINGS_MAX);
        *ret = calloc(len ?: 1, sizeof(SpecIdMapping));
        if (!*ret)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index(base, i);
                SpecIdMapping *e = &(*ret)[(*ret_n)++];
                uint32_t *v[] = { &e->container_id, &e->host_id, &e->size };
                JsonValue *o = NULL;
                JsonValue *m;
                int64_t x;

                r = want_object(p, json_array_at(a, i), path, &o);
                if (r < 0)
                        return r;
                for (size_t f = 0; f < ELEMENTSOF(fields); f++) {
                        _cleanup_free_ char *fpath = join(path, fields[f]);
                        if (!(m = member(o, fields[f])))
                                return fail(p, fpath, "missing");
                        r = want_int(p, m, fpath, f == 2 ? 1 : 0, UINT32_MAX, &x);
                        if (r < 0)
                                return r;
                        *v[f] = (uint32_t) x;
                }
                if ((uint64_t) e->container_id + e->size > UINT32_MAX || (uint64_t) e->host_id + e->size > UINT32_MAX)
                        return fail(p, path, "the range overflows 32 bits");
        }
        return 0;
}

static int parse_time_offsets(Parser *p, JsonValue *n) {
        static const char *const clocks[] = { "monotonic", "boottime" };
        Spec *s = p->spec;
        SpecTimeOffset *offsets[] = { &s->time_monotonic, &s->time_boottime };
        JsonValue *o = NULL;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.timeOffsets", &o)) < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(clocks); i++) {
                _cleanup_free_ char *cpath = join("linux.timeOffsets", clocks[i]);
                JsonValue *co = NULL;
                JsonValue *m, *v;
                int64_t x;

                if (!(m = member(o, clocks[i])))
                        continue;
                if ((r = want_object(p, m, cpath, &co)) < 0)
                        return r;
                if ((v = member(co, "secs"))) {
                        _cleanup_free_ char *fpath = join(cpath, "secs");
                        if ((r = want_int(p, v, fpath, INT64_MIN, INT64_MAX, &offsets[i]->secs)) < 0)
                                return r;
                }
                if ((v = member(co, "nanosecs"))) {
                        _cleanup_free_ char *fpath = join(cpath, "nanosecs");
                        if ((r = want_int(p, v, fpath, 0, 999999999, &x)) < 0)
                                return r;
                        offsets[i]->nanosecs = (uint32_t) x;
                }
        }
        for (size_t i = 0; i < o->object.n; i++) {
                const char *name = o->object.members[i].name;
                if (!streq(name, "monotonic") && !streq(name, "boottime")) {
                        _cleanup_free_ char *cpath = join("linux.timeOffsets", name);
                        return fail(p, cpath, "unknown clock (monotonic or boottime)");
                }
        }
        s->has_time_offsets = true;
        return 0;
}

/* linux.devices: nodes to create in /dev. They get no device-cgroup rule of their own: as with
 * runc, only linux.resources.devices (and the default set) decides what may be opened, so a
 * config that denies a device keeps it denied even if the node is made. */
static int parse_linux_devices(Parser *p, JsonValue *n) {
        Spec *s = p->spec;
        JsonValue *a;
        size_t len;
        int r;

        if (!n)
                return 0;
        if ((r = want_array(p, n, "linux.devices", &a)) < 0)
                return r;
        len = json_length(a);
        s->devices = calloc(len ?: 1, sizeof(SpecLinuxDevice));
        if (!s->devices)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                _cleanup_free_ char *path = join_index("linux.devices", i), *type = NULL;
                SpecLinuxDevice *d = &s->devices[s->n_devices++];
                JsonValue *o = NULL;
                JsonValue *m;
                int64_t v;

                if ((r = want_object(p, json_array_at(a, i), path, &o)) < 0)
                        return r;
                {
                        _cleanup_free_ char *fpath = join(path, "path");
                        if (!(m = member(o, "path")))
                                return fail(p, fpath, "missing");
                        if ((r = want_string(p, m, fpath, &d->path)) < 0)
                                return r;
                        /* runc allows device nodes under /dev only. */
                        if (!startswith(d->path, "/dev/") || strstr(d->path, "/../") || endswith(d->path, "/.."))
                                return fail(p, fpath, "\"%s\" is not a path under /dev", d->path);
                }
                {
                        _cleanup_free_ char *fpath = join(path, "type");
                        if (!(m = member(o, "type")))
                                return fail(p, fpath, "missing");
                        if ((r = want_string(p, m, fpath, &type)) < 0)
                                return r;
                        if (!streq(type, "c") && !streq(type, "u") && !streq(type, "b") && !streq(type, "p"))
                                return fail(p, fpath, "unknown device type \"%s\" (c, u, b or p)", type);
                        d->type = type[0] == 'u' ? 'c' : type[0];
                }
                static const char *const numbers[] = { "major", "minor" };
                int64_t *fields[] = { &d->major, &d->minor };
                for (size_t k = 0; k < 2; k++) {
                        _cleanup_free_ char *fpath = join(path, numbers[k]);
                        if (!(m = member(o, numbers[k]))) {
                                if (d->type != 'p')
                                        return fail(p, fpath, "missing");
                                continue;
                        }
                        if ((r = want_int(p, m, fpath, 0, numbers[k][1] == 'a' ? 4095 : 1048575, fields[k])) < 0)
                                return r;
                }
                d->file_mode = 0666; /* runc's default */
                if ((m = member(o, "fileMode"))) {
                        _cleanup_free_ char *fpath = join(path, "fileMode");
                        /* podman sends the whole st_mode (8630 = S_IFCHR | 0666): as runc, the
                         * file-type bits go, the type comes from "type". */
                        if ((r = want_int(p, m, fpath, 0, 0177777, &v)) < 0)
                                return r;
                        d->file_mode = (uint32_t) v & 07777;
                }
                if ((m = member(o, "uid"))) {
                        _cleanup_free_ char *fpath = join(path, "uid");
                        if ((r = want_int(p, m, fpath, 0, UINT32_MAX - 1, &v)) < 0)
                                return r;
                        d->uid = (uint32_t) v;
                }
                if ((m = member(o, "gid"))) {
                        _cleanup_free_ char *fpath = join(path, "gid");
                        if ((r = want_int(p, m, fpath, 0, UINT32_MAX - 1, &v)) < 0)
                                return r;
                        d->gid = (uint32_t) v;
                }
        }
        return 0;
}

/* linux.netDevices: {"host name": {"name": "name inside"}}. */
static int parse_net_devices(Parser *p, JsonValue *n) {
        Spec *s = p->spec;
        JsonValue *o = NULL;
        int r = 0;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.netDevices", &o)) < 0)
                return r;
        s->net_devices = calloc(o->object.n + 1, sizeof(StringPair));
        if (!s->net_devices)
                return -ENOMEM;
        for (size_t i = 0; i < o->object.n && r >= 0; i++) {
                const JsonMember *device = &o->object.members[i];
                _cleanup_free_ char *path = join("linux.netDevices", device->name), *npath = join(path, "name");
                StringPair *pair = &s->net_devices[s->n_net_devices++];
                JsonValue *d = NULL;
                JsonValue *m;

                pair->key = strdup(device->name);
                if (!pair->key) {
                        r = -ENOMEM;
                        break;
                }
                if (strlen(pair->key) == 0 || strlen(pair->key) >= IFNAMSIZ || strpbrk(pair->key, "/: \t\n")) {
                        r = fail(p, path, "\"%s\" is not an interface name", pair->key);
                        break;
                }
                if ((r = want_object(p, device->value, path, &d)) < 0)
                        break;
                if ((m = member(d, "name")) && (r = want_string(p, m, npath, &pair->value)) < 0)
                        break;
                if (!pair->value && !(pair->value = strdup(pair->key))) {
                        r = -ENOMEM;
                        break;
                }
                if (strlen(pair->value) == 0 || strlen(pair->value) >= IFNAMSIZ || strpbrk(pair->value, "/: \t\n") ||
                    streq(pair->value, ".") || streq(pair->value, ".."))
                        r = fail(p, npath, "\"%s\" is not an interface name", pair->value);
        }
        return r;
}

/* linux.memoryPolicy: set_mempolicy(2) for the container's processes. */
static int parse_memory_policy(Parser *p, JsonValue *n) {
        /* In the order of their values: modes[mode].name names a mode. */
        static const NamedValue modes[] = {
                { "MPOL_DEFAULT", 0 },        { "MPOL_PREFERRED", 1 }, { "MPOL_BIND", 2 },
                { "MPOL_INTERLEAVE", 3 },     { "MPOL_LOCAL", 4 },     { "MPOL_PREFERRED_MANY", 5 },
                { "MPOL_WEIGHTED_INTERLEAVE", 6 },
        }, flags[] = {
                { "MPOL_F_NUMA_BALANCING", 1u << 13 }, { "MPOL_F_RELATIVE_NODES", 1u << 14 },
                { "MPOL_F_STATIC_NODES", 1u << 15 },
        };
        Spec *s = p->spec;
        JsonValue *o = NULL;
        JsonValue *m;
        uint64_t mode, mode_flags = 0;
        int r;

        if (!n)
                return 0;
        if ((r = want_object(p, n, "linux.memoryPolicy", &o)) < 0)
                return r;
        r = want_named(p, o, "mode", "linux.memoryPolicy.mode", "mode", modes, ELEMENTSOF(modes), &mode);
        if (r < 0)
                return r;
        s->memory_policy_mode = (uint32_t) mode;
        if ((m = member(o, "nodes"))) {
                if ((r = want_string(p, m, "linux.memoryPolicy.nodes", &s->memory_policy_nodes)) < 0)
                        return r;
                if (*s->memory_policy_nodes && !cpu_list_is_valid(s->memory_policy_nodes))
                        return fail(p, "linux.memoryPolicy.nodes", "\"%s\" is not a node list like \"0-3,7\"",
                                    s->memory_policy_nodes);
        }
        /* What set_mempolicy(2) demands of each mode. */
        bool has_nodes = s->memory_policy_nodes && *s->memory_policy_nodes;
        if ((mode == 0 || mode == 4) && has_nodes)
                return fail(p, "linux.memoryPolicy.nodes", "%s takes no nodes", modes[mode].name);
        if (mode != 0 && mode != 4 && !has_nodes)
                return fail(p, "linux.memoryPolicy.nodes", "%s needs nodes", modes[mode].name);
        if ((m = member(o, "flags")) &&
            (r = want_flags(p, m, "linux.memoryPolicy.flags", flags, ELEMENTSOF(flags), &mode_flags)) < 0)
                return r;
        s->memory_policy_mode |= (uint32_t) mode_flags;
        s->has_memory_policy = true;
        return 0;
}

int parse_linux(Parser *p, JsonValue *n) {
        Spec *s = p->spec;
        JsonValue *o = NULL;
        JsonValue *m;
        int r;

        if (!n)
                return 0;
        r = want_object(p, n, "linux", &o);
        if (r < 0)
                return r;
        if ((r = parse_namespaces(p, member(o, "namespaces"))) < 0)
                return r;
        if ((r = parse_time_offsets(p, member(o, "timeOffsets"))) < 0 ||
            (r = parse_linux_devices(p, member(o, "devices"))) < 0 ||
            (r = parse_net_devices(p, member(o, "netDevices"))) < 0 ||
            (r = parse_memory_policy(p, member(o, "memoryPolicy"))) < 0)
                return r;
        if ((m = member(o, "uidMappings")) &&
            (r = parse_id_mappings(p, m, "linux.uidMappings", &s->uid_mappings, &s->n_uid_mappings)) < 0)
                return r;
        if ((m = member(o, "gidMappings")) &&
            (r = parse_id_mappings(p, m, "linux.gidMappings", &s->gid_mappings, &s->n_gid_mappings)) < 0)
                return r;
        /* A new user namespace without maps would leave every id unmapped (nobody). */
        if (s->namespaces[NAMESPACE_USER].enabled && !s->namespaces[NAMESPACE_USER].path &&
            (s->n_uid_mappings == 0 || s->n_gid_mappings == 0))
                return fail(p, "linux.uidMappings", "a new user namespace needs uidMappings and gidMappings");
        if ((s->n_uid_mappings > 0 || s->n_gid_mappings > 0) &&
            !(s->namespaces[NAMESPACE_USER].enabled && !s->namespaces[NAMESPACE_USER].path))
                return fail(p, "linux.uidMappings", "mappings need a new user namespace (linux.namespaces)");
        if ((r = parse_resources(p, member(o, "resources"))) < 0)
                return r;
        if ((m = member(o, "seccomp")) && (r = parse_seccomp(p, m)) < 0)
                return r;
        if ((r = parse_lsm_label(p, member(o, "mountLabel"), "linux.mountLabel", "/sys/fs/selinux", "SELinux")) < 0)
                return r;
        if ((m = member(o, "intelRdt"))) {
                if (access("/sys/fs/resctrl/schemata", F_OK) < 0)
                        return fail(p, "linux.intelRdt", "this host has no resctrl filesystem (Intel RDT)");
                return fail(p, "linux.intelRdt", "not supported yet");
        }
        if ((m = member(o, "personality"))) {
                static const char *const unsupported_personality[] = { "flags", NULL };
                _cleanup_free_ char *domain = NULL;
                JsonValue *po = NULL;
                JsonValue *d;
                if ((r = want_object(p, m, "linux.personality", &po)) < 0)
                        return r;
                if ((r = refuse_unsupported(p, po, "linux.personality", unsupported_personality)) < 0)
                        return r;
                if (!(d = member(po, "domain")))
                        return fail(p, "linux.personality.domain", "missing");
                if ((r = want_string(p, d, "linux.personality.domain", &domain)) < 0)
                        return r;
                if (streq(domain, "LINUX"))
                        s->personality = 0x0000;
                else if (streq(domain, "LINUX32"))
                        s->personality = 0x0008;
                else
                        return fail(p, "linux.personality.domain", "unknown domain \"%s\" (LINUX or LINUX32)", domain);
                s->has_personality = true;
        }
        if ((r = parse_string_map(p, member(o, "sysctl"), "linux.sysctl", 0, &s->sysctls, &s->n_sysctls)) < 0)
                return r;
        if ((m = member(o, "cgroupsPath"))) {
                if ((r = want_string(p, m, "linux.cgroupsPath", &s->cgroups_path)) < 0)
                        return r;
                if (cgroups_path_is_systemd(s->cgroups_path)) {
                        _cleanup_free_ char *mapped = NULL;
                        const char *reason = NULL;
                        r = systemd_cgroups_path(s->cgroups_path, &mapped, &reason);
                        if (r == -EINVAL)
                                return fail(p, "linux.cgroupsPath", "\"%s\": %s", s->cgroups_path, reason);
                        if (r < 0)
                                return r;
                }
                for (const char *c = s->cgroups_path; *c;) {
                        size_t len = strcspn(c, "/");
                        if ((len == 2 && strneq(c, "..", 2)))
                                return fail(p, "linux.cgroupsPath", "\"%s\" must not contain \"..\"", s->cgroups_path);
                        c += len;
                        c += strspn(c, "/");
                }
        }
        if ((m = member(o, "rootfsPropagation"))) {
                static const char *const allowed[] = { "private", "rprivate", "slave", "rslave",
                                                       "shared", "rshared", "unbindable", "runbindable", NULL };
                bool ok = false;
                if ((r = want_string(p, m, "linux.rootfsPropagation", &s->rootfs_propagation)) < 0)
                        return r;
                for (const char *const *a = allowed; *a; a++)
                        ok = ok || streq(*a, s->rootfs_propagation);
                if (!ok)
                        return fail(p, "linux.rootfsPropagation", "unknown propagation \"%s\"", s->rootfs_propagation);
        }
        if ((m = member(o, "maskedPaths")) && (r = want_strv(p, m, "linux.maskedPaths", &s->masked_paths)) < 0)
                return r;
        if ((m = member(o, "readonlyPaths")) && (r = want_strv(p, m, "linux.readonlyPaths", &s->readonly_paths)) < 0)
                return r;
        for (char **l = s->masked_paths; l && *l; l++)
                if (!path_is_absolute(*l))
                        return fail(p, "linux.maskedPaths", "\"%s\" is not an absolute path", *l);
        for (char **l = s->readonly_paths; l && *l; l++)
                if (!path_is_absolute(*l))
                        return fail(p, "linux.readonlyPaths", "\"%s\" is not an absolute path", *l);
        return 0;
}

/* The namespace a sysctl belongs to, as runc's validation has it, or _NAMESPACE_INVALID for
 * one that is global. */
NamespaceType sysctl_namespace(const char *key) {
        static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                           "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                                           "kernel.shm_rmid_forced", NULL };
        for (const char *const *k = ipc; *k; k++)
                if (streq(key, *k))
                        return NAMESPACE_IPC;
        if (startswith(key, "fs.mqueue."))
                return NAMESPACE_IPC;
        if (startswith(key, "net."))
                return NAMESPACE_NETWORK;
        if (streq(key, "kernel.hostname") || streq(key, "kernel.domainname"))
                return NAMESPACE_UTS;
        return _NAMESPACE_INVALID;
}
