/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* config.json → Spec, with every error naming its JSON path:
 *   linux.namespaces[2].type: unknown namespace "pdi"
 * Fields of the runtime spec that ocictl does not implement yet are refused by name; properties
 * the spec does not define are ignored, as the spec requires of runtimes. No logging, no bus. */
#pragma once

#include <stddef.h>

#include "error.h"
#include "spec.h"

#define SPEC_JSON_MAX_DEPTH 64 /* arrays and objects within each other */

/* Returns 0 and fills ret, or -EINVAL/-ENOMEM with the message in *error (error_text()). */
int spec_from_json(const char *data, size_t size, Spec *ret, Error *error);

/* A runtime-spec Process object alone (`exec --process FILE`): fills the process fields of ret. */
int spec_process_from_json(const char *data, size_t size, Spec *ret, Error *error);

/* A LinuxResources object alone (`update -r FILE`): fills ret->resources; errors name the
 * field below it ("memory.limit: …"). */
int spec_resources_from_json(const char *data, size_t size, Spec *ret, Error *error);
