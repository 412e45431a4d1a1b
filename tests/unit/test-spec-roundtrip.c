/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every key of a config.json that uses every section survives the parser and the spec's D-Bus
 * form: parsed (as the spec service does), encoded (message A), decoded (as the registry and the
 * spawner do), encoded again (message B); A and B must read the same, and A must carry every key
 * of spec-bus.c's table. A field the decoder dropped or misread shows as a difference, a field
 * the encoder never sends as a missing key. A's body kept as bytes (the registry's saved copy)
 * must come back as A. */
#include <stdio.h>
#include <sys/socket.h>

#include "bus-body.h"
#include "spec-bus.h"
#include "spec-json.h"
#include "test-helpers.h"

static const char config[] =
        "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
        "\"hostname\":\"h\",\"domainname\":\"d\",\"annotations\":{\"a\":\"b\"},"
        "\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
        " \"user\":{\"uid\":1,\"gid\":2,\"umask\":18,\"additionalGids\":[3,4]},"
        " \"args\":[\"sh\"],\"env\":[\"A=1\"],\"cwd\":\"/w\",\"noNewPrivileges\":true,\"oomScoreAdj\":5,"
        " \"capabilities\":{\"bounding\":[\"CAP_KILL\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],"
        "  \"inheritable\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]},"
        " \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}],"
        " \"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":3},"
        " \"scheduler\":{\"policy\":\"SCHED_BATCH\",\"nice\":2},"
        " \"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0-1\"}},"
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        " {\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\",\"idmap\"],"
        "  \"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
        "  \"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}],"
        "\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"args\":[\"true\"],\"env\":[\"X=1\"],\"timeout\":3}],"
        " \"createRuntime\":[{\"path\":\"/bin/true\"}],\"createContainer\":[{\"path\":\"/bin/true\"}],"
        " \"startContainer\":[{\"path\":\"/bin/true\"}],\"poststart\":[{\"path\":\"/bin/true\"}],"
        " \"poststop\":[{\"path\":\"/bin/true\"}]},"
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},"
        "  {\"type\":\"uts\"},{\"type\":\"user\"},{\"type\":\"cgroup\"},{\"type\":\"time\"}],"
        " \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
        " \"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
        " \"timeOffsets\":{\"monotonic\":{\"secs\":1,\"nanosecs\":2},\"boottime\":{\"secs\":3,\"nanosecs\":4}},"
        " \"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,\"fileMode\":438,\"uid\":0,\"gid\":0}],"
        " \"netDevices\":{\"eth9\":{\"name\":\"eth0\"}},"
        " \"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},"
        " \"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0\"},"
        " \"personality\":{\"domain\":\"LINUX32\"},"
        " \"cgroupsPath\":\"/x/y\",\"rootfsPropagation\":\"rslave\","
        " \"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"
        " \"resources\":{\"memory\":{\"limit\":1048576,\"swap\":2097152},\"cpu\":{\"shares\":512,\"cpus\":\"0\"},"
        "  \"pids\":{\"limit\":9},\"devices\":[{\"allow\":false,\"access\":\"rwm\"}],"
        "  \"blockIO\":{\"weight\":100,\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1000}]},"
        "  \"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],\"unified\":{\"memory.high\":\"100\"}},"
        " \"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"],"
        "  \"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"listenerPath\":\"/run/l.sock\",\"listenerMetadata\":\"meta\","
        "  \"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
        "   {\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,"
        "    \"args\":[{\"index\":1,\"value\":9,\"valueTwo\":0,\"op\":\"SCMP_CMP_EQ\"}]},"
        "   {\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}}}";

static sd_bus *started_bus(int fd) {
        sd_bus *b = NULL;
        if (sd_bus_new(&b) < 0)
                return NULL;
        sd_bus_set_fd(b, fd, fd);
        if (sd_bus_start(b) < 0)
                return sd_bus_unref(b);
        return b;
}

/* A sealed message's body as text, the message rewound. */
static char *dump(sd_bus_message *m) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);

        if (!f || sd_bus_message_dump(m, f, 0) < 0) {
                if (f)
                        fclose(f);
                free(text);
                return NULL;
        }
        fclose(f);
        sd_bus_message_rewind(m, true);
        return text;
}

