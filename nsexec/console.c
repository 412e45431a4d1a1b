/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>

#include "console.h"
#include "fd-passing.h"

/* /dev/console becomes the pty slave: an empty file with the slave bind-mounted on it. */
static int bind_dev_console(int slave) {
        _cleanup_close_ int target = -EBADF, tree = -EBADF;

        (void) unlink("/dev/console");
        target = open("/dev/console", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (target < 0)
                return negative_errno();
        tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0)
                return negative_errno();
        if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

int console_setup(int console_socket, const Spec *s, bool dev_console, Error *e) {
        _cleanup_close_ int master = -EBADF, slave = -EBADF;
        int unlock = 0, n, r;
        char name[32];

        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                return error_set(e, negative_errno(), "process.terminal: open /dev/ptmx in the container");
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
                return error_set(e, negative_errno(), "process.terminal: unlock the pty");
        /* The peer by the master, never by a name a container path could redirect. */
        slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return error_set(e, negative_errno(), "process.terminal: open the pty slave");
        /* The uid only: the pty keeps devpts' group (tty, gid 5), as runc leaves it. */
        if (fchown(slave, s->uid, (gid_t) -1) < 0)
                return error_set(e, negative_errno(), "process.terminal: give the pty to uid %u", s->uid);
        if (s->console_height > 0 || s->console_width > 0) {
                struct winsize ws = { .ws_row = (unsigned short) s->console_height,
                                      .ws_col = (unsigned short) s->console_width };
                if (ioctl(slave, TIOCSWINSZ, &ws) < 0)
                        return error_set(e, negative_errno(), "process.consoleSize: set the window size");
        }
        if (dev_console && (r = bind_dev_console(slave)) < 0)
                return error_set(e, r, "process.terminal: bind the pty on /dev/console");
        snprintf(name, sizeof name, "/dev/pts/%d", n);
        r = fd_send(console_socket, name, strlen(name), master);
        if (r < 0)
                return error_set(e, r, "--console-socket: send the pty master");
        for (int i = 0; i < 3; i++)
                if (dup2(slave, i) < 0)
                        return error_set(e, negative_errno(), "process.terminal: make the pty the process's stdio");
        if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
                return error_set(e, negative_errno(), "process.terminal: make the pty the controlling terminal");
        return 0;
}
