/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp as a libseccomp filter. Built before init reports ready (so a bad profile fails
 * create, naming the rule), loaded as late as possible: right before execve when
 * noNewPrivileges is set, as runc does, so that profiles need to allow few of our syscalls;
 * before the uid change otherwise, while CAP_SYS_ADMIN still allows loading it. */
#pragma once

#include <seccomp.h>

#include "spec.h"
#include "stage-error.h"

/* NULL filter when the spec has none. */
int seccomp_filter_build(const SpecSeccomp *sc, scmp_filter_ctx *ret, StageError *e);
int seccomp_filter_load(scmp_filter_ctx ctx, StageError *e);

/* Whether a rule sends syscalls to a listener: only then is there a notify fd to hand on (a
 * listenerPath without one is harmless and ignored, as runc does). */
bool seccomp_filter_has_notify(const SpecSeccomp *sc);
