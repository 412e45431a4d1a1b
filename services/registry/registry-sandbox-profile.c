/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's profile, written as its OCI config: what a sandbox gets (docs/sandbox.md is the
 * table, and this file the code of it), and the root it gets it in. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <linux/magic.h>

#include "json-writer.h"
#include "registry-container.h"
#include "registry-sandbox.h"

uint64_t now_boottime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* The host's system paths a sandbox sees, read-only (what bubblewrap users bind by hand). */
static const char *const system_paths[] = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc" };

static void json_bind(JsonWriter *w, const char *source, const char *destination, bool writable) {
        json_begin_object(w);
        json_key_string(w, "destination", destination);
        json_key_string(w, "type", "bind");
        json_key_string(w, "source", source);
        json_key(w, "options");
        json_begin_array(w);
        json_string(w, "rbind");
        json_string(w, writable ? "rw" : "ro");
        json_string(w, "nosuid");
        json_string(w, "nodev");
        json_end_array(w);
        json_end_object(w);
}

static void json_fs(JsonWriter *w, const char *destination, const char *type, const char *const *options) {
        json_begin_object(w);
        json_key_string(w, "destination", destination);
        json_key_string(w, "type", type);
        json_key_string(w, "source", type);
        json_key(w, "options");
        json_begin_array(w);
        for (size_t i = 0; options[i]; i++)
                json_string(w, options[i]);
        json_end_array(w);
        json_end_object(w);
}

/* ocictl's default profile: what a sandboxed program has no business calling. clone3 says
 * ENOSYS so that the C library falls back to clone, whose flags can be checked. */
static void json_default_seccomp(JsonWriter *w) {
        static const char *const denied[] = {
                "add_key", "keyctl", "request_key", "bpf", "perf_event_open", "userfaultfd", "ptrace",
                "process_vm_readv", "process_vm_writev", "kexec_load", "kexec_file_load", "init_module",
                "finit_module", "delete_module", "open_by_handle_at", "name_to_handle_at", "mount",
                "umount2", "pivot_root", "unshare", "setns", "swapon", "swapoff", "reboot", "syslog",
                "acct", "quotactl", "lookup_dcookie", "iopl", "ioperm", "fsopen", "fsmount",
                "fsconfig", "move_mount", "open_tree", "mount_setattr", NULL,
        };
        json_key(w, "seccomp");
        json_begin_object(w);
        json_key_string(w, "defaultAction", "SCMP_ACT_ALLOW");
        json_key(w, "syscalls");
        json_begin_array(w);
        json_begin_object(w);
        json_key_strv(w, "names", (char **) denied);
        json_key_string(w, "action", "SCMP_ACT_ERRNO");
        json_key_uint(w, "errnoRet", EPERM);
        json_end_object(w);
        json_begin_object(w);
        json_key_strv(w, "names", (char *[]) { (char *) "clone3", NULL });
        json_key_string(w, "action", "SCMP_ACT_ERRNO");
        json_key_uint(w, "errnoRet", ENOSYS);
        json_end_object(w);
        /* clone with CLONE_NEWUSER: no namespace of its own in which to be root again. */
        json_begin_object(w);
        json_key_strv(w, "names", (char *[]) { (char *) "clone", NULL });
        json_key_string(w, "action", "SCMP_ACT_ERRNO");
        json_key_uint(w, "errnoRet", EPERM);
        json_key(w, "args");
        json_begin_array(w);
        json_begin_object(w);
        json_key_uint(w, "index", 0);
        json_key_uint(w, "value", 0x10000000);
        json_key_uint(w, "valueTwo", 0x10000000);
        json_key_string(w, "op", "SCMP_CMP_MASKED_EQ");
        json_end_object(w);
        json_end_array(w);
        json_end_object(w);
        /* TIOCSTI and TIOCLINUX on a terminal passed as stdio would type into the caller's shell
         * (bubblewrap's CVE-2017-5226): refused, as flatpak does; the mask keeps the 32-bit
         * request number however the C library widened it. */
        for (int k = 0; k < 2; k++) {
                json_begin_object(w);
                json_key_strv(w, "names", (char *[]) { (char *) "ioctl", NULL });
                json_key_string(w, "action", "SCMP_ACT_ERRNO");
                json_key_uint(w, "errnoRet", EPERM);
                json_key(w, "args");
                json_begin_array(w);
                json_begin_object(w);
                json_key_uint(w, "index", 1);
                json_key_uint(w, "value", 0xFFFFFFFFu); /* the mask, then what it must equal */
                json_key_uint(w, "valueTwo", k == 0 ? 0x5412 /* TIOCSTI */ : 0x541C /* TIOCLINUX */);
                json_key_string(w, "op", "SCMP_CMP_MASKED_EQ");
                json_end_object(w);
                json_end_array(w);
                json_end_object(w);
        }
        json_end_array(w);
        json_end_object(w);
}

