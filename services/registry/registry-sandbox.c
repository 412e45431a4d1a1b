/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry1.RunSandbox: a container made from a profile rather than a bundle, for a caller that
 * may be no more than a user with org.ocictl.sandbox. The profile cannot give the caller more
 * than it has (docs/sandbox.md, the security boundary): a user namespace in which the caller's
 * own uid and gid are the only ids, no capabilities, noNewPrivileges, read-only system paths,
 * and only the binds the caller could open itself (each opened by a child with the caller's
 * ids, never by the service), a new namespace of every kind, no network but its own, the
 * caller's cgroup limits as the ceiling and ocictl's default seccomp profile. Whatever goes
 * beyond needs org.ocictl.manage, field by field. The config is written here as JSON and goes
 * through the parser and the ordinary create, as any bundle's would. */
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <linux/magic.h>

#include "bus-errors.h"
#include "cgroup-layout.h"
#include "container-id.h"
#include "fd-passing.h"
#include "json-writer.h"
#include "log.h"
#include "registry-container.h"
#include "registry.h"
#include "service-run.h"

#define SANDBOX_ARGS_MAX 1024
#define SANDBOX_STRING_MAX 4096
#define SANDBOX_BINDS_MAX (MOUNT_SOURCE_FDS_MAX / 2)
#define SANDBOX_TMPFS_MAX 16
#define SANDBOX_ROOTFS SANDBOX_ROOTFS_DIR
/* The sandbox's own annotations: the caller whose leaving deletes it (its unique bus name), and
 * when it is killed (CLOCK_BOOTTIME, µs: it counts across a registry's restart). */
#define ANNOTATION_SANDBOX "org.ocictl.sandbox"
#define ANNOTATION_CALLER "org.ocictl.sandbox.dieWithCaller"
#define ANNOTATION_DEADLINE "org.ocictl.sandbox.deadline"

static uint64_t now_boottime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* The host's system paths a sandbox sees, read-only (what bubblewrap users bind by hand). */
static const char *const system_paths[] = { "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc" };

typedef struct SandboxBind {
        const char *source; /* the path the caller named (NULL for a descriptor) */
        const char *destination;
        bool writable;
        int fd; /* opened or checked as the caller */
        bool directory;
} SandboxBind;

typedef struct Sandbox {
        char **args, **env;
        const char *cwd;
        SandboxBind binds[SANDBOX_BINDS_MAX * 2];
        size_t n_binds;
        char **tmpfs;
        const char *network; /* "none" or "host" */
        const char *seccomp; /* "default" or "none" */
        const char *hostname;
        const char *id;
        uint64_t memory_max, pids_max; /* 0: the caller's own ceiling, if any */
        bool die_with_caller;
        uint32_t timeout_sec;
        int stdio[3];
        int bundle_fd; /* <root>-sandboxes/<id> */
} Sandbox;

static void sandbox_done(Sandbox *s) {
        strv_free(s->args);
        strv_free(s->env);
        strv_free(s->tmpfs);
        safe_close(s->bundle_fd);
        for (size_t i = 0; i < s->n_binds; i++)
                if (s->binds[i].source) /* a caller's own descriptor belongs to the message */
                        safe_close(s->binds[i].fd);
}

static int read_strv_limited(sd_bus_message *m, const char *field, size_t max, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n, total = 0;
        int r = sd_bus_message_read_strv(m, &l);

        if (r < 0)
                return r;
        n = strv_length(l);
        if (n > max)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: %s: more than %zu", field, max);
        for (size_t i = 0; i < n; i++)
                total += strlen(l[i]);
        if (total > 64 * SANDBOX_STRING_MAX)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: %s: longer than %d bytes", field,
                                         64 * SANDBOX_STRING_MAX);
        *ret = TAKE_PTR(l);
        return 0;
}

/* path is prefix or below it. */
static bool path_is_at_or_below(const char *path, const char *prefix) {
        size_t n = strlen(prefix);
        return strncmp(path, prefix, n) == 0 && (path[n] == 0 || path[n] == '/');
}

static bool ends_with(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && streq(s + a - b, suffix);
}

/* An absolute path inside the sandbox, without "..", and not where the profile mounts its own
 * /proc and /dev. */
