/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What init and an exec'd process share between their namespaces and execve(): limits, the
 * seccomp filter (loaded now without noNewPrivileges, else returned to load last), the user and
 * capabilities, the cwd (checked to be inside), the executable, no_new_privs. Any failure ends
 * the stage through stage_fail(). */
#pragma once

#include "seccomp-filter.h"

#include "spec.h"

void stage_become_process(const Spec *s, int sync_fd, size_t n_preserve_fds, SeccompFilter **ret_filter,
                          char **ret_executable);
