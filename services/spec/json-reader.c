/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A recursive-descent reader of JSON text (json-reader.h). Recursion is bounded by max_depth;
 * every allocation is bounded by the size of the text, which the caller limits. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-reader.h"

typedef struct Reader {
        const char *text;
        size_t size, pos;
        unsigned depth, max_depth;
        JsonSyntaxError *error;
} Reader;

static int syntax_error(Reader *r, size_t at, const char *fmt, ...) {
        unsigned line = 1, column = 1;
        va_list ap;

        for (size_t i = 0; i < at && i < r->size; i++)
                if (r->text[i] == '\n')
                        line++, column = 1;
                else
                        column++;
        r->error->line = line;
        r->error->column = column;
        va_start(ap, fmt);
        vsnprintf(r->error->message, sizeof r->error->message, fmt, ap);
        va_end(ap);
        return -EINVAL;
}

/* The character at pos, for a message: printable ASCII as itself, anything else by its code. */
static int unexpected(Reader *r, const char *wanted) {
        unsigned char c;

        if (r->pos >= r->size)
                return syntax_error(r, r->pos, "unexpected end of text, expected %s", wanted);
        c = (unsigned char) r->text[r->pos];
        if (c >= 0x20 && c < 0x7f)
                return syntax_error(r, r->pos, "unexpected '%c', expected %s", c, wanted);
        return syntax_error(r, r->pos, "unexpected byte 0x%02x, expected %s", c, wanted);
}

static void skip_space(Reader *r) {
        while (r->pos < r->size) {
                char c = r->text[r->pos];
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                        return;
                r->pos++;
        }
}

static bool next_is(Reader *r, char c) {
        return r->pos < r->size && r->text[r->pos] == c;
}

void json_value_free(JsonValue *v) {
        if (!v)
                return;
        switch (v->type) {
        case JSON_STRING:
                free(v->string);
                break;
        case JSON_ARRAY:
                for (size_t i = 0; i < v->array.n; i++)
                        json_value_free(v->array.items[i]);
                free(v->array.items);
                break;
        case JSON_OBJECT:
                for (size_t i = 0; i < v->object.n; i++) {
                        free(v->object.members[i].name);
                        json_value_free(v->object.members[i].value);
                }
                free(v->object.members);
                break;
        default:
                break;
        }
        free(v);
}

static JsonValue *new_value(JsonType type) {
        JsonValue *v = calloc(1, sizeof *v);
        if (v)
                v->type = type;
        return v;
}

/* Makes room for one more element in *array, of *capacity elements of size each (doubling). */
static int grow(void **array, size_t n, size_t *capacity, size_t size) {
        void *p;
        if (n < *capacity)
                return 0;
        p = reallocarray(*array, *capacity ? *capacity * 2 : 4, size);
        if (!p)
                return -ENOMEM;
        *array = p;
        *capacity = *capacity ? *capacity * 2 : 4;
        return 0;
}

