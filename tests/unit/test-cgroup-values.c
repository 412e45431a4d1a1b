/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup manager's pure parts: layout detection from mountinfo, path resolution, and the
 * values written for each resource. */
#include <stdio.h>

#include "cgroup-apply.h"
#include "test-helpers.h"

static void write_file(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        fputs(text, f);
        fclose(f);
}

static void check_layout(void) {
        char mi[] = "/tmp/ocictl-mi.XXXXXX", cg[] = "/tmp/ocictl-cg.XXXXXX";
        CgroupLayout l = {};
        int r;

        close(mkstemp(mi));
        close(mkstemp(cg));
        /* This machine's hybrid layout, with a bind mount of one hierarchy seen twice. */
        write_file(mi, "30 22 0:26 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
                       "31 30 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                       "32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
                       "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                       "34 30 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                       "35 30 0:30 / /mnt/memory rw - cgroup cgroup rw,memory\n");
        write_file(cg, "4:memory:/user.slice\n3:cpu,cpuacct:/\n1:name=systemd:/init.scope\n0::/init.scope\n");
        r = cgroup_layout_detect_from(mi, cg, &l);
        CHECK(r == 0, "detect: %s", strerror(-r));
        CHECK(l.type == CGROUP_LAYOUT_HYBRID, "hybrid, got %s", cgroup_layout_type_to_string(l.type));
        CHECK(l.n_hierarchies == 4, "4 hierarchies (a duplicate mount counts once), got %zu", l.n_hierarchies);
        CHECK(cgroup_layout_find(&l, "memory") && streq(cgroup_layout_find(&l, "memory")->own_path, "/user.slice"),
              "memory hierarchy and own path");
        CHECK(cgroup_layout_find(&l, "cpuacct") && streq(cgroup_layout_find(&l, "cpuacct")->key, "cpu,cpuacct"),
              "co-mounted controllers");
        CHECK(cgroup_layout_find(&l, "pids") == NULL, "no pids here");
        cgroup_layout_done(&l);

        write_file(mi, "31 22 0:27 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n");
        write_file(cg, "0::/user.slice/x.scope\n");
        r = cgroup_layout_detect_from(mi, cg, &l);
        CHECK(r == 0 && l.type == CGROUP_LAYOUT_V2 && l.n_hierarchies == 1, "pure v2");
        if (r == 0) {
                char *p = NULL;
                CHECK(cgroup_resolve_path(&l.hierarchies[0], NULL, "ctr", &p) == 0, "resolve default");
                CHECK_STREQ(p, "/user.slice/x.scope/ctr");
                free(p);
                CHECK(cgroup_resolve_path(&l.hierarchies[0], "rel/a/", "ctr", &p) == 0, "resolve relative");
                CHECK_STREQ(p, "/user.slice/x.scope/rel/a");
                free(p);
                CHECK(cgroup_resolve_path(&l.hierarchies[0], "//abs//b", "ctr", &p) == 0, "resolve absolute");
                CHECK_STREQ(p, "/abs/b");
                free(p);
                CHECK(cgroup_resolve_path(&l.hierarchies[0], "/a/../..", "ctr", &p) == -EINVAL, "refuse ..");
                CHECK(cgroup_resolve_path(&l.hierarchies[0], "/", "ctr", &p) == -EINVAL, "refuse the root");
        }
        cgroup_layout_done(&l);

        write_file(mi, "30 22 0:26 / /proc rw - proc proc rw\n");
        CHECK(cgroup_layout_detect_from(mi, cg, &l) == -ENOMEDIUM, "no cgroup mounts");
        unlink(mi);
        unlink(cg);
}

static void check_values(void) {
        char buf[64];
        SpecDevice all = { false, 'a', -1, -1, "rwm" }, null = { true, 'c', 1, 3, "rwm" }, pts = { true, 'c', 136, -1, "rw" };

        cgroup_format_limit(-1, buf, sizeof buf);
        CHECK_STREQ(buf, "max");
        cgroup_format_limit(1048576, buf, sizeof buf);
        CHECK_STREQ(buf, "1048576");
        cgroup_format_device_rule(&all, buf, sizeof buf);
        CHECK_STREQ(buf, "a *:* rwm");
        cgroup_format_device_rule(&null, buf, sizeof buf);
        CHECK_STREQ(buf, "c 1:3 rwm");
        cgroup_format_device_rule(&pts, buf, sizeof buf);
        CHECK_STREQ(buf, "c 136:* rw");
}

static void check_saved_paths(void) {
        CgroupLayout l = { .type = CGROUP_LAYOUT_V1 };
        CgroupSet s = {};
        char *keys[] = { "memory" }, *good[] = { "/ocictl/c1" }, *evil[] = { "/ocictl/../../etc" }, *root[] = { "/" };
        char *unknown[] = { "nonexistent" };

        l.hierarchies[0] = (CgroupHierarchy) { .key = "memory", .mountpoint = "/sys/fs/cgroup/memory", .own_path = "/" };
        l.n_hierarchies = 1;
        CHECK(cgroup_set_from_paths(&l, keys, good, NULL, 1, &s) == 0 && streq(s.entries[0].dir, "/sys/fs/cgroup/memory/ocictl/c1"),
              "saved path");
        cgroup_set_done(&s);
        CHECK(cgroup_set_from_paths(&l, keys, evil, NULL, 1, &s) == -EINVAL, "refuse ..");
        CHECK(cgroup_set_from_paths(&l, keys, root, NULL, 1, &s) == -EINVAL, "refuse the root");
        CHECK(cgroup_set_from_paths(&l, unknown, good, NULL, 1, &s) == -EINVAL, "refuse an unknown hierarchy");
        char *parent[] = { "/ocictl" }, *other[] = { "/elsewhere" }, *prefix[] = { "/ocictl/c" };
        CHECK(cgroup_set_from_paths(&l, keys, good, parent, 1, &s) == 0 &&
                      streq(s.entries[0].created, "/sys/fs/cgroup/memory/ocictl"), "created parent");
        cgroup_set_done(&s);
        CHECK(cgroup_set_from_paths(&l, keys, good, other, 1, &s) == -EINVAL, "created must be a parent");
        CHECK(cgroup_set_from_paths(&l, keys, good, prefix, 1, &s) == -EINVAL, "a name prefix is no parent");
}

int main(void) {
        check_layout();
        check_values();
        check_saved_paths();
        return test_finish("test-cgroup-values");
}
