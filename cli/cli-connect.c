/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "cli.h"
#include "log.h"
#include "service-spawn.h"

GlobalOptions arg_global = { .root = "/run/ocictl", .log_fd = -1, .ask_password = true };

int cli_error(int r, const char *fmt, ...) {
        char msg[2048];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fprintf(stderr, "ocictl: %s\n", msg);
        if (arg_global.log_fd >= 0)
                log_error("%s", msg); /* the log was set up to go to --log */
        return r < 0 ? r : -EINVAL;
}

/* Direct mode: start what the verb needs (cli.h). The sockets first, so that the registry, which
 * drives the call, starts second, right after the parser its first call waits for (an exec and a
 * sandbox: the longest start); then the spawner (an exec too), then the cgroup manager (a fork,
 * ready at once). On two cores, a registry forked last waited for the others' starts. */
static int session_spawn(SessionNeeds needs, Session *s) {
        static const struct {
                SessionNeeds need;
                ServiceId id;
        } order[] = { { SESSION_PARSES, SERVICE_SPEC }, { 0, SERVICE_REGISTRY },
                      { SESSION_CLONES | SESSION_SIGNALS, SERVICE_SPAWNER }, { SESSION_CGROUPS, SERVICE_CGROUPS } };
        int ours[_SERVICE_MAX] = { -1, -1, -1, -1 }, theirs[_SERVICE_MAX] = { -1, -1, -1, -1 };
        int r = 0;
        ServiceId failed = _SERVICE_MAX;

        setenv("OCICTL_ROOT", arg_global.root, 1);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(order); i++)
                if (order[i].id == SERVICE_REGISTRY || (needs & order[i].need))
                        r = service_socket_pair(&ours[order[i].id], &theirs[order[i].id]);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(order); i++) {
                ServiceId id = order[i].id;
                if (theirs[id] < 0)
                        continue;
                /* The registry gets our ends of the others' sockets; we keep our end of its. */
                int peers[_SERVICE_MAX] = { ours[0], ours[1], ours[2], -1 };
                _Static_assert(SERVICE_REGISTRY == _SERVICE_MAX - 1 && _SERVICE_MAX == 4, "the registry is last of four");
                r = service_start(id, theirs[id], id == SERVICE_REGISTRY ? peers : NULL, arg_global.log_fd,
                                  &s->children[id]);
                theirs[id] = safe_close(theirs[id]);
                if (r < 0)
                        failed = id;
                if (r >= 0 && id == SERVICE_REGISTRY)
                        for (ServiceId peer = 0; peer < SERVICE_REGISTRY; peer++)
                                ours[peer] = safe_close(ours[peer]); /* the registry holds them now */
        }
        for (ServiceId id = 0; id < _SERVICE_MAX; id++) {
                safe_close(theirs[id]);
                if (id != SERVICE_REGISTRY || r < 0)
                        ours[id] = safe_close(ours[id]);
        }
        if (r < 0 && failed < _SERVICE_MAX) /* the one that is missing, by name */
                return cli_error(r, "cannot start the ocictl services: %s/%s: %s", service_spawn_directory(),
                                 service_table[failed].binary, strerror(-r));
        if (r < 0)
                return cli_error(r, "cannot start the ocictl services: %s", strerror(-r));
        r = peer_connect_fd(SERVICE_REGISTRY, ours[SERVICE_REGISTRY], &s->registry);
        if (r < 0) /* the registry died before it answered: name it, as for the others */
                return cli_error(r, "cannot reach %s: %s", service_table[SERVICE_REGISTRY].bus_name, strerror(-r));
        return 0;
}

