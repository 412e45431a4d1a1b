/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* A message longer than the buffer is cut short, on purpose: the start says what failed. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static int error_setv(Error *e, int r, bool complete, const char *fmt, va_list ap) {
        e->code = r < 0 ? r : -EIO;
        e->complete = complete;
        vsnprintf(e->message, sizeof e->message, fmt, ap);
        return e->code;
}

int error_set(Error *e, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        r = error_setv(e, r, false, fmt, ap);
        va_end(ap);
        return r;
}

int error_set_complete(Error *e, int r, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        r = error_setv(e, r, true, fmt, ap);
        va_end(ap);
        return r;
}

int error_wrap(Error *e, int r, const char *fmt, ...) {
        char context[ERROR_MESSAGE_MAX], old[ERROR_MESSAGE_MAX];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(context, sizeof context, fmt, ap);
        va_end(ap);
        if (e->message[0] == 0) {
                /* Nothing said below us: the context is the step, r its errno. */
                e->code = r < 0 ? r : -EIO;
                e->complete = false;
                snprintf(e->message, sizeof e->message, "%s", context);
                return e->code;
        }
        snprintf(old, sizeof old, "%s", e->message);
        snprintf(e->message, sizeof e->message, "%s: %s", context, old);
        if (e->code == 0)
                e->code = r < 0 ? r : -EIO;
        return e->code;
}

const char *error_text(const Error *e, int r, char *buf, size_t size) {
        int errnum = e->code != 0 ? -e->code : r < 0 ? -r : EIO;

        if (e->message[0] == 0)
                snprintf(buf, size, "%s", strerror(errnum));
        else if (e->complete)
                snprintf(buf, size, "%s", e->message);
        else
                snprintf(buf, size, "%s: %s", e->message, strerror(errnum));
        return buf;
}

void error_complete(Error *e, int r) {
        char buf[ERROR_MESSAGE_MAX + 64];

        error_text(e, r, buf, sizeof buf);
        snprintf(e->message, sizeof e->message, "%s", buf);
        e->complete = true;
        if (e->code == 0)
                e->code = r < 0 ? r : -EIO;
}
