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

static inline int step_failed(StageError *e, int r, const char *fmt, ...) _printf_(3, 4);
static inline int step_failed(StageError *e, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->what, sizeof e->what, fmt, ap);
        va_end(ap);
        return r < 0 ? r : -EIO;
}
