/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* process.terminal: a pty from the container's own devpts, its master sent to the caller's
 * console socket (SCM_RIGHTS, with the slave's name, as runc does), its slave as the process's
 * stdio and controlling terminal, and bind-mounted on /dev/console for init. */
#pragma once

#include <stdbool.h>

#include "spec.h"
#include "stage-error.h"

/* Runs in the container's mount namespace, after pivot_root. */
int console_setup(int console_socket, const Spec *s, bool dev_console, Error *e);
