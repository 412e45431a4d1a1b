/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A mount's "options" list split into what the new mount API wants: attribute flags for
 * fsmount()/mount_setattr(), propagation, bind/rbind, and the filesystem's own parameters that
 * go to fsconfig(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct MountOptions {
        uint64_t attr_set, attr_clr;
        uint64_t recursive_attr_set, recursive_attr_clr; /* "rro", "rnosuid", …: the whole tree */
        bool bind, recursive;
        unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_UNBINDABLE, or 0 */
        bool propagation_recursive;
        bool copy_up; /* "tmpcopyup": the new tmpfs starts with the image's files (tmpfs-copyup.h) */
        char **data; /* borrowed pointers into the option list, NULL-terminated */
} MountOptions;

int mount_options_parse(char *const *options, MountOptions *ret);
void mount_options_done(MountOptions *o);
/* Every option name the runtime itself knows (not the filesystems' own), for `features`. */
char **mount_options_known(void);
