/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include "fd-passing.h"
#include "sync.h"

/* write(), not send(): a stage may report after the container's seccomp filter is loaded
 * (without noNewPrivileges it loads early, as runc's does), and an allow-list profile lists
 * write but seldom sendto. A stage whose stage 0 is gone dies of SIGPIPE, as it should. */
static int send_record(int fd, const SyncMessage *m, size_t size) {
        return write(fd, m, size) < 0 ? negative_errno() : 0;
}

int sync_send(int fd, SyncType type, int32_t value) {
        SyncMessage m = { .type = type, .value = value };
        return send_record(fd, &m, offsetof(SyncMessage, text));
}

int sync_ack(int fd, SyncType type, int32_t value, const char *who, Error *e) {
        if (sync_send(fd, type, value) >= 0)
                return 0;
        return error_set_complete(e, -EPIPE, "%s ended without a report", who);
}

int sync_send_text(int fd, SyncType type, const char *text) {
        SyncMessage m = { .type = type };
        int n = snprintf(m.text, sizeof m.text, "%s", text);
        m.length = n < 0 ? 0 : (uint32_t) n >= sizeof m.text ? sizeof m.text - 1 : (uint32_t) n;
        return send_record(fd, &m, offsetof(SyncMessage, text) + m.length);
}

int sync_send_fd(int fd, SyncType type, int passed_fd) {
        SyncMessage m = { .type = type };
        return fd_send(fd, &m, offsetof(SyncMessage, text), passed_fd);
}

int sync_recv(int fd, SyncMessage *ret) {
        int passed = -EBADF, r = sync_recv_fd(fd, ret, &passed);
        safe_close(passed); /* not expected here */
        return r;
}

int sync_recv_fd(int fd, SyncMessage *ret, int *ret_fd) {
        ssize_t n = fd_recv(fd, ret, sizeof *ret, 0, ret_fd);

        if (n < 0)
                return (int) n;
        if (n == 0)
                return -EPIPE; /* every child is gone without a word */
        if ((size_t) n < offsetof(SyncMessage, text) || ret->length >= sizeof ret->text)
                return -EBADMSG;
        ret->text[ret->length] = 0;
        return 0;
}

void stage_fail_step(int fd, int r, const Error *e) {
        SyncMessage m = { .type = SYNC_ERROR, .value = e->code != 0 ? -e->code : r < 0 ? -r : EIO };
        char text[ERROR_MESSAGE_MAX + 64];
        int n;

        n = snprintf(m.text, sizeof m.text, "%s", error_text(e, r, text, sizeof text));
        m.length = n < 0 ? 0 : (uint32_t) n >= sizeof m.text ? sizeof m.text - 1 : (uint32_t) n;
        (void) send_record(fd, &m, offsetof(SyncMessage, text) + m.length);
        _exit(1);
}

void stage_fail(int fd, int r, const char *fmt, ...) {
        Error e = { .code = r < 0 ? r : -EIO, .complete = r == 0 };
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(e.message, sizeof e.message, fmt, ap);
        va_end(ap);
        stage_fail_step(fd, r, &e);
}
