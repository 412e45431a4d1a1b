/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "exit-status.h"
#include "macros.h"
#include "process-util.h"
#include "registry-container.h"

const char *container_status_to_string(ContainerStatus s) {
        static const char *const table[_CONTAINER_STATUS_MAX] = {
                [CONTAINER_CREATING] = "creating",
                [CONTAINER_CREATED] = "created",
                [CONTAINER_RUNNING] = "running",
                [CONTAINER_STOPPED] = "stopped",
                [CONTAINER_PAUSED] = "paused",
        };
        return table[s];
}

int registry_open_root(const char *root, int *ret_fd) {
        _cleanup_free_ char *p = strdup(root);
        int fd;

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char c = *s;
                *s = 0;
                if (mkdir(p, 0700) < 0 && errno != EEXIST)
                        return negative_errno();
                *s = c;
                if (!c)
                        break;
        }
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        *ret_fd = fd;
        return 0;
}

static int lock_fd(int fd, int op) {
        while (flock(fd, op) < 0)
                if (errno != EINTR)
                        return negative_errno();
        return 0;
}

int container_dir_create(int root_fd, const char *id, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (mkdirat(root_fd, id, 0711) < 0)
                return negative_errno();
        fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = lock_fd(fd, LOCK_EX);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int container_dir_open(int root_fd, const char *id, int lock, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return errno == ENOTDIR || errno == ELOOP ? -ENOENT : negative_errno();
        r = lock ? lock_fd(fd, lock) : 0;
        if (r < 0)
                return r;
        /* A delete may have removed the folder while we waited for the lock. */
        if (fstat(fd, &st) < 0 || st.st_nlink == 0)
                return -ENOENT;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int container_dir_save_config(int dir_fd, int config_fd, size_t max, int *ret_fd) {
        _cleanup_close_ int out = -EBADF;
        char buf[65536];
        struct stat st;
        size_t total = 0;
        off_t off = 0;

        /* Not a FIFO or device the caller controls: only a regular file, and bounded. */
        if (fstat(config_fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        out = openat(dir_fd, CONFIG_COPY, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (out < 0)
                return negative_errno();
        for (;;) {
                ssize_t n = pread(config_fd, buf, sizeof buf, off);
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                off += n;
                total += (size_t) n;
                if (total > max)
                        return -EFBIG;
                if (write(out, buf, (size_t) n) != n)
                        return negative_errno();
        }
        return container_dir_open_config(dir_fd, ret_fd);
}

int container_dir_open_config(int dir_fd, int *ret_fd) {
        int fd = openat(dir_fd, CONFIG_COPY, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        *ret_fd = fd;
        return 0;
}

static int mount_id_of(int dir_fd, const char *name, uint64_t *ret, struct statx *ret_stx) {
        struct statx stx;
        if (statx(dir_fd, name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_TYPE | STATX_SIZE | STATX_MNT_ID, &stx) < 0)
                return -errno;
        if (!(stx.stx_mask & STATX_MNT_ID))
                return -EOPNOTSUPP;
        *ret = stx.stx_mnt_id;
        if (ret_stx)
                *ret_stx = stx;
        return 0;
}

/* A sandbox's rootfs (registry-sandbox.c): mount points the registry made, empty folders and
 * empty files, never followed through a symbolic link nor into another mount (should one have
 * leaked onto it, what is below is not ours); depth bounds the walk. */
static int remove_mount_points(int parent_fd, const char *name, uint64_t mount_id, int depth) {
        uint64_t id = 0;
        int fd;
        DIR *d;
        struct dirent *de;

        if (depth > 32 || mount_id_of(parent_fd, name, &id, NULL) < 0 || id != mount_id)
                return -EXDEV;
        fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                struct statx stx;
                if (mount_id_of(dirfd(d), de->d_name, &id, &stx) < 0 || id != mount_id)
                        continue;
                if (S_ISDIR(stx.stx_mode))
                        (void) remove_mount_points(dirfd(d), de->d_name, mount_id, depth + 1);
                else if (S_ISREG(stx.stx_mode) && stx.stx_size == 0)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
        return unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

int remove_mount_point_tree(int parent_fd, const char *name) {
        uint64_t mount_id;
        int r = mount_id_of(parent_fd, ".", &mount_id, NULL);
        return r < 0 ? r : remove_mount_points(parent_fd, name, mount_id, 0);
}

int container_dir_remove(int root_fd, const char *id, int dir_fd) {
        static const char *const files[] = { STATE_FILE,    STATE_FILE ".tmp", EXEC_FIFO, CONFIG_COPY,
                                             SPEC_COPY,     SPEC_COPY ".tmp",  EXIT_FILE, EXIT_FILE ".tmp",
                                             NOTIFY_DIR "/" NOTIFY_SOCKET_NAME };
        int r = 0;

        /* A monitor whose init has just died may write the exit status meanwhile (bus mode): a
         * folder that is not empty yet gets a second and a third round. */
        for (int round = 0; round < 3; round++) {
                if (round > 0)
                        (void) usleep(20 * 1000);
                for (size_t i = 0; i < ELEMENTSOF(files); i++)
                        if (unlinkat(dir_fd, files[i], 0) < 0 && errno != ENOENT)
                                return negative_errno();
                if (unlinkat(dir_fd, NOTIFY_DIR, AT_REMOVEDIR) < 0 && errno != ENOENT)
                        return negative_errno();
                r = unlinkat(root_fd, id, AT_REMOVEDIR) < 0 && errno != ENOENT ? negative_errno() : 0;
                if (r != -ENOTEMPTY)
                        break;
        }
        return r;
}

ContainerStatus container_status(int dir_fd, const ContainerState *s) {
        if (s->pid <= 0)
                return CONTAINER_CREATING;
        if (!process_is_same_and_alive(s->pid, s->start_time))
                return CONTAINER_STOPPED;
        if (s->paused)
                return CONTAINER_PAUSED;
        if (faccessat(dir_fd, EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return CONTAINER_CREATED;
        return CONTAINER_RUNNING;
}
