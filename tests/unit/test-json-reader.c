/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec parser's JSON reader (services/spec/json-reader.h): what it reads each text as,
 * written back in a compact form, or where and why it refuses it. */
#include <errno.h>
#include <inttypes.h>

#include "json-reader.h"
#include "test-helpers.h"

typedef struct Case {
        const char *text;
        const char *expect; /* the value written back, or "ERROR L:C message-substring" */
} Case;

static const Case cases[] = {
        { "{\"a\":1,\"b\":[true,false,null],\"c\":\"x\"}", "{a:1,b:[true,false,null],c:\"x\"}" },
        { " \t\r\n[ 1 , -2 , 0 ]\n", "[1,-2,0]" },
        { "\"\\u00e9\\ud83d\\ude00\\n\\t\\\"\\\\\\/\"", "\"\xc3\xa9\xf0\x9f\x98\x80\n\t\"\\/\"" },
        { "\"\xc3\xa9\xe2\x82\xac\"", "\"\xc3\xa9\xe2\x82\xac\"" },
        /* a name given twice: its first place, its last value (Go's encoding/json, so runc) */
        { "{\"a\":1,\"b\":2,\"a\":3,\"a\":[4]}", "{a:[4],b:2}" },
        /* integers: int64; 2^63..2^64-1 keep their bits (rlimits' "unlimited"); beyond: doubles */
        { "9223372036854775807", "9223372036854775807" },
        { "-9223372036854775808", "-9223372036854775808" },
        { "18446744073709551615", "-1" },
        { "18446744073709551616", "d1.84467e+19" },
        { "-9223372036854775809", "d-9.22337e+18" },
        { "1.5e3", "d1500" },
        { "-0", "0" },
        { "{\"\":\"\"}", "{:\"\"}" },
        { "  ", "none" },
        { "", "none" },
        /* refused, with where */
        { "{\"ociVersion\": ", "ERROR 1:16 unexpected end of text, expected a value" },
        { "[1,]", "ERROR 1:4 unexpected ']'" },
        { "{\"a\":1,}", "ERROR 1:8 expected a member name" },
        { "{\"a\" 1}", "ERROR 1:6 expected ':'" },
        { "{'a':1}", "ERROR 1:2 expected a member name" },
        { "[1 2]", "ERROR 1:4 expected ',' or ']'" },
        { "true false", "ERROR 1:6 expected the end of the text" },
        { "tru", "ERROR 1:1 expected a value" },
        { "NaN", "ERROR 1:1 expected a value" },
        { "01", "ERROR 1:1 may not start with 0" },
        { "1.", "ERROR 1:1 decimal point" },
        { "-", "ERROR 1:1 after its sign" },
        { "1e", "ERROR 1:1 exponent" },
        { "+1", "ERROR 1:1 unexpected '+'" },
        { "\"abc", "ERROR 1:1 does not end" },
        { "\"a\\", "ERROR 1:1 does not end" },
        { "\"\\x\"", "ERROR 1:2 unknown escape" },
        { "\"\\u12\"", "ERROR 1:6 four hexadecimal digits" },
        { "\"\\u0000\"", "ERROR 1:2 U+0000" },
        { "\"\\ud800\"", "ERROR 1:2 without its low one" },
        { "\"\\ud800\\u0041\"", "ERROR 1:2 without its low one" },
        { "\"\\udc00\"", "ERROR 1:2 lone low surrogate" },
        { "\"a\x01\"", "ERROR 1:3 control character" },
        { "\"a\nb\"", "ERROR 1:3 control character" },
        { "\"\xff\"", "ERROR 1:2 not valid UTF-8" },
        { "\"\xc0\x80\"", "ERROR 1:2 not valid UTF-8" },          /* overlong U+0000 */
        { "\"\xed\xa0\x80\"", "ERROR 1:2 not valid UTF-8" },      /* a surrogate in UTF-8 */
        { "\"\xf4\x90\x80\x80\"", "ERROR 1:2 not valid UTF-8" },  /* above U+10FFFF */
        { "\"\xe2\x82\"", "ERROR 1:2 not valid UTF-8" },          /* cut short */
        { "\xef\xbb\xbf{}", "ERROR 1:1 unexpected byte 0xef" },   /* a byte order mark */
        { "{\n  \"a\":\n    @}", "ERROR 3:5 unexpected '@'" },
        { "[[[[[1]]]]]", "DEEP 1:5" },
        { "[[[[1]]]]", "[[[[1]]]]" },
};

