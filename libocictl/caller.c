/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who is calling: the uid behind a method call, and the check that it is root. */
#include <unistd.h>

#include "bus-errors.h"
#include "caller.h"
#include "service-run.h"

int bus_message_get_sender_uid(sd_bus_message *m, uid_t *ret) {
        sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, &uid);
        sd_bus_creds_unref(creds);
        if (r < 0)
                return r;
        *ret = uid;
        return 0;
}

int bus_check_caller_allowed(sd_bus_message *m, sd_bus_error *error) {
        uid_t uid;
        int r;

        r = bus_message_get_sender_uid(m, &uid);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED,
                                         "cannot determine the caller's uid: %s", strerror(-r));
        if (uid == 0)
                return 0;
        /* Rootless: a service that ocictl forked on a socket pair runs as its caller and can do
         * nothing that caller could not; on a bus, only root (polkit comes with system mode). */
        if (service_is_direct() && uid == geteuid() && geteuid() != 0)
                return 0;
        return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED, "only root may call %s (uid %u)",
                                 sd_bus_message_get_member(m), uid);
}