/* The spec as a sealed message and that message's text. */
static char *encode_and_dump(sd_bus *b, const Spec *s, uint64_t cookie, sd_bus_message **ret) {
        sd_bus_message *m = NULL;
        char *text;

        if (sd_bus_message_new_signal(b, &m, "/x", "org.ocictl.Test", "Spec") < 0 || spec_bus_append(m, s) < 0 ||
            sd_bus_message_seal(m, cookie, 0) < 0 || !(text = dump(m))) {
                sd_bus_message_unref(m);
                return NULL;
        }
        *ret = m;
        return text;
}

/* What the registry keeps at create and exec reads back (bus-body.h, saved-spec.c): A's body as
 * bytes, then as a message again, must read as A does. */
static void check_saved_copy(sd_bus *b, sd_bus_message *a, const char *text_a) {
        sd_bus_message *c = NULL;
        char *bytes = NULL, *text_c = NULL;
        size_t size = 0;
        Spec decoded = {};
        int r;

        r = bus_body_to_bytes(a, &bytes, &size);
        CHECK(r >= 0, "the parsed spec as bytes: %s", strerror(-r));
        if (r >= 0)
                r = sd_bus_message_new_signal(b, &c, "/x", "org.ocictl.Test", "Spec");
        if (r >= 0)
                r = bus_body_from_bytes(c, bytes, size);
        if (r >= 0)
                r = sd_bus_message_seal(c, 3, 0);
        CHECK(r >= 0, "the bytes make a message again: %s", strerror(-r));
        text_c = r >= 0 ? dump(c) : NULL;
        CHECK(text_c && strcmp(text_a, text_c) == 0, "the saved copy reads as the parser's answer:\n--- A\n%s\n--- C\n%s",
              text_a, test_str(text_c));
        r = c ? spec_bus_read(c, &decoded) : -EINVAL;
        CHECK(r >= 0, "the saved copy decodes: %s", strerror(-r));
        spec_done(&decoded);
        free(text_c);
        free(bytes);
        sd_bus_message_unref(c);
}

int main(void) {
        sd_bus_message *a = NULL, *b = NULL;
        char *text_a, *text_b, error_buf[ERROR_MESSAGE_MAX + 64];
        Error error = {};
        Spec parsed, decoded;
        sd_bus *bus;
        int pair[2], r;

        parsed = (Spec) {};
        decoded = (Spec) {};
        r = spec_from_json(config, sizeof config - 1, &parsed, &error);
        CHECK(r >= 0, "the full config parses: %s", error_text(&error, r, error_buf, sizeof error_buf));
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0, "socketpair");
        bus = started_bus(pair[0]);
        CHECK(bus != NULL, "bus");
        if (r < 0 || !bus)
                return test_finish("test-spec-roundtrip");

        text_a = encode_and_dump(bus, &parsed, 1, &a);
        CHECK(text_a != NULL, "encode the parsed spec");
        r = a ? spec_bus_read(a, &decoded) : -EINVAL;
        CHECK(r >= 0, "decode: %s", strerror(-r));
        CHECK(a && sd_bus_message_at_end(a, true) > 0, "the whole message is read");
        if (a && text_a)
                check_saved_copy(bus, a, text_a);
        text_b = encode_and_dump(bus, &decoded, 2, &b);
        CHECK(text_b != NULL, "encode the decoded spec");
        CHECK(text_a && text_b && strcmp(text_a, text_b) == 0, "the decoded spec encodes as the parsed one did:\n--- A\n%s\n--- B\n%s",
              test_str(text_a), test_str(text_b));
        /* Every key of the codec's table: a row added without a field in the config above
         * fails here until the config uses it. */
        for (size_t i = 0; spec_bus_key(i, NULL); i++) {
                char quoted[128];
                snprintf(quoted, sizeof quoted, "\"%s\"", spec_bus_key(i, NULL));
                CHECK(text_a && strstr(text_a, quoted), "%s crosses the bus", spec_bus_key(i, NULL));
        }
        free(text_a);
        free(text_b);
        sd_bus_message_unref(a);
        sd_bus_message_unref(b);
        spec_done(&parsed);
        spec_done(&decoded);
        sd_bus_unref(bus);
        close(pair[1]);
        return test_finish("test-spec-roundtrip");
}
