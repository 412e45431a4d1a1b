/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI hooks: each one fork+exec'd with the container's state JSON on stdin, its args and env,
 * and killed after its timeout. Which namespace a hook runs in is the caller's choice: stage 0
 * (the spawner, host namespaces) for prestart, createRuntime, poststart and poststop; init
 * (container namespaces) for createContainer and startContainer. */
#pragma once

#include <sys/types.h>

#include "hook-state.h"
#include "spec.h"
#include "stage-error.h"

/* Runs the hooks of one kind in order; the first failure stops them and is described in e
 * ("hooks.prestart[1]: /usr/bin/x: exited with status 3"). */
int hooks_run(const Spec *s, HookKind kind, const char *state_json, Error *e);
