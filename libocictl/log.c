/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "json-writer.h"
#include "log.h"

static const char *log_program = "ocictl";
static int log_max_level = LOG_WARNING;
static LogFormat log_format = LOG_FORMAT_TEXT;
static int log_fd = STDERR_FILENO;

static const char *const log_format_table[_LOG_FORMAT_MAX] = {
        [LOG_FORMAT_TEXT] = "text",
        [LOG_FORMAT_JSON] = "json",
};

LogFormat log_format_from_string(const char *s) {
        for (int i = 0; i < _LOG_FORMAT_MAX; i++)
                if (s && streq(s, log_format_table[i]))
                        return i;
        return _LOG_FORMAT_INVALID;
}

const char *log_format_to_string(LogFormat f) {
        return f >= 0 && f < _LOG_FORMAT_MAX ? log_format_table[f] : NULL;
}

void log_setup(const char *program, int max_level, LogFormat format, int fd) {
        if (program)
                log_program = program;
        log_max_level = max_level;
        log_format = format;
        log_fd = fd;
}

void log_setup_from_env(const char *program) {
        const char *e = getenv("OCICTL_LOG_LEVEL");
        int level = e ? atoi(e) : LOG_WARNING;
        LogFormat f = log_format_from_string(getenv("OCICTL_LOG_FORMAT"));

        log_setup(program, level, f < 0 ? LOG_FORMAT_TEXT : f, STDERR_FILENO);
}

int log_get_max_level(void) {
        return log_max_level;
}

static const char *level_name(int level) {
        switch (level) {
        case LOG_DEBUG:
                return "debug";
        case LOG_INFO:
        case LOG_NOTICE:
                return "info";
        case LOG_WARNING:
                return "warning";
        default:
                return "error";
        }
}

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) {
        char msg[2048];
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > log_max_level)
                return -error;

        errno = error; /* so that %m in fmt names the error we were given */
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);

        if (log_format == LOG_FORMAT_JSON) {
                JsonWriter w = {};
                char ts[64];
                struct timespec now;
                struct tm tm;

                clock_gettime(CLOCK_REALTIME, &now);
                gmtime_r(&now.tv_sec, &tm);
                snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec);
                json_begin_object(&w);
                json_key_string(&w, "level", level_name(level));
                json_key_string(&w, "msg", msg);
                json_key_string(&w, "time", ts);
                json_key_string(&w, "program", log_program);
                json_end_object(&w);
                if (w.buf) {
                        dprintf(log_fd, "%s\n", w.buf);
                        free(w.buf);
                }
        } else {
                /* The "<N>" prefix is for readers that parse it (journald, a --log file); a person
                 * at a terminal gets the level in words instead. */
                char prefix[8] = "";
                const char *word = "";
                if (!isatty(log_fd))
                        snprintf(prefix, sizeof prefix, "<%d>", level);
                else if (level == LOG_WARNING)
                        word = "warning: ";
                if (level <= LOG_ERR || (level == LOG_WARNING && *word))
                        dprintf(log_fd, "%s%s: %s%s\n", prefix, log_program, word, msg);
                else
                        dprintf(log_fd, "%s%s: %s%s (%s:%d)\n", prefix, log_program, word, msg, file, line);
        }

        return -error;
}
