/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The spec survives the trip over a real (peer-to-peer) D-Bus connection unchanged, and a
 * reader refuses keys it does not know. */
#include <sys/resource.h>
#include <sys/socket.h>

#include "spec-bus.h"
#include "test-helpers.h"

static sd_bus *bus_on(int fd, bool server) {
        sd_bus *b = NULL;
        sd_id128_t id;
        if (sd_bus_new(&b) < 0)
                return NULL;
        sd_bus_set_fd(b, fd, fd);
        if (server) {
                sd_id128_randomize(&id);
                sd_bus_set_server(b, 1, id);
                sd_bus_set_anonymous(b, 1);
        }
        /* Messages can be built once the connection is started (its handshake may still be
         * pending: nobody answers on the other end). */
        if (sd_bus_start(b) < 0)
                return sd_bus_unref(b);
        return b;
}

/* Every key of the codec's table is documented in the Spec1 interface as `"KEY" SIGNATURE`, and
 * every key documented there is in the table: the schema is written twice, and this keeps the
 * two equal. */
static void check_interface_lists_every_key(const char *xml_path) {
        char *xml = NULL, *comment, *end;
        size_t size = 0, n_documented = 0, n_keys = 0;
        FILE *f = fopen(xml_path, "re");

        CHECK(f != NULL, "open %s", xml_path);
        if (!f)
                return;
        CHECK(getdelim(&xml, &size, 0, f) > 0, "read %s", xml_path);
        fclose(f);
        comment = xml ? strstr(xml, "<!-- Parse:") : NULL;
        end = comment ? strstr(comment, "-->") : NULL;
        CHECK(comment && end, "the Parse method's comment");
        if (!comment || !end) {
                free(xml);
                return;
        }
        *end = 0;
        for (size_t i = 0; spec_bus_key(i, NULL); i++) {
                const char *sig, *key = spec_bus_key(i, &sig);
                char line[256];
                snprintf(line, sizeof line, "\"%s\" %s", key, sig);
                CHECK(strstr(comment, line), "Spec1.xml documents %s", line);
                n_keys++;
        }
        /* Lines of the list are `"KEY" SIG`, nine spaces in. */
        for (const char *p = comment; (p = strstr(p, "\n         \"")); p++)
                n_documented++;
        CHECK(n_documented == n_keys, "Spec1.xml lists %zu keys, the table has %zu", n_documented, n_keys);
        free(xml);
}

