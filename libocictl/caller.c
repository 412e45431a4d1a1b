/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who is calling: the uid behind a method call, and the check that it is root. */
#include <string.h>
#include <unistd.h>

#include "bus-errors.h"
#include "caller.h"
#include "service-run.h"

/* The last senders' uids. On a bus, each one costs a round trip to the bus daemon
 * (GetConnectionUnixUser: dbus-daemon attaches no credentials), and a caller makes several
 * calls in a row. A unique name is never given to another connection for the life of the bus
 * (the D-Bus specification), and a connection's uid does not change, so what the daemon said
 * stays true; a service serves one bus, and exits when it goes. */
typedef struct SenderUid {
        char name[32];
        uid_t uid;
} SenderUid;
static SenderUid sender_uids[16];
static unsigned next_sender_uid;

static const SenderUid *sender_uid_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(sender_uids); i++)
                if (streq(sender_uids[i].name, name))
                        return &sender_uids[i];
        return NULL;
}

int bus_message_get_sender_uid(sd_bus_message *m, uid_t *ret) {
        const char *sender = sd_bus_message_get_sender(m);
        /* Unique names only (":1.42"), and only as a bus daemon wrote them: on a socket pair the
         * peer writes its own sender field (and SO_PEERCRED costs nothing anyway). */
        int on_bus = sd_bus_is_bus_client(sd_bus_message_get_bus(m));
        bool cache = on_bus > 0 && sender && sender[0] == ':' && strlen(sender) < sizeof sender_uids[0].name;
        const SenderUid *known = cache ? sender_uid_find(sender) : NULL;
        sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        if (known) {
                *ret = known->uid;
                return 0;
        }
        r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID, &creds);
        if (r < 0)
                return r;
        r = sd_bus_creds_get_euid(creds, &uid);
        sd_bus_creds_unref(creds);
        if (r < 0)
                return r;
        if (cache) {
                SenderUid *slot = &sender_uids[next_sender_uid++ % ELEMENTSOF(sender_uids)];
                strcpy(slot->name, sender);
                slot->uid = uid;
        }
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
