/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state JSON an OCI hook reads on stdin. */
#pragma once

#include <sys/types.h>

#include "spec.h"

/* {"ociVersion", "id", "status", "pid", "bundle", "annotations"}, as the runtime spec's state;
 * pid is left out when 0. Caller frees; NULL when out of memory. */
char *hook_state_json(const char *id, const char *status, pid_t pid, const char *bundle, const Spec *s);
