/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `ocictl features`: what this runtime accepts, in runc's JSON format (runtime-spec
 * features.md). Built here because the parser is what decides: every list below is what
 * spec-json.c takes, and what the host cannot do is reported as not enabled. */
#include <seccomp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <linux/magic.h>

#include "runtime-features.h"
#include "json-writer.h"
#include "macros.h"
#include "mount-options.h"
#include "spec.h"

static bool exists(const char *path) {
        struct stat st;
        return stat(path, &st) == 0;
}

static void write_seccomp(JsonWriter *w) {
        static const char *const actions[] = {
                "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO",  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                "SCMP_ACT_LOG",   "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP", NULL,
        };
        static const char *const operators[] = {
                "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
        };
        static const char *const archs[] = {
                "aarch64", "arm", "loongarch64", "mips", "mips64", "mips64n32", "mipsel", "mipsel64", "mipsel64n32",
                "parisc", "parisc64", "ppc", "ppc64", "ppc64le", "riscv64", "s390", "s390x", "x32", "x86", "x86_64",
        };
        /* libseccomp's API level says which filter flags this kernel takes (it probes them). */
        static const struct {
                const char *name;
                unsigned level;
        } flags[] = {
                { "SECCOMP_FILTER_FLAG_TSYNC", 2 },
                { "SECCOMP_FILTER_FLAG_LOG", 3 },
                { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4 },
                { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 7 },
        };
        unsigned level = seccomp_api_get();

        json_key(w, "seccomp");
        json_begin_object(w);
        json_key_bool(w, "enabled", true);
        json_key_strv(w, "actions", (char **) actions);
        json_key_strv(w, "operators", (char **) operators);
        json_key(w, "archs");
        json_begin_array(w);
        for (size_t i = 0; i < ELEMENTSOF(archs); i++)
                if (seccomp_arch_resolve_name(archs[i]) != 0) {
                        char name[32];
                        snprintf(name, sizeof name, "SCMP_ARCH_%s", archs[i]);
                        for (char *c = name + 10; *c; c++)
                                *c = (char) (*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
                        json_string(w, name);
                }
        json_end_array(w);
        json_key(w, "knownFlags");
        json_begin_array(w);
        for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                json_string(w, flags[i].name);
        json_end_array(w);
        json_key(w, "supportedFlags");
        json_begin_array(w);
        for (size_t i = 0; i < ELEMENTSOF(flags); i++)
                if (level >= flags[i].level)
                        json_string(w, flags[i].name);
        json_end_array(w);
        json_end_object(w);
}

char *features_json(void) {
        static const char *const memory_policy_modes[] = {
                "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
                "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE", NULL,
        };
        static const char *const memory_policy_flags[] = {
                "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
        };
        _cleanup_strv_free_ char **mount_options = mount_options_known();
        const struct scmp_version *v = seccomp_version();
        JsonWriter w = { .indent = 4 };
        char version[32];

        if (!mount_options)
                return NULL;
        json_begin_object(&w);
        json_key_string(&w, "ociVersionMin", "1.0.0");
        json_key_string(&w, "ociVersionMax", "1.3.0");
        json_key(&w, "hooks");
        json_begin_array(&w);
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++)
                json_string(&w, hook_kind_to_string(k));
        json_end_array(&w);
        json_key_strv(&w, "mountOptions", mount_options);

        json_key(&w, "linux");
        json_begin_object(&w);
        json_key(&w, "namespaces");
        json_begin_array(&w);
        for (NamespaceType t = 0; t < _NAMESPACE_MAX; t++)
                if (t != NAMESPACE_TIME || exists("/proc/self/ns/time"))
                        json_string(&w, namespace_type_to_string(t));
        json_end_array(&w);
        json_key(&w, "capabilities");
        json_begin_array(&w);
        for (int c = 0; c <= capability_last(); c++)
                if (capability_to_string(c))
                        json_string(&w, capability_to_string(c));
        json_end_array(&w);
        json_key(&w, "cgroup");
        json_begin_object(&w);
        /* What the runtime can drive, as runc reports it: v1, v2 (devices through eBPF) and
         * hybrid hosts, rdma.max; systemd's form of cgroupsPath is mapped to cgroupfs, but no
         * scope is asked of systemd. */
        json_key_bool(&w, "v1", true);
        json_key_bool(&w, "v2", true);
        json_key_bool(&w, "systemd", false);
        json_key_bool(&w, "systemdUser", false);
        json_key_bool(&w, "rdma", true);
        json_end_object(&w);
        write_seccomp(&w);
        /* Labels are refused (spec-json.c): say so, whatever the host has. */
        json_key(&w, "apparmor");
        json_begin_object(&w);
        json_key_bool(&w, "enabled", false);
        json_end_object(&w);
        json_key(&w, "selinux");
        json_begin_object(&w);
        json_key_bool(&w, "enabled", false);
        json_end_object(&w);
        json_key(&w, "intelRdt");
        json_begin_object(&w);
        json_key_bool(&w, "enabled", false);
        json_end_object(&w);
        json_key(&w, "memoryPolicy");
        json_begin_object(&w);
        json_key_strv(&w, "modes", (char **) memory_policy_modes);
        json_key_strv(&w, "flags", (char **) memory_policy_flags);
        json_end_object(&w);
        json_key(&w, "mountExtensions");
        json_begin_object(&w);
        json_key(&w, "idmap");
        json_begin_object(&w);
        json_key_bool(&w, "enabled", true);
        json_end_object(&w);
        json_end_object(&w);
        json_key(&w, "netDevices");
        json_begin_object(&w);
        json_key_bool(&w, "enabled", true);
        json_end_object(&w);
        json_end_object(&w);

        json_key(&w, "annotations");
        json_begin_object(&w);
        snprintf(version, sizeof version, "%u.%u.%u", v->major, v->minor, v->micro);
        json_key_string(&w, "io.github.seccomp.libseccomp.version", version);
        json_key_string(&w, "org.opencontainers.runc.checkpoint.enabled", "false");
        json_end_object(&w);
        json_key_strv(&w, "potentiallyUnsafeConfigAnnotations", NULL);
        json_end_object(&w);
        return json_writer_steal(&w);
}
