/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spawner runs from a sealed in-memory copy of its binary. Every stage it clones enters the
 * container, and a process in the container can reach a stage's image through /proc/PID/exe: if
 * that were the host's file, root in the container could rewrite it (CVE-2019-5736). A memfd
 * sealed against writing, growing and shrinking cannot be changed by anyone, and it is not a
 * host file at all. */
#pragma once

#include <stdbool.h>

/* A sealed memfd holding a copy of the file at path (close-on-exec). */
int sealed_copy_of(const char *path, int *ret_fd);

/* true if fd is a memfd carrying every seal sealed_copy_of() sets. */
bool sealed_is_sealed(int fd);

/* If our own image is not a sealed copy, re-executes us from one with the same argv and
 * environment. Returns only on failure (-errno) or when we already run sealed (0). */
int sealed_reexec_self(char **argv);