static void write_value(const JsonValue *v, char *out, size_t size) {
        size_t n = strlen(out);
        char *at = out + n;
        size_t room = size - n;

        switch (v->type) {
        case JSON_NULL: snprintf(at, room, "null"); break;
        case JSON_BOOLEAN: snprintf(at, room, "%s", v->boolean ? "true" : "false"); break;
        case JSON_INTEGER: snprintf(at, room, "%" PRId64, v->integer); break;
        case JSON_DOUBLE: snprintf(at, room, "d%g", v->number); break;
        case JSON_STRING: snprintf(at, room, "\"%s\"", v->string); break;
        case JSON_ARRAY:
                strncat(out, "[", size - strlen(out) - 1);
                for (size_t i = 0; i < v->array.n; i++) {
                        if (i)
                                strncat(out, ",", size - strlen(out) - 1);
                        write_value(json_array_at(v, i), out, size);
                }
                strncat(out, "]", size - strlen(out) - 1);
                break;
        case JSON_OBJECT:
                strncat(out, "{", size - strlen(out) - 1);
                for (size_t i = 0; i < v->object.n; i++) {
                        if (i)
                                strncat(out, ",", size - strlen(out) - 1);
                        strncat(out, v->object.members[i].name, size - strlen(out) - 1);
                        strncat(out, ":", size - strlen(out) - 1);
                        write_value(v->object.members[i].value, out, size);
                }
                strncat(out, "}", size - strlen(out) - 1);
                break;
        }
}

int main(void) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const Case *c = &cases[i];
                JsonSyntaxError e = {};
                JsonValue *v = NULL;
                char got[512] = "";
                int r = json_read(c->text, strlen(c->text), 4, &v, &e);

                if (r == -E2BIG)
                        snprintf(got, sizeof got, "DEEP %u:%u", e.line, e.column);
                else if (r < 0)
                        snprintf(got, sizeof got, "ERROR %u:%u %s", e.line, e.column, e.message);
                else if (!v)
                        snprintf(got, sizeof got, "none");
                else
                        write_value(v, got, sizeof got);
                if (strncmp(c->expect, "ERROR ", 6) == 0) {
                        /* "ERROR L:C" exactly, then the message's substring */
                        const char *want_msg = strchr(c->expect + 6, ' ') + 1;
                        size_t pos_len = (size_t) (want_msg - c->expect);
                        CHECK(r == -EINVAL && strncmp(got, c->expect, pos_len) == 0 && strstr(got + pos_len, want_msg),
                              "%s: got \"%s\", want \"%s\"", c->text, got, c->expect);
                } else
                        CHECK(test_streq(got, c->expect), "%s: got \"%s\", want \"%s\"", c->text, got, c->expect);
                json_value_free(v);
        }

        /* A member lookup, and the length of what is not a container. */
        {
                JsonSyntaxError e = {};
                JsonValue *v = NULL;
                const char *text = "{\"x\":{\"y\":[1,2,3]},\"s\":\"t\"}";
                CHECK(json_read(text, strlen(text), 8, &v, &e) == 0, "read");
                CHECK(json_length(json_object_get(json_object_get(v, "x"), "y")) == 3, "x.y has 3 items");
                CHECK(json_object_get(v, "nope") == NULL, "an absent member is NULL");
                CHECK(json_object_get(json_object_get(v, "s"), "t") == NULL, "a string has no members");
                CHECK(json_length(json_object_get(v, "s")) == 0, "a string has no length");
                json_value_free(v);
        }
        /* The text need not end in NUL: nothing past size is read (ASan in CI sees it). */
        {
                char *text = malloc(3);
                JsonSyntaxError e = {};
                JsonValue *v = NULL;
                memcpy(text, "123", 3);
                CHECK(json_read(text, 3, 4, &v, &e) == 0 && v && v->integer == 123, "an unterminated number");
                json_value_free(v);
                memcpy(text, "\"ab", 3);
                CHECK(json_read(text, 3, 4, &v, &e) == -EINVAL, "an unterminated string");
                free(text);
        }
        return test_finish("test-json-reader");
}
