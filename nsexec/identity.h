/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who the container's process is: rlimits, oom score, uid/gid/groups, capabilities and
 * no_new_privs, applied by init in that order (privileged steps first). */
#pragma once

#include "spec.h"
#include "stage-error.h"

/* rlimits, oomScoreAdj, umask, ioPriority, scheduler, execCPUAffinity.final, personality. */
int identity_apply_limits(const Spec *s, Error *e);
/* Pins us to a CPU list ("0-3,7"); nothing when list is NULL. */
int identity_set_affinity(const char *list, const char *field, Error *e);
/* Changes uid/gid keeping the capabilities the spec asks for, then sets them. Returns 1 with a
 * warning in e when ambient capabilities had to be skipped (not inheritable: the kernel refuses
 * them, and runc only warns). */
int identity_apply_user(const Spec *s, Error *e);
int identity_apply_no_new_privileges(const Spec *s, Error *e);

/* process.args[0] as execve() needs it: as is when it holds a '/', else looked up in the
 * container's PATH (the spec's env, or a default), as runc does before the process starts. */
int identity_find_executable(const Spec *s, char **ret, Error *e);
