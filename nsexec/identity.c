/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <sched.h>
#include <sys/capability.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "identity.h"

/* "0-3,7" → bits of a mask of nbits. */
static int parse_list_into_mask(const char *list, unsigned long *mask, size_t nbits) {
        for (const char *c = list; c && *c;) {
                char *end;
                unsigned long a = strtoul(c, &end, 10), b = a;
                c = end;
                if (*c == '-') {
                        b = strtoul(c + 1, &end, 10);
                        c = end;
                }
                if (b >= nbits)
                        return -ERANGE;
                for (unsigned long i = a; i <= b; i++)
                        mask[i / (8 * sizeof(unsigned long))] |= 1UL << (i % (8 * sizeof(unsigned long)));
                if (*c == ',')
                        c++;
        }
        return 0;
}

int identity_set_affinity(const char *list, const char *field, Error *e) {
        cpu_set_t set;

        if (!list)
                return 0;
        CPU_ZERO(&set);
        /* cpu_set_t is a bit mask of unsigned longs, as parse_list_into_mask() fills. */
        if (parse_list_into_mask(list, (unsigned long *) &set, CPU_SETSIZE) < 0)
                return error_set(e, -ERANGE, "%s: CPUs %s", field, list);
        if (sched_setaffinity(0, sizeof set, &set) < 0)
                return error_set(e, negative_errno(), "%s: set CPUs %s", field, list);
        return 0;
}

/* linux.memoryPolicy: inherited across fork and exec, so the whole container gets it. */
static int apply_memory_policy(const Spec *s, Error *e) {
        unsigned long mask[1024 / (8 * sizeof(unsigned long))] = {};
        int r;

        if (!s->has_memory_policy)
                return 0;
        r = parse_list_into_mask(s->memory_policy_nodes, mask, 1024);
        if (r < 0)
                return error_set(e, r, "linux.memoryPolicy.nodes: %s", s->memory_policy_nodes);
        if (syscall(SYS_set_mempolicy, (int) s->memory_policy_mode, s->memory_policy_nodes ? mask : NULL,
                    s->memory_policy_nodes ? 1024 + 1 : 0) < 0)
                return error_set(e, negative_errno(), "linux.memoryPolicy: set_mempolicy(0x%x, %s)",
                                   s->memory_policy_mode, strna(s->memory_policy_nodes));
        return 0;
}

/* process.scheduler through sched_setattr(2), the one call that knows every policy and flag. */
static int apply_scheduler(const Spec *s, Error *e) {
        struct {
                uint32_t size, sched_policy;
                uint64_t sched_flags;
                int32_t sched_nice;
                uint32_t sched_priority;
                uint64_t sched_runtime, sched_deadline, sched_period;
        } attr = {
                .size = sizeof attr,
                .sched_policy = s->sched_policy,
                .sched_flags = s->sched_flags,
                .sched_nice = s->sched_nice,
                .sched_priority = s->sched_priority,
                .sched_runtime = s->sched_runtime,
                .sched_deadline = s->sched_deadline,
                .sched_period = s->sched_period,
        };

        if (!s->has_scheduler)
                return 0;
        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
                return error_set(e, negative_errno(), "process.scheduler: set policy %u priority %u nice %d",
                                   s->sched_policy, s->sched_priority, s->sched_nice);
        return 0;
}

int identity_apply_limits(const Spec *s, Error *e) {
        int r;

        if (s->has_io_priority &&
            syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, (int) (s->io_class << 13 | s->io_priority)) < 0)
                return error_set(e, negative_errno(), "process.ioPriority: set class %u priority %u", s->io_class,
                                   s->io_priority);
        /* The affinity first: SCHED_DEADLINE refuses a task whose affinity changes later. */
        r = identity_set_affinity(s->cpu_affinity_final, "process.execCPUAffinity.final", e);
        if (r < 0)
                return r;
        if ((r = apply_scheduler(s, e)) < 0 || (r = apply_memory_policy(s, e)) < 0)
                return r;
        if (s->has_personality && personality(s->personality) < 0)
                return error_set(e, negative_errno(), "linux.personality: set 0x%x", s->personality);
        for (size_t i = 0; i < s->n_rlimits; i++) {
                const SpecRlimit *rl = &s->rlimits[i];
                struct rlimit v = {
                        .rlim_cur = rl->soft == UINT64_MAX ? RLIM_INFINITY : rl->soft,
                        .rlim_max = rl->hard == UINT64_MAX ? RLIM_INFINITY : rl->hard,
                };
                if (setrlimit(rl->resource, &v) < 0)
                        return error_set(e, negative_errno(), "process.rlimits[%zu]: set %s to %llu/%llu", i,
                                           rlimit_to_string(rl->resource), (unsigned long long) rl->soft,
                                           (unsigned long long) rl->hard);
        }
        if (s->has_umask)
                umask(s->umask);
        return 0;
}

