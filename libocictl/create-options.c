/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-errors.h"
#include "create-options.h"
#include "macros.h"

int create_options_append(sd_bus_message *m, const CreateOptions *o) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && o->no_pivot)
                r = sd_bus_message_append(m, "{sv}", "noPivot", "b", 1);
        if (r >= 0 && o->console_socket >= 0)
                r = sd_bus_message_append(m, "{sv}", "consoleSocket", "h", o->console_socket);
        return r < 0 ? r : sd_bus_message_close_container(m);
}

int create_options_read(sd_bus_message *m, CreateOptions *ret, sd_bus_error *error) {
        CreateOptions o = CREATE_OPTIONS_INIT;
        const char *key;
        int r, b;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "noPivot")) {
                        r = sd_bus_message_read(m, "v", "b", &b);
                        o.no_pivot = b;
                } else if (streq(key, "consoleSocket"))
                        /* Owned by the message: valid while the caller handles it. */
                        r = sd_bus_message_read(m, "v", "h", &o.console_socket);
                else
                        return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_ARGS, "unknown option \"%s\"", key);
                if (r < 0)
                        return r;
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
