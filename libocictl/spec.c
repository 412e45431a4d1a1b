/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>

#include "spec.h"

void spec_done(Spec *s) {
        free(s->oci_version);
        free(s->root_path);
        free(s->additional_gids);
        strv_free(s->args);
        strv_free(s->env);
        free(s->cwd);
        free(s->rlimits);
        free(s->hostname);
        free(s->cpu_affinity_initial);
        free(s->cpu_affinity_final);
        free(s->domainname);
        string_pairs_free(s->sysctls, s->n_sysctls);
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].type);
                free(s->mounts[i].source);
                strv_free(s->mounts[i].options);
                free(s->mounts[i].uid_mappings);
                free(s->mounts[i].gid_mappings);
        }
        free(s->mounts);
        string_pairs_free(s->annotations, s->n_annotations);
        for (int i = 0; i < _NAMESPACE_MAX; i++)
                free(s->namespaces[i].path);
        free(s->uid_mappings);
        free(s->gid_mappings);
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        string_pairs_free(s->net_devices, s->n_net_devices);
        free(s->memory_policy_nodes);
        free(s->seccomp.listener_path);
        free(s->seccomp.listener_metadata);
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        free(s->cgroups_path);
        free(s->rootfs_propagation);
        resources_done(&s->resources);
        free(s->seccomp.architectures);
        for (size_t i = 0; i < s->seccomp.n_rules; i++) {
                strv_free(s->seccomp.rules[i].names);
                free(s->seccomp.rules[i].args);
        }
        free(s->seccomp.rules);
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++) {
                for (size_t i = 0; i < s->n_hooks[k]; i++) {
                        free(s->hooks[k][i].path);
                        strv_free(s->hooks[k][i].args);
                        strv_free(s->hooks[k][i].env);
                }
                free(s->hooks[k]);
        }
        *s = (Spec) {};
}

void spec_take_process(Spec *dst, Spec *src) {
        dst->terminal = src->terminal;
        dst->console_height = src->console_height;
        dst->console_width = src->console_width;
        dst->uid = src->uid;
        dst->gid = src->gid;
        free(dst->additional_gids);
        dst->additional_gids = TAKE_PTR(src->additional_gids);
        dst->n_additional_gids = src->n_additional_gids;
        dst->has_umask = src->has_umask;
        dst->umask = src->umask;
        strv_free(dst->args);
        dst->args = TAKE_PTR(src->args);
        strv_free(dst->env);
        dst->env = TAKE_PTR(src->env);
        free(dst->cwd);
        dst->cwd = TAKE_PTR(src->cwd);
        dst->has_capabilities = src->has_capabilities;
        memcpy(dst->capabilities, src->capabilities, sizeof dst->capabilities);
        free(dst->rlimits);
        dst->rlimits = TAKE_PTR(src->rlimits);
        dst->n_rlimits = src->n_rlimits;
        dst->no_new_privileges = src->no_new_privileges;
        dst->has_io_priority = src->has_io_priority;
        dst->io_class = src->io_class;
        dst->io_priority = src->io_priority;
        dst->has_scheduler = src->has_scheduler;
        dst->sched_policy = src->sched_policy;
        dst->sched_nice = src->sched_nice;
        dst->sched_priority = src->sched_priority;
        dst->sched_flags = src->sched_flags;
        dst->sched_runtime = src->sched_runtime;
        dst->sched_deadline = src->sched_deadline;
        dst->sched_period = src->sched_period;
        free(dst->cpu_affinity_initial);
        dst->cpu_affinity_initial = TAKE_PTR(src->cpu_affinity_initial);
        free(dst->cpu_affinity_final);
        dst->cpu_affinity_final = TAKE_PTR(src->cpu_affinity_final);
        dst->has_oom_score_adj = src->has_oom_score_adj;
        dst->oom_score_adj = src->oom_score_adj;
}

int spec_env_set(Spec *s, const char *assignment) {
        size_t n = strcspn(assignment, "="), len = strv_length(s->env);
        char *copy, **l;

        if (assignment[n] != '=' || n == 0)
                return -EINVAL;
        copy = strdup(assignment);
        if (!copy)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++)
                if (strneq(s->env[i], assignment, n + 1)) {
                        free(s->env[i]);
                        s->env[i] = copy;
                        return 0;
                }
        l = realloc(s->env, (len + 2) * sizeof(char *));
        if (!l) {
                free(copy);
                return -ENOMEM;
        }
        l[len] = copy;
        l[len + 1] = NULL;
        s->env = l;
        return 0;
}

