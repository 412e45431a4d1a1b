/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A tiny JSON emitter, so that the CLI and the services can print runc's JSON formats without a
 * JSON library (reading is the spec parser's: services/spec/json-reader.h). Out of memory leaves
 * w->buf NULL and w->failed set; callers check once at the end. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct JsonWriter {
        char *buf;
        size_t len, size;
        bool need_comma;
        bool after_key;
        bool failed;
        int indent;  /* 0: compact; >0: pretty-print with this many spaces per level */
        int depth;
} JsonWriter;

void json_begin_object(JsonWriter *w);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w);
void json_end_array(JsonWriter *w);
void json_key(JsonWriter *w, const char *key);
void json_string(JsonWriter *w, const char *s);
void json_int(JsonWriter *w, int64_t v);
void json_uint(JsonWriter *w, uint64_t v);
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
/* A value that already is JSON text (built by another writer). */
void json_raw(JsonWriter *w, const char *json);

void json_key_string(JsonWriter *w, const char *key, const char *s);
void json_key_int(JsonWriter *w, const char *key, int64_t v);
void json_key_uint(JsonWriter *w, const char *key, uint64_t v);
void json_key_bool(JsonWriter *w, const char *key, bool b);
/* Writes key and an array of strings; a NULL list writes an empty array. */
void json_key_strv(JsonWriter *w, const char *key, char *const *l);

/* Returns the text (caller frees) or NULL on allocation failure. */
char *json_writer_steal(JsonWriter *w);
