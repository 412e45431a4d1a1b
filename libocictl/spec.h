/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The validated container spec in typed form. The spec parser fills it from config.json; every
 * other process receives it as D-Bus data (spec-bus.c) and never parses JSON. Plain C with no
 * GLib or sd-bus, so nsexec can use it too. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macros.h"
#include "resources.h"

#define SPEC_MAX_STRINGS 4096      /* args, env, paths, options: more is refused */
#define SPEC_MAX_STRING_LENGTH 65536
#define SPEC_JSON_MAX_SIZE (4 * 1024 * 1024) /* config.json, process.json, a resources file */
/* Keys and values of "annotations" together: Kubernetes' own limit (256 KiB), so that every
 * pod's annotations fit, and the state file that keeps them stays small (state-file.h). */
#define SPEC_ANNOTATIONS_MAX_SIZE (256 * 1024)

typedef enum NamespaceType {
        NAMESPACE_PID,
        NAMESPACE_NETWORK,
        NAMESPACE_MOUNT,
        NAMESPACE_IPC,
        NAMESPACE_UTS,
        NAMESPACE_USER,
        NAMESPACE_CGROUP,
        NAMESPACE_TIME,
        _NAMESPACE_MAX,
        _NAMESPACE_INVALID = -EINVAL,
} NamespaceType;

typedef struct SpecNamespace {
        bool enabled;
        char *path; /* join this one instead of creating a new one */
} SpecNamespace;

typedef struct SpecIdMapping {
        uint32_t container_id, host_id, size;
} SpecIdMapping;

typedef struct SpecMount {
        char *destination;
        char *type;
        char *source;
        char **options;
        /* An idmapped bind mount: on-disk ids seen through these maps. */
        SpecIdMapping *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
} SpecMount;

/* linux.devices: a node made in the container's /dev (mknod, or a bind mount of the host's
 * node inside a user namespace). */
typedef struct SpecLinuxDevice {
        char *path;
        char type; /* 'c', 'b', 'p' ('u' is read as 'c') */
        int64_t major, minor;
        uint32_t file_mode; /* permission bits */
        uint32_t uid, gid;
} SpecLinuxDevice;

typedef struct SpecTimeOffset {
        int64_t secs;
        uint32_t nanosecs;
} SpecTimeOffset;

/* The kernel takes at most 340 lines in uid_map/gid_map. */
#define SPEC_ID_MAPPINGS_MAX 340

typedef struct SpecRlimit {
        int resource;
        uint64_t soft, hard;
} SpecRlimit;

typedef enum CapabilitySet {
        CAP_SET_BOUNDING,
        CAP_SET_EFFECTIVE,
        CAP_SET_INHERITABLE,
        CAP_SET_PERMITTED,
        CAP_SET_AMBIENT,
        _CAP_SET_MAX,
} CapabilitySet;

typedef struct SpecSeccompArg {
        uint32_t index;
        uint64_t value, value_two;
        uint32_t op; /* libseccomp's enum scmp_compare */
} SpecSeccompArg;

typedef struct SpecSeccompRule {
        char **names;
        uint32_t action; /* libseccomp's SCMP_ACT_* base value (errno not yet folded in) */
        uint32_t errno_ret;
        SpecSeccompArg *args;
        size_t n_args;
} SpecSeccompRule;

typedef struct SpecSeccomp {
        bool enabled;
        uint32_t default_action;
        uint32_t default_errno_ret;
        uint32_t *architectures; /* libseccomp SCMP_ARCH_* tokens */
        size_t n_architectures;
        uint32_t flags; /* SPEC_SECCOMP_FLAG_* */
        SpecSeccompRule *rules;
        size_t n_rules;
        char *listener_path;     /* SCMP_ACT_NOTIFY: where the notify fd goes */
        char *listener_metadata; /* passed to the listener as is */
} SpecSeccomp;

#define SPEC_SECCOMP_FLAG_TSYNC (1u << 0)
#define SPEC_SECCOMP_FLAG_LOG (1u << 1)
#define SPEC_SECCOMP_FLAG_SPEC_ALLOW (1u << 2)
#define SPEC_SECCOMP_FLAG_WAIT_KILLABLE_RECV (1u << 3)

