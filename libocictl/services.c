/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "log.h"
#include "sealed-exec.h"
#include "services.h"

#ifndef OCICTL_LIBEXECDIR
#define OCICTL_LIBEXECDIR "/usr/local/libexec/ocictl"
#endif

extern char **environ;

#define SERVICE_FD 3 /* where a directly spawned service finds its own socket */

const ServiceInfo service_table[_SERVICE_MAX] = {
        [SERVICE_SPEC] = { "spec", "org.ocictl.Spec1", "/org/ocictl/Spec1", "ocictl-spec" },
        [SERVICE_CGROUPS] = { "cgroups", "org.ocictl.Cgroups1", "/org/ocictl/Cgroups1", "ocictl-cgroups" },
        [SERVICE_SPAWNER] = { "spawner", "org.ocictl.Spawner1", "/org/ocictl/Spawner1", "ocictl-spawner" },
        [SERVICE_REGISTRY] = { "registry", "org.ocictl.Registry1", "/org/ocictl/Registry1", "ocictl-registry" },
};

ServiceId service_from_short_name(const char *s) {
        for (ServiceId i = 0; i < _SERVICE_MAX; i++)
                if (streq(s, service_table[i].short_name))
                        return i;
        return _SERVICE_INVALID;
}

static int peer_from_bus(ServiceId id, sd_bus *bus, bool direct, Peer *ret) {
        *ret = (Peer) {
                .id = id,
                .bus = bus,
                .destination = direct ? NULL : service_table[id].bus_name,
        };
        return 0;
}

int peer_connect_fd(ServiceId id, int fd, Peer *ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        (void) sd_bus_set_description(bus, service_table[id].short_name);
        r = sd_bus_set_fd(bus, fd, fd);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        return peer_from_bus(id, bus, true, ret);
}

int peer_connect_address(ServiceId id, const char *address, Peer *ret) {
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, true);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        return peer_from_bus(id, bus, false, ret);
}

/* OCICTL_PEER_FDS is "spec=4 cgroups=5 spawner=6": set by service_spawn() for the registry. */
static int peer_fd_from_env(ServiceId id) {
        const char *e = getenv("OCICTL_PEER_FDS");
        const char *name = service_table[id].short_name;
        size_t n = strlen(name);

        for (const char *p = e; p && *p;) {
                p += strspn(p, " ");
                if (strneq(p, name, n) && p[n] == '=')
                        return atoi(p + n + 1);
                p += strcspn(p, " ");
        }
        return -ENOENT;
}

int peer_from_bus_shared(ServiceId id, sd_bus *bus, Peer *ret) {
        return peer_from_bus(id, sd_bus_ref(bus), false, ret);
}

int peer_connect(ServiceId id, sd_bus *bus_fallback, Peer *ret) {
        int fd = peer_fd_from_env(id);

        if (fd >= 0)
                return peer_connect_fd(id, fd, ret);
        if (!bus_fallback)
                return -ENOTCONN;
        return peer_from_bus_shared(id, bus_fallback, ret);
}

int peer_spawn(ServiceId id, Peer *ret) {
        pid_t pid;
        int fd, r;

        /* Not reaped by us: it exits when we close its connection, after we are gone. */
        r = service_spawn(id, NULL, STDERR_FILENO, &pid, &fd);
        if (r < 0)
                return r;
        return peer_connect_fd(id, fd, ret);
}

void peer_done(Peer *p) {
        if (p->bus)
                p->bus = sd_bus_flush_close_unref(p->bus);
}

int peer_new_call(const Peer *p, const char *member, sd_bus_message **ret) {
        const ServiceInfo *s = &service_table[p->id];
        return sd_bus_message_new_method_call(p->bus, ret, p->destination, s->object_path, s->bus_name, member);
}

int peer_call(const Peer *p, sd_bus_message *m, sd_bus_error *error, sd_bus_message **reply) {
        /* Container set-up can wait on hooks and slow storage; runc has no timeout either. */
        int r = sd_bus_call(p->bus, m, UINT64_MAX - 1, error, reply);

        /* A peer that died shows up as a broken connection: say which one. */
        if (r < 0 && (r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE || r == -ESHUTDOWN)) {
                sd_bus_error_free(error);
                return sd_bus_error_setf(error, SD_BUS_ERROR_NO_REPLY, "%s stopped answering during %s (%s)",
                                         service_table[p->id].bus_name, sd_bus_message_get_member(m), strerror(-r));
        }
        return r;
}

