/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ROOT/ID/spec: the parser's answer for the container's config.json, kept at create so that exec
 * and the poststart/poststop hooks need no second parse (one process and about 2 ms fewer per
 * exec). config.json stays the reference: a folder without the file (made by an older ocictl,
 * or whose write failed) is parsed again. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "bus-body.h"
#include "log.h"
#include "macros.h"
#include "registry.h"

void saved_spec_write(int dir_fd, sd_bus_message *parsed) {
        _cleanup_free_ char *bytes = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t size;
        int r;

        r = bus_body_to_bytes(parsed, &bytes, &size);
        if (r >= 0) {
                fd = openat(dir_fd, SPEC_COPY ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
                r = fd < 0 ? negative_errno() : 0;
        }
        if (r >= 0 && write(fd, bytes, size) != (ssize_t) size)
                r = errno > 0 ? -errno : -EIO;
        /* Renamed once written: a folder has the whole answer or none. */
        if (r >= 0 && renameat(dir_fd, SPEC_COPY ".tmp", dir_fd, SPEC_COPY) < 0)
                r = negative_errno();
        if (r < 0) {
                (void) unlinkat(dir_fd, SPEC_COPY ".tmp", 0);
                log_debug_errno(r, "Not keeping the parsed spec (exec parses config.json again): %m");
        }
}

int saved_spec_read(int dir_fd, sd_bus *bus, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ char *bytes = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        fd = openat(dir_fd, SPEC_COPY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode) || st.st_size > BUS_BODY_MAX)
                return -EBADMSG;
        bytes = malloc((size_t) st.st_size + 1);
        if (!bytes)
                return -ENOMEM;
        if (read(fd, bytes, (size_t) st.st_size) != st.st_size)
                return -EIO;
        /* Any message will do as the container: a signal needs no destination. */
        r = sd_bus_message_new_signal(bus, &m, "/org/ocictl/Spec1", "org.ocictl.Spec1", "Parsed");
        if (r >= 0)
                r = bus_body_from_bytes(m, bytes, (size_t) st.st_size);
        if (r >= 0)
                r = sd_bus_message_seal(m, 1, 0);
        if (r >= 0)
                r = sd_bus_message_rewind(m, true);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}
