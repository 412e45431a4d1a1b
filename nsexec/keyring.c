/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>

#include "keyring.h"
#include "macros.h"

#define KEY_POS_SEARCH 0x08000000U /* possessor: search; set by default, kept */
#define KEY_USR_SEARCH 0x00080000U
#define KEY_OTH_SEARCH 0x00000008U

static long keyctl(int op, unsigned long a, unsigned long b, unsigned long c) {
        return syscall(SYS_keyctl, op, a, b, c, 0);
}

static long join(const char *id) {
        char name[128];
        long key;

        if (snprintf(name, sizeof name, "_ses.%s", id) >= (int) sizeof name)
                return -ENAMETOOLONG;
        key = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (unsigned long) name, 0, 0);
        return key < 0 ? negative_errno() : key;
}

int keyring_join_existing(const char *id) {
        long key = join(id);
        return key < 0 ? (int) key : 0;
}

int keyring_join_container(const char *id, bool user_namespace) {
        char description[512];
        unsigned perm;
        long key = join(id), n;

        if (key < 0)
                return (int) key;
        /* "type;uid;gid;perm;description": the permissions are the fourth field, in hex. */
        n = keyctl(KEYCTL_DESCRIBE, (unsigned long) key, (unsigned long) description, sizeof description - 1);
        if (n < 0)
                return negative_errno();
        description[n < (long) sizeof description ? n : (long) sizeof description - 1] = 0;
        if (sscanf(description, "%*[^;];%*[^;];%*[^;];%x;", &perm) != 1)
                return -EIO;
        perm |= user_namespace ? KEY_OTH_SEARCH : KEY_USR_SEARCH;
        if (keyctl(KEYCTL_SETPERM, (unsigned long) key, perm, 0) < 0)
                return negative_errno();
        return 0;
}