static bool cgroup2_mounted(void) {
        struct statfs fs;
        return statfs("/sys/fs/cgroup", &fs) >= 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

char *sandbox_config(const Registry *reg, const Sandbox *s, size_t *ret_first_bind) {
        static const char *const masked[] = { "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                                              "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                              "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL };
        static const char *const readonly[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                "/proc/sysrq-trigger", NULL };
        JsonWriter w = {};

        json_begin_object(&w);
        json_key_string(&w, "ociVersion", "1.0.2");
        json_key(&w, "process");
        json_begin_object(&w);
        json_key_bool(&w, "terminal", false);
        json_key(&w, "user");
        json_begin_object(&w);
        json_key_uint(&w, "uid", 0);
        json_key_uint(&w, "gid", 0);
        json_end_object(&w);
        json_key_strv(&w, "args", s->args);
        json_key_strv(&w, "env", s->env);
        json_key_string(&w, "cwd", s->cwd);
        json_key(&w, "capabilities");
        json_begin_object(&w);
        json_key_strv(&w, "bounding", NULL);
        json_key_strv(&w, "effective", NULL);
        json_key_strv(&w, "permitted", NULL);
        json_end_object(&w);
        json_key_bool(&w, "noNewPrivileges", true);
        json_end_object(&w);
        json_key(&w, "root");
        json_begin_object(&w);
        json_key_string(&w, "path", SANDBOX_ROOTFS);
        json_key_bool(&w, "readonly", true);
        json_end_object(&w);
        json_key_string(&w, "hostname", s->hostname);
        /* What the guard needs, kept with the state: a registry that restarts guards it again. */
        json_key(&w, "annotations");
        json_begin_object(&w);
        json_key_string(&w, ANNOTATION_SANDBOX, "true");
        if (s->die_with_caller)
                json_key_string(&w, ANNOTATION_CALLER, reg->caller_name);
        if (s->timeout_sec > 0) {
                char deadline[32];
                snprintf(deadline, sizeof deadline, "%" PRIu64, now_boottime_usec() + (uint64_t) s->timeout_sec * 1000000);
                json_key_string(&w, ANNOTATION_DEADLINE, deadline);
        }
        json_end_object(&w);

        json_key(&w, "mounts");
        json_begin_array(&w);
        json_fs(&w, "/proc", "proc", (const char *const[]) { "nosuid", "noexec", "nodev", NULL });
        json_fs(&w, "/dev", "tmpfs", (const char *const[]) { "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
        json_fs(&w, "/dev/pts", "devpts",
                (const char *const[]) { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL });
        json_fs(&w, "/dev/shm", "tmpfs", (const char *const[]) { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
        json_fs(&w, "/tmp", "tmpfs", (const char *const[]) { "nosuid", "nodev", "mode=1777", NULL });
        size_t n_mounts = 5; /* /proc, /dev, /dev/pts, /dev/shm, /tmp */
        for (size_t i = 0; i < ELEMENTSOF(system_paths); i++)
                if (access(system_paths[i], F_OK) >= 0) {
                        json_bind(&w, system_paths[i], system_paths[i], false);
                        n_mounts++;
                }
        *ret_first_bind = n_mounts;
        for (size_t i = 0; i < s->n_binds; i++)
                json_bind(&w, s->binds[i].source ?: "descriptor", s->binds[i].destination, s->binds[i].writable);
        for (size_t i = 0; s->tmpfs && s->tmpfs[i]; i++)
                json_fs(&w, s->tmpfs[i], "tmpfs", (const char *const[]) { "nosuid", "nodev", "mode=755", NULL });
        json_end_array(&w);

        json_key(&w, "linux");
        json_begin_object(&w);
        for (int k = 0; k < 2; k++) {
                json_key(&w, k == 0 ? "uidMappings" : "gidMappings");
                json_begin_array(&w);
                json_begin_object(&w);
                json_key_uint(&w, "containerID", 0);
                json_key_uint(&w, "hostID", k == 0 ? reg->caller_uid : reg->caller_gid);
                json_key_uint(&w, "size", 1);
                json_end_object(&w);
                json_end_array(&w);
        }
        json_key(&w, "namespaces");
        json_begin_array(&w);
        const char *ns[] = { "pid", "ipc", "uts", "mount", "user", streq(s->network, "none") ? "network" : NULL,
                             cgroup2_mounted() ? "cgroup" : NULL };
        for (size_t i = 0; i < ELEMENTSOF(ns); i++)
                if (ns[i]) {
                        json_begin_object(&w);
                        json_key_string(&w, "type", ns[i]);
                        json_end_object(&w);
                }
        json_end_array(&w);
        json_key_strv(&w, "maskedPaths", (char **) masked);
        json_key_strv(&w, "readonlyPaths", (char **) readonly);
        if (s->memory_max > 0 || s->pids_max > 0) {
                json_key(&w, "resources");
                json_begin_object(&w);
                if (s->memory_max > 0) {
                        json_key(&w, "memory");
                        json_begin_object(&w);
                        json_key_uint(&w, "limit", s->memory_max);
                        json_end_object(&w);
                }
                if (s->pids_max > 0) {
                        json_key(&w, "pids");
                        json_begin_object(&w);
                        json_key_uint(&w, "limit", s->pids_max);
                        json_end_object(&w);
                }
                json_end_object(&w);
        }
        if (streq(s->seccomp, "default"))
                json_default_seccomp(&w);
        json_end_object(&w);
        json_end_object(&w);
        return json_writer_steal(&w);
}

/* mkdir -p of a mount point below the sandbox's rootfs (ours, root's: nothing in it is the
 * caller's), and an empty file for a file's bind. */
static int make_mount_point(int root_fd, const char *destination, bool file) {
        _cleanup_free_ char *copy = strdup(destination + 1);
        _cleanup_close_ int dir = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        char *p, *next;

        if (!copy || dir < 0)
                return -ENOMEM;
        for (p = copy; p && *p; p = next) {
                next = strchr(p, '/');
                if (next)
                        *next++ = 0;
                if (!*p)
                        continue;
                bool last = !next || !*next;
                if (last && file) {
                        int fd = openat(dir, p, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                        if (fd < 0)
                                return -errno;
                        close(fd);
                        return 0;
                }
                if (mkdirat(dir, p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                int sub = openat(dir, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        return -errno;
                close(dir);
                dir = sub;
        }
        return 0;
}

/* <root>-sandboxes: root's, 0711, so that a sandbox's mapped root can reach its own bundle by
 * path (init does) without seeing the others'. */
int open_sandbox_root(const Registry *reg, bool create, char **ret_path) {
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int fd;

        if (asprintf(&path, "%s-sandboxes", reg->root_dir) < 0)
                return -ENOMEM;
        if (create && mkdir(path, 0711) < 0 && errno != EEXIST)
                return -errno;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || st.st_uid != 0 || (create && fchmod(fd, 0711) < 0)) {
                close(fd);
                return -EPERM;
        }
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return fd;
}

void registry_sandbox_remove(Registry *reg, const char *id) {
        _cleanup_close_ int fd = open_sandbox_root(reg, false, NULL);
        if (fd >= 0)
                (void) remove_mount_point_tree(fd, id);
}

int make_sandbox_rootfs(int dir_fd, const Spec *spec, void *userdata, sd_bus_error *error) {
        const Sandbox *s = userdata;
        _cleanup_close_ int root = -EBADF;
        int r;

        if (mkdirat(s->bundle_fd, SANDBOX_ROOTFS, 0755) < 0)
                return sd_bus_error_set_errnof(error, errno, "sandbox: cannot make its root: %m");
        root = openat(s->bundle_fd, SANDBOX_ROOTFS, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (root < 0)
                return sd_bus_error_set_errnof(error, errno, "sandbox: cannot open its root: %m");
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const char *d = spec->mounts[i].destination;
                bool file = false;
                if (strncmp(d, "/dev/", 5) == 0)
                        continue; /* inside its /dev, a tmpfs */
                for (size_t b = 0; b < s->n_binds; b++)
                        if (streq(s->binds[b].destination, d))
                                file = !s->binds[b].directory;
                r = make_mount_point(root, d, file);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, -r, "sandbox: mount point %s: %s", d, strerror(-r));
        }
        return 0;
}

