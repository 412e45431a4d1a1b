/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-writer.h"
#include "macros.h"

static void append(JsonWriter *w, const char *s, size_t n) {
        if (w->failed)
                return;
        if (w->len + n + 1 > w->size) {
                size_t size = (w->len + n + 1) * 2;
                char *b = realloc(w->buf, size);
                if (!b) {
                        free(w->buf);
                        w->buf = NULL;
                        w->failed = true;
                        return;
                }
                w->buf = b;
                w->size = size;
        }
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        w->buf[w->len] = 0;
}

static void appends(JsonWriter *w, const char *s) {
        append(w, s, strlen(s));
}

static void newline(JsonWriter *w) {
        if (w->indent <= 0)
                return;
        appends(w, "\n");
        for (int i = 0; i < w->depth * w->indent; i++)
                appends(w, " ");
}

/* Called before every value: separates it from the previous sibling and, when pretty-printing,
 * starts array items on their own line (a value after a key stays on the key's line). */
static void value_prefix(JsonWriter *w) {
        if (w->need_comma)
                appends(w, ",");
        if (!w->after_key && w->depth > 0)
                newline(w);
        w->after_key = false;
        w->need_comma = true;
}

static void open_container(JsonWriter *w, const char *c) {
        value_prefix(w);
        appends(w, c);
        w->depth++;
        w->need_comma = false;
}

static void close_container(JsonWriter *w, const char *c, bool empty) {
        w->depth--;
        if (!empty)
                newline(w);
        appends(w, c);
        w->need_comma = true;
}

void json_begin_object(JsonWriter *w) {
        open_container(w, "{");
}
void json_end_object(JsonWriter *w) {
        close_container(w, "}", !w->need_comma);
}
void json_begin_array(JsonWriter *w) {
        open_container(w, "[");
}
void json_end_array(JsonWriter *w) {
        close_container(w, "]", !w->need_comma);
}

static void string_literal(JsonWriter *w, const char *s) {
        appends(w, "\"");
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                char esc[8];
                switch (*p) {
                case '"':
                        appends(w, "\\\"");
                        break;
                case '\\':
                        appends(w, "\\\\");
                        break;
                case '\n':
                        appends(w, "\\n");
                        break;
                case '\t':
                        appends(w, "\\t");
                        break;
                case '\r':
                        appends(w, "\\r");
                        break;
                default:
                        if (*p < 0x20) {
                                snprintf(esc, sizeof esc, "\\u%04x", *p);
                                appends(w, esc);
                        } else
                                append(w, (const char *) p, 1);
                }
        }
        appends(w, "\"");
}

void json_key(JsonWriter *w, const char *key) {
        value_prefix(w);
        string_literal(w, key);
        appends(w, w->indent > 0 ? ": " : ":");
        w->need_comma = false; /* the value that follows is not a sibling */
        w->after_key = true;
}

static void scalar(JsonWriter *w, const char *text) {
        value_prefix(w);
        appends(w, text);
}

void json_raw(JsonWriter *w, const char *json) {
        scalar(w, json);
}

void json_string(JsonWriter *w, const char *s) {
        value_prefix(w);
        string_literal(w, s ?: "");
}
void json_int(JsonWriter *w, int64_t v) {
        char b[32];
        snprintf(b, sizeof b, "%" PRIi64, v);
        scalar(w, b);
}
void json_uint(JsonWriter *w, uint64_t v) {
        char b[32];
        snprintf(b, sizeof b, "%" PRIu64, v);
        scalar(w, b);
}
void json_bool(JsonWriter *w, bool b) {
        scalar(w, b ? "true" : "false");
}
void json_null(JsonWriter *w) {
        scalar(w, "null");
}

void json_key_string(JsonWriter *w, const char *key, const char *s) {
        json_key(w, key);
        json_string(w, s);
}
void json_key_int(JsonWriter *w, const char *key, int64_t v) {
        json_key(w, key);
        json_int(w, v);
}
void json_key_uint(JsonWriter *w, const char *key, uint64_t v) {
        json_key(w, key);
        json_uint(w, v);
}
void json_key_bool(JsonWriter *w, const char *key, bool b) {
        json_key(w, key);
        json_bool(w, b);
}
void json_key_strv(JsonWriter *w, const char *key, char *const *l) {
        json_key(w, key);
        json_begin_array(w);
        for (size_t i = 0; l && l[i]; i++)
                json_string(w, l[i]);
        json_end_array(w);
}

char *json_writer_steal(JsonWriter *w) {
        if (w->failed)
                return NULL;
        w->len = w->size = 0;
        return TAKE_PTR(w->buf) ?: strdup("");
}