static int check_destination(const char *field, const char *d, sd_bus_error *error) {
        if (d[0] != '/' || strlen(d) >= SANDBOX_STRING_MAX || strstr(d, "/../") || ends_with(d, "/..") || streq(d, "/"))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "sandbox: %s: \"%s\" is not an absolute path below / without \"..\"", field, d);
        if (path_is_at_or_below(d, "/proc") || path_is_at_or_below(d, "/dev"))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "sandbox: %s: \"%s\" is the sandbox's own /proc or /dev", field, d);
        return 0;
}

static int read_sandbox(sd_bus_message *m, Sandbox *s, sd_bus_error *error) {
        const char *src, *dest, *key;
        int fd, writable, r;

        r = read_strv_limited(m, "args", SANDBOX_ARGS_MAX, &s->args, error);
        if (r >= 0)
                r = read_strv_limited(m, "env", SANDBOX_ARGS_MAX, &s->env, error);
        if (r >= 0)
                r = sd_bus_message_read(m, "s", &s->cwd);
        if (r < 0)
                return r;
        if (strv_length(s->args) == 0 || !s->args[0][0])
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: args: empty");
        if (s->cwd[0] != '/')
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: cwd: \"%s\" is not absolute", s->cwd);

        r = sd_bus_message_enter_container(m, 'a', "(ssb)");
        while (r >= 0 && (r = sd_bus_message_read(m, "(ssb)", &src, &dest, &writable)) > 0) {
                if (s->n_binds >= SANDBOX_BINDS_MAX)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: binds: more than %d",
                                                 SANDBOX_BINDS_MAX);
                if (src[0] != '/')
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                                 "sandbox: binds[%zu]: source \"%s\" is not absolute", s->n_binds, src);
                s->binds[s->n_binds++] = (SandboxBind) { .source = src, .destination = dest, .writable = writable, .fd = -1 };
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(hsb)");
        size_t n_fd_binds = 0;
        while (r >= 0 && (r = sd_bus_message_read(m, "(hsb)", &fd, &dest, &writable)) > 0) {
                if (n_fd_binds++ >= SANDBOX_BINDS_MAX)
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: fdBinds: more than %d",
                                                 SANDBOX_BINDS_MAX);
                s->binds[s->n_binds++] = (SandboxBind) { .destination = dest, .writable = writable, .fd = fd };
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = read_strv_limited(m, "tmpfs", SANDBOX_TMPFS_MAX, &s->tmpfs, error);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_binds; i++) {
                char field[32];
                snprintf(field, sizeof field, "binds[%zu]", i);
                r = check_destination(field, s->binds[i].destination, error);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; s->tmpfs && s->tmpfs[i]; i++) {
                r = check_destination("tmpfs", s->tmpfs[i], error);
                if (r < 0)
                        return r;
        }

        s->network = "none";
        s->seccomp = "default";
        s->hostname = "sandbox";
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "network"))
                        r = sd_bus_message_read(m, "v", "s", &s->network);
                else if (streq(key, "seccomp"))
                        r = sd_bus_message_read(m, "v", "s", &s->seccomp);
                else if (streq(key, "hostname"))
                        r = sd_bus_message_read(m, "v", "s", &s->hostname);
                else if (streq(key, "id"))
                        r = sd_bus_message_read(m, "v", "s", &s->id);
                else if (streq(key, "memoryMax"))
                        r = sd_bus_message_read(m, "v", "t", &s->memory_max);
                else if (streq(key, "pidsMax"))
                        r = sd_bus_message_read(m, "v", "t", &s->pids_max);
                else if (streq(key, "dieWithCaller")) {
                        int b;
                        r = sd_bus_message_read(m, "v", "b", &b);
                        s->die_with_caller = b;
                } else if (streq(key, "timeoutSec"))
                        r = sd_bus_message_read(m, "v", "u", &s->timeout_sec);
                else
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: options: unknown option \"%s\"",
                                                 key);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = sd_bus_message_read(m, "hhh", &s->stdio[0], &s->stdio[1], &s->stdio[2]);
        if (r < 0)
                return r;
        if (!streq(s->network, "none") && !streq(s->network, "host"))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "sandbox: network: \"%s\" is not \"none\" (its own, loopback only) or \"host\"",
                                         s->network);
        if (!streq(s->seccomp, "default") && !streq(s->seccomp, "none"))
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS,
                                         "sandbox: seccomp: \"%s\" is not \"default\" or \"none\"", s->seccomp);
        if (strlen(s->hostname) > 64)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "sandbox: hostname: longer than 64 bytes");
        if (s->id)
                return check_id(s->id, error);
        return 0;
}

