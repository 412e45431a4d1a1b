/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The named D-Bus errors every ocictl service may return, mapped to errno (docs/errors.md). */
#pragma once

#include <systemd/sd-bus.h>

#include "error.h"

#define OCICTL_ERROR_NO_SUCH_CONTAINER "org.ocictl.Error.NoSuchContainer"
#define OCICTL_ERROR_ALREADY_EXISTS "org.ocictl.Error.AlreadyExists"
#define OCICTL_ERROR_INVALID_STATE "org.ocictl.Error.InvalidState"
#define OCICTL_ERROR_INVALID_SPEC "org.ocictl.Error.InvalidSpec"
#define OCICTL_ERROR_INVALID_ARGS "org.ocictl.Error.InvalidArgs"
#define OCICTL_ERROR_NOT_SUPPORTED "org.ocictl.Error.NotSupported"
#define OCICTL_ERROR_PERMISSION_DENIED "org.ocictl.Error.PermissionDenied"
#define OCICTL_ERROR_SETUP_FAILED "org.ocictl.Error.SetupFailed"
/* Polkit (or the owner rule) said no; the message names the action refused. */
#define OCICTL_ERROR_NOT_AUTHORIZED "org.ocictl.Error.NotAuthorized"

extern const sd_bus_error_map ocictl_bus_error_map[];

/* Registers the map with sd-bus (idempotent); every process calls it once at start. */
void bus_errors_register(void);

/* Copies a reply error into another message's error, so a service can pass on what its peer
 * said with the peer's name and text intact. */
int bus_error_forward(sd_bus_error *dst, const sd_bus_error *src, int r);

/* Sets the named bus error with e's whole text (error_text()); returns e's errno, as
 * sd_bus_error_setf() returns one, so a handler can `return bus_error_set_from(…);`. */
int bus_error_set_from(sd_bus_error *dst, const char *name, const Error *e, int r);
