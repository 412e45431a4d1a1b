/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* State files round-trip (including awkward strings), are replaced atomically, and container
 * ids follow runc's rule. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "container-id.h"
#include "state-file.h"
#include "test-helpers.h"

static void check_escape(const char *s) {
        char *e = state_escape(s), *u = e ? state_unescape(e) : NULL;
        CHECK(e && !strchr(e, '\n') && !strchr(e, ' '), "escaped form of \"%s\" has a separator", s);
        CHECK_STREQ(u, s);
        free(e);
        free(u);
}

static void check_round_trip(int dir_fd) {
        StringPair ann[] = { { "org.example/key", "value with spaces\nand a newline" }, { "empty", "" } };
        StringPair cg[] = { { "cpu,cpuacct", "/ocictl/a b" }, { "", "/ocictl/x" } };
        ContainerState in = {
                .id = "c-1.2_3+4",
                .pid = 4242,
                .start_time = 123456789012ULL,
                .bundle = "/tmp/my bundle",
                .rootfs = "/tmp/my bundle/rootfs",
                .created = "2026-11-22T23:00:00.000000001Z",
                .owner = 1000,
                .annotations = ann,
                .n_annotations = 2,
                .cgroups = cg,
                .n_cgroups = 2,
        };
        ContainerState out = {};
        int r;

        r = state_file_write(dir_fd, &in);
        CHECK(r == 0, "write: %s", strerror(-r));
        CHECK(faccessat(dir_fd, STATE_FILE ".tmp", F_OK, 0) < 0, "temporary file left behind");
        r = state_file_read(dir_fd, &out);
        CHECK(r == 0, "read: %s", strerror(-r));
        if (r < 0)
                return;
        CHECK_STREQ(out.id, in.id);
        CHECK(out.pid == 4242 && out.start_time == 123456789012ULL && out.owner == 1000, "numbers");
        CHECK_STREQ(out.bundle, in.bundle);
        CHECK_STREQ(out.rootfs, in.rootfs);
        CHECK_STREQ(out.created, in.created);
        CHECK(out.n_annotations == 2, "annotations");
        CHECK_STREQ(out.annotations[0].value, ann[0].value);
        CHECK_STREQ(out.annotations[1].value, "");
        CHECK(out.n_cgroups == 2, "cgroups");
        CHECK_STREQ(out.cgroups[0].key, "cpu,cpuacct");
        CHECK_STREQ(out.cgroups[1].key, "");
        CHECK_STREQ(out.cgroups[1].value, "/ocictl/x");
        container_state_done(&out);

        /* A second write replaces the first. */
        in.pid = 7;
        CHECK(state_file_write(dir_fd, &in) == 0, "rewrite");
        CHECK(state_file_read(dir_fd, &out) == 0 && out.pid == 7, "rewrite read");
        container_state_done(&out);
}

/* linux.resources are kept typed: every kind of value comes back as it went, which their JSON
 * form shows at once. */
static void check_resources_round_trip(int dir_fd) {
        ContainerState in = { .id = "r" }, out = {};
        SpecDevice devices[] = { { false, 'a', -1, -1, "rwm" }, { true, 'c', 1, 3, "rw" } };
        StringPair unified[] = { { "memory.high", "100" }, { "io.max", "8:0 rbps=1000 wbps=max" } };
        ResourceEntry *e;
        _cleanup_free_ char *json_in = NULL, *json_out = NULL;

        resources_set(&in.resources, RES_MEMORY_LIMIT, 1 << 20);
        resources_set(&in.resources, RES_PIDS_LIMIT, -1);
        in.resources.cpus = strdup("0-1");
        e = resources_add_entry(&in.resources, RES_LIST_THROTTLE_READ_BPS, NULL);
        CHECK(e != NULL, "a throttle entry");
        if (e)
                *e = (ResourceEntry) { NULL, 8, 0, { 1000, -1 } };
        e = resources_add_entry(&in.resources, RES_LIST_HUGEPAGE_LIMITS, "2MB");
        CHECK(e != NULL, "a hugepage entry");
        if (e)
                e->value[0] = 4 << 20;
        in.resources.unified = unified;
        in.resources.n_unified = 2;
        in.resources.devices = devices;
        in.resources.n_devices = 2;

        CHECK(state_file_write(dir_fd, &in) == 0, "write the resources");
        CHECK(state_file_read(dir_fd, &out) == 0, "read the resources");
        json_in = resources_to_json(&in.resources);
        json_out = resources_to_json(&out.resources);
        CHECK(json_in && json_out && streq(json_in, json_out), "resources round-trip:\n%s\n%s", test_str(json_in),
              test_str(json_out));
        in.resources.unified = NULL, in.resources.n_unified = 0; /* not ours to free */
        in.resources.devices = NULL, in.resources.n_devices = 0;
        resources_done(&in.resources);
        container_state_done(&out);
}

