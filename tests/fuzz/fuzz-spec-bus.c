/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the spec's D-Bus decoder (spec_bus_read), which the privileged services
 * run on what a peer sent. The input drives a builder: an a{sv} with the decoder's own keys (or
 * others), each holding a value of any D-Bus type, arrays of any length and nesting. Whatever
 * it is given, the decoder accepts or refuses it without crashing or leaking. */
#include <stdint.h>
#include <sys/socket.h>

#include "spec-bus.h"

static const char *const keys[] = {
        "annotations", "cpu.cpus", "cpu.mems", "devices", "domainname", "hostname", "linux.cgroupsPath",
        "linux.devices", "linux.gidMappings", "linux.maskedPaths", "linux.memoryPolicy", "linux.namespaces",
        "linux.netDevices", "linux.personality", "linux.readonlyPaths", "linux.resources",
        "linux.rootfsPropagation", "linux.seccomp", "linux.sysctl", "linux.timeOffsets", "linux.uidMappings",
        "mounts", "ociVersion", "process.args", "process.capabilities", "process.consoleSize", "process.cwd",
        "process.env", "process.execCPUAffinity.final", "process.execCPUAffinity.initial", "process.ioPriority",
        "process.noNewPrivileges", "process.oomScoreAdj", "process.rlimits", "process.scheduler",
        "process.terminal", "process.user.additionalGids", "process.user.gid", "process.user.uid",
        "process.user.umask", "root.path", "root.readonly", "unified", "hooks", "hooks.prestart",
        "memory.limit", "pids.limit", "cpu.shares",
};
static const char *const types[] = {
        "s", "b", "u", "i", "t", "x", "y", "q", "n", "d", "o", "g", "as", "au", "at", "ai", "ab", "ay", "aas",
        "a(ss)", "a(uuu)", "a(sss)", "a{ss}", "a{sv}", "aa{sv}", "a(ssas)", "(ss)", "(uu)", "(tt)", "v",
        "a(ssasas)", "a(yuuuuu)", "a(ssssas)",
};

typedef struct Input {
        const uint8_t *p;
        size_t n;
} Input;

static unsigned take(Input *in) {
        if (in->n == 0)
                return 0;
        in->n--;
        return *in->p++;
}

static sd_bus *bus;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0 || sd_bus_new(&bus) < 0 ||
            sd_bus_set_fd(bus, pair[0], pair[0]) < 0 || sd_bus_start(bus) < 0)
                abort();
        return 0;
}

/* Past one complete type: "a{sv}" from its 'a', "(ss)" from its '('. */
static const char *type_end(const char *sig) {
        int level = 0;

        while (*sig == 'a')
                sig++;
        do {
                level += *sig == '(' || *sig == '{';
                level -= *sig == ')' || *sig == '}';
                sig++;
        } while (level > 0 && *sig);
        return sig;
}

/* Appends one complete type from *sig, moving *sig past it. */
static int append_type(sd_bus_message *m, const char **sig, Input *in, int depth) {
        char c = **sig;
        int r;

        (*sig)++;
        switch (c) {
        case 'a': {
                const char *element = *sig, *end = type_end(element);
                char contents[64];
                unsigned count = depth > 4 ? 0 : take(in) % 5;

                if ((size_t) (end - element) >= sizeof contents)
                        return -EINVAL;
                snprintf(contents, sizeof contents, "%.*s", (int) (end - element), element);
                r = sd_bus_message_open_container(m, 'a', contents);
                for (unsigned i = 0; r >= 0 && i < count; i++) {
                        const char *s = contents;
                        r = append_type(m, &s, in, depth + 1);
                }
                *sig = end;
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        case '(':
        case '{': {
                const char *start = *sig;
                char contents[64];
                int level = 1;
                const char *p = start;
                while (*p && level > 0) {
                        level += *p == '(' || *p == '{';
                        level -= *p == ')' || *p == '}';
                        p++;
                }
                if ((size_t) (p - 1 - start) >= sizeof contents)
                        return -EINVAL;
                snprintf(contents, sizeof contents, "%.*s", (int) (p - 1 - start), start);
                r = sd_bus_message_open_container(m, c == '(' ? 'r' : 'e', contents);
                for (const char *s = contents; r >= 0 && *s;)
                        r = append_type(m, &s, in, depth + 1);
                *sig = p;
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        case 'v': {
                const char *inner = depth > 4 ? "s" : types[take(in) % (sizeof types / sizeof *types)];
                r = sd_bus_message_open_container(m, 'v', inner);
                if (r >= 0)
                        r = append_type(m, &inner, in, depth + 1);
                return r < 0 ? r : sd_bus_message_close_container(m);
        }
        case 's':
        case 'o':
        case 'g': {
                char text[24];
                unsigned len = take(in) % 20;
                for (unsigned i = 0; i < len; i++) {
                        unsigned b = take(in);
                        /* Printable, with the characters paths and names use. */
                        text[i] = "abcdefghijklmnopqrstuvwxyzABC0123456789/._-:= "[b % 46];
                }
                text[len] = 0;
                if (c == 'o')
                        return sd_bus_message_append_basic(m, c, "/x");
                if (c == 'g')
                        return sd_bus_message_append_basic(m, c, "s");
                return sd_bus_message_append_basic(m, c, text);
        }
        default: {
                uint64_t v = 0;
                for (int i = 0; i < 8; i++)
                        v = v << 8 | take(in);
                if (c == 'd') {
                        double d = (double) (int64_t) v;
                        return sd_bus_message_append_basic(m, c, &d);
                }
                if (c == 'b') {
                        int b = (int) (v & 1);
                        return sd_bus_message_append_basic(m, c, &b);
                }
                return sd_bus_message_append_basic(m, c, &v);
        }
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        sd_bus_message *m = NULL;
        Input in = { data, size };
        Spec s = {};
        unsigned n;
        int r;

        if (sd_bus_message_new_signal(bus, &m, "/x", "org.ocictl.Fuzz", "Spec") < 0)
                abort();
        n = take(&in) % 24;
        r = sd_bus_message_open_container(m, 'a', "{sv}");
        for (unsigned i = 0; r >= 0 && i < n; i++) {
                unsigned k = take(&in);
                const char *key = keys[k % (sizeof keys / sizeof *keys)];
                const char *type = types[take(&in) % (sizeof types / sizeof *types)];
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", k == 255 ? "no.such.key" : key);
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', type);
                if (r >= 0) {
                        const char *t = type;
                        r = append_type(m, &t, &in, 0);
                }
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0 && sd_bus_message_seal(m, 1, 0) >= 0 && sd_bus_message_rewind(m, 1) >= 0) {
                s = (Spec) {};
                (void) spec_bus_read(m, &s);
                spec_done(&s);
        }
        sd_bus_message_unref(m);
        return 0;
}
