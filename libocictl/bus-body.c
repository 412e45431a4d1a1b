/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-body.h"
#include "macros.h"

#define OPEN '<'
#define CLOSE '>'
#define DEPTH_MAX 64 /* sd-bus allows more; a spec needs six */

typedef union BasicValue {
        uint8_t y;
        int b;
        int16_t n;
        uint16_t q;
        int32_t i;
        uint32_t u;
        int64_t x;
        uint64_t t;
        double d;
        const char *s;
} BasicValue;

/* The fixed size of a basic type, 0 for the string-like ones, -1 for what is not basic or is a
 * file descriptor. */
static int fixed_size(char type) {
        switch (type) {
        case SD_BUS_TYPE_BYTE:
                return 1;
        case SD_BUS_TYPE_INT16:
        case SD_BUS_TYPE_UINT16:
                return 2;
        case SD_BUS_TYPE_BOOLEAN:
        case SD_BUS_TYPE_INT32:
        case SD_BUS_TYPE_UINT32:
                return 4;
        case SD_BUS_TYPE_INT64:
        case SD_BUS_TYPE_UINT64:
        case SD_BUS_TYPE_DOUBLE:
                return 8;
        case SD_BUS_TYPE_STRING:
        case SD_BUS_TYPE_OBJECT_PATH:
        case SD_BUS_TYPE_SIGNATURE:
                return 0;
        default:
                return -1;
        }
}

static bool is_container(char type) {
        return type == SD_BUS_TYPE_ARRAY || type == SD_BUS_TYPE_VARIANT || type == SD_BUS_TYPE_STRUCT ||
               type == SD_BUS_TYPE_DICT_ENTRY;
}

static void put_string(FILE *f, const char *s) {
        uint32_t len = (uint32_t) strlen(s);
        fwrite(&len, sizeof len, 1, f);
        fwrite(s, 1, len, f);
}

static int write_items(sd_bus_message *m, FILE *f, unsigned depth) {
        if (depth > DEPTH_MAX)
                return -E2BIG;
        for (;;) {
                const char *contents;
                char type;
                int r = sd_bus_message_peek_type(m, &type, &contents);
                if (r <= 0)
                        return r; /* 0: the end of this container */
                if (is_container(type)) {
                        fputc(OPEN, f);
                        fputc(type, f);
                        put_string(f, contents);
                        r = sd_bus_message_enter_container(m, type, contents);
                        if (r >= 0)
                                r = write_items(m, f, depth + 1);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        if (r < 0)
                                return r;
                        fputc(CLOSE, f);
                        continue;
                }
                int size = fixed_size(type);
                BasicValue v;
                if (size < 0)
                        return -EINVAL; /* a file descriptor means nothing once the call is over */
                r = sd_bus_message_read_basic(m, type, &v);
                if (r < 0)
                        return r;
                fputc(type, f);
                if (size == 0)
                        put_string(f, v.s);
                else
                        fwrite(&v, (size_t) size, 1, f);
        }
}

int bus_body_to_bytes(sd_bus_message *m, char **ret, size_t *ret_size) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r;

        if (!f)
                return -errno;
        r = sd_bus_message_rewind(m, true);
        if (r >= 0)
                r = write_items(m, f, 0);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        (void) sd_bus_message_rewind(m, true);
        if (r >= 0 && size > BUS_BODY_MAX)
                r = -E2BIG;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

typedef struct Reader {
        const char *p, *end;
} Reader;

static int take(Reader *in, void *out, size_t n) {
        if ((size_t) (in->end - in->p) < n)
                return -EBADMSG;
        memcpy(out, in->p, n);
        in->p += n;
        return 0;
}

/* A counted string, copied out NUL-terminated (sd-bus wants C strings). */
static int take_string(Reader *in, char **ret) {
        uint32_t len;
        char *s;
        int r = take(in, &len, sizeof len);
        if (r < 0)
                return r;
        if ((size_t) (in->end - in->p) < len || memchr(in->p, 0, len))
                return -EBADMSG;
        s = strndup(in->p, len);
        if (!s)
                return -ENOMEM;
        in->p += len;
        *ret = s;
        return 0;
}

static int read_items(sd_bus_message *m, Reader *in, unsigned depth) {
        while (in->p < in->end) {
                char c = *in->p++;
                int r;

                if (c == CLOSE)
                        return depth > 0 ? 0 : -EBADMSG;
                if (c == OPEN) {
                        _cleanup_free_ char *contents = NULL;
                        char type;
                        if (depth >= DEPTH_MAX)
                                return -EBADMSG;
                        r = take(in, &type, 1);
                        if (r >= 0)
                                r = take_string(in, &contents);
                        if (r >= 0 && !is_container(type))
                                r = -EBADMSG;
                        if (r >= 0)
                                r = sd_bus_message_open_container(m, type, contents);
                        if (r >= 0)
                                r = read_items(m, in, depth + 1);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                        if (r < 0)
                                return r == -ENOMEM ? r : -EBADMSG;
                        continue;
                }
                int size = fixed_size(c);
                if (size < 0)
                        return -EBADMSG;
                if (size == 0) {
                        _cleanup_free_ char *s = NULL;
                        r = take_string(in, &s);
                        if (r >= 0)
                                r = sd_bus_message_append_basic(m, c, s);
                } else {
                        BasicValue v = {};
                        r = take(in, &v, (size_t) size);
                        if (r >= 0)
                                r = sd_bus_message_append_basic(m, c, &v);
                }
                if (r < 0)
                        return r == -ENOMEM ? r : -EBADMSG;
        }
        return depth == 0 ? 0 : -EBADMSG; /* a container left open */
}

int bus_body_from_bytes(sd_bus_message *m, const char *bytes, size_t size) {
        Reader in = { bytes, bytes + size };
        if (size > BUS_BODY_MAX)
                return -EBADMSG;
        return read_items(m, &in, 0);
}