int main(int argc, char **argv) {
        char *args[] = { "sh", "-c", "echo hi", NULL }, *env[] = { "A=1", NULL }, *opts[] = { "nosuid", "mode=755", NULL };
        SpecMount mount = { "/dev", "tmpfs", "tmpfs", opts };
        SpecRlimit rl = { RLIMIT_NOFILE, 10, UINT64_MAX };
        StringPair ann = { "k", "v" };
        SpecDevice dev = { true, 'c', 1, 3, "rw" };
        ResourceEntry throttle = { NULL, 8, 16, { 1000, -1 } }, rdma = { "mlx5_1", -1, -1, { -1, 7 } };
        StringPair unified = { "memory.high", "10" };
        gid_t gids[] = { 5, 6 };
        Spec in, out;
        sd_bus_message *m = NULL;
        sd_bus *b;
        int pair[2], r;

        in = (Spec) {};
        in.oci_version = "1.0.2";
        in.root_path = "rootfs";
        in.root_readonly = true;
        in.uid = 1000;
        in.gid = 100;
        in.additional_gids = gids;
        in.n_additional_gids = 2;
        in.has_umask = true;
        in.umask = 022;
        in.args = args;
        in.env = env;
        in.cwd = "/";
        in.has_capabilities = true;
        in.capabilities[CAP_SET_BOUNDING] = 0x20000420;
        in.capabilities[CAP_SET_AMBIENT] = 1;
        in.rlimits = &rl;
        in.n_rlimits = 1;
        in.no_new_privileges = true;
        in.has_oom_score_adj = true;
        in.oom_score_adj = 100;
        in.hostname = "h";
        in.mounts = &mount;
        in.n_mounts = 1;
        in.annotations = &ann;
        in.n_annotations = 1;
        in.namespaces[NAMESPACE_PID].enabled = true;
        in.namespaces[NAMESPACE_NETWORK].enabled = true;
        in.namespaces[NAMESPACE_NETWORK].path = "/proc/1/ns/net";
        in.cgroups_path = "/a";
        resources_set(&in.resources, RES_MEMORY_LIMIT, 1 << 20);
        resources_set(&in.resources, RES_PIDS_LIMIT, 64);
        resources_set(&in.resources, RES_MEMORY_DISABLE_OOM_KILLER, 1);
        resources_set(&in.resources, RES_CPU_QUOTA, -1);
        in.resources.cpus = "0-1";
        in.resources.lists[RES_LIST_THROTTLE_READ_BPS] = &throttle;
        in.resources.n_lists[RES_LIST_THROTTLE_READ_BPS] = 1;
        in.resources.lists[RES_LIST_RDMA] = &rdma;
        in.resources.n_lists[RES_LIST_RDMA] = 1;
        in.resources.unified = &unified;
        in.resources.n_unified = 1;
        in.resources.devices = &dev;
        in.resources.n_devices = 1;

        /* A started connection is needed to build messages; a socket pair is enough. */
        CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0, "socketpair");
        b = bus_on(pair[0], false);
        CHECK(b != NULL, "bus");
        r = sd_bus_message_new_signal(b, &m, "/x", "org.ocictl.Test", "Spec");
        CHECK(r >= 0, "new message: %s", strerror(-r));
        r = spec_bus_append(m, &in);
        CHECK(r >= 0, "append: %s", strerror(-r));
        r = sd_bus_message_seal(m, 1, 0);
        CHECK(r >= 0, "seal: %s", strerror(-r));
        sd_bus_message_rewind(m, 1);
        out = (Spec) {};
        r = spec_bus_read(m, &out);
        CHECK(r >= 0, "read: %s", strerror(-r));
        CHECK(sd_bus_message_at_end(m, true) > 0, "the whole message must be consumed");

        CHECK_STREQ(out.oci_version, "1.0.2");
        CHECK(out.root_readonly && out.uid == 1000 && out.gid == 100, "root/user");
        CHECK(out.n_additional_gids == 2 && out.additional_gids[1] == 6, "gids");
        CHECK(out.has_umask && out.umask == 022, "umask");
        CHECK_STREQ(out.args[2], "echo hi");
        CHECK_STREQ(out.env[0], "A=1");
        CHECK(out.has_capabilities && out.capabilities[CAP_SET_BOUNDING] == 0x20000420 &&
                      out.capabilities[CAP_SET_AMBIENT] == 1, "capabilities");
        CHECK(out.n_rlimits == 1 && out.rlimits[0].hard == UINT64_MAX, "rlimits");
        CHECK(out.no_new_privileges && out.has_oom_score_adj && out.oom_score_adj == 100, "nnp/oom");
        CHECK(out.n_mounts == 1 && streq(out.mounts[0].options[1], "mode=755"), "mounts");
        CHECK(out.n_annotations == 1 && streq(out.annotations[0].value, "v"), "annotations");
        CHECK(out.namespaces[NAMESPACE_PID].enabled && !out.namespaces[NAMESPACE_PID].path, "pid ns");
        CHECK_STREQ(out.namespaces[NAMESPACE_NETWORK].path, "/proc/1/ns/net");
        CHECK(!out.namespaces[NAMESPACE_USER].enabled, "user ns");
        CHECK(out.resources.value[RES_MEMORY_LIMIT] == 1 << 20 && out.resources.value[RES_PIDS_LIMIT] == 64, "resources");
        CHECK(resources_has(&out.resources, RES_MEMORY_DISABLE_OOM_KILLER) &&
                      out.resources.value[RES_MEMORY_DISABLE_OOM_KILLER] == 1, "a boolean resource");
        CHECK(out.resources.value[RES_CPU_QUOTA] == -1 && !resources_has(&out.resources, RES_CPU_SHARES), "cpu");
        CHECK_STREQ(out.resources.cpus, "0-1");
        CHECK(out.resources.n_lists[RES_LIST_THROTTLE_READ_BPS] == 1 &&
                      out.resources.lists[RES_LIST_THROTTLE_READ_BPS][0].minor == 16 &&
                      out.resources.lists[RES_LIST_THROTTLE_READ_BPS][0].value[0] == 1000 &&
                      !out.resources.lists[RES_LIST_THROTTLE_READ_BPS][0].name, "a device list");
        CHECK(out.resources.n_lists[RES_LIST_RDMA] == 1 && streq(out.resources.lists[RES_LIST_RDMA][0].name, "mlx5_1") &&
                      out.resources.lists[RES_LIST_RDMA][0].value[0] == -1 &&
                      out.resources.lists[RES_LIST_RDMA][0].value[1] == 7, "a named list");
        CHECK(out.resources.n_unified == 1 && streq(out.resources.unified[0].value, "10"), "unified");
        CHECK(out.resources.n_devices == 1 && out.resources.devices[0].minor == 3 &&
                      streq(out.resources.devices[0].access, "rw"), "devices");
        spec_done(&out);
        sd_bus_message_unref(m);

        /* An unknown key is refused, not dropped. */
        m = NULL;
        r = sd_bus_message_new_signal(b, &m, "/x", "org.ocictl.Test", "Spec");
        r = sd_bus_message_append(m, "a{sv}", 1, "process.fancyNewField", "s", "x");
        CHECK(r >= 0, "append unknown");
        sd_bus_message_seal(m, 2, 0);
        sd_bus_message_rewind(m, 1);
        out = (Spec) {};
        CHECK(spec_bus_read(m, &out) == -EBADMSG, "unknown key must fail");
        spec_done(&out);
        sd_bus_message_unref(m);
        sd_bus_unref(b);
        close(pair[1]);
        CHECK(argc > 1, "the path of org.ocictl.Spec1.xml is the argument");
        if (argc > 1)
                check_interface_lists_every_key(argv[1]);
        return test_finish("test-spec-bus");
}
