/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* linux.seccomp as a libseccomp filter. Built before init reports ready (so a bad profile fails
 * create, naming the rule), loaded as late as possible: right before execve when
 * noNewPrivileges is set, as runc does, so that profiles need to allow few of our syscalls;
 * before the uid change otherwise, while CAP_SYS_ADMIN still allows loading it. */
#pragma once

#include <seccomp.h>

#include "spec.h"
#include "stage-error.h"

typedef struct SeccompFilter SeccompFilter;

/* NULL filter when the spec has none. sc must outlive the filter. */
int seccomp_filter_build(const SpecSeccomp *sc, SeccompFilter **ret, Error *e);
/* libseccomp's program with the ENOSYS stub in front (seccomp-enosys.h), loaded with the
 * spec's flags; with a notify rule, the listener fd is kept for seccomp_filter_take_notify_fd. */
int seccomp_filter_load(SeccompFilter *f, Error *e);
int seccomp_filter_take_notify_fd(SeccompFilter *f);
SeccompFilter *seccomp_filter_free(SeccompFilter *f);

/* Whether a rule sends syscalls to a listener: only then is there a notify fd to hand on (a
 * listenerPath without one is harmless and ignored, as runc does). */
bool seccomp_filter_has_notify(const SpecSeccomp *sc);
