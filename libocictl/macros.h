/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers every part of ocictl uses: cleanup attributes and ownership moves. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _fallthrough_ __attribute__((fallthrough))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static inline bool endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Moves ownership: returns the value and leaves NULL / -EBADF behind. */
#define TAKE_PTR(p)                      \
        ({                               \
                typeof(p) _p_ = (p);     \
                (p) = NULL;              \
                _p_;                     \
        })
#define TAKE_FD(fd)                      \
        ({                               \
                int _fd_ = (fd);         \
                (fd) = -EBADF;           \
                _fd_;                    \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* Closes an fd while keeping errno, so error paths can still report it. */
static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                close(fd);
                errno = saved;
        }
        return -EBADF;
}
static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline void strv_free(char **l) {
        if (!l)
                return;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
}
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

static inline size_t strv_length(char *const *l) {
        size_t n = 0;
        for (; l && l[n]; n++)
                ;
        return n;
}

static inline bool strv_contains(char *const *l, const char *s) {
        for (; l && *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

/* Whether one of the "/"-separated parts of p is name ("..", "."). */
static inline bool path_has_component(const char *p, const char *name) {
        size_t len = strlen(name);
        while (*p) {
                size_t n = strcspn(p, "/");
                if (n == len && strneq(p, name, len))
                        return true;
                p += n;
                p += strspn(p, "/");
        }
        return false;
}

static inline void *memdup(const void *p, size_t n) {
        void *q = malloc(n ?: 1);
        if (q && n > 0)
                memcpy(q, p, n);
        return q;
}

static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}
