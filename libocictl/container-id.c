/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "container-id.h"

bool container_id_is_valid(const char *id) {
        size_t n;

        if (!id)
                return false;
        n = strlen(id);
        if (n == 0 || n > CONTAINER_ID_MAX || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return false;
        return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") == n;
}
