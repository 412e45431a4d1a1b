/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec as D-Bus data: one a{sv} whose keys are the JSON paths of the fields
 * ("process.args" → as, "linux.resources" → a{sv}, …; bus-interfaces/org.ocictl.Spec1.xml lists
 * them). New fields are new keys, so method signatures never change. A reader refuses keys it
 * does not know: a newer parser talking to an older spawner fails loudly instead of dropping a
 * field. */
#pragma once

#include <systemd/sd-bus.h>

#include "spec.h"

int spec_bus_append(sd_bus_message *m, const Spec *s);
/* Reads into s (initialised by the caller); on failure s holds what was read so far. */
int spec_bus_read(sd_bus_message *m, Spec *s);

/* linux.resources alone (a{sv}), for the cgroup manager. */
int spec_bus_append_resources(sd_bus_message *m, const SpecResources *res);
int spec_bus_read_resources(sd_bus_message *m, SpecResources *res);

/* The table's keys in order, with their D-Bus signatures; NULL after the last. */
const char *spec_bus_key(size_t i, const char **ret_signature);
