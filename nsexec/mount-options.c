/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
};

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

                if (streq(opt, "bind") || streq(opt, "rbind")) {
                        o.bind = true;
                        o.recursive = o.recursive || streq(opt, "rbind");
                        continue;
                }
                for (size_t j = 0; j < ELEMENTSOF(attr_table) && !known; j++) {
                        if (!streq(opt, attr_table[j].name))
                                continue;
                        known = true;
                        /* The atime modes are one field: setting one replaces the others. */
                        if (attr_table[j].attr & MOUNT_ATTR__ATIME && !attr_table[j].clear) {
                                o.attr_clr |= MOUNT_ATTR__ATIME;
                                o.attr_set &= ~(uint64_t) MOUNT_ATTR__ATIME;
                        }
                        if (attr_table[j].clear) {
                                o.attr_set &= ~attr_table[j].attr;
                                o.attr_clr |= attr_table[j].attr;
                        } else {
                                o.attr_set |= attr_table[j].attr;
                                o.attr_clr &= ~attr_table[j].attr;
                        }
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

void mount_options_done(MountOptions *o) {
        free(o->data);
        *o = (MountOptions) {};
}
