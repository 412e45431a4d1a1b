/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `run` in the foreground with process.terminal and no --console-socket: as runc, ocictl takes
 * the pty master itself and relays between its own stdio and the container's terminal. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "fd-passing.h"

int terminal_socket_pair(int *ret_ours, int *ret_theirs) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return cli_error(-errno, "run: console socket pair: %m");
        *ret_ours = pair[0];
        *ret_theirs = pair[1];
        return 0;
}

int terminal_receive_master(int sock, int *ret_master) {
        struct winsize ws;
        char name[256];
        /* Init sent it before create returned, or never will (no terminal): do not wait. */
        ssize_t n = fd_recv(sock, name, sizeof name, MSG_DONTWAIT, ret_master);
        if (n == -EAGAIN)
                return 0;
        if (n < 0)
                return (int) n;
        /* Our window's size now, before `start` lets the process run and look at it. */
        if (*ret_master >= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
                (void) ioctl(*ret_master, TIOCSWINSZ, &ws);
        return 0;
}

/* Copies until the container side closes (EIO on the master once every slave is gone). */
static _noreturn_ void relay(int master) {
        struct termios saved, raw;
        bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
        struct winsize ws;
        struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = master, .events = POLLIN } };
        char buf[4096];

        (void) signal(SIGINT, SIG_IGN); /* keystrokes go to the container's terminal */
        (void) signal(SIGTERM, SIG_IGN);
        if (tty) {
                raw = saved;
                cfmakeraw(&raw);
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &raw);
        }
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
                (void) ioctl(master, TIOCSWINSZ, &ws);
        for (;;) {
                if (poll(p, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
                        ssize_t n = read(master, buf, sizeof buf);
                        if (n <= 0)
                                break;
                        if (write(STDOUT_FILENO, buf, (size_t) n) != n)
                                break;
                }
                if (p[0].revents & (POLLIN | POLLHUP)) {
                        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
                        if (n <= 0)
                                p[0].fd = -1; /* our input ended; the container's may go on */
                        else if (write(master, buf, (size_t) n) != n)
                                break;
                }
        }
        if (tty)
                (void) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        _exit(0);
}

pid_t terminal_start_relay(int master) {
        pid_t pid = fork();
        if (pid == 0)
                relay(master);
        if (pid < 0)
                return cli_error(-errno, "run: terminal relay: %m");
        return pid;
}

void terminal_finish_relay(pid_t relay_pid) {
        if (relay_pid > 0)
                (void) waitpid(relay_pid, NULL, 0);
}