int session_open(SessionNeeds needs, Session *ret) {
        Session s = { .direct = !arg_global.bus_address };
        int r;

        bus_errors_register();
        if (s.direct)
                r = session_spawn(needs, &s);
        else {
                r = peer_connect_address(SERVICE_REGISTRY, arg_global.bus_address, &s.registry);
                /* As systemctl: a caller polkit would ask for a password is asked (by its agent),
                 * unless --no-ask-password; refused outright only when it may not at all. */
                if (r >= 0)
                        r = sd_bus_set_allow_interactive_authorization(s.registry.bus, arg_global.ask_password);
                if (r >= 0 && (needs & SESSION_CLONES))
                        r = peer_from_bus_shared(SERVICE_SPAWNER, s.registry.bus, &s.spawner);
        }
        if (r < 0) {
                session_close(&s);
                return s.direct ? r /* said above */
                                : cli_error(r, "cannot reach the ocictl services on %s: %s", arg_global.bus_address,
                                            strerror(-r));
        }
        *ret = s;
        return 0;
}

void session_close(Session *s) {
        if (s->spawner.bus)
                s->spawner.bus = sd_bus_unref(s->spawner.bus);
        peer_done(&s->registry);
        /* The registry exits on EOF and with it the others' connections close: reap them all. */
        for (ServiceId id = 0; id < _SERVICE_MAX; id++)
                if (s->children[id] > 0) {
                        (void) waitpid(s->children[id], NULL, 0);
                        s->children[id] = 0;
                }
}

int session_new_call(Session *s, const char *member, sd_bus_message **ret) {
        return peer_new_call(&s->registry, member, ret);
}

int session_new_object_call(Session *s, const char *id, const char *interface, const char *member,
                            sd_bus_message **ret) {
        _cleanup_free_ char *path = NULL;
        int r = sd_bus_path_encode(CONTAINER_PATH_PREFIX, id, &path);
        if (r < 0)
                return r;
        return sd_bus_message_new_method_call(s->registry.bus, ret, s->registry.destination, path, interface, member);
}

int session_new_container_call(Session *s, const char *id, const char *member, sd_bus_message **ret) {
        return session_new_object_call(s, id, CONTAINER_INTERFACE, member, ret);
}

int session_call(Session *s, sd_bus_message *m, sd_bus_message **reply) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = peer_call(&s->registry, m, &error, reply);
        if (r < 0)
                cli_error(r, "%s", error.message ?: strerror(-r));
        return r;
}

int connect_console_socket(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        if (strlen(path) >= sizeof sa.sun_path)
                return cli_error(-ENAMETOOLONG, "--console-socket: path too long: %s", path);
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return cli_error(-errno, "--console-socket: socket: %m");
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                int r = -errno;
                close(fd);
                return cli_error(r, "--console-socket: cannot connect to %s: %s", path, strerror(-r));
        }
        return fd;
}

int add_preserved_fds(const char *count, bool with_listen_fds, CreateOptions *o) {
        const char *listen = with_listen_fds ? getenv("LISTEN_FDS") : NULL;
        unsigned long n = 0, l = 0;
        char *end;

        if (count) {
                errno = 0;
                n = strtoul(count, &end, 10);
                if (errno || *end || count[0] == '-' || n >= PRESERVE_FDS_MAX)
                        return cli_error(-EINVAL, "--preserve-fds: \"%s\" is not a number below %d", count,
                                         PRESERVE_FDS_MAX);
        }
        if (listen) {
                l = strtoul(listen, &end, 10);
                if (*end || l >= PRESERVE_FDS_MAX)
                        return cli_error(-EINVAL, "LISTEN_FDS: \"%s\" is not a number below %d", listen,
                                         PRESERVE_FDS_MAX);
                o->listen_fds = (unsigned) l;
        }
        if (l > n)
                n = l;
        for (unsigned long i = 0; i < n; i++) {
                int fd = 3 + (int) i;
                if (fcntl(fd, F_GETFD) < 0)
                        return cli_error(-EBADF, "--preserve-fds: fd %d is not open", fd);
                o->preserve_fds[i] = fd;
        }
        o->n_preserve_fds = n;
        return 0;
}

void reap_helpers(pid_t keep) {
        for (;;) {
                siginfo_t si = {};
                if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
                        return;
                if (si.si_pid == keep)
                        return; /* the container: its status belongs to whoever waits for it */
                (void) waitpid(si.si_pid, NULL, 0);
        }
}
