/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* For the NOTIFY_SOCKET test, inside a busybox container: sends its argument ("READY=1") as one
 * datagram to $NOTIFY_SOCKET, as sd_notify(3) would. Static, like the other helpers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
        const char *path = getenv("NOTIFY_SOCKET"), *text = argc > 1 ? argv[1] : "READY=1";
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        if (!path || strlen(path) >= sizeof sa.sun_path) {
                fprintf(stderr, "sd-notify: no usable NOTIFY_SOCKET\n");
                return 1;
        }
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0 || sendto(fd, text, strlen(text), 0, (struct sockaddr *) &sa, sizeof sa) < 0) {
                perror("sd-notify");
                return 1;
        }
        return 0;
}