/* Whether this user namespace was made without the right to setgroups(2). */
static bool setgroups_denied(void) {
        char buf[16] = "";
        int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0)
                close(fd);
        return n > 0 && strneq(buf, "deny", 4);
}

static int set_capabilities(const Spec *s, Error *e) {
        cap_t caps = cap_init();
        int last = capability_last(), r = 0;

        if (!caps)
                return error_set(e, -ENOMEM, "allocate capabilities");
        for (int cap = 0; cap <= last; cap++) {
                cap_value_t v = cap;
                if (s->capabilities[CAP_SET_EFFECTIVE] & (UINT64_C(1) << cap))
                        cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
                if (s->capabilities[CAP_SET_PERMITTED] & (UINT64_C(1) << cap))
                        cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
                if (s->capabilities[CAP_SET_INHERITABLE] & (UINT64_C(1) << cap))
                        cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
        }
        if (cap_set_proc(caps) < 0)
                r = error_set(e, negative_errno(), "process.capabilities: set effective/permitted/inheritable");
        cap_free(caps);
        if (r < 0)
                return r;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return error_set(e, negative_errno(), "process.capabilities.ambient: clear");
        uint64_t wanted = s->capabilities[CAP_SET_AMBIENT], possible = wanted & s->capabilities[CAP_SET_INHERITABLE] &
                                                                        s->capabilities[CAP_SET_PERMITTED];
        for (int cap = 0; cap <= last; cap++)
                if ((possible & (UINT64_C(1) << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
                        return error_set(e, negative_errno(), "process.capabilities.ambient: raise %s",
                                           capability_to_string(cap));
        if (wanted != possible) {
                error_set(e, 0, "process.capabilities.ambient: skipped capabilities that are not also inheritable "
                                  "and permitted (the kernel allows no others)");
                return 1;
        }
        return 0;
}

int identity_apply_user(const Spec *s, Error *e) {
        /* The bounding set can only shrink while we still hold CAP_SETPCAP, i.e. as root. */
        if (s->has_capabilities)
                for (int cap = 0; cap <= capability_last(); cap++)
                        if (!(s->capabilities[CAP_SET_BOUNDING] & (UINT64_C(1) << cap)) &&
                            prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
                                return error_set(e, negative_errno(), "process.capabilities.bounding: drop %s",
                                                   capability_to_string(cap));

        /* A rootless user namespace denies setgroups(2) (stage-util.c): with no additional gid
         * asked for there is nothing to set, as runc has it. */
        if (setgroups(s->n_additional_gids, s->additional_gids) < 0 &&
            !(errno == EPERM && s->n_additional_gids == 0 && setgroups_denied()))
                return error_set(e, negative_errno(), "process.user.additionalGids: setgroups");
        /* Keep the permitted set across the uid change; set_capabilities() trims it after. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return error_set(e, negative_errno(), "prctl(PR_SET_KEEPCAPS)");
        if (setresgid(s->gid, s->gid, s->gid) < 0)
                return error_set(e, negative_errno(), "process.user.gid: setgid %u", s->gid);
        if (setresuid(s->uid, s->uid, s->uid) < 0)
                return error_set(e, negative_errno(), "process.user.uid: setuid %u", s->uid);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return error_set(e, negative_errno(), "prctl(PR_SET_KEEPCAPS)");
        if (s->has_capabilities)
                return set_capabilities(s, e);
        return 0;
}

int identity_apply_no_new_privileges(const Spec *s, Error *e) {
        if (s->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return error_set(e, negative_errno(), "process.noNewPrivileges");
        return 0;
}

static bool is_executable_file(const char *path) {
        struct stat st;
        return stat(path, &st) >= 0 && S_ISREG(st.st_mode) && access(path, X_OK) >= 0;
}

int identity_find_executable(const Spec *s, char **ret, Error *e) {
        const char *name = s->args[0];
        const char *path = strv_env_get(s->env, "PATH") ?: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

        if (strchr(name, '/')) {
                if (!is_executable_file(name)) {
                        char text[64];
                        int r = access(name, X_OK) < 0 ? negative_errno() : -EACCES;
                        /* As runc (Go's exec.LookPath) words it. */
                        if (r == -ENOENT)
                                return error_set_complete(e, r, "exec: \"%s\": stat %s: %s", name, name,
                                                   errno_text_lowercase(r, text, sizeof text));
                        return error_set_complete(e, r, "exec: \"%s\": %s", name, errno_text_lowercase(r, text, sizeof text));
                }
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        for (const char *p = path; *p;) {
                size_t n = strcspn(p, ":");
                char *candidate;
                if (asprintf(&candidate, "%.*s/%s", (int) n, n ? p : ".", name) < 0)
                        return -ENOMEM;
                if (is_executable_file(candidate)) {
                        *ret = candidate;
                        return 0;
                }
                free(candidate);
                p += n + (p[n] == ':');
        }
        return error_set_complete(e, -ENOENT, "exec: \"%s\": " RUNC_EXEC_NOT_IN_PATH, name);
}
