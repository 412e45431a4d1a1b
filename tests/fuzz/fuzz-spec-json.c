/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: config.json as any caller could hand it to the spec parser. Whatever the
 * bytes, the parser returns a spec or an error, within its limits, and leaks nothing. */
#include <stdint.h>

#include "spec-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Spec s = {};
        Error error = {};

        (void) spec_from_json((const char *) data, size, &s, &error);
        spec_done(&s);
        return 0;
}
