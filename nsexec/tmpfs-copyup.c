/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "macros.h"
#include "tmpfs-copyup.h"

/* An image's directory tree is not ours to trust: a bound depth keeps a crafted one from using
 * up init's stack. */
#define COPY_UP_DEPTH_MAX 64

static int copy_file_data(int src_dir, const char *name, int dst) {
        _cleanup_close_ int src = openat(src_dir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        ssize_t n;

        if (src < 0)
                return negative_errno();
        do
                n = sendfile(dst, src, NULL, 1 << 20);
        while (n > 0);
        return n < 0 ? negative_errno() : 0;
}

/* Owner first: a chown clears the set-id bits the mode then puts back. */
static int copy_owner_and_mode(int dst_dir, const char *name, const struct stat *st) {
        if (fchownat(dst_dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return negative_errno();
        if (S_ISLNK(st->st_mode))
                return 0; /* a link has no mode of its own */
        if (fchmodat(dst_dir, name, st->st_mode & 07777, 0) < 0)
                return negative_errno();
        return 0;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, unsigned depth, char *what, size_t size);

static int copy_tree(int src_dir, int dst_dir, unsigned depth, char *what, size_t size) {
        DIR *d;
        struct dirent *de;
        int fd, r = 0;

        if (depth > COPY_UP_DEPTH_MAX)
                return -ELOOP;
        fd = openat(src_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        d = fdopendir(fd);
        if (!d) {
                r = negative_errno();
                safe_close(fd);
                return r;
        }
        errno = 0;
        while (r >= 0 && (de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = copy_entry(dirfd(d), dst_dir, de->d_name, depth, what, size);
                errno = 0;
        }
        if (r >= 0 && errno != 0)
                r = negative_errno();
        closedir(d);
        return r;
}

static int copy_entry(int src_dir, int dst_dir, const char *name, unsigned depth, char *what, size_t size) {
        struct stat st;
        int r;

        if (fstatat(src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                r = negative_errno();
        else if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int src = -EBADF, dst = -EBADF;
                r = mkdirat(dst_dir, name, 0700) < 0 ? negative_errno() : 0;
                if (r >= 0 && (src = openat(src_dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                        r = negative_errno();
                if (r >= 0 && (dst = openat(dst_dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
                        r = negative_errno();
                if (r >= 0)
                        r = copy_tree(src, dst, depth + 1, what, size);
                if (r < 0 && what[0]) { /* an entry below failed: its path, from here */
                        size_t n = strlen(name), have = strlen(what);
                        if (n + 1 + have < size) {
                                memmove(what + n + 1, what, have + 1);
                                memcpy(what, name, n);
                                what[n] = '/';
                        }
                        return r;
                }
        } else if (S_ISREG(st.st_mode)) {
                _cleanup_close_ int dst = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                r = dst < 0 ? negative_errno() : copy_file_data(src_dir, name, dst);
        } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = readlinkat(src_dir, name, target, sizeof target - 1);
                r = n < 0 ? negative_errno() : 0;
                if (r >= 0) {
                        target[n] = 0;
                        r = symlinkat(target, dst_dir, name) < 0 ? negative_errno() : 0;
                }
        } else
                r = mknodat(dst_dir, name, st.st_mode, st.st_rdev) < 0 ? negative_errno() : 0;
        if (r >= 0)
                r = copy_owner_and_mode(dst_dir, name, &st);
        if (r < 0 && !what[0])
                snprintf(what, size, "%s", name);
        return r;
}

int tmpfs_copy_up(int src_fd, int dst_fd, char *what, size_t what_size) {
        struct stat st;
        int r;

        what[0] = 0;
        r = copy_tree(src_fd, dst_fd, 0, what, what_size);
        if (r < 0)
                return r;
        /* The tmpfs's root takes the directory's mode and owner too, as with runc. */
        if (fstat(src_fd, &st) < 0 || fchownat(dst_fd, "", st.st_uid, st.st_gid, AT_EMPTY_PATH) < 0 ||
            fchmodat(dst_fd, ".", st.st_mode & 07777, 0) < 0) {
                snprintf(what, what_size, ".");
                return negative_errno();
        }
        return 0;
}