/* What only org.ocictl.manage allows, named by field; NULL when the profile covers it all. */
static const char *privileged_field(const Sandbox *s) {
        if (streq(s->network, "host"))
                return "network: host: the host's network";
        if (streq(s->seccomp, "none"))
                return "seccomp: none: no system call filter";
        return NULL;
}

/* In a child with the caller's ids: opens path (or checks the caller's descriptor) for reading,
 * and for writing when asked, as the caller itself could; the opened descriptor comes back. */
_noreturn_ static void access_as_caller(const Registry *reg, const SandboxBind *b, int sock) {
        int fd = b->fd, e = 0;
        struct stat st;

        if (setgroups(reg->n_caller_groups, reg->caller_groups) < 0 ||
            setresgid(reg->caller_gid, reg->caller_gid, reg->caller_gid) < 0 ||
            setresuid(reg->caller_uid, reg->caller_uid, reg->caller_uid) < 0)
                _exit(1);
        if (b->source)
                fd = open(b->source, O_PATH | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                e = errno;
        else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
                e = ENOTSUP; /* no devices, sockets or fifos: a sandbox has its own /dev */
        else if (faccessat(fd, "", R_OK | (S_ISDIR(st.st_mode) ? X_OK : 0) | (b->writable ? W_OK : 0),
                           AT_EMPTY_PATH | AT_EACCESS) < 0)
                e = errno;
        if (e == 0 && b->source)
                _exit(fd_send(sock, &e, sizeof e, fd) < 0 ? 1 : 0);
        _exit(send(sock, &e, sizeof e, MSG_NOSIGNAL) == sizeof e ? 0 : 1);
}

static int open_bind(const Registry *reg, size_t index, SandboxBind *b, sd_bus_error *error) {
        int sv[2], e = EIO, fd = -1, ws;
        pid_t pid;
        struct stat st;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                e = errno;
                close(sv[0]);
                close(sv[1]);
                return -e;
        }
        if (pid == 0) {
                close(sv[0]);
                access_as_caller(reg, b, sv[1]);
        }
        close(sv[1]);
        if (fd_recv(sv[0], &e, sizeof e, 0, &fd) != sizeof e)
                e = EIO;
        close(sv[0]);
        (void) waitpid(pid, &ws, 0);
        if (e == 0 && b->source && fd < 0)
                e = EIO;
        if (e != 0) {
                safe_close(fd);
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED, "sandbox: binds[%zu]: %s: %s (as uid %u)%s",
                                         index, b->source ?: "a descriptor", strerror(e), reg->caller_uid,
                                         b->writable && e == EACCES ? ": it is not the caller's to write" : "");
        }
        if (b->source)
                b->fd = fd;
        b->directory = fstat(b->fd, &st) >= 0 && S_ISDIR(st.st_mode);
        return 0;
}

/* The caller's own limit of a controller: the lowest on the way from its cgroup to the top
 * (0: none). The sandbox may have no more. */
static uint64_t caller_ceiling(const Registry *reg, const char *controller) {
        _cleanup_(cgroup_layout_done) CgroupLayout layout = {};
        const CgroupHierarchy *h;
        char cgroup_file[64], path[PATH_MAX];
        uint64_t lowest = 0;

        snprintf(cgroup_file, sizeof cgroup_file, "/proc/%d/cgroup", (int) reg->caller_pid);
        if (cgroup_layout_detect_from("/proc/self/mountinfo", cgroup_file, &layout) < 0)
                return 0;
        h = cgroup_layout_find(&layout, controller);
        if (!h || !h->own_path)
                return 0;
        const char *file = h->v2 ? (streq(controller, "memory") ? "memory.max" : "pids.max") :
                                   (streq(controller, "memory") ? "memory.limit_in_bytes" : "pids.max");
        snprintf(path, sizeof path, "%s%s", h->mountpoint, h->own_path);
        for (;;) {
                char value[64] = "", full[PATH_MAX + 32];
                FILE *f;
                snprintf(full, sizeof full, "%s/%s", path, file);
                f = fopen(full, "re");
                if (f) {
                        if (fgets(value, sizeof value, f)) {
                                char *end;
                                unsigned long long v = strtoull(value, &end, 10);
                                /* v1 says "no limit" with a huge number */
                                if (end != value && v > 0 && v < (1ULL << 62) && (lowest == 0 || v < lowest))
                                        lowest = v;
                        }
                        fclose(f);
                }
                if (strlen(path) <= strlen(h->mountpoint))
                        break;
                char *slash = strrchr(path, '/');
                if (!slash)
                        break;
                *slash = 0;
        }
        return lowest;
}

