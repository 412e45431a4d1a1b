/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "idmap-mounts.h"
#include "stage-util.h"

/* A user namespace holding the mount's maps: a child enters a new one and waits; we write its
 * maps, keep an fd of the namespace and let the child go. */
static int userns_with_maps(const SpecMount *m, size_t index, int *ret_fd, Error *e) {
        _cleanup_close_ int ns = -EBADF;
        char field[32], path[64];
        int block[2], r;
        pid_t pid;

        if (pipe2(block, O_CLOEXEC) < 0)
                return negative_errno();
        pid = clone_stage(CLONE_NEWUSER);
        if (pid == 0) {
                char c;
                safe_close(block[1]);
                (void) read(block[0], &c, 1); /* until the parent closes its end */
                _exit(0);
        }
        safe_close(block[0]);
        if (pid < 0) {
                safe_close(block[1]);
                return negative_errno();
        }
        snprintf(field, sizeof field, "mounts[%zu]", index);
        r = write_id_maps(pid, m->uid_mappings, m->n_uid_mappings, m->gid_mappings, m->n_gid_mappings, field, e);
        if (r >= 0) {
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
                ns = open(path, O_RDONLY | O_CLOEXEC);
                if (ns < 0)
                        r = negative_errno();
        }
        safe_close(block[1]);
        (void) waitpid(pid, NULL, 0);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(ns);
        return 0;
}

static int make_idmapped_tree(const NsexecConfig *c, const SpecMount *m, size_t index, int *ret_fd, Error *e) {
        _cleanup_close_ int userns = -EBADF, tree = -EBADF, base = -EBADF;
        bool rbind = strv_contains(m->options, "rbind"), ridmap = strv_contains(m->options, "ridmap");
        int r;

        r = userns_with_maps(m, index, &userns, e);
        if (r < 0) {
                if (!e->message[0])
                        error_set(e, r, "mounts[%zu]: a user namespace for the idmap", index);
                return r;
        }
        /* Relative sources are relative to the bundle, as for every bind mount. */
        base = open(m->source[0] == '/' || !c->bundle ? "/" : c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        tree = base < 0 ? -1 : open_tree(base, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rbind ? AT_RECURSIVE : 0));
        if (tree < 0) {
                r = negative_errno();
                error_set(e, r, "mounts[%zu]: bind source %s", index, m->source);
                return r;
        }
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns };
        if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
                r = negative_errno();
                return error_set_complete(e, r, "mounts[%zu]: idmap %s: %s%s", index, m->source, strerror(-r),
                                          r == -EINVAL ? " (does its filesystem support idmapped mounts?)" : "");
        }
        *ret_fd = TAKE_FD(tree);
        return 0;
}

static bool is_bind(const SpecMount *m) {
        return (m->type && streq(m->type, "bind")) || strv_contains(m->options, "bind") || strv_contains(m->options, "rbind");
}

/* In a new user namespace init is the mapped root, which may not reach a bind source the host's
 * root can (a 0700 folder): as runc does, the source is opened here, on the host, and init only
 * attaches the tree. */
static int make_host_tree(const NsexecConfig *c, const SpecMount *m, size_t index, int *ret_fd, Error *e) {
        _cleanup_close_ int base = -EBADF;
        int tree, r;

        if (c->mount_source_fds && index < c->n_mount_source_fds && c->mount_source_fds[index] >= 0) {
                tree = open_tree(c->mount_source_fds[index], "",
                                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                         (strv_contains(m->options, "rbind") ? AT_RECURSIVE : 0));
                if (tree < 0) {
                        r = negative_errno();
                        return error_set(e, r, "mounts[%zu]: bind source %s (a descriptor)", index,
                                         m->source ?: "");
                }
                *ret_fd = tree;
                return 0;
        }
        if (!m->source)
                return 0; /* init names the missing source */
        base = open(m->source[0] == '/' || !c->bundle ? "/" : c->bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        tree = base < 0 ? -1 :
                          open_tree(base, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                             (strv_contains(m->options, "rbind") ? AT_RECURSIVE : 0));
        if (tree < 0) {
                r = negative_errno();
                error_set(e, r, "mounts[%zu]: bind source %s", index, m->source);
                return r;
        }
        *ret_fd = tree;
        return 0;
}

int idmap_mounts_prepare(const NsexecConfig *c, int *ret_fds, Error *e) {
        const Spec *s = c->spec;
        bool userns = s->namespaces[NAMESPACE_USER].enabled;
        int r;

        for (size_t i = 0; i < s->n_mounts; i++)
                ret_fds[i] = -EBADF;
        /* Rootless, stage 0 has no right to clone a tree of the host's: init binds its sources
         * itself, as the unprivileged user's root in its own namespaces (what runc does then). */
        bool privileged = geteuid() == 0;
        for (size_t i = 0; i < s->n_mounts; i++) {
                if (s->mounts[i].n_uid_mappings == 0 && userns && is_bind(&s->mounts[i]) && privileged)
                        r = make_host_tree(c, &s->mounts[i], i, &ret_fds[i], e);
                else if (s->mounts[i].n_uid_mappings == 0)
                        continue;
                else
                        r = make_idmapped_tree(c, &s->mounts[i], i, &ret_fds[i], e);
                if (r < 0) {
                        idmap_mounts_close(ret_fds, s->n_mounts);
                        return r;
                }
        }
        return 0;
}

void idmap_mounts_close(int *fds, size_t n) {
        for (size_t i = 0; fds && i < n; i++)
                fds[i] = safe_close(fds[i]);
}
