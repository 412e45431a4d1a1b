/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include "cgroup-layout.h"
#include "mount-options.h"
#include "procfs.h"
#include "process-util.h"
#include "rootfs.h"
#include "tmpfs-copyup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static int openat2_in_root(int root_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int) syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        return fd < 0 ? negative_errno() : fd;
}

int rootfs_open_in_root(int root_fd, const char *path, bool create, bool directory, int *ret_fd) {
        _cleanup_free_ char *parent = NULL;
        _cleanup_close_ int parent_fd = -EBADF;
        const char *base;
        int fd, r;

        fd = openat2_in_root(root_fd, path, O_PATH);
        if (fd >= 0 || fd != -ENOENT || !create) {
                if (fd < 0)
                        return fd;
                *ret_fd = fd;
                return 0;
        }

        /* Make the parent (recursively, each step resolved in the root), then the last part. */
        parent = strdup(path);
        if (!parent)
                return -ENOMEM;
        while (strlen(parent) > 1 && parent[strlen(parent) - 1] == '/')
                parent[strlen(parent) - 1] = 0;
        char *slash = strrchr(parent, '/');
        if (!slash)
                return -EINVAL;
        base = path + (slash - parent) + 1;
        if (slash == parent)
                parent[1] = 0;
        else
                *slash = 0;
        r = rootfs_open_in_root(root_fd, parent, true, true, &parent_fd);
        if (r < 0)
                return r;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int) strcspn(base, "/"), base);
        if (!*name || streq(name, ".") || streq(name, ".."))
                return -EINVAL;
        if (directory)
                r = mkdirat(parent_fd, name, 0755);
        else {
                int f = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
                r = f < 0 ? -1 : 0;
                safe_close(f);
        }
        if (r < 0 && errno != EEXIST)
                return negative_errno();
        fd = openat2_in_root(root_fd, path, O_PATH);
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

