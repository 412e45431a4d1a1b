/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Errors inside a stage: step functions return -errno and describe the step in an Error
 * (libocictl/error.h); the stage passes both to stage_fail_step(). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "macros.h"

/* runc's words where callers match them (docker maps "no such file or directory" and
 * "executable file not found" to 127, "permission denied" to 126, by exact text): Go's error
 * strings, which are glibc's in lower case. The one place that spells them. */
#define RUNC_EXEC_NOT_IN_PATH "executable file not found in $PATH"
static inline const char *errno_text_lowercase(int r, char *buf, size_t size) {
        snprintf(buf, size, "%s", strerror(r < 0 ? -r : r));
        if (buf[0] >= 'A' && buf[0] <= 'Z')
                buf[0] = (char) (buf[0] - 'A' + 'a');
        return buf;
}
