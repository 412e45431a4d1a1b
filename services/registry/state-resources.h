/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.resources in the state file, typed: what create set and each update changed, so that the
 * next update (v2's swap.max depends on the memory limit) starts from the values themselves, with
 * no trip through the parser. One line per value:
 *     resource memory.limit 1048576
 *     resource.cpus 0-1
 *     resource.list blockIO.throttleReadBpsDevice = 8 0 1000 -1      (name "=": none)
 *     resource.unified memory.high 100
 *     resource.device 0 a -1 -1 rwm
 * Strings are escaped as every state value is (state_escape). */
#pragma once

#include <stdio.h>

#include "resources.h"

int state_write_resources(FILE *f, const SpecResources *res);
/* A state line whose key starts with "resource": 1 if it was one (and went into res), 0 if the key
 * is not ours, <0 for a malformed value. */
int state_read_resource(const char *key, char *value, SpecResources *res);