typedef enum HookKind {
        HOOK_PRESTART,
        HOOK_CREATE_RUNTIME,
        HOOK_CREATE_CONTAINER,
        HOOK_START_CONTAINER,
        HOOK_POSTSTART,
        HOOK_POSTSTOP,
        _HOOK_KIND_MAX,
        _HOOK_KIND_INVALID = -EINVAL,
} HookKind;

typedef struct SpecHook {
        char *path;
        char **args;
        char **env;
        int timeout; /* seconds; 0: none */
} SpecHook;

const char *hook_kind_to_string(HookKind k);

typedef struct Spec {
        char *oci_version;
        char *root_path;
        bool root_readonly;

        bool terminal;
        uint32_t console_height, console_width; /* process.consoleSize; 0: unset */
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool has_umask;
        mode_t umask;
        char **args;
        char **env;
        char *cwd;
        uint64_t capabilities[_CAP_SET_MAX]; /* bit n: capability n */
        bool has_capabilities;
        SpecRlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        bool has_oom_score_adj;
        int oom_score_adj;
        bool has_io_priority;
        uint32_t io_class, io_priority; /* IOPRIO_CLASS_* value, 0-7 */
        bool has_scheduler;
        uint32_t sched_policy; /* SCHED_* */
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_flags; /* SCHED_FLAG_* */
        uint64_t sched_runtime, sched_deadline, sched_period; /* ns, SCHED_DEADLINE */
        char *cpu_affinity_initial, *cpu_affinity_final; /* cpu lists, "0-3,7" */
        bool has_personality;
        uint32_t personality;

        char *hostname;
        char *domainname;
        StringPair *sysctls; /* linux.sysctl, checked to stay inside the container's namespaces */
        size_t n_sysctls;
        SpecMount *mounts;
        size_t n_mounts;
        StringPair *annotations;
        size_t n_annotations;

        SpecNamespace namespaces[_NAMESPACE_MAX];
        bool has_time_offsets;
        SpecTimeOffset time_monotonic, time_boottime;
        SpecLinuxDevice *devices;
        size_t n_devices;
        StringPair *net_devices; /* host interface name → name in the container */
        size_t n_net_devices;
        bool has_memory_policy;
        uint32_t memory_policy_mode;  /* MPOL_*, with the MPOL_F_* flags or'ed in */
        char *memory_policy_nodes;    /* "0-3,7"; NULL: none */
        SpecIdMapping *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
        char **masked_paths;
        char **readonly_paths;
        char *cgroups_path;
        char *rootfs_propagation;
        SpecResources resources;
        SpecSeccomp seccomp;
        SpecHook *hooks[_HOOK_KIND_MAX];
        size_t n_hooks[_HOOK_KIND_MAX];
} Spec;

void spec_done(Spec *s);

/* Moves the process fields of src (exec --process FILE) into dst, replacing dst's. */
void spec_take_process(Spec *dst, Spec *src);
/* "process" is optional in config.json until `start`: without it there are no args. */
static inline bool spec_has_process(const Spec *s) {
        return s->args && s->args[0];
}
/* Sets NAME=VALUE in a process environment, replacing an entry with the same name (runc's exec
 * --env): later settings win. */
int spec_env_set(Spec *s, const char *assignment);

const char *namespace_type_to_string(NamespaceType t);
NamespaceType namespace_type_from_string(const char *s);
/* The CLONE_NEW* flag of a namespace type. */
int namespace_type_to_clone_flag(NamespaceType t);
/* The name under /proc/PID/ns/ */
const char *namespace_type_to_proc_name(NamespaceType t);

const char *capability_set_to_string(CapabilitySet s);

/* "RLIMIT_NOFILE" → RLIMIT_NOFILE; -EINVAL when unknown. */
int rlimit_from_string(const char *s);
const char *rlimit_to_string(int resource);

/* "CAP_SYS_ADMIN" → CAP_SYS_ADMIN; -EINVAL when unknown. */
int capability_from_string(const char *s);
const char *capability_to_string(int cap);
int capability_last(void);

/* "1.0.2", "1.3.0-rc.1" … accepted from 1.0.0 to 1.3.x. */
bool spec_version_supported(const char *v);

/* Environment lookup in a NAME=VALUE list. */
const char *strv_env_get(char *const *env, const char *name);
