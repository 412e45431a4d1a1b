/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's own session keyring, as runc makes it: without one, the container's processes
 * share the keyring of whoever started the runtime (a shell's, a service's) and can read the
 * keys in it. Named "_ses.<id>", so that exec'd processes join the container's keyring, and
 * made searchable by its possessor's uid (by "other" in a user namespace, where the uid seen
 * from inside differs), as runc sets it. --no-new-keyring keeps the caller's. */
#pragma once

#include <stdbool.h>

/* init: joins a new session keyring "_ses.<id>" and makes it searchable. -ENOSYS where the
 * kernel has no keyrings, which the caller may ignore as runc does. */
int keyring_join_container(const char *id, bool user_namespace);

/* exec: joins the container's keyring by name, as it is (an exec'd process in a user
 * namespace may search it but not view or change it). */
int keyring_join_existing(const char *id);
