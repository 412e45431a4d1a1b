/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "exit-status.h"

int exit_status_read(int dir_fd) {
        char buf[32] = {};
        int fd, status;
        ssize_t n;

        fd = openat(dir_fd, EXIT_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -1;
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0 || sscanf(buf, "%d", &status) != 1 || status < 0 || status > 255)
                return -1;
        return status;
}

int exit_status_write(int dir_fd, int status) {
        char buf[32];
        int fd, n, r = 0;

        fd = openat(dir_fd, EXIT_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof buf, "%d\n", status);
        if (write(fd, buf, (size_t) n) != n)
                r = errno > 0 ? -errno : -EIO;
        close(fd);
        if (r >= 0 && renameat(dir_fd, EXIT_FILE ".tmp", dir_fd, EXIT_FILE) < 0)
                r = -errno;
        if (r < 0)
                (void) unlinkat(dir_fd, EXIT_FILE ".tmp", 0);
        return r;
}
