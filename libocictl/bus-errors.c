/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "bus-errors.h"

const sd_bus_error_map ocictl_bus_error_map[] = {
        SD_BUS_ERROR_MAP(OCICTL_ERROR_NO_SUCH_CONTAINER, ENOENT),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_ALREADY_EXISTS, EEXIST),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_INVALID_STATE, EBUSY),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_INVALID_SPEC, EINVAL),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_INVALID_ARGS, EINVAL),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_NOT_SUPPORTED, EOPNOTSUPP),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_PERMISSION_DENIED, EACCES),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_SETUP_FAILED, EIO),
        SD_BUS_ERROR_MAP(OCICTL_ERROR_NOT_AUTHORIZED, EPERM),
        SD_BUS_ERROR_MAP_END,
};

void bus_errors_register(void) {
        static int done;
        if (!done)
                (void) sd_bus_error_add_map(ocictl_bus_error_map);
        done = 1;
}

int bus_error_forward(sd_bus_error *dst, const sd_bus_error *src, int r) {
        if (sd_bus_error_is_set(src))
                return sd_bus_error_set(dst, src->name, src->message);
        return sd_bus_error_set_errno(dst, r);
}

int bus_error_set_from(sd_bus_error *dst, const char *name, const Error *e, int r) {
        char text[ERROR_MESSAGE_MAX + 64];

        sd_bus_error_setf(dst, name, "%s", error_text(e, r, text, sizeof text));
        return e->code != 0 ? e->code : r < 0 ? r : -EIO;
}