/* Appends the code point to out (which has room for 4 more bytes) as UTF-8. */
static size_t put_utf8(char *out, uint32_t c) {
        if (c < 0x80) {
                out[0] = (char) c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char) (0xc0 | (c >> 6));
                out[1] = (char) (0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char) (0xe0 | (c >> 12));
                out[1] = (char) (0x80 | ((c >> 6) & 0x3f));
                out[2] = (char) (0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (c >> 18));
        out[1] = (char) (0x80 | ((c >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((c >> 6) & 0x3f));
        out[3] = (char) (0x80 | (c & 0x3f));
        return 4;
}

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), or 0: no overlong forms,
 * no surrogates, nothing above U+10FFFF. */
static size_t utf8_sequence_length(const unsigned char *s, size_t n) {
        uint32_t c;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                len = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                len = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                len = 4, c = s[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
                return 0;
        return len;
}

static int read_hex4(Reader *r, uint32_t *ret) {
        uint32_t v = 0;

        for (size_t i = 0; i < 4; i++) {
                char c;
                if (r->pos + i >= r->size)
                        return syntax_error(r, r->pos + i, "unexpected end of text in a \\u escape");
                c = r->text[r->pos + i];
                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (uint32_t) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (uint32_t) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (uint32_t) (c - 'A' + 10);
                else
                        return syntax_error(r, r->pos + i, "a \\u escape needs four hexadecimal digits");
        }
        r->pos += 4;
        *ret = v;
        return 0;
}

/* A \u escape, r->pos after the 'u': a code point, a surrogate pair as one. */
static int read_unicode_escape(Reader *r, size_t start, uint32_t *ret) {
        uint32_t c, low;
        int k;

        if ((k = read_hex4(r, &c)) < 0)
                return k;
        if (c >= 0xdc00 && c <= 0xdfff)
                return syntax_error(r, start, "a \\u escape of a lone low surrogate");
        if (c >= 0xd800 && c <= 0xdbff) {
                if (r->size - r->pos < 2 || r->text[r->pos] != '\\' || r->text[r->pos + 1] != 'u')
                        return syntax_error(r, start, "a \\u escape of a high surrogate without its low one");
                r->pos += 2;
                if ((k = read_hex4(r, &low)) < 0)
                        return k;
                if (low < 0xdc00 || low > 0xdfff)
                        return syntax_error(r, start, "a \\u escape of a high surrogate without its low one");
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        }
        if (c == 0)
                return syntax_error(r, start, "a string may not contain U+0000");
        *ret = c;
        return 0;
}

/* A string, r->pos on its opening quote: decoded into a new NUL-terminated string. */
static int read_string(Reader *r, char **ret) {
        size_t start = r->pos++, len = 0, end = r->pos;
        char *out;
        int k;

        /* The decoded string is never longer than its text up to the closing quote. */
        while (end < r->size && r->text[end] != '"')
                end += r->text[end] == '\\' ? 2 : 1;
        if (end >= r->size)
                return syntax_error(r, start, "a string that does not end");
        out = malloc(end - r->pos + 1);
        if (!out)
                return -ENOMEM;
        for (;;) {
                unsigned char c;

                if (r->pos >= r->size) {
                        free(out);
                        return syntax_error(r, start, "a string that does not end");
                }
                c = (unsigned char) r->text[r->pos];
                if (c == '"') {
                        r->pos++;
                        break;
                }
                if (c < 0x20) {
                        free(out);
                        return syntax_error(r, r->pos, "a control character (0x%02x) in a string must be escaped", c);
                }
                if (c == '\\') {
                        size_t at = r->pos;
                        uint32_t code = 0;
                        char e;

                        if (++r->pos >= r->size) {
                                free(out);
                                return syntax_error(r, start, "a string that does not end");
                        }
                        e = r->text[r->pos++];
                        switch (e) {
                        case '"': case '\\': case '/':
                                out[len++] = e;
                                continue;
                        case 'b': out[len++] = '\b'; continue;
                        case 'f': out[len++] = '\f'; continue;
                        case 'n': out[len++] = '\n'; continue;
                        case 'r': out[len++] = '\r'; continue;
                        case 't': out[len++] = '\t'; continue;
                        case 'u':
                                if ((k = read_unicode_escape(r, at, &code)) < 0) {
                                        free(out);
                                        return k;
                                }
                                /* \uXXXX is 6 bytes of text for at most 3 of UTF-8, a pair 12 for 4 */
                                len += put_utf8(out + len, code);
                                continue;
                        default:
                                free(out);
                                return syntax_error(r, at, "unknown escape \\%c", e >= 0x20 && e < 0x7f ? e : '?');
                        }
                }
                size_t n = utf8_sequence_length((const unsigned char *) r->text + r->pos, r->size - r->pos);
                if (n == 0) {
                        free(out);
                        return syntax_error(r, r->pos, "a string that is not valid UTF-8");
                }
                memcpy(out + len, r->text + r->pos, n);
                len += n;
                r->pos += n;
        }
        out[len] = 0;
        *ret = out;
        return 0;
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

/* A number as RFC 8259 writes it: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int read_number(Reader *r, JsonValue *v) {
        size_t start = r->pos, p = r->pos;
        bool negative = false, integral = true;
        uint64_t magnitude = 0;
        bool overflow = false;
        char *copy, *end;

        if (next_is(r, '-'))
                negative = true, p++;
        if (p >= r->size || !is_digit(r->text[p]))
                return syntax_error(r, start, "a number needs a digit after its sign");
        if (r->text[p] == '0' && p + 1 < r->size && is_digit(r->text[p + 1]))
                return syntax_error(r, start, "a number may not start with 0");
        for (; p < r->size && is_digit(r->text[p]); p++) {
                unsigned d = (unsigned) (r->text[p] - '0');
                if (magnitude > (UINT64_MAX - d) / 10)
                        overflow = true;
                else
                        magnitude = magnitude * 10 + d;
        }
        if (p < r->size && r->text[p] == '.') {
                integral = false;
                if (++p >= r->size || !is_digit(r->text[p]))
                        return syntax_error(r, start, "a number needs a digit after its decimal point");
                while (p < r->size && is_digit(r->text[p]))
                        p++;
        }
        if (p < r->size && (r->text[p] == 'e' || r->text[p] == 'E')) {
                integral = false;
                p++;
                if (p < r->size && (r->text[p] == '+' || r->text[p] == '-'))
                        p++;
                if (p >= r->size || !is_digit(r->text[p]))
                        return syntax_error(r, start, "a number needs a digit in its exponent");
                while (p < r->size && is_digit(r->text[p]))
                        p++;
        }
        r->pos = p;
        if (integral && !overflow && (negative ? magnitude <= (uint64_t) INT64_MAX + 1 : true)) {
                v->type = JSON_INTEGER;
                /* 2^63..2^64-1 keep their bits (json-reader.h); -2^63 is the one negative beyond */
                v->integer = negative ? (int64_t) (0 - magnitude) : (int64_t) magnitude;
                return 0;
        }
        /* strtod needs a terminated copy: the text need not end after the number */
        copy = strndup(r->text + start, p - start);
        if (!copy)
                return -ENOMEM;
        v->type = JSON_DOUBLE;
        v->number = strtod(copy, &end);
        free(copy);
        return 0;
}

static int read_value(Reader *r, JsonValue **ret);

/* Merges the members that share a name (json-reader.h): sorting an index keeps it at
 * O(n log n) for an object of many members. */
static int compare_member_index(const void *a, const void *b, void *members) {
        const JsonMember *m = members;
        size_t i = *(const size_t *) a, j = *(const size_t *) b;
        int c = strcmp(m[i].name, m[j].name);
        return c ? c : (i < j ? -1 : i > j);
}

static int merge_duplicate_names(JsonValue *o) {
        size_t n = o->object.n, *index, kept = 0;
        JsonMember *m = o->object.members;

        if (n < 2)
                return 0;
        index = malloc(n * sizeof *index);
        if (!index)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                index[i] = i;
        qsort_r(index, n, sizeof *index, compare_member_index, m);
        for (size_t i = 0; i + 1 < n; i++) {
                size_t first = index[i], later = index[i + 1];
                if (strcmp(m[first].name, m[later].name) != 0)
                        continue;
                /* the first place gets the later value; the later member goes */
                json_value_free(m[first].value);
                m[first].value = m[later].value;
                free(m[later].name);
                m[later].name = NULL;
                m[later].value = NULL;
                index[i + 1] = first; /* a third one merges into the same place */
        }
        free(index);
        for (size_t i = 0; i < n; i++)
                if (m[i].name)
                        m[kept++] = m[i];
        o->object.n = kept;
        return 0;
}

static int read_array(Reader *r, JsonValue *v) {
        size_t capacity = 0;
        int k;

        r->pos++; /* '[' */
        skip_space(r);
        if (next_is(r, ']')) {
                r->pos++;
                return 0;
        }
        for (;;) {
                JsonValue *item = NULL;

                if ((k = read_value(r, &item)) < 0)
                        return k;
                if ((k = grow((void **) &v->array.items, v->array.n, &capacity, sizeof item)) < 0) {
                        json_value_free(item);
                        return k;
                }
                v->array.items[v->array.n++] = item;
                skip_space(r);
                if (next_is(r, ']')) {
                        r->pos++;
                        return 0;
                }
                if (!next_is(r, ','))
                        return unexpected(r, "',' or ']'");
                r->pos++;
        }
}

static int read_object(Reader *r, JsonValue *v) {
        size_t capacity = 0;
        int k;

        r->pos++; /* '{' */
        skip_space(r);
        if (next_is(r, '}')) {
                r->pos++;
                return 0;
        }
        for (;;) {
                JsonMember m = {};

                skip_space(r);
                if (!next_is(r, '"'))
                        return unexpected(r, "a member name in double quotes");
                if ((k = read_string(r, &m.name)) < 0)
                        return k;
                skip_space(r);
                if (!next_is(r, ':')) {
                        free(m.name);
                        return unexpected(r, "':'");
                }
                r->pos++;
                if ((k = read_value(r, &m.value)) < 0 ||
                    (k = grow((void **) &v->object.members, v->object.n, &capacity, sizeof m)) < 0) {
                        free(m.name);
                        json_value_free(m.value);
                        return k;
                }
                v->object.members[v->object.n++] = m;
                skip_space(r);
                if (next_is(r, '}')) {
                        r->pos++;
                        return merge_duplicate_names(v);
                }
                if (!next_is(r, ','))
                        return unexpected(r, "',' or '}'");
                r->pos++;
        }
}

static bool read_literal(Reader *r, const char *word) {
        size_t n = strlen(word);
        if (r->size - r->pos < n || memcmp(r->text + r->pos, word, n) != 0)
                return false;
        r->pos += n;
        return true;
}

static int read_value(Reader *r, JsonValue **ret) {
        _cleanup_json_value_ JsonValue *v = NULL;
        int k = 0;
        char c;

        skip_space(r);
        if (r->pos >= r->size)
                return unexpected(r, "a value");
        c = r->text[r->pos];
        if (!(v = new_value(JSON_NULL)))
                return -ENOMEM;
        if (c == '{' || c == '[') {
                if (r->depth >= r->max_depth) {
                        syntax_error(r, r->pos, "nested deeper than %u levels", r->max_depth);
                        return -E2BIG;
                }
                r->depth++;
                v->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
                k = c == '{' ? read_object(r, v) : read_array(r, v);
                r->depth--;
        } else if (c == '"') {
                v->type = JSON_STRING;
                k = read_string(r, &v->string);
        } else if (c == '-' || is_digit(c))
                k = read_number(r, v);
        else if (read_literal(r, "true"))
                v->type = JSON_BOOLEAN, v->boolean = true;
        else if (read_literal(r, "false"))
                v->type = JSON_BOOLEAN, v->boolean = false;
        else if (!read_literal(r, "null"))
                k = unexpected(r, "a value");
        if (k < 0)
                return k;
        *ret = v;
        v = NULL;
        return 0;
}

int json_read(const char *text, size_t size, unsigned max_depth, JsonValue **ret, JsonSyntaxError *error) {
        Reader r = { .text = text, .size = size, .max_depth = max_depth, .error = error };
        JsonValue *v = NULL;
        int k;

        skip_space(&r);
        if (r.pos >= r.size) {
                *ret = NULL;
                return 0;
        }
        k = read_value(&r, &v);
        if (k < 0)
                return k;
        skip_space(&r);
        if (r.pos < r.size) {
                json_value_free(v);
                return unexpected(&r, "the end of the text");
        }
        *ret = v;
        return 0;
}

JsonValue *json_object_get(const JsonValue *object, const char *name) {
        if (!json_is(object, JSON_OBJECT))
                return NULL;
        for (size_t i = 0; i < object->object.n; i++)
                if (strcmp(object->object.members[i].name, name) == 0)
                        return object->object.members[i].value;
        return NULL;
}

size_t json_length(const JsonValue *v) {
        if (json_is(v, JSON_ARRAY))
                return v->array.n;
        if (json_is(v, JSON_OBJECT))
                return v->object.n;
        return 0;
}
