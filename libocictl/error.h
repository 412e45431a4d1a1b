/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one error type of ocictl's library code: an errno and the words that say what failed, for
 * the message the user sees. Code that knows what failed fills it (error_set); a caller on the
 * way up may say what it was doing (error_wrap); the edge (a method handler, a verb, a stage's
 * report to stage 0) prints error_text() once:
 *     "mounts[1]: mount tmpfs on /x: option \"size=x\": Invalid argument"
 * As crun's libcrun_error_t and crun_error_wrap(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macros.h"

#define ERROR_MESSAGE_MAX 1024

typedef struct Error {
        int code;      /* -errno; 0 while nothing failed */
        bool complete; /* the message says it all: error_text() adds no strerror() */
        char message[ERROR_MESSAGE_MAX];
} Error;

/* Says which step failed with r; error_text() adds r's strerror(). Returns r, or -EIO for an r
 * that is not an errno, so `return error_set(e, r, "…");` reads as what it does. */
int error_set(Error *e, int r, const char *fmt, ...) _printf_(3, 4);
/* As error_set(), for a message that needs no errno text after it ("the cgroup is frozen"). */
int error_set_complete(Error *e, int r, const char *fmt, ...) _printf_(3, 4);
/* Puts what the caller was doing in front: "CONTEXT: message". With nothing set yet, sets r.
 * Returns the error's code. */
int error_wrap(Error *e, int r, const char *fmt, ...) _printf_(3, 4);
/* The whole message: the words, then ": strerror" unless it is complete; strerror(r) alone when
 * nothing was said. buf holds at least ERROR_MESSAGE_MAX + 64 bytes. */
const char *error_text(const Error *e, int r, char *buf, size_t size);
/* Makes e's message the whole message (error_text() in place), so it can be copied as text. */
void error_complete(Error *e, int r);
