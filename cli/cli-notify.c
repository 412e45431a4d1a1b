/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runc's sd_notify pass-through. When ocictl's caller has NOTIFY_SOCKET (systemd, or podman for
 * --sdnotify=container), `create` gives the container a socket folder of its own on /run/notify
 * (registry and spawner), and `start` binds the socket there, releases the container, waits for
 * the container's READY=, and passes READY=1 and MAINPID=<init> on to the caller's socket, so
 * that the service manager watches the container's init. */
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "container-id.h"

static int socket_address(const char *path, struct sockaddr_un *ret, socklen_t *ret_len) {
        size_t n = strlen(path);

        if (n == 0 || n >= sizeof ret->sun_path)
                return -EINVAL;
        *ret = (struct sockaddr_un) { .sun_family = AF_UNIX };
        memcpy(ret->sun_path, path, n);
        if (path[0] == '@') /* abstract, as sd_notify() reads it */
                ret->sun_path[0] = 0;
        *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
        return 0;
}

int notify_relay_open(const char *id, int *ret_fd) {
        const char *host = getenv("NOTIFY_SOCKET");
        char dir[PATH_MAX + 64], path[PATH_MAX + 96];
        struct sockaddr_un sa;
        socklen_t len;
        struct stat st;
        int fd;

        *ret_fd = -EBADF;
        if (!container_id_is_valid(id))
                return 0; /* the registry names what is wrong with it */
        snprintf(dir, sizeof dir, "%s/%s/notify", arg_global.root, id);
        /* No NOTIFY_SOCKET, or a container created without one: nothing to relay. */
        if (!host || !*host || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        snprintf(path, sizeof path, "%s/notify.sock", dir);
        if (socket_address(path, &sa, &len) < 0)
                return cli_error(-ENAMETOOLONG, "NOTIFY_SOCKET: %s: path too long", path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return cli_error(-errno, "NOTIFY_SOCKET: socket: %m");
        (void) unlink(path);
        /* The container's process may run as any user: the socket takes anyone's datagram, as
         * runc's does; the folder is the container's alone. */
        if (bind(fd, (struct sockaddr *) &sa, len) < 0 || chmod(path, 0777) < 0) {
                int r = -errno;
                close(fd);
                return cli_error(r, "NOTIFY_SOCKET: bind %s: %s", path, strerror(-r));
        }
        *ret_fd = fd;
        return 0;
}

int notify_relay_wait(int fd, pid_t pid) {
        const char *host = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa;
        socklen_t len;
        char buf[4096], proc[32], out[64];
        int r, client;

        if (fd < 0)
                return 0;
        snprintf(proc, sizeof proc, "/proc/%d", (int) pid);
        for (;;) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                /* Until the container says READY=, or its init is gone (then there is nothing to
                 * watch: runc returns quietly too). */
                r = poll(&p, 1, 100);
                if (r < 0 && errno != EINTR)
                        return cli_error(-errno, "NOTIFY_SOCKET: poll: %m");
                if (r <= 0) {
                        if (access(proc, F_OK) < 0)
                                return 0;
                        continue;
                }
                ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
                if (n < 0)
                        continue;
                buf[n] = 0;
                if (strncmp(buf, "READY=", 6) == 0 || strstr(buf, "\nREADY="))
                        break;
        }
        if (socket_address(host, &sa, &len) < 0)
                return cli_error(-EINVAL, "NOTIFY_SOCKET: \"%s\" is not a socket path", host);
        client = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (client < 0)
                return cli_error(-errno, "NOTIFY_SOCKET: socket: %m");
        snprintf(out, sizeof out, "READY=1\nMAINPID=%d\n", (int) pid);
        r = sendto(client, out, strlen(out), MSG_NOSIGNAL, (struct sockaddr *) &sa, len) < 0 ? -errno : 0;
        close(client);
        if (r < 0)
                return cli_error(r, "NOTIFY_SOCKET: send to %s: %s", host, strerror(-r));
        return 0;
}
