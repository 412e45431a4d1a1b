/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bus-body.h: a body of every basic type and container comes back as it was; what it did not
 * write is refused, never read past: every shorter prefix of a good body, a container left open,
 * a close with none open, a type that is not D-Bus's, nesting beyond the limit, a string with a
 * NUL or past the end; a body with a file descriptor is not written. (The spec itself, with every
 * key, goes through test-spec-roundtrip.) */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus-body.h"
#include "macros.h"
#include "test-helpers.h"

static sd_bus *bus;

static sd_bus_message *new_message(void) {
        sd_bus_message *m = NULL;
        return sd_bus_message_new_signal(bus, &m, "/x", "org.ocictl.Test", "Body") < 0 ? NULL : m;
}

static char *dump(sd_bus_message *m) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        if (!f)
                return NULL;
        (void) sd_bus_message_rewind(m, true);
        if (sd_bus_message_dump(m, f, 0) < 0) {
                fclose(f);
                free(text);
                return NULL;
        }
        fclose(f);
        return text;
}

/* bytes as a body: the error, or 0 and the message's text in *text. */
static int load(const char *bytes, size_t size, char **text) {
        sd_bus_message *m = new_message();
        int r = m ? bus_body_from_bytes(m, bytes, size) : -ENOMEM;
        if (r >= 0)
                r = sd_bus_message_seal(m, 2, 0);
        if (r >= 0 && text)
                *text = dump(m);
        sd_bus_message_unref(m);
        return r;
}

static void check_every_type(void) {
        sd_bus_message *m = new_message();
        char *bytes = NULL, *text_a = NULL, *text_b = NULL;
        size_t size = 0;
        int r;

        CHECK(m != NULL, "a message");
        if (!m)
                return;
        r = sd_bus_message_append(m, "ybnqiuxtdsog", 0xffu, 1, -2, 3, -4, 5u, (int64_t) -6, (uint64_t) 7, 8.5,
                                  "\xc3\xa9t\xc3\xa9", "/o/p", "a{sv}");
        if (r >= 0)
                r = sd_bus_message_append(m, "a{sv}", 3, "s", "s", "x", "as", "as", 2, "a", "b", "r", "(ua(ss))", 9u,
                                          1, "k", "v");
        if (r >= 0)
                r = sd_bus_message_append(m, "aas", 2, 0, 1, "");
        if (r >= 0)
                r = sd_bus_message_seal(m, 1, 0);
        CHECK(r >= 0, "build the message: %s", strerror(-r));
        text_a = r >= 0 ? dump(m) : NULL;
        r = bus_body_to_bytes(m, &bytes, &size);
        CHECK(r >= 0, "as bytes: %s", strerror(-r));
        r = r >= 0 ? load(bytes, size, &text_b) : r;
        CHECK(r >= 0, "back: %s", strerror(-r));
        CHECK(text_a && text_b && strcmp(text_a, text_b) == 0, "the same body:\n--- before\n%s\n--- after\n%s",
              test_str(text_a), test_str(text_b));

        /* Of the shorter prefixes, those that end right after one of the twelve top-level basic
         * values or after the a{sv} are bodies (13); every other one ends inside a value or a
         * container and is refused. */
        size_t refused = 0, loaded = 0;
        for (size_t n = 1; bytes && n < size; n++) {
                r = load(bytes, n, NULL);
                if (r == -EBADMSG)
                        refused++;
                else if (r == 0)
                        loaded++;
        }
        CHECK(loaded == 13 && refused == size - 1 - 13, "prefixes: %zu loaded, %zu refused, of %zu", loaded, refused,
              size - 1);
        free(text_a);
        free(text_b);
        free(bytes);
        sd_bus_message_unref(m);
}

static void check_refusals(void) {
        /* A well-formed body first, so that each refusal below differs from it in one way. */
        static const char good[] = "<a\x04\0\0\0{sv}<e\x02\0\0\0sv" "s\x01\0\0\0k<v\x01\0\0\0u" "u\x07\0\0\0>>>";
        char *text = NULL;
        CHECK(load(good, sizeof good - 1, &text) == 0 && text && strstr(text, "UINT32 7"),
              "the hand-written body loads: %s", test_str(text));
        free(text);

        static const struct {
                const char *what, *bytes;
                size_t size;
        } bad[] = {
                { "a container left open", "<a\x04\0\0\0{sv}", 10 },
                { "a close with none open", "u\x07\0\0\0>", 6 },
                { "a type that is not D-Bus's", "z\x07\0\0\0", 5 },
                { "a file descriptor", "h\x07\0\0\0", 5 },
                { "an open of a basic type", "<s\x01\0\0\0s>", 8 },
                { "a string past the end", "s\xff\0\0\0ab", 7 },
                { "a string with a NUL", "s\x03\0\0\0a\0b", 8 },
                { "a value of the wrong type in an array", "<a\x01\0\0\0us\x01\0\0\0x>", 14 },
                { "a string that is not UTF-8", "s\x01\0\0\0\xff", 6 },
                { "an object path that is not one", "o\x01\0\0\0x", 6 },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = load(bad[i].bytes, bad[i].size, NULL);
                CHECK(r == -EBADMSG, "%s: refused with EBADMSG, not %s", bad[i].what, strerror(-r));
        }

        /* Nesting: 64 variants load, 65 do not. */
        for (int depth = 64; depth <= 65; depth++) {
                char *b = malloc(depth * 8 + 8), *p = b;
                for (int i = 0; i < depth; i++) {
                        const char *contents = i == depth - 1 ? "u" : "v";
                        *p++ = '<';
                        *p++ = 'v';
                        memcpy(p, "\x01\0\0\0", 4);
                        p += 4;
                        *p++ = *contents;
                }
                memcpy(p, "u\x01\0\0\0", 5);
                p += 5;
                memset(p, '>', depth);
                p += depth;
                int r = load(b, (size_t) (p - b), NULL);
                CHECK(depth == 64 ? r == 0 : r == -EBADMSG, "%d nested variants: %s", depth, strerror(-r));
                free(b);
        }
}

static void check_no_fds_written(void) {
        sd_bus_message *m = new_message();
        char *bytes = NULL;
        size_t size;
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int r = m && fd >= 0 ? sd_bus_message_append(m, "sh", "before", fd) : -EINVAL;
        if (r >= 0)
                r = sd_bus_message_seal(m, 1, 0);
        CHECK(r >= 0, "a message with a descriptor: %s", strerror(-r));
        CHECK(r >= 0 && bus_body_to_bytes(m, &bytes, &size) == -EINVAL, "a body with a descriptor is not written");
        CHECK(bytes == NULL, "... and nothing is returned");
        if (fd >= 0)
                close(fd);
        sd_bus_message_unref(m);
}

int main(void) {
        int pair[2];

        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0, "socketpair");
        CHECK(sd_bus_new(&bus) >= 0, "bus");
        sd_bus_set_fd(bus, pair[0], pair[0]);
        (void) sd_bus_negotiate_fds(bus, true);
        CHECK(sd_bus_start(bus) >= 0, "start the bus");
        check_every_type();
        check_refusals();
        check_no_fds_written();
        sd_bus_unref(bus);
        close(pair[1]);
        return test_finish("test-bus-body");
}