static int check_limit(const Registry *reg, const char *field, const char *controller, uint64_t *value,
                       sd_bus_error *error) {
        uint64_t ceiling = caller_ceiling(reg, controller);
        if (ceiling > 0 && *value > ceiling)
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                         "sandbox: %s: %" PRIu64 " is above the caller's own limit of %" PRIu64, field,
                                         *value, ceiling);
        if (*value == 0)
                *value = ceiling;
        return 0;
}

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

static char *sandbox_config(const Registry *reg, const Sandbox *s) {
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
        for (size_t i = 0; i < ELEMENTSOF(system_paths); i++)
                if (access(system_paths[i], F_OK) >= 0)
                        json_bind(&w, system_paths[i], system_paths[i], false);
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
static int open_sandbox_root(const Registry *reg, bool create, char **ret_path) {
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

static int make_sandbox_rootfs(int dir_fd, const Spec *spec, void *userdata, sd_bus_error *error) {
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

static int config_memfd(const char *text) {
        int fd = memfd_create("sandbox-config.json", MFD_CLOEXEC);
        size_t n = strlen(text);

        if (fd < 0)
                return -errno;
        if (write(fd, text, n) != (ssize_t) n || lseek(fd, 0, SEEK_SET) < 0) {
                int r = -errno;
                close(fd);
                return r ?: -EIO;
        }
        return fd;
}

/* A sandbox made but not started: killed and removed, cgroup, folder and bundle; a caller that
 * got an error has nothing to delete. */
static void undo_sandbox(Registry *reg, const char *id, const ContainerState *state) {
        _cleanup_(sd_bus_error_free) sd_bus_error ignored = SD_BUS_ERROR_NULL;
        _cleanup_close_ int dir_fd = -EBADF;

        (void) call_kill(reg, state, SIGKILL, &ignored);
        sd_bus_error_free(&ignored);
        /* The cgroup manager kills what is left in the cgroup before it removes it. */
        if (call_cgroups_remove(reg, state, NULL, &ignored) < 0)
                log_warning("Sandbox %s: cannot remove its cgroup: %s", id, ignored.message);
        if (container_dir_open(reg->root_fd, id, LOCK_EX, &dir_fd) >= 0)
                (void) container_dir_remove(reg->root_fd, id, dir_fd);
        registry_sandbox_remove(reg, id);
        emit_container_removed(reg, id);
}

int method_run_sandbox(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Registry *reg = userdata;
        _cleanup_(sandbox_done) Sandbox s = { .bundle_fd = -EBADF };
        _cleanup_(container_state_done) ContainerState state = {};
        _cleanup_free_ char *config = NULL, *path = NULL, *id = NULL, *bundle = NULL;
        _cleanup_close_ int config_fd = -EBADF, pidfd = -EBADF;
        const char *field;
        int r;

        if (service_is_direct())
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_SUPPORTED, "RunSandbox is for the system bus");
        r = registry_offload(reg, m, error);
        if (r != 0)
                return r;
        r = read_sandbox(m, &s, error);
        if (r < 0)
                return r;
        r = registry_authorize(reg, m, ACTION_SANDBOX, UID_INVALID, method_run_sandbox, error);
        if (r != 0)
                return r;
        field = privileged_field(&s);
        if (field && reg->caller_uid != 0) {
                r = registry_authorize(reg, m, ACTION_MANAGE, UID_INVALID, method_run_sandbox, error);
                if (r < 0 && sd_bus_error_has_name(error, OCICTL_ERROR_NOT_AUTHORIZED)) {
                        sd_bus_error_free(error);
                        return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                                 "sandbox: %s: needs %s, and uid %u is not authorized for it", field,
                                                 ACTION_MANAGE, reg->caller_uid);
                }
                if (r != 0)
                        return r;
        }
        if (reg->caller_pid <= 0 || reg->caller_gid == (gid_t) -1 || reg->n_caller_groups < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED,
                                         "sandbox: the bus did not say the caller's pid, gid and groups");
        for (size_t i = 0; i < s.n_binds; i++) {
                r = open_bind(reg, i, &s.binds[i], error);
                if (r < 0)
                        return r;
        }
        r = check_limit(reg, "memoryMax", "memory", &s.memory_max, error);
        if (r >= 0)
                r = check_limit(reg, "pidsMax", "pids", &s.pids_max, error);
        if (r < 0)
                return r;

        if (s.id)
                id = strdup(s.id);
        else {
                uint64_t rnd;
                if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
                        return -errno;
                r = asprintf(&id, "sandbox-%016" PRIx64, rnd);
                if (r < 0)
                        id = NULL;
        }
        config = sandbox_config(reg, &s);
        if (!id || !config)
                return -ENOMEM;
        config_fd = config_memfd(config);
        if (config_fd < 0)
                return sd_bus_error_set_errnof(error, -config_fd, "sandbox: cannot hold its config: %m");
        _cleanup_close_ int sandbox_root = open_sandbox_root(reg, true, &bundle);
        if (sandbox_root < 0)
                return sd_bus_error_set_errnof(error, -sandbox_root, "sandbox: cannot open %s-sandboxes: %m", reg->root_dir);
        if (mkdirat(sandbox_root, id, 0711) < 0)
                return sd_bus_error_set_errnof(error, errno, "sandbox: cannot make %s/%s: %m", bundle, id);
        s.bundle_fd = openat(sandbox_root, id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        char *joined = NULL;
        if (s.bundle_fd < 0 || asprintf(&joined, "%s/%s", bundle, id) < 0) {
                (void) remove_mount_point_tree(sandbox_root, id);
                return -ENOMEM;
        }
        free(bundle);
        bundle = joined;

        CreateRequest req = {
                .id = id,
                .bundle = bundle,
                .config_fd = config_fd,
                .stdio = { s.stdio[0], s.stdio[1], s.stdio[2] },
                .options = CREATE_OPTIONS_INIT,
                .owner = reg->caller_uid,
                .make_rootfs = make_sandbox_rootfs,
                .userdata = &s,
        };
        /* The binds come after /proc, /dev, /dev/pts, /dev/shm, /tmp and the system paths. */
        size_t first_bind = 5;
        for (size_t i = 0; i < ELEMENTSOF(system_paths); i++)
                if (access(system_paths[i], F_OK) >= 0)
                        first_bind++;
        for (size_t i = 0; i < s.n_binds; i++) {
                req.options.mount_source_fds[i].index = (unsigned) (first_bind + i);
                req.options.mount_source_fds[i].fd = s.binds[i].fd;
        }
        req.options.n_mount_source_fds = s.n_binds;

        r = create_container(reg, m, &req, &state, error);
        if (r != 0) {
                (void) remove_mount_point_tree(sandbox_root, id);
                return r;
        }
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_(container_state_done) ContainerState loaded = {};
        /* Before the start: a quick command may be gone by the time start returns. */
        pidfd = (int) syscall(SYS_pidfd_open, state.pid, 0);
        r = pidfd < 0 ? sd_bus_error_set_errnof(error, errno, "sandbox %s: pidfd: %m", id) : 0;
        if (r >= 0)
                r = load_container(reg, id, LOCK_EX, &dir_fd, &loaded, error);
        if (r >= 0)
                r = start_container(reg, id, dir_fd, &loaded, error);
        if (r < 0) {
                log_warning("Sandbox %s did not start: %s", id, error->message ?: strerror(-r));
                dir_fd = safe_close(dir_fd); /* its lock, for the removal to take */
                undo_sandbox(reg, id, &state);
                return r;
        }
        r = container_object_path(id, &path);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(m, "soh", id, path, pidfd);
}

/* The registry's side, once a worker has run a sandbox: it is watched as any container, and a
 * guard kills it at its timeout and deletes it when its caller leaves the bus (dieWithCaller),
 * through calls the registry makes to itself (each then runs in a worker, as root's). */
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
                                               at > now ? at - now : 0, 0, on_timeout, g);
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
