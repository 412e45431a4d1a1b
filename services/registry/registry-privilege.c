/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which parts of a config make a container more privileged than org.ocictl.create grants: what
 * reaches past the container's own namespaces into the host. A non-root caller needs
 * org.ocictl.manage for each of them (docs/system-mode.md lists them with the reasons). */
#include <linux/capability.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "registry.h"

/* runc's default capability set (what `runc spec` and docker grant): anything beyond reaches
 * the host (CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_NET_ADMIN …). */
static const int default_capabilities[] = {
        CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID,       CAP_FOWNER,     CAP_MKNOD,     CAP_NET_RAW,  CAP_SETGID,
        CAP_SETUID, CAP_SETFCAP,    CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};

/* runc's default maskedPaths and readonlyPaths: without a user namespace, container root
 * reaches the host kernel through each one it leaves open (/proc/sysrq-trigger, /proc/kcore). */
static const char *const default_masked[] = { "/proc/acpi",       "/proc/kcore", "/proc/keys",
                                              "/proc/latency_stats", "/proc/timer_list", "/proc/sched_debug",
                                              "/proc/scsi",      "/sys/firmware" };
static const char *const default_readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                "/proc/sysrq-trigger" };

/* The virtual file systems a container may mount for itself; anything else names a host device
 * or reaches host files. */
static const char *const own_mount_types[] = { "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2" };

static bool in_list(const char *s, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(s, list[i]))
                        return true;
        return false;
}

static int privileged(char **ret, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : 1;
}

static bool mount_is_bind(const SpecMount *m) {
        if (m->type && streq(m->type, "bind"))
                return true;
        return strv_contains(m->options, "bind") || strv_contains(m->options, "rbind");
}

int spec_find_privileged_process_field(const Spec *spec, char **ret) {
        if (spec->has_capabilities)
                for (CapabilitySet set = 0; set < _CAP_SET_MAX; set++)
                        for (int c = 0; c <= 63; c++) {
                                bool allowed = false;
                                if (!(spec->capabilities[set] & (UINT64_C(1) << c)))
                                        continue;
                                for (size_t i = 0; i < ELEMENTSOF(default_capabilities); i++)
                                        allowed = allowed || default_capabilities[i] == c;
                                if (!allowed)
                                        return privileged(ret, "process.capabilities.%s: %s",
                                                          capability_set_to_string(set), capability_to_string(c));
                        }
        if (spec->has_oom_score_adj && spec->oom_score_adj < 0)
                return privileged(ret, "process.oomScoreAdj: %d protects the container from the OOM killer",
                                  spec->oom_score_adj);
        if (spec->has_scheduler && spec->sched_policy != SCHED_OTHER && spec->sched_policy != SCHED_BATCH &&
            spec->sched_policy != SCHED_IDLE)
                return privileged(ret, "process.scheduler.policy: a real-time policy");
        if (spec->has_io_priority && spec->io_class == 1 /* IOPRIO_CLASS_RT */)
                return privileged(ret, "process.ioPriority.class: IOPRIO_CLASS_RT");
        *ret = NULL;
        return 0;
}

int spec_find_privileged_field(const Spec *spec, const char *rootfs, uid_t caller, char **ret) {
        /* Not the cgroup namespace: `runc spec` leaves it out on cgroup v1 hosts, and the host's
         * only shows the container its own cgroup paths. */
        static const NamespaceType own[] = { NAMESPACE_PID, NAMESPACE_MOUNT, NAMESPACE_IPC, NAMESPACE_UTS,
                                             NAMESPACE_NETWORK };
        const bool userns = spec->namespaces[NAMESPACE_USER].enabled;
        struct stat st;

        /* The rootfs is the container's /: one the caller does not own is someone else's tree
         * (the host's / at worst), which container root would then write. */
        if (stat(rootfs, &st) < 0)
                return privileged(ret, "root.path: cannot check %s: %m", rootfs);
        if (st.st_uid != caller)
                return privileged(ret, "root.path: %s belongs to uid %u, not to the caller", rootfs, (unsigned) st.st_uid);
        for (size_t i = 0; i < ELEMENTSOF(own); i++) {
                const SpecNamespace *ns = &spec->namespaces[own[i]];
                if (!ns->enabled)
                        return privileged(ret, "linux.namespaces: the host's %s namespace",
                                          namespace_type_to_string(own[i]));
        }
        for (NamespaceType t = 0; t < _NAMESPACE_MAX; t++)
                if (spec->namespaces[t].enabled && spec->namespaces[t].path)
                        return privileged(ret, "linux.namespaces: joining the %s namespace %s",
                                          namespace_type_to_string(t), spec->namespaces[t].path);
        for (HookKind k = 0; k < _HOOK_KIND_MAX; k++)
                if (spec->n_hooks[k] > 0)
                        return privileged(ret, "hooks.%s: hooks run on the host as root", hook_kind_to_string(k));
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const SpecMount *m = &spec->mounts[i];
                if (mount_is_bind(m))
                        return privileged(ret, "mounts[%zu]: a bind mount of the host's %s", i, m->source ?: "(none)");
                if (!m->type || !in_list(m->type, own_mount_types, ELEMENTSOF(own_mount_types)))
                        return privileged(ret, "mounts[%zu]: a %s mount of %s", i, m->type ?: "typeless",
                                          m->source ?: "(none)");
        }
        if (spec->n_devices > 0)
                return privileged(ret, "linux.devices: host devices");
        for (size_t i = 0; i < spec->resources.n_devices; i++)
                if (spec->resources.devices[i].allow)
                        return privileged(ret, "linux.resources.devices[%zu]: access to host devices", i);
        if (spec->n_net_devices > 0)
                return privileged(ret, "linux.netDevices: host network interfaces");
        if (spec->cgroups_path)
                return privileged(ret, "linux.cgroupsPath: a cgroup of the caller's choosing");
        if (spec->seccomp.listener_path)
                return privileged(ret, "linux.seccomp.listenerPath: a host socket the runtime connects to as root");
        if (!userns) {
                for (size_t i = 0; i < ELEMENTSOF(default_masked); i++)
                        if (!strv_contains(spec->masked_paths, default_masked[i]))
                                return privileged(ret, "linux.maskedPaths: %s is not masked", default_masked[i]);
                for (size_t i = 0; i < ELEMENTSOF(default_readonly); i++)
                        if (!strv_contains(spec->readonly_paths, default_readonly[i]))
                                return privileged(ret, "linux.readonlyPaths: %s is not read-only", default_readonly[i]);
        }
        return spec_find_privileged_process_field(spec, ret);
}
