/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-errors.h"
#include "create-options.h"
#include "macros.h"

int create_options_append(sd_bus_message *m, const CreateOptions *o) {
        return sd_bus_message_append(m, "a{sv}", o->no_pivot ? 1 : 0, "noPivot", "b", 1);
}

int create_options_read(sd_bus_message *m, CreateOptions *ret, sd_bus_error *error) {
        CreateOptions o = {};
        const char *key;
        int r, b;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (!streq(key, "noPivot"))
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "unknown option \"%s\"", key);
                r = sd_bus_message_read(m, "v", "b", &b);
                if (r < 0)
                        return r;
                o.no_pivot = b;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        *ret = o;
        return 0;
}
