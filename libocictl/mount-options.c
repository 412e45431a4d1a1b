/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <sys/mount.h>

#include "macros.h"
#include "mount-options.h"

static const struct {
        const char *name;
        bool clear;
        uint64_t attr;
} attr_table[] = {
        { "ro", false, MOUNT_ATTR_RDONLY },        { "rw", true, MOUNT_ATTR_RDONLY },
        { "nosuid", false, MOUNT_ATTR_NOSUID },    { "suid", true, MOUNT_ATTR_NOSUID },
        { "nodev", false, MOUNT_ATTR_NODEV },      { "dev", true, MOUNT_ATTR_NODEV },
        { "noexec", false, MOUNT_ATTR_NOEXEC },    { "exec", true, MOUNT_ATTR_NOEXEC },
        { "noatime", false, MOUNT_ATTR_NOATIME },  { "strictatime", false, MOUNT_ATTR_STRICTATIME },
        { "relatime", false, MOUNT_ATTR_RELATIME }, { "nodiratime", false, MOUNT_ATTR_NODIRATIME },
        { "diratime", true, MOUNT_ATTR_NODIRATIME }, { "atime", true, MOUNT_ATTR_NOATIME },
        { "norelatime", true, MOUNT_ATTR_RELATIME }, { "nostrictatime", true, MOUNT_ATTR_STRICTATIME },
        { "nosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW }, { "symfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

static bool is_atime_mode(uint64_t attr) {
        return attr == MOUNT_ATTR_RELATIME || attr == MOUNT_ATTR_NOATIME || attr == MOUNT_ATTR_STRICTATIME;
}

/* Sets or clears one attribute in a set/clear pair. */
static void attr_apply(bool clear, uint64_t attr, uint64_t *set, uint64_t *clr) {
        /* The atime modes are one field, not flags (relatime is 0): mount_setattr wants the
         * whole field in attr_clr and the mode in attr_set. Undoing a mode ("atime",
         * "norelatime") returns to the kernel's default, relatime. */
        if (is_atime_mode(attr)) {
                *clr |= MOUNT_ATTR__ATIME;
                *set = (*set & ~(uint64_t) MOUNT_ATTR__ATIME) | (clear ? MOUNT_ATTR_RELATIME : attr);
                return;
        }
        if (clear) {
                *set &= ~attr;
                *clr |= attr;
        } else {
                *set |= attr;
                *clr &= ~attr;
        }
}

static const struct {
        const char *name;
        unsigned long flag;
        bool recursive;
} propagation_table[] = {
        { "private", MS_PRIVATE, false },       { "rprivate", MS_PRIVATE, true },
        { "slave", MS_SLAVE, false },           { "rslave", MS_SLAVE, true },
        { "shared", MS_SHARED, false },         { "rshared", MS_SHARED, true },
        { "unbindable", MS_UNBINDABLE, false }, { "runbindable", MS_UNBINDABLE, true },
};

int mount_options_parse(char *const *options, MountOptions *ret) {
        MountOptions o = {};
        size_t n_data = 0;

        o.data = calloc(strv_length(options) + 1, sizeof(char *));
        if (!o.data)
                return -ENOMEM;
        for (size_t i = 0; options && options[i]; i++) {
                const char *opt = options[i];
                bool known = false;

                if (streq(opt, "idmap") || streq(opt, "ridmap"))
                        continue; /* stage 0 made the idmapped tree (idmap-mounts.c) */
                if (streq(opt, "tmpcopyup")) {
                        o.copy_up = true;
                        continue;
                }
                if (streq(opt, "bind") || streq(opt, "rbind")) {
                        o.bind = true;
                        o.recursive = o.recursive || streq(opt, "rbind");
                        continue;
                }
                for (size_t j = 0; j < ELEMENTSOF(attr_table) && !known; j++) {
                        if (!streq(opt, attr_table[j].name))
                                continue;
                        known = true;
                        attr_apply(attr_table[j].clear, attr_table[j].attr, &o.attr_set, &o.attr_clr);
                }
                /* "rro", "rnosuid", …: the same attributes on every mount below as well
                 * (mount_setattr with AT_RECURSIVE), as runc ≥ 1.1 does. */
                for (size_t j = 0; j < ELEMENTSOF(attr_table) && !known && opt[0] == 'r'; j++) {
                        if (!streq(opt + 1, attr_table[j].name))
                                continue;
                        known = true;
                        attr_apply(attr_table[j].clear, attr_table[j].attr, &o.recursive_attr_set,
                                   &o.recursive_attr_clr);
                }
                for (size_t j = 0; j < ELEMENTSOF(propagation_table) && !known; j++)
                        if (streq(opt, propagation_table[j].name)) {
                                known = true;
                                o.propagation = propagation_table[j].flag;
                                o.propagation_recursive = propagation_table[j].recursive;
                        }
                if (!known)
                        o.data[n_data++] = (char *) opt;
        }
        *ret = o;
        return 0;
}

char **mount_options_known(void) {
        static const char *const others[] = { "bind", "rbind", "idmap", "ridmap", "tmpcopyup" };
        size_t n = 0, size = ELEMENTSOF(others) + 2 * ELEMENTSOF(attr_table) + ELEMENTSOF(propagation_table) + 1;
        char **l = calloc(size, sizeof(char *));

        if (!l)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(others); i++)
                l[n++] = strdup(others[i]);
        for (size_t i = 0; i < ELEMENTSOF(attr_table); i++) {
                l[n++] = strdup(attr_table[i].name);
                if (asprintf(&l[n++], "r%s", attr_table[i].name) < 0)
                        l[n - 1] = NULL;
        }
        for (size_t i = 0; i < ELEMENTSOF(propagation_table); i++)
                l[n++] = strdup(propagation_table[i].name);
        for (size_t i = 0; i < n; i++)
                if (!l[i]) {
                        for (size_t k = 0; k < n; k++)
                                free(l[k]);
                        free(l);
                        return NULL;
                }
        return l;
}

void mount_options_done(MountOptions *o) {
        free(o->data);
        *o = (MountOptions) {};
}
