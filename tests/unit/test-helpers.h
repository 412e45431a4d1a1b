/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal harness: CHECK() records a failure with its line and goes on; a test binary exits
 * non-zero if anything failed. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond, ...)                                                              \
        do {                                                                          \
                test_checks++;                                                        \
                if (!(cond)) {                                                        \
                        test_failures++;                                              \
                        fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
                        fprintf(stderr, __VA_ARGS__);                                 \
                        fputc('\n', stderr);                                          \
                }                                                                     \
        } while (0)

static inline int test_streq(const char *a, const char *b) {
        return a && b && strcmp(a, b) == 0;
}

static inline const char *test_str(const char *s) {
        return s ? s : "(null)";
}

#define CHECK_STREQ(a, b) CHECK(test_streq((a), (b)), "\"%s\" != \"%s\"", test_str(a), test_str(b))

static inline int test_finish(const char *name) {
        printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
        return test_failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
