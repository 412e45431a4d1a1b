/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ENOSYS for syscalls newer than a profile knows, as runc does: a profile written before a
 * syscall existed would give it the default action (EPERM, say), and glibc then fails instead
 * of falling back (clone3 → clone, faccessat2 → faccessat, …): the fallback happens only on
 * ENOSYS. So a few instructions go in front of libseccomp's program: per architecture, a
 * syscall number above the highest one the profile names returns ENOSYS. Not for permissive
 * defaults (allow, log, trace), nor when the default already is ENOSYS. */
#pragma once

#include <linux/filter.h>
#include <stddef.h>

#include "spec.h"

/* Writes the stub into out (at most max instructions) and its length into *ret_n (0: none
 * needed). Its jumps end in front of whatever follows it. */
int seccomp_enosys_stub(const SpecSeccomp *sc, struct sock_filter *out, size_t max, size_t *ret_n);
