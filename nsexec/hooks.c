/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "hooks.h"

/* Writes all of text, ignoring a hook that does not read its stdin (EPIPE): init runs with
 * SIGPIPE at its default, so it is ignored for the write. */
static void feed_stdin(int fd, const char *text) {
        struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
        size_t n = strlen(text);

        sigaction(SIGPIPE, &ignore, &old);
        while (n > 0) {
                ssize_t k = write(fd, text, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                text += k;
                n -= (size_t) k;
        }
        sigaction(SIGPIPE, &old, NULL);
}

static int run_one(const SpecHook *h, const char *state_json, int *ret_status) {
        _cleanup_close_ int pidfd = -EBADF;
        int pipefd[2], status;
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return negative_errno();
        pid = fork();
        if (pid < 0) {
                int r = negative_errno();
                safe_close(pipefd[0]);
                safe_close(pipefd[1]);
                return r;
        }
        if (pid == 0) {
                char *fallback[] = { h->path, NULL };
                if (dup2(pipefd[0], STDIN_FILENO) < 0)
                        _exit(127);
                execve(h->path, h->args && h->args[0] ? h->args : fallback, h->env ?: (char *[]) { NULL });
                _exit(127);
        }
        safe_close(pipefd[0]);
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        feed_stdin(pipefd[1], state_json);
        safe_close(pipefd[1]);

        if (h->timeout > 0 && pidfd >= 0) {
                struct pollfd p = { .fd = pidfd, .events = POLLIN };
                int r;
                do
                        r = poll(&p, 1, h->timeout * 1000);
                while (r < 0 && errno == EINTR);
                if (r == 0) {
                        (void) kill(pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return -ETIME;
                }
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        *ret_status = status;
        return 0;
}

int hooks_run(const Spec *s, HookKind kind, const char *state_json, Error *e) {
        for (size_t i = 0; i < s->n_hooks[kind]; i++) {
                const SpecHook *h = &s->hooks[kind][i];
                int status = 0, r;

                r = run_one(h, state_json, &status);
                if (r == -ETIME)
                        return error_set(e, -ETIME, "hooks.%s[%zu]: %s: timed out after %d s", hook_kind_to_string(kind),
                                           i, h->path, h->timeout);
                if (r < 0)
                        return error_set(e, r, "hooks.%s[%zu]: %s", hook_kind_to_string(kind), i, h->path);
                if (WIFSIGNALED(status))
                        return error_set_complete(e, -ECANCELED, "hooks.%s[%zu]: %s: killed by signal %d", hook_kind_to_string(kind),
                                           i, h->path, WTERMSIG(status));
                if (WEXITSTATUS(status) == 127)
                        return error_set_complete(e, -ENOENT, "hooks.%s[%zu]: %s: cannot execute (exit status 127)",
                                           hook_kind_to_string(kind), i, h->path);
                if (WEXITSTATUS(status) != 0)
                        return error_set_complete(e, -ECANCELED, "hooks.%s[%zu]: %s: exited with status %d",
                                           hook_kind_to_string(kind), i, h->path, WEXITSTATUS(status));
        }
        return 0;
}