/* A state written before resources were typed keeps them as a JSON line: it must survive. */
static void check_legacy_resources(int dir_fd) {
        ContainerState out = {};
        int fd = openat(dir_fd, STATE_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        const char text[] = "id old\nresources {\"memory\":{\"limit\":1048576}}\n";
        CHECK(fd >= 0 && write(fd, text, sizeof text - 1) == (ssize_t) sizeof text - 1, "write an old state");
        if (fd >= 0)
                close(fd);
        CHECK(state_file_read(dir_fd, &out) == 0, "read an old state");
        CHECK_STREQ(out.legacy_resources_json, "{\"memory\":{\"limit\":1048576}}");
        container_state_done(&out);
}

static void check_corrupt(int dir_fd) {
        ContainerState out = {};
        int fd = openat(dir_fd, STATE_FILE, O_WRONLY | O_TRUNC | O_CLOEXEC);
        CHECK(fd >= 0, "open");
        CHECK(write(fd, "garbage-without-separator\n", 26) == 26, "write");
        close(fd);
        CHECK(state_file_read(dir_fd, &out) == -EBADMSG, "corrupt state must be refused");
        CHECK(unlinkat(dir_fd, STATE_FILE, 0) == 0, "unlink");
        CHECK(state_file_read(dir_fd, &out) == -ENOENT, "missing state is ENOENT");
}

static void check_ids(void) {
        char long_id[CONTAINER_ID_MAX + 2];
        memset(long_id, 'a', sizeof long_id - 1);
        long_id[sizeof long_id - 1] = 0;

        CHECK(container_id_is_valid("abc"), "abc");
        CHECK(container_id_is_valid("a.b-c_d+e"), "punctuation");
        CHECK(!container_id_is_valid(""), "empty");
        CHECK(!container_id_is_valid("."), ".");
        CHECK(!container_id_is_valid(".."), "..");
        CHECK(!container_id_is_valid("a/b"), "slash");
        CHECK(!container_id_is_valid("../x"), "traversal");
        CHECK(!container_id_is_valid("a b"), "space");
        CHECK(!container_id_is_valid("a\nb"), "newline");
        CHECK(!container_id_is_valid(long_id), "too long");
        long_id[CONTAINER_ID_MAX] = 0;
        CHECK(container_id_is_valid(long_id), "longest allowed");
}

int main(void) {
        char dir[] = "/tmp/ocictl-test-state.XXXXXX";
        int dir_fd;

        check_escape("plain");
        check_escape("spaces and\nnewlines\tand\\backslashes");
        check_escape("\x01\x7f control");
        CHECK(state_unescape("bad\\q") == NULL, "unknown escape must be refused");

        CHECK(mkdtemp(dir) != NULL, "mkdtemp");
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        check_round_trip(dir_fd);
        check_resources_round_trip(dir_fd);
        check_legacy_resources(dir_fd);
        check_corrupt(dir_fd);
        close(dir_fd);
        rmdir(dir);
        check_ids();
        return test_finish("test-state-file");
}
