/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What failed inside a stage, for the message the user sees: step functions return -errno and
 * describe the step here; the stage passes both to stage_fail(). */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "macros.h"

typedef struct StageError {
        char what[768];
        bool complete; /* the text says it all: no strerror() after it (hook exit statuses) */
} StageError;

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

static inline int step_failed(StageError *e, int r, const char *fmt, ...) _printf_(3, 4);
static inline int step_failed(StageError *e, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->what, sizeof e->what, fmt, ap);
        va_end(ap);
        return r < 0 ? r : -EIO;
}
