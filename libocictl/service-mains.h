/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The services whose code ocictl links as well as their own binaries do (each binary's main()
 * calls one of these), so that direct mode forks them without an exec (service-spawn.h).
 * Returns an exit status. */
int registry_service_main(void);
int cgroups_service_main(void);
