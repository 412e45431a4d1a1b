/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <seccomp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "fd-passing.h"
#include "hook-state.h"
#include "json-writer.h"
#include "macros.h"
#include "seccomp-notify.h"
#include "sync.h"

int seccomp_notify_send(int notify_fd, const Spec *s, const char *id, const char *status, pid_t pid, pid_t state_pid,
                        const char *bundle, Error *e) {
        _cleanup_free_ char *state = hook_state_json(id, status, state_pid, bundle, s), *text = NULL;
        _cleanup_close_ int sock = -EBADF;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        JsonWriter w = {};
        int r;

        if (!state)
                return -ENOMEM;
        json_begin_object(&w);
        json_key_string(&w, "ociVersion", s->oci_version ?: "1.3.0");
        json_key_strv(&w, "fds", (char *[]) { (char *) "seccompFd", NULL });
        json_key_int(&w, "pid", pid);
        json_key_string(&w, "metadata", s->seccomp.listener_metadata ?: "");
        json_key(&w, "state");
        json_raw(&w, state);
        json_end_object(&w);
        text = json_writer_steal(&w);
        if (!text)
                return -ENOMEM;

        snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->seccomp.listener_path);
        sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || connect(sock, (struct sockaddr *) &sa, sizeof sa) < 0) {
                r = negative_errno();
                error_set(e, r, "linux.seccomp.listenerPath: connect to %s", s->seccomp.listener_path);
                return r;
        }
        r = fd_send(sock, text, strlen(text), notify_fd);
        if (r < 0) {
                error_set(e, r, "linux.seccomp.listenerPath: send to %s", s->seccomp.listener_path);
                return r;
        }
        return 0;
}

int seccomp_notify_pass_up(SeccompFilter *filter, int sync_fd) {
        SyncMessage ack;
        int fd = seccomp_filter_take_notify_fd(filter), r;

        if (fd < 0)
                return fd;
        r = sync_send_fd(sync_fd, SYNC_SECCOMP_FD, fd);
        safe_close(fd);
        if (r < 0)
                return r;
        r = sync_recv(sync_fd, &ack);
        if (r < 0)
                return r;
        return ack.type == SYNC_SECCOMP_ACK ? 0 : -EPROTO;
}