static int move_onto(int mnt_fd, int target_fd) {
        if (move_mount(mnt_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

static int set_propagation(int mnt_fd, unsigned long propagation, bool recursive) {
        struct mount_attr attr = { .propagation = propagation };
        if (propagation == 0)
                return 0;
        if (mount_setattr(mnt_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
                return negative_errno();
        return 0;
}

/* A new filesystem instance as a detached mount. */
static int make_fs_mount(const char *type, const char *source, const MountOptions *o, int *ret_fd, char *failed_option,
                         size_t size) {
        _cleanup_close_ int fs = -EBADF;
        int mnt;

        fs = fsopen(type, FSOPEN_CLOEXEC);
        if (fs < 0)
                return negative_errno();
        if (source && *source && fsconfig(fs, FSCONFIG_SET_STRING, "source", source, 0) < 0)
                return negative_errno();
        for (char **d = o->data; *d; d++) {
                _cleanup_free_ char *key = strdup(*d);
                char *eq;
                int r;

                if (!key)
                        return -ENOMEM;
                eq = strchr(key, '=');
                if (eq) {
                        *eq = 0;
                        r = fsconfig(fs, FSCONFIG_SET_STRING, key, eq + 1, 0);
                } else
                        r = fsconfig(fs, FSCONFIG_SET_FLAG, key, NULL, 0);
                if (r < 0) {
                        snprintf(failed_option, size, "%s", *d);
                        return negative_errno();
                }
        }
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return negative_errno();
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned) o->attr_set);
        if (mnt < 0)
                return negative_errno();
        *ret_fd = mnt;
        return 0;
}

/* A bind mount as a detached tree, with its attributes applied before it becomes visible. */
static int make_bind_mount(const char *source, const MountOptions *o, int *ret_fd) {
        struct mount_attr attr = { .attr_set = o->attr_set, .attr_clr = o->attr_clr };
        _cleanup_close_ int tree = -EBADF;

        tree = open_tree(AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o->recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return negative_errno();
        if ((attr.attr_set || attr.attr_clr) && mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                return negative_errno();
        *ret_fd = TAKE_FD(tree);
        return 0;
}

/* "rro", "rnosuid", …: attributes for every mount of the tree under fd. */
static int set_recursive_attrs(int fd, const MountOptions *o) {
        struct mount_attr attr = { .attr_set = o->recursive_attr_set, .attr_clr = o->recursive_attr_clr };

        if (attr.attr_set == 0 && attr.attr_clr == 0)
                return 0;
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
                return negative_errno();
        return 0;
}

/* type "cgroup": the container's own view of its cgroups. With a cgroup namespace a fresh
 * mount shows the namespace root; without one, runc bind-mounts the container's own cgroup
 * directories so the host tree stays hidden. On v1 and hybrid hosts a tmpfs holds one mount per
 * hierarchy, as /sys/fs/cgroup does on the host. */
static int mount_cgroups(int root_fd, int target_fd, const SpecMount *m, const MountOptions *o, bool cgroupns,
                         Error *e) {
        CgroupLayout layout = {};
        struct statfs sfs;
        int r;

        if (statfs("/sys/fs/cgroup", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
                _cleanup_close_ int mnt = -EBADF;

                if (cgroupns) {
                        MountOptions attrs_only = { .attr_set = o->attr_set, .data = (char *[]) { NULL } };
                        char bad[128] = "";
                        r = make_fs_mount("cgroup2", "cgroup", &attrs_only, &mnt, bad, sizeof bad);
                } else {
                        _cleanup_free_ char *own = NULL;
                        r = cgroup_layout_detect(&layout);
                        if (r >= 0 && asprintf(&own, "%s%s", layout.hierarchies[0].mountpoint,
                                               layout.hierarchies[0].own_path) < 0)
                                r = -ENOMEM;
                        if (r >= 0)
                                r = make_bind_mount(own, &(MountOptions) { .attr_set = o->attr_set }, &mnt);
                        cgroup_layout_done(&layout);
                }
                if (r >= 0)
                        r = move_onto(mnt, target_fd);
                if (r < 0)
                        return error_set(e, r, "mount cgroup2 on %s", m->destination);
                return 0;
        }

        {
                _cleanup_close_ int tmpfs = -EBADF;
                MountOptions t = { .attr_set = o->attr_set & ~(uint64_t) MOUNT_ATTR_RDONLY,
                                   .data = (char *[]) { "mode=755", NULL } };
                char bad[128] = "";
                r = make_fs_mount("tmpfs", "tmpfs", &t, &tmpfs, bad, sizeof bad);
                if (r >= 0)
                        r = move_onto(tmpfs, target_fd);
                if (r < 0)
                        return error_set(e, r, "mount tmpfs for cgroups on %s", m->destination);
        }
        r = cgroup_layout_detect(&layout);
        if (r < 0)
                return error_set(e, r, "read the host's cgroup hierarchies");
        for (size_t i = 0; i < layout.n_hierarchies; i++) {
                const CgroupHierarchy *h = &layout.hierarchies[i];
                _cleanup_free_ char *dest = NULL, *host = NULL;
                _cleanup_close_ int dest_fd = -EBADF, mnt = -EBADF;
                const char *name = h->v2 ? "unified" : strneq(h->key, "name=", 5) ? h->key + 5 : h->key;

                if (asprintf(&dest, "%s/%s", m->destination, name) < 0 ||
                    asprintf(&host, "%s%s", h->mountpoint, h->own_path) < 0) {
                        cgroup_layout_done(&layout);
                        return -ENOMEM;
                }
                r = rootfs_open_in_root(root_fd, dest, true, true, &dest_fd);
                if (r >= 0 && cgroupns) {
                        /* Inside a cgroup namespace /proc/self/cgroup says "/": a bind would show
                         * the host's whole hierarchy. A fresh mount shows the namespace root. */
                        _cleanup_free_ char *controllers = strdup(h->key);
                        char *data[16] = {}, *save = NULL, bad[128] = "";
                        size_t n = 0;
                        if (!controllers)
                                r = -ENOMEM;
                        for (char *w = controllers ? strtok_r(controllers, ",", &save) : NULL; w && n < 15;
                             w = strtok_r(NULL, ",", &save))
                                data[n++] = w;
                        if (r >= 0)
                                r = make_fs_mount(h->v2 ? "cgroup2" : "cgroup", "cgroup",
                                                  &(MountOptions) { .attr_set = o->attr_set, .data = data }, &mnt,
                                                  bad, sizeof bad);
                } else if (r >= 0)
                        r = make_bind_mount(host, &(MountOptions) { .attr_set = o->attr_set }, &mnt);
                if (r >= 0)
                        r = move_onto(mnt, dest_fd);
                if (r < 0) {
                        error_set(e, r, "mount cgroup %s on %s", h->key, dest);
                        cgroup_layout_done(&layout);
                        return r;
                }
        }
        cgroup_layout_done(&layout);
        /* The tmpfs goes read-only last, after its mount points were made. */
        if (o->attr_set & MOUNT_ATTR_RDONLY) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
                _cleanup_close_ int fd = -EBADF;
                r = rootfs_open_in_root(root_fd, m->destination, false, true, &fd);
                if (r >= 0 && mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        r = negative_errno();
                if (r < 0)
                        return error_set(e, r, "make %s read-only", m->destination);
        }
        return 0;
}

static int fd_path(int fd, char *buf, size_t size) {
        char link[64];
        ssize_t n;

        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink(link, buf, size - 1);
        if (n < 0)
                return negative_errno();
        if ((size_t) n >= size - 1)
                return -ENAMETOOLONG;
        buf[n] = 0;
        return 0;
}

/* runc's rules for mounts on and below /proc (procfs.h), applied to where the destination really
 * is: a symlink in the rootfs can make "/x" land on /proc. */
static int check_proc_destination(int root_fd, int target_fd, const SpecMount *m, bool bind, size_t index,
                                  Error *e) {
        char root[PATH_MAX], target[PATH_MAX];
        const char *relative;
        bool source_is_procfs = false;
        size_t n;
        int r;

        if ((r = fd_path(root_fd, root, sizeof root)) < 0 || (r = fd_path(target_fd, target, sizeof target)) < 0)
                return error_set(e, r, "mounts[%zu]: find where %s is", index, m->destination);
        n = streq(root, "/") ? 0 : strlen(root);
        if (!strneq(target, root, n) || (target[n] != '/' && target[n] != 0))
                return error_set(e, -EXDEV, "mounts[%zu]: destination %s is outside the rootfs", index, m->destination);
        relative = target[n] ? target + n : "/";
        if (bind) {
                _cleanup_close_ int src = open(m->source, O_PATH | O_CLOEXEC);
                struct statfs sfs;
                struct stat st;
                source_is_procfs = src >= 0 && fstatfs(src, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC &&
                                   fstat(src, &st) == 0 && st.st_ino == 1;
        }
        if (procfs_mount_allowed(relative, bind, m->type, source_is_procfs))
                return 0;
        if (streq(relative, "/proc"))
                return error_set(e, -EPERM, "mounts[%zu]: %s (%s) cannot be mounted on /proc: it is not a procfs",
                                   index, m->destination, bind ? m->source : m->type);
        return error_set(e, -EPERM, "mounts[%zu]: %s cannot be mounted: it is inside /proc (%s)", index,
                           m->destination, relative);
}

/* Whether a later mount goes below mounts[i]: a read-only mount there (a "ro" /dev with
 * /dev/pts and /dev/shm) must wait, or their mount points could not be made. */
static bool has_later_submounts(const Spec *s, size_t i) {
        const char *d = s->mounts[i].destination;
        size_t n = strlen(d);

        while (n > 1 && d[n - 1] == '/')
                n--;
        for (size_t j = i + 1; j < s->n_mounts; j++)
                if (strneq(s->mounts[j].destination, d, n) && s->mounts[j].destination[n] == '/')
                        return true;
        return streq(d, "/dev") || (n == 4 && strneq(d, "/dev", 4)); /* device nodes go there too */
}

/* tmpcopyup, as runc: the tmpfs is made writable, gets a copy of what the image has at the
 * destination, and turns read-only (if asked) only then. */
static int make_copied_up_tmpfs(int target_fd, const SpecMount *m, const MountOptions *o, int *ret_fd, size_t index,
                                Error *e) {
        MountOptions writable = *o;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        _cleanup_close_ int mnt = -EBADF;
        char bad[128] = "", what[PATH_MAX];
        int r;

        if (!streq(m->type, "tmpfs"))
                return error_set(e, -EINVAL, "mounts[%zu].options: \"tmpcopyup\" is only for a tmpfs, not %s", index,
                                   m->type);
        writable.attr_set &= ~(uint64_t) MOUNT_ATTR_RDONLY;
        r = make_fs_mount(m->type, m->source, &writable, &mnt, bad, sizeof bad);
        if (r < 0 && bad[0])
                return error_set(e, r, "mounts[%zu]: mount tmpfs on %s: option \"%s\"", index, m->destination, bad);
        if (r < 0)
                return error_set(e, r, "mounts[%zu]: mount tmpfs on %s", index, m->destination);
        r = tmpfs_copy_up(target_fd, mnt, what, sizeof what);
        if (r < 0)
                return error_set(e, r, "mounts[%zu]: tmpcopyup: copy %s/%s", index, m->destination, what);
        if ((o->attr_set & MOUNT_ATTR_RDONLY) && mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                return error_set(e, negative_errno(), "mounts[%zu]: make %s read-only", index, m->destination);
        *ret_fd = TAKE_FD(mnt);
        return 0;
}

static int mount_one(int root_fd, const SpecMount *m, size_t index, bool cgroupns, int idmapped_fd, bool defer_ro,
                     Error *e) {
        _cleanup_close_ int target_fd = -EBADF, mnt = -EBADF;
        MountOptions o = {};
        struct stat st = {};
        char bad[128] = "";
        bool directory = true;
        int r;

        r = mount_options_parse(m->options, &o);
        if (r < 0)
                return error_set(e, r, "mounts[%zu]: options", index);
        if (defer_ro)
                o.attr_set &= ~(uint64_t) MOUNT_ATTR_RDONLY; /* rootfs_prepare() sets it last */
        if (o.bind || (m->type && streq(m->type, "bind"))) {
                o.bind = true;
                if (o.copy_up) {
                        mount_options_done(&o);
                        return error_set(e, -EINVAL, "mounts[%zu].options: \"tmpcopyup\" is only for a tmpfs, not a bind mount", index);
                }
                if (!m->source) {
                        mount_options_done(&o);
                        return error_set(e, -EINVAL, "mounts[%zu].source: a bind mount needs a source", index);
                }
                /* A tree stage 0 opened on the host is what is mounted: its type decides. */
                if (idmapped_fd >= 0 ? fstat(idmapped_fd, &st) < 0 : stat(m->source, &st) < 0) {
                        r = negative_errno();
                        mount_options_done(&o);
                        return error_set(e, r, "mounts[%zu]: bind source %s", index, m->source);
                }
                directory = S_ISDIR(st.st_mode);
        }
        r = rootfs_open_in_root(root_fd, m->destination, true, directory, &target_fd);
        if (r < 0) {
                mount_options_done(&o);
                return error_set(e, r, "mounts[%zu]: destination %s", index, m->destination);
        }
        r = check_proc_destination(root_fd, target_fd, m, o.bind, index, e);
        if (r < 0) {
                mount_options_done(&o);
                return r;
        }

        if (!o.bind && streq(m->type, "cgroup")) {
                _cleanup_close_ int fd = -EBADF;
                r = mount_cgroups(root_fd, target_fd, m, &o, cgroupns, e);
                if (r >= 0 && (r = rootfs_open_in_root(root_fd, m->destination, false, true, &fd)) >= 0)
                        r = set_recursive_attrs(fd, &o);
                mount_options_done(&o);
                if (r < 0 && !e->message[0])
                        return error_set(e, r, "mounts[%zu]: recursive attributes on %s", index, m->destination);
                return r;
        }
        if (idmapped_fd >= 0) {
                /* Stage 0 made the tree (idmap-mounts.c): only the attributes are left to set. */
                struct mount_attr attr = { .attr_set = o.attr_set, .attr_clr = o.attr_clr };
                mnt = fcntl(idmapped_fd, F_DUPFD_CLOEXEC, 3);
                r = mnt < 0 ? negative_errno() : 0;
                if (r >= 0 && (attr.attr_set || attr.attr_clr) &&
                    mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        r = negative_errno();
        } else if (o.bind)
                r = make_bind_mount(m->source, &o, &mnt);
        else if (o.copy_up)
                r = make_copied_up_tmpfs(target_fd, m, &o, &mnt, index, e);
        else
                r = make_fs_mount(m->type, m->source, &o, &mnt, bad, sizeof bad);
        if (r < 0 && e->message[0]) {
                mount_options_done(&o);
                return r;
        }
        if (r >= 0)
                r = set_recursive_attrs(mnt, &o);
        if (r >= 0)
                r = move_onto(mnt, target_fd);
        if (r >= 0)
                r = set_propagation(mnt, o.propagation, o.propagation_recursive);
        mount_options_done(&o);
        if (r < 0 && bad[0])
                return error_set(e, r, "mounts[%zu]: mount %s on %s: option \"%s\"", index, m->type, m->destination,
                                   bad);
        if (r < 0)
                return error_set(e, r, "mounts[%zu]: mount %s on %s", index, o.bind ? m->source : m->type,
                                   m->destination);
        return 0;
}

static bool mount_wants_readonly(const SpecMount *m) {
        bool ro = false;
        for (char **o = m->options; o && *o; o++)
                if (streq(*o, "ro"))
                        ro = true;
                else if (streq(*o, "rw"))
                        ro = false;
        return ro;
}

static bool dev_is_bind_mounted(const Spec *s) {
        for (size_t i = 0; i < s->n_mounts; i++) {
                const SpecMount *m = &s->mounts[i];
                if (!streq(m->destination, "/dev"))
                        continue;
                if (m->type && streq(m->type, "bind"))
                        return true;
                for (char **o = m->options; o && *o; o++)
                        if (streq(*o, "bind") || streq(*o, "rbind"))
                                return true;
        }
        return false;
}

/* One node of /dev: mknod, or, in a user namespace where mknod of a device is refused, the
 * host's node bind-mounted onto an empty file, as runc does. */
static int make_device_node(int root_fd, const SpecLinuxDevice *d, bool userns, Error *e) {
        _cleanup_free_ char *parent = strdup(d->path);
        _cleanup_close_ int parent_fd = -EBADF;
        const char *name;
        char *slash;
        mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
        int r;

        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        if (!slash || slash == parent || !slash[1])
                return error_set(e, -EINVAL, "device %s: not a file path", d->path);
        *slash = 0;
        name = slash + 1;
        r = rootfs_open_in_root(root_fd, parent, true, true, &parent_fd);
        if (r < 0)
                return error_set(e, r, "device %s: open %s in the rootfs", d->path, parent);
        (void) unlinkat(parent_fd, name, 0);
        if (userns && type != S_IFIFO) {
                _cleanup_close_ int target = -EBADF, node = -EBADF;
                target = openat(parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
                r = target < 0 ? negative_errno() : make_bind_mount(d->path, &(MountOptions) {}, &node);
                if (r >= 0)
                        r = move_onto(node, target);
                if (r < 0)
                        return error_set(e, r, "device %s: bind mount the host's node", d->path);
                return 0;
        }
        if (mknodat(parent_fd, name, type | (d->file_mode & 07777), makedev(d->major, d->minor)) < 0)
                return error_set(e, negative_errno(), "device %s: mknod", d->path);
        if ((d->uid != 0 || d->gid != 0) && fchownat(parent_fd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return error_set(e, negative_errno(), "device %s: chown to %u:%u", d->path, d->uid, d->gid);
        return 0;
}

/* runc's default devices and /dev symlinks, then linux.devices (which may replace a default). */
static int setup_dev(int root_fd, const Spec *s, Error *e) {
        static const SpecLinuxDevice defaults[] = {
                { (char *) "/dev/null", 'c', 1, 3, 0666, 0, 0 },   { (char *) "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
                { (char *) "/dev/full", 'c', 1, 7, 0666, 0, 0 },   { (char *) "/dev/random", 'c', 1, 8, 0666, 0, 0 },
                { (char *) "/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { (char *) "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
        };
        static const struct {
                const char *target, *name;
        } links[] = {
                { "/proc/self/fd", "fd" },       { "/proc/self/fd/0", "stdin" },
                { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
                { "pts/ptmx", "ptmx" },          { "/proc/kcore", "core" },
        };
        /* In a user namespace, ours or the caller's (podman rootless runs us as root of its
         * own), mknod is refused: the host's nodes are bound instead, as runc does. */
        bool userns = s->namespaces[NAMESPACE_USER].enabled || running_in_user_namespace();
        _cleanup_close_ int dev = -EBADF;
        mode_t old = umask(0);
        int r = 0;

        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(defaults) + s->n_devices; i++)
                r = make_device_node(root_fd, i < ELEMENTSOF(defaults) ? &defaults[i] : &s->devices[i - ELEMENTSOF(defaults)],
                                     userns, e);
        if (r >= 0 && (r = rootfs_open_in_root(root_fd, "/dev", true, true, &dev)) < 0)
                error_set(e, r, "open /dev in the rootfs");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i].target, dev, links[i].name) < 0 && errno != EEXIST)
                        r = error_set(e, negative_errno(), "symlink /dev/%s", links[i].name);
        umask(old);
        return r;
}

static unsigned long propagation_flags(const char *s) {
        if (!s)
                return MS_SLAVE | MS_REC; /* runc's default */
        unsigned long rec = s[0] == 'r' ? MS_REC : 0;
        const char *base = rec ? s + 1 : s;
        if (streq(base, "private"))
                return MS_PRIVATE | rec;
        if (streq(base, "shared"))
                return MS_SHARED | rec;
        if (streq(base, "unbindable"))
                return MS_UNBINDABLE | rec;
        return MS_SLAVE | rec;
}

/* --no-pivot leaves the old root in the mount namespace, below the chroot: a fully visible procfs
 * or sysfs of the host's there would let a user namespace inside mount a fresh one
 * (CVE-2023-27561 in runc). As runc does, every procfs and sysfs outside the rootfs is detached
 * first, or covered with a tmpfs where detaching is refused. */
static int hide_host_proc_and_sys(const char *rootfs, Error *e) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        char *points[256], line[4096];
        size_t n = 0, root_len = strlen(rootfs);
        int r = 0;

        if (!f)
                return error_set(e, negative_errno(), "--no-pivot: read /proc/self/mountinfo");
        while (n < ELEMENTSOF(points) && fgets(line, sizeof line, f)) {
                char point[4096], type[64];
                const char *dash = strstr(line, " - ");
                /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - TYPE SOURCE OPTIONS"; octal escapes in
                 * the mount point are left as they are: such paths are not procfs mounts. */
                if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 || sscanf(dash + 3, "%63s", type) != 1)
                        continue;
                if (!streq(type, "proc") && !streq(type, "sysfs"))
                        continue;
                if (strneq(point, rootfs, root_len) && (point[root_len] == '/' || point[root_len] == 0))
                        continue;
                if (!(points[n] = strdup(point)))
                        break;
                n++;
        }
        /* The deepest first: /proc/sys/fs/binfmt_misc before /proc. */
        for (size_t i = n; i-- > 0 && r >= 0;) {
                if (mount(NULL, points[i], NULL, MS_SLAVE | MS_REC, NULL) < 0 && errno != ENOENT && errno != EINVAL)
                        r = error_set(e, negative_errno(), "--no-pivot: make %s a slave", points[i]);
                else if (umount2(points[i], MNT_DETACH) < 0 && errno != ENOENT &&
                         mount("tmpfs", points[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
                        r = error_set(e, negative_errno(), "--no-pivot: hide %s", points[i]);
        }
        for (size_t i = 0; i < n; i++)
                free(points[i]);
        return r;
}

static int switch_root(const char *rootfs, bool no_pivot, Error *e) {
        _cleanup_close_ int old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (old_root < 0)
                return error_set(e, negative_errno(), "open /");
        if (chdir(rootfs) < 0)
                return error_set(e, negative_errno(), "chdir to %s", rootfs);
        if (no_pivot) {
                int r = hide_host_proc_and_sys(rootfs, e);
                if (r < 0)
                        return r;
                if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                        return error_set(e, negative_errno(), "move %s to /", rootfs);
                if (chroot(".") < 0)
                        return error_set(e, negative_errno(), "chroot to %s", rootfs);
        } else {
                /* pivot_root(".", "."): the old root ends up stacked on "/". Our cwd is still the
                 * new root's own directory, under the old root, so the old root is reached
                 * through its fd: made a slave (recursively, so that our unmount does not
                 * propagate to the host) and detached. Done on "." instead, the recursive slave
                 * would hit the new root and undo every mount's own propagation. */
                if (syscall(SYS_pivot_root, ".", ".") < 0)
                        return error_set(e, negative_errno(), "pivot_root to %s", rootfs);
                if (fchdir(old_root) < 0)
                        return error_set(e, negative_errno(), "enter the old root");
                if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return error_set(e, negative_errno(), "make the old root a slave");
                if (umount2(".", MNT_DETACH) < 0)
                        return error_set(e, negative_errno(), "detach the old root");
        }
        if (chdir("/") < 0)
                return error_set(e, negative_errno(), "chdir to /");
        return 0;
}

int rootfs_prepare(const NsexecConfig *c, const int *idmapped_fds, Error *e) {
        const Spec *s = c->spec;
        _cleanup_close_ int root_fd = -EBADF;
        unsigned long prop = propagation_flags(s->rootfs_propagation);
        int r;

        /* In the caller's mount namespace there is nothing of ours to mount (the parser refused
         * every field that would): root.path only becomes the root (switch_root). */
        if (!s->namespaces[NAMESPACE_MOUNT].enabled)
                return 0;
        /* Nothing we do below may reach the host: everything becomes a slave first (private if
         * the spec asks for that). Shared and unbindable wait for the new root (switch_root). */
        if (mount(NULL, "/", NULL, (prop & MS_PRIVATE ? MS_PRIVATE : MS_SLAVE) | MS_REC, NULL) < 0)
                return error_set(e, negative_errno(), "make / %s", prop & MS_PRIVATE ? "rprivate" : "rslave");
        if (mount(c->rootfs, c->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return error_set(e, negative_errno(), "bind mount rootfs %s", c->rootfs);

        root_fd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return error_set(e, negative_errno(), "open rootfs %s", c->rootfs);

        bool deferred[s->n_mounts + 1];
        for (size_t i = 0; i < s->n_mounts; i++) {
                deferred[i] = mount_wants_readonly(&s->mounts[i]) && has_later_submounts(s, i);
                r = mount_one(root_fd, &s->mounts[i], i, s->namespaces[NAMESPACE_CGROUP].enabled,
                              idmapped_fds ? idmapped_fds[i] : -EBADF, deferred[i], e);
                if (r < 0)
                        return r;
        }
        if (!dev_is_bind_mounted(s)) {
                r = setup_dev(root_fd, s, e);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < s->n_mounts; i++) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
                _cleanup_close_ int fd = -EBADF;
                if (!deferred[i])
                        continue;
                r = rootfs_open_in_root(root_fd, s->mounts[i].destination, false, true, &fd);
                if (r >= 0 && mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        r = negative_errno();
                if (r < 0)
                        return error_set(e, r, "mounts[%zu]: make %s read-only", i, s->mounts[i].destination);
        }
        return 0;
}

int rootfs_switch(const NsexecConfig *c, Error *e) {
        /* Without a mount namespace of its own the container cannot pivot (that would move the
         * caller's root) and has nothing to hide: a chroot, as runc does. */
        if (!c->spec->namespaces[NAMESPACE_MOUNT].enabled) {
                if (chdir(c->rootfs) < 0)
                        return error_set(e, negative_errno(), "chdir to %s", c->rootfs);
                if (chroot(".") < 0)
                        return error_set(e, negative_errno(), "chroot to %s", c->rootfs);
                if (chdir("/") < 0)
                        return error_set(e, negative_errno(), "chdir to /");
                return 0;
        }
        return switch_root(c->rootfs, c->no_pivot, e);
}

/* /dev/null as a mount to put over a file: only if it really is the null device, so that a
 * rootfs whose /dev/null is a symlink (to a /proc/sys file, say) cannot choose what we mount. */
static int open_dev_null_tree(int *ret_fd) {
        _cleanup_close_ int fd = open("/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        int tree;

        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
                return -ENODEV;
        tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0)
                return negative_errno();
        *ret_fd = tree;
        return 0;
}

static int mask_path(int root_fd, const char *path, Error *e) {
        _cleanup_close_ int fd = -EBADF, mnt = -EBADF;
        struct stat st;
        int r;

        fd = openat2_in_root(root_fd, path, O_PATH);
        if (fd == -ENOENT)
                return 0; /* nothing there to hide */
        if (fd < 0)
                return error_set(e, fd, "linux.maskedPaths: %s", path);
        if (fstat(fd, &st) < 0)
                return error_set(e, negative_errno(), "linux.maskedPaths: %s", path);
        if (S_ISDIR(st.st_mode)) {
                MountOptions o = { .attr_set = MOUNT_ATTR_RDONLY, .data = (char *[]) { NULL } };
                char bad[64];
                r = make_fs_mount("tmpfs", "tmpfs", &o, &mnt, bad, sizeof bad);
        } else
                r = open_dev_null_tree(&mnt);
        if (r >= 0)
                r = move_onto(mnt, fd);
        if (r < 0)
                return error_set(e, r, "linux.maskedPaths: mask %s", path);
        return 0;
}

static int readonly_path(int root_fd, const char *path, Error *e) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
        _cleanup_close_ int fd = -EBADF, tree = -EBADF;

        fd = openat2_in_root(root_fd, path, O_PATH);
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return error_set(e, fd, "linux.readonlyPaths: %s", path);
        tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0 ||
            move_onto(tree, fd) < 0)
                return error_set(e, negative_errno(), "linux.readonlyPaths: make %s read-only", path);
        return 0;
}

int rootfs_finalize(const Spec *s, Error *e) {
        _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r;

        if (root_fd < 0)
                return error_set(e, negative_errno(), "open /");
        if (!s->namespaces[NAMESPACE_MOUNT].enabled)
                return 0; /* every mount below would be the caller's */
        for (char **p = s->masked_paths; p && *p; p++)
                if ((r = mask_path(root_fd, *p, e)) < 0)
                        return r;
        for (char **p = s->readonly_paths; p && *p; p++)
                if ((r = readonly_path(root_fd, *p, e)) < 0)
                        return r;
        if (s->root_readonly) {
                struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
                if (mount_setattr(root_fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return error_set(e, negative_errno(), "root.readonly: remount / read-only");
        }
        /* linux.rootfsPropagation on the new root, last: a shared rootfs could not have been
         * pivoted to, an unbindable one neither bind-mounted nor cloned for the masks. The
         * default (rslave) and private are what / already is. */
        unsigned long prop = propagation_flags(s->rootfs_propagation);
        if (s->rootfs_propagation && (prop & (MS_SHARED | MS_UNBINDABLE)) && mount(NULL, "/", NULL, prop, NULL) < 0)
                return error_set(e, negative_errno(), "linux.rootfsPropagation: make / %s", s->rootfs_propagation);
        return 0;
}
