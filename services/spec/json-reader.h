/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A strict reader of JSON text (RFC 8259) into a tree, for the spec parser: config.json, a
 * process.json, a resources document. Our own rather than a library's, because the parser is
 * started for every create and exec and a JSON library brought a dozen shared objects with it
 * (GLib, GObject, GIO and theirs), whose loading was most of the parser's time (issue 15).
 *
 * Strings must be UTF-8 and may not hold U+0000 (a path or name cannot); integers are int64, and
 * those from 2^63 to 2^64-1 keep their 64 bits in the int64 (rlimits spell "unlimited" as
 * 2^64-1, spec-json-parser.c: want_uint64); other numbers are doubles. A name given twice in an
 * object keeps its first place and its last value, as Go's encoding/json (runc) reads it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum JsonType {
        JSON_NULL,
        JSON_BOOLEAN,
        JSON_INTEGER,
        JSON_DOUBLE,
        JSON_STRING,
        JSON_ARRAY,
        JSON_OBJECT,
} JsonType;

typedef struct JsonValue JsonValue;

typedef struct JsonMember {
        char *name;
        JsonValue *value;
} JsonMember;

struct JsonValue {
        JsonType type;
        union {
                bool boolean;
                int64_t integer;
                double number;
                char *string;
                struct {
                        JsonValue **items;
                        size_t n;
                } array;
                struct {
                        JsonMember *members;
                        size_t n;
                } object;
        };
};

/* Where the text stops being JSON: line and column (in bytes) from 1, and what is wrong. */
typedef struct JsonSyntaxError {
        unsigned line, column;
        char message[96];
} JsonSyntaxError;

/* Reads one JSON value, with nothing but white space around it, nested at most max_depth arrays
 * and objects deep. *ret is NULL for a text of white space only. -EINVAL with *error filled
 * for text that is not JSON, -E2BIG for nesting deeper than max_depth, -ENOMEM. */
int json_read(const char *text, size_t size, unsigned max_depth, JsonValue **ret, JsonSyntaxError *error);
void json_value_free(JsonValue *v);
static inline void json_value_freep(JsonValue **v) {
        json_value_free(*v);
}
#define _cleanup_json_value_ __attribute__((cleanup(json_value_freep)))

static inline bool json_is(const JsonValue *v, JsonType type) {
        return v && v->type == type;
}

/* The member of an object called name, or NULL (also for a value that is not an object). */
JsonValue *json_object_get(const JsonValue *object, const char *name);

/* The number of items of an array or members of an object; 0 for any other value. */
size_t json_length(const JsonValue *v);

static inline JsonValue *json_array_at(const JsonValue *array, size_t i) {
        return array->array.items[i];
}
