/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runc's create/run flags that change how a container is set up, as the a{sv} "options"
 * argument of Registry1.Create and Spawner1.Spawn: "noPivot" b. New flags are new keys, so the
 * signatures stay; a reader refuses keys it does not know rather than ignore a flag. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

typedef struct CreateOptions {
        bool no_pivot;
} CreateOptions;

int create_options_append(sd_bus_message *m, const CreateOptions *o);
int create_options_read(sd_bus_message *m, CreateOptions *ret, sd_bus_error *error);
