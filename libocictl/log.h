/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging to stderr with syslog-style "<N>" prefixes, or as JSON lines (runc's --log-format). */
#pragma once

#include <syslog.h>

#include "macros.h"

typedef enum LogFormat {
        LOG_FORMAT_TEXT,
        LOG_FORMAT_JSON,
        _LOG_FORMAT_MAX,
        _LOG_FORMAT_INVALID = -EINVAL,
} LogFormat;

void log_setup(const char *program, int max_level, LogFormat format, int fd);
/* Reads OCICTL_LOG_LEVEL and OCICTL_LOG_FORMAT, which the CLI passes to the services it forks. */
void log_setup_from_env(const char *program);
int log_get_max_level(void);
LogFormat log_format_from_string(const char *s);
const char *log_format_to_string(LogFormat f);

/* Logs and returns -abs(error), so callers can write "return log_error_errno(r, ...)". */
int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) _printf_(5, 6);

#define log_full_errno(level, error, ...) log_internal((level), (error), __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)
