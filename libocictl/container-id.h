/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* runc's rule: letters, digits, '_', '+', '-', '.', not "." or "..". The length is bounded by
 * a directory name (the id names the state folder). */
#define CONTAINER_ID_MAX 255

bool container_id_is_valid(const char *id);
