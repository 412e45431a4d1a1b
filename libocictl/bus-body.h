/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A message's body as bytes, and back: how the registry keeps the spec the parser answered at
 * create (ROOT/ID/spec), so that exec and the poststart/poststop hooks need no second parse of
 * config.json. sd-bus has no public way to make a message from its wire form, so the body is
 * written as the calls that rebuild it: per value its type and its bytes, per container an open
 * (type, contents) and a close. The bytes are our own, in a folder only root may enter, but are
 * read as untrusted all the same: bounded, and every value goes through sd-bus's own checks
 * (signatures, UTF-8, nesting) as it is appended. File descriptors are refused both ways. */
#pragma once

#include <stddef.h>
#include <systemd/sd-bus.h>

#define BUS_BODY_MAX (16 * 1024 * 1024)

/* m's body from its start, into a malloc'ed buffer; m is rewound. -EINVAL for a body with file
 * descriptors, -E2BIG beyond BUS_BODY_MAX. */
int bus_body_to_bytes(sd_bus_message *m, char **ret, size_t *ret_size);
/* Appends what bus_body_to_bytes wrote to m (not yet sealed); -EBADMSG for bytes it did not
 * write. */
int bus_body_from_bytes(sd_bus_message *m, const char *bytes, size_t size);
