/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec-fifo.h"
#include "macros.h"
#include "process-util.h"

int exec_fifo_start(int state_dir_fd, pid_t pid, uint64_t start_time, Error *e) {
        _cleanup_close_ int pidfd = -EBADF, fifo = -EBADF;
        struct pollfd p[2];
        uint64_t t;
        ssize_t n;

        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0 || process_get_start_time(pid, &t) < 0 || t != start_time)
                return error_set_complete(e, -ESRCH, "container init is not running");
        /* Non-blocking: a plain open for reading would wait for a writer that may be dead. */
        fifo = openat(state_dir_fd, EXEC_FIFO_FILE, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
        if (fifo < 0) {
                int r = negative_errno();
                error_set(e, r, "open exec.fifo");
                return r;
        }
        p[0] = (struct pollfd) { .fd = fifo, .events = POLLIN };
        p[1] = (struct pollfd) { .fd = pidfd, .events = POLLIN };
        for (;;) {
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (p[0].revents & (POLLIN | POLLHUP))
                        break;
                if (p[1].revents & POLLIN)
                        return error_set_complete(e, -ESRCH, "container init exited before it was started");
        }
        {
                /* "0", or a startContainer hook's failure in words. */
                char answer[EXEC_FIFO_ANSWER_MAX];
                size_t len = 0;
                while (len < sizeof answer - 1 && (n = read(fifo, answer + len, sizeof answer - 1 - len)) != 0) {
                        if (n < 0) {
                                if (errno == EAGAIN) {
                                        struct pollfd w = { .fd = fifo, .events = POLLIN };
                                        (void) poll(&w, 1, 1000);
                                        continue;
                                }
                                break;
                        }
                        len += (size_t) n;
                        if (len == 1 && answer[0] == '0')
                                break;
                }
                answer[len] = 0;
                if (len == 0)
                        return error_set_complete(e, -EIO, "container init closed exec.fifo without starting");
                if (!streq(answer, "0"))
                        return error_set_complete(e, -ECANCELED, "%s", answer);
        }
        (void) unlinkat(state_dir_fd, EXEC_FIFO_FILE, 0);
        return 0;
}