static const char *service_directory(void) {
        static char dir[PATH_MAX];
        char self[PATH_MAX], probe[PATH_MAX + 32];
        const char *e = getenv("OCICTL_LIBEXEC_DIR");
        ssize_t n;

        if (e)
                return e;
        if (dir[0])
                return dir;

        /* Next to our own binary (the build tree, or a relocated install), else libexecdir. */
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
                self[n] = 0;
                snprintf(probe, sizeof probe, "%s/%s", dirname(self), service_table[SERVICE_REGISTRY].binary);
                if (access(probe, X_OK) == 0) {
                        snprintf(dir, sizeof dir, "%s", self);
                        return dir;
                }
        }
        snprintf(dir, sizeof dir, "%s", OCICTL_LIBEXECDIR);
        return dir;
}

/* Moves fd to target in the child; fds are first lifted above the targets so that no dup2()
 * overwrites a source that is still needed. */
static int lift_fd(int fd) {
        return fd < 0 ? fd : fcntl(fd, F_DUPFD, 64);
}

int service_spawn(ServiceId id, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid, int *ret_fd) {
        _cleanup_close_ int ours = -EBADF, theirs = -EBADF, image = -EBADF;
        char path[PATH_MAX + 64];
        int pair[2], r;
        pid_t pid;

        snprintf(path, sizeof path, "%s/%s", service_directory(), service_table[id].binary);
        /* The spawner's clones enter the container: it runs from a sealed copy (sealed-exec.h).
         * Made here, so that the spawner does not have to exec itself a second time. */
        if (id == SERVICE_SPAWNER && (r = sealed_copy_of(path, &image)) < 0)
                return r;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return negative_errno();
        ours = pair[0];
        theirs = pair[1];

        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                char peers[256] = "", fdname[16];
                int lifted[_SERVICE_MAX], own, next = SERVICE_FD + 1, null_fd;

                /* No PDEATHSIG: a service exits when its connection closes, after the call it
                 * is handling. So when ocictl is killed in the middle of a create, the registry
                 * still finishes it, or rolls it back, with its peers still there to help
                 * (issue 10); they exit once the registry has. */
                own = lift_fd(theirs);
                image = lift_fd(image);
                for (int i = 0; i < _SERVICE_MAX; i++)
                        lifted[i] = peer_fds ? lift_fd(peer_fds[i]) : -1;
                if (own < 0 || dup2(own, SERVICE_FD) < 0)
                        _exit(127);
                for (int i = 0; i < _SERVICE_MAX; i++) {
                        if (lifted[i] < 0)
                                continue;
                        if (dup2(lifted[i], next) < 0)
                                _exit(127);
                        snprintf(fdname, sizeof fdname, "%s%s=%d", peers[0] ? " " : "", service_table[i].short_name, next);
                        strncat(peers, fdname, sizeof peers - strlen(peers) - 1);
                        next++;
                }
                /* Our stdout may be the container's: a service keeps only stderr, for its log. */
                null_fd = open("/dev/null", O_RDWR);
                if (null_fd >= 0) {
                        (void) dup2(null_fd, STDIN_FILENO);
                        (void) dup2(null_fd, STDOUT_FILENO);
                }
                if (log_fd >= 0)
                        (void) dup2(log_fd, STDERR_FILENO);
                if (image >= 0 && (image = dup3(image, next++, O_CLOEXEC)) < 0)
                        _exit(127);
                (void) close_range(next, ~0U, 0);
                snprintf(fdname, sizeof fdname, "%d", SERVICE_FD);
                setenv("OCICTL_SERVICE_FD", fdname, 1);
                if (peers[0])
                        setenv("OCICTL_PEER_FDS", peers, 1);
                else
                        unsetenv("OCICTL_PEER_FDS");
                if (image >= 0)
                        (void) syscall(SYS_execveat, image, "", (char *[]) { path, NULL }, environ, AT_EMPTY_PATH);
                else
                        execl(path, path, NULL);
                dprintf(STDERR_FILENO, "ocictl: cannot execute %s: %m\n", path);
                _exit(127);
        }

        *ret_pid = pid;
        *ret_fd = TAKE_FD(ours);
        return 0;
}