static const struct {
        const char *name;
        const char *proc_name;
        int flag;
} namespace_table[_NAMESPACE_MAX] = {
        [NAMESPACE_PID] = { "pid", "pid", CLONE_NEWPID },
        [NAMESPACE_NETWORK] = { "network", "net", CLONE_NEWNET },
        [NAMESPACE_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
        [NAMESPACE_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
        [NAMESPACE_UTS] = { "uts", "uts", CLONE_NEWUTS },
        [NAMESPACE_USER] = { "user", "user", CLONE_NEWUSER },
        [NAMESPACE_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
        [NAMESPACE_TIME] = { "time", "time", 0x00000080 /* CLONE_NEWTIME */ },
};

const char *namespace_type_to_string(NamespaceType t) {
        return t >= 0 && t < _NAMESPACE_MAX ? namespace_table[t].name : NULL;
}

NamespaceType namespace_type_from_string(const char *s) {
        for (int i = 0; i < _NAMESPACE_MAX; i++)
                if (s && streq(s, namespace_table[i].name))
                        return i;
        return _NAMESPACE_INVALID;
}

int namespace_type_to_clone_flag(NamespaceType t) {
        return namespace_table[t].flag;
}

const char *namespace_type_to_proc_name(NamespaceType t) {
        return namespace_table[t].proc_name;
}

static const char *const capability_set_table[_CAP_SET_MAX] = {
        [CAP_SET_BOUNDING] = "bounding",     [CAP_SET_EFFECTIVE] = "effective",
        [CAP_SET_INHERITABLE] = "inheritable", [CAP_SET_PERMITTED] = "permitted",
        [CAP_SET_AMBIENT] = "ambient",
};

const char *hook_kind_to_string(HookKind k) {
        static const char *const table[_HOOK_KIND_MAX] = {
                [HOOK_PRESTART] = "prestart",
                [HOOK_CREATE_RUNTIME] = "createRuntime",
                [HOOK_CREATE_CONTAINER] = "createContainer",
                [HOOK_START_CONTAINER] = "startContainer",
                [HOOK_POSTSTART] = "poststart",
                [HOOK_POSTSTOP] = "poststop",
        };
        return k >= 0 && k < _HOOK_KIND_MAX ? table[k] : NULL;
}

const char *capability_set_to_string(CapabilitySet s) {
        return capability_set_table[s];
}

static const char *const rlimit_table[] = {
        [RLIMIT_CPU] = "RLIMIT_CPU",         [RLIMIT_FSIZE] = "RLIMIT_FSIZE",
        [RLIMIT_DATA] = "RLIMIT_DATA",       [RLIMIT_STACK] = "RLIMIT_STACK",
        [RLIMIT_CORE] = "RLIMIT_CORE",       [RLIMIT_RSS] = "RLIMIT_RSS",
        [RLIMIT_NPROC] = "RLIMIT_NPROC",     [RLIMIT_NOFILE] = "RLIMIT_NOFILE",
        [RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK", [RLIMIT_AS] = "RLIMIT_AS",
        [RLIMIT_LOCKS] = "RLIMIT_LOCKS",     [RLIMIT_SIGPENDING] = "RLIMIT_SIGPENDING",
        [RLIMIT_MSGQUEUE] = "RLIMIT_MSGQUEUE", [RLIMIT_NICE] = "RLIMIT_NICE",
        [RLIMIT_RTPRIO] = "RLIMIT_RTPRIO",   [RLIMIT_RTTIME] = "RLIMIT_RTTIME",
};

int rlimit_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(rlimit_table); i++)
                if (rlimit_table[i] && streq(s, rlimit_table[i]))
                        return (int) i;
        return -EINVAL;
}

const char *rlimit_to_string(int resource) {
        return resource >= 0 && (size_t) resource < ELEMENTSOF(rlimit_table) ? rlimit_table[resource] : NULL;
}

static const char *const capability_table[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int capability_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(capability_table); i++)
                if (streq(s, capability_table[i]))
                        return (int) i;
        return -EINVAL;
}

const char *capability_to_string(int cap) {
        return cap >= 0 && (size_t) cap < ELEMENTSOF(capability_table) ? capability_table[cap] : NULL;
}

/* The highest capability this kernel knows; names we know beyond it are dropped silently, as
 * runc does, so one config works on older kernels. */
int capability_last(void) {
        static int last = -1;
        FILE *f;

        if (last >= 0)
                return last;
        f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        if (f) {
                if (fscanf(f, "%d", &last) != 1)
                        last = -1;
                fclose(f);
        }
        if (last < 0 || last >= (int) ELEMENTSOF(capability_table))
                last = (int) ELEMENTSOF(capability_table) - 1;
        return last;
}

bool spec_version_supported(const char *v) {
        unsigned major, minor, patch;
        int n = 0;

        if (!v || sscanf(v, "%u.%u.%u%n", &major, &minor, &patch, &n) != 3)
                return false;
        if (v[n] != 0 && v[n] != '-' && v[n] != '+')
                return false;
        return major == 1 && minor <= 3;
}

const char *strv_env_get(char *const *env, const char *name) {
        size_t n = strlen(name);
        for (size_t i = 0; env && env[i]; i++)
                if (strneq(env[i], name, n) && env[i][n] == '=')
                        return env[i] + n + 1;
        return NULL;
}
