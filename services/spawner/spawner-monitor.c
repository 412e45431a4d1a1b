/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bus mode: each container's init is the child of a monitor of its own, not of the spawner, as
 * conmon is for podman. The monitor is forked from the spawner, runs the staged clone (so init
 * is its child), reports how it went, and then only waits: when init exits it writes the exit
 * status into the container's folder (exit-status.h) and exits with that status. A spawner that
 * dies or restarts therefore loses no exit status: the monitor goes on under PID 1, and the
 * registry reads the folder. The spawner reaps its monitors and announces their status as
 * init's (Exited, Wait). */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "exit-status.h"
#include "macros.h"
#include "spawner-monitor.h"

/* Everything but stdio (the service's log) and the two descriptors the monitor keeps: the
 * spawner's bus connection and every other container's descriptors are not the monitor's. */
static void close_all_but(int a, int b) {
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                int fd = atoi(de->d_name);
                if (de->d_name[0] != '.' && fd > 2 && fd != a && fd != b && fd != dirfd(d))
                        close(fd);
        }
        closedir(d);
}

_noreturn_ static void monitor_main(const NsexecConfig *config, int report_fd) {
        ChildReport rep = {};
        int ws, status;

        (void) prctl(PR_SET_NAME, "ocictl-monitor");
        rep.r = nsexec_spawn(config, &rep.init, &rep.at_clone, &rep.error);
        if (write(report_fd, &rep, sizeof rep) != sizeof rep || rep.r < 0)
                _exit(MONITOR_SETUP_FAILED);
        close_all_but(config->state_dir_fd, -1);
        /* The set-up's stage 1 is ours to reap as well (a zombie counts in the container's
         * pids.current until it is). */
        for (;;) {
                pid_t p = waitpid(-1, &ws, 0);
                if (p == rep.init)
                        break;
                if (p < 0 && errno != EINTR)
                        _exit(MONITOR_SETUP_FAILED);
        }
        /* The shell's convention, which runc's `run` follows: the code, or 128 + the signal. */
        status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
        (void) exit_status_write(config->state_dir_fd, status);
        _exit(status);
}

/* A child that reports once on a pipe: the read end for the caller, the write end for fn. */
static int fork_reporting(pid_t *ret_pid, int *ret_fd, int *ret_child_fd, Error *e) {
        int p[2];
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return error_set(e, negative_errno(), "pipe for a child's report");
        pid = fork();
        if (pid < 0) {
                int r = negative_errno();
                close(p[0]);
                close(p[1]);
                return error_set(e, r, "fork");
        }
        if (pid == 0) {
                close(p[0]);
                *ret_child_fd = p[1];
        } else {
                close(p[1]);
                *ret_fd = p[0];
        }
        *ret_pid = pid;
        return 0;
}

int monitor_fork(const NsexecConfig *config, pid_t *ret_monitor, int *ret_report_fd, Error *e) {
        int child_fd = -1;
        int r = fork_reporting(ret_monitor, ret_report_fd, &child_fd, e);
        if (r >= 0 && *ret_monitor == 0)
                monitor_main(config, child_fd);
        return r;
}

int child_fork_report(int (*fn)(void *userdata, Error *e), void *userdata, pid_t *ret_pid, int *ret_report_fd,
                      Error *e) {
        int child_fd = -1;
        int r = fork_reporting(ret_pid, ret_report_fd, &child_fd, e);
        if (r >= 0 && *ret_pid == 0) {
                ChildReport rep = {};
                rep.r = fn(userdata, &rep.error);
                _exit(write(child_fd, &rep, sizeof rep) == sizeof rep ? 0 : 1);
        }
        return r;
}

int child_read_report(int fd, ChildReport *ret) {
        ssize_t n;

        do
                n = read(fd, ret, sizeof *ret);
        while (n < 0 && errno == EINTR);
        if (n != sizeof *ret) {
                *ret = (ChildReport) {};
                return error_set(&ret->error, -EPIPE, "the container's monitor died during setup");
        }
        return ret->r < 0 ? ret->r : 0;
}