bool service_is_direct(void) {
        return getenv("OCICTL_SERVICE_FD") != NULL;
}

static int service_bus_open(const ServiceDefinition *def, sd_bus **ret) {
        const char *fd_env = getenv("OCICTL_SERVICE_FD");
        const char *address = getenv("OCICTL_BUS_ADDRESS");
        sd_bus *bus = NULL;
        sd_id128_t server_id;
        int r;

        if (fd_env) {
                int fd = atoi(fd_env);

                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                (void) sd_id128_randomize(&server_id);
                r = sd_bus_set_fd(bus, fd, fd);
                if (r >= 0)
                        r = sd_bus_set_server(bus, true, server_id);
                /* The only client is the process that forked us over a socket pair we were
                 * handed; SO_PEERCRED still tells us its uid for the root checks. */
                if (r >= 0)
                        r = sd_bus_set_anonymous(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_fds(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_creds(bus, true, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID);
                if (r >= 0)
                        r = sd_bus_start(bus);
        } else {
                r = sd_bus_new(&bus);
                if (r < 0)
                        return r;
                if (address)
                        r = sd_bus_set_address(bus, address);
                else
                        r = sd_bus_set_address(bus, "unix:path=/run/dbus/system_bus_socket");
                if (r >= 0)
                        r = sd_bus_set_bus_client(bus, true);
                if (r >= 0)
                        r = sd_bus_negotiate_fds(bus, true);
                if (r >= 0)
                        r = sd_bus_start(bus);
        }
        if (r < 0) {
                sd_bus_flush_close_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int service_run(const ServiceDefinition *def) {
        const ServiceInfo *s = &service_table[def->id];
        sd_event *event = NULL;
        sd_bus *bus = NULL;
        int r;

        log_setup_from_env(s->binary);
        bus_errors_register();
        (void) prctl(PR_SET_NAME, s->binary);
        signal(SIGPIPE, SIG_IGN);

        r = sd_event_default(&event);
        if (r < 0) {
                log_error_errno(r, "Failed to allocate event loop: %m");
                goto finish;
        }
        r = service_bus_open(def, &bus);
        if (r < 0) {
                /* In direct mode ocictl may give up before we are up (bad arguments): not ours
                 * to report. */
                log_full_errno(service_is_direct() && (r == -ECONNRESET || r == -EPIPE) ? LOG_DEBUG : LOG_ERR, r,
                               "Failed to connect %s to its bus: %m", s->bus_name);
                goto finish;
        }
        r = sd_bus_add_object_vtable(bus, NULL, s->object_path, s->bus_name, def->vtable, def->userdata);
        if (r < 0) {
                log_error_errno(r, "Failed to publish %s: %m", s->object_path);
                goto finish;
        }
        if (!service_is_direct()) {
                r = sd_bus_request_name(bus, s->bus_name, 0);
                if (r < 0) {
                        log_error_errno(r, "Failed to acquire bus name %s: %m", s->bus_name);
                        goto finish;
                }
        }
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_set_exit_on_disconnect(bus, true);
        if (r < 0) {
                log_error_errno(r, "Failed to attach bus to event loop: %m");
                goto finish;
        }
        if (def->setup) {
                r = def->setup(bus, event, def->userdata);
                if (r < 0)
                        goto finish; /* setup logged */
        }
        r = sd_event_loop(event);
        if (r < 0)
                log_error_errno(r, "Event loop failed: %m");

finish:
        sd_bus_flush_close_unref(bus);
        sd_event_unref(event);
        return r < 0 ? 1 : 0;
}

int bus_message_get_sender_uid(sd_bus_message *m, uid_t *ret) {
        sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, &uid);
        sd_bus_creds_unref(creds);
        if (r < 0)
                return r;
        *ret = uid;
        return 0;
}

int bus_check_caller_is_root(sd_bus_message *m, sd_bus_error *error) {
        uid_t uid;
        int r;

        r = bus_message_get_sender_uid(m, &uid);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED,
                                         "cannot determine the caller's uid: %s", strerror(-r));
        if (uid != 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED,
                                         "only root may call %s (uid %u)", sd_bus_message_get_member(m), uid);
        return 0;
}
