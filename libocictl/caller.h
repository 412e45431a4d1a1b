/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>
#include <systemd/sd-bus.h>

/* The uid of the process that sent m: on a socket pair the peer's SO_PEERCRED, on a bus the
 * sender's credentials as the bus daemon saw them. */
int bus_message_get_sender_uid(sd_bus_message *m, uid_t *ret);
/* Refuses callers that are not root, except, in direct mode, the non-root user the service runs
 * as (rootless ocictl). Polkit for others comes with system mode. */
int bus_check_caller_allowed(sd_bus_message *m, sd_bus_error *error);
