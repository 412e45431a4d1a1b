/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry1.RunSandbox: a container made from a profile rather than a bundle, for a caller that
 * may be no more than a user with org.ocictl.sandbox. The profile cannot give the caller more
 * than it has (docs/sandbox.md, the security boundary): a user namespace in which the caller's
 * own uid and gid are the only ids, no capabilities, noNewPrivileges, read-only system paths,
 * and only the binds the caller could open itself (each opened by a child with the caller's
 * ids, never by the service), a new namespace of every kind, no network but its own, the
 * caller's cgroup limits as the ceiling and ocictl's default seccomp profile. Whatever goes
 * beyond needs org.ocictl.manage, field by field. This file reads and checks the request (in a
 * worker); the config (registry-sandbox-profile.c) goes through the parser and the ordinary
 * create, as any bundle's would. */
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
#include <sys/wait.h>

#include "bus-errors.h"
#include "cgroup-layout.h"
#include "container-id.h"
#include "fd-passing.h"
#include "log.h"
#include "registry-container.h"
#include "registry-sandbox.h"
#include "registry.h"
#include "service-run.h"

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
        size_t first_bind;
        config = sandbox_config(reg, &s, &first_bind);
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

