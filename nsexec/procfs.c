/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "macros.h"
#include "procfs.h"

#define PROC_ROOT_INO 1

static bool is_procfs(int fd) {
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

int procfs_open(int *ret_fd) {
        _cleanup_close_ int fs = -EBADF, fd = -EBADF;
        struct stat st;

        fs = fsopen("proc", FSOPEN_CLOEXEC);
        if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) >= 0) {
                fd = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
                if (fd >= 0) {
                        *ret_fd = TAKE_FD(fd);
                        return 0;
                }
        }
        /* O_NOFOLLOW: /proc itself must not be a symlink; the checks make sure it is the root
         * of a procfs, not a directory in one or a look-alike. */
        fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (!is_procfs(fd) || fstat(fd, &st) < 0 || st.st_ino != PROC_ROOT_INO)
                return -EXDEV;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int open_beneath(int dir, const char *path, int flags, uint64_t resolve) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = resolve | RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int) syscall(SYS_openat2, dir, path, &how, sizeof how);
        return fd < 0 ? negative_errno() : fd;
}

int procfs_write(int proc_fd, bool self, const char *path, const char *value) {
        _cleanup_close_ int self_fd = -EBADF, fd = -EBADF;
        size_t n = strlen(value);
        int dir = proc_fd;

        if (self) {
                /* "self" is the one link: procfs makes it, and it stays in this procfs. */
                self_fd = open_beneath(proc_fd, "self", O_PATH | O_DIRECTORY, 0);
                if (self_fd < 0)
                        return self_fd;
                dir = self_fd;
        }
        fd = open_beneath(dir, path, O_WRONLY, RESOLVE_NO_SYMLINKS);
        if (fd < 0)
                return fd;
        if (!is_procfs(fd))
                return -EXDEV;
        if (write(fd, value, n) != (ssize_t) n)
                return negative_errno();
        return 0;
}

int procfs_set_oom_score_adj(int value) {
        _cleanup_close_ int proc_fd = -EBADF;
        char text[16];
        int r;

        r = procfs_open(&proc_fd);
        if (r < 0)
                return r;
        snprintf(text, sizeof text, "%d", value);
        return procfs_write(proc_fd, true, "oom_score_adj", text);
}

bool procfs_mount_allowed(const char *relative, bool bind, const char *type, bool source_is_procfs) {
        /* What lxcfs bind-mounts over /proc, as runc's list has it. */
        static const char *const emulated[] = {
                "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
                "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev",
                "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
        };

        if (streq(relative, "/proc"))
                return bind ? source_is_procfs : type && streq(type, "proc");
        if (!strneq(relative, "/proc/", 6))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(emulated); i++)
                if (streq(relative, emulated[i]))
                        return true;
        return false;
}
