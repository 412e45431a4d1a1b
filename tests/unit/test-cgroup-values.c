/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup manager's pure parts: layout detection from mountinfo, path resolution, and the
 * values written for each resource. */
#include <math.h>
#include <stdio.h>

#include "cgroup-apply.h"
#include "cgroup-plan.h"
#include "cgroup-systemd.h"
#include "systemd-path.h"
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

/* Hosts for the planner: every controller on v1, every one on v2, or the v1 controllers of a
 * machine without net_cls, hugetlb and rdma. */
static int all_v1(const char *controller, void *userdata) {
        return streq(controller, "io") ? 0 : 1;
}
static int all_v2(const char *controller, void *userdata) {
        static const char *const v1_only[] = { "blkio", "net_cls", "net_prio", "devices", "freezer", NULL };
        for (const char *const *c = v1_only; *c; c++)
                if (streq(controller, *c))
                        return 0;
        return 2;
}
static int no_hugetlb(const char *controller, void *userdata) {
        return streq(controller, "hugetlb") ? 0 : all_v1(controller, userdata);
}

/* The plan as "file=value" lines ("file=value|alt=value" with an alternative). */
static char *plan_text(const SpecResources *res, CgroupVersionOf version_of, char *error, size_t size) {
        CgroupPlan plan = {};
        char *text = calloc(1, 8192);
        Error e = {};
        if (cgroup_plan(res, "linux.resources", version_of, NULL, &plan, &e) < 0) {
                snprintf(error, size, "%s", e.message);
                free(text);
                return NULL;
        }
        for (size_t i = 0; i < plan.n_writes; i++) {
                const CgroupWrite *w = &plan.writes[i];
                size_t n = strlen(text);
                snprintf(text + n, 8192 - n, "%s%s=%s", i ? "\n" : "", w->file, w->value);
                if (w->alt_file) {
                        n = strlen(text);
                        snprintf(text + n, 8192 - n, "|%s=%s", w->alt_file, w->alt_value);
                }
        }
        cgroup_plan_done(&plan);
        return text;
}

static void check_plan(void) {
        SpecResources res = {};
        ResourceEntry throttle = { NULL, 8, 0, { 1048576, -1 } }, weight = { NULL, 8, 16, { 500, -1 } };
        ResourceEntry huge = { "2MB", -1, -1, { 4194304, -1 } }, prio = { "eth0", -1, -1, { 5, -1 } };
        ResourceEntry rdma = { "mlx5_1", -1, -1, { 3, 1000 } };
        StringPair unified = { "memory.high", "50000000" };
        char error[ERROR_MESSAGE_MAX], *text;

        resources_set(&res, RES_MEMORY_LIMIT, 67108864);
        resources_set(&res, RES_MEMORY_RESERVATION, 33554432);
        resources_set(&res, RES_MEMORY_SWAP, 134217728);
        resources_set(&res, RES_CPU_SHARES, 512);
        resources_set(&res, RES_CPU_QUOTA, 50000);
        resources_set(&res, RES_CPU_PERIOD, 100000);
        resources_set(&res, RES_CPU_BURST, 1000);
        resources_set(&res, RES_CPU_IDLE, 0);
        resources_set(&res, RES_PIDS_LIMIT, -1);
        resources_set(&res, RES_BLKIO_WEIGHT, 100);
        res.cpus = "0";
        res.mems = "0";
        res.lists[RES_LIST_THROTTLE_READ_BPS] = &throttle;
        res.n_lists[RES_LIST_THROTTLE_READ_BPS] = 1;
        res.lists[RES_LIST_WEIGHT_DEVICE] = &weight;
        res.n_lists[RES_LIST_WEIGHT_DEVICE] = 1;
        res.lists[RES_LIST_HUGEPAGE_LIMITS] = &huge;
        res.n_lists[RES_LIST_HUGEPAGE_LIMITS] = 1;
        res.lists[RES_LIST_RDMA] = &rdma;
        res.n_lists[RES_LIST_RDMA] = 1;

        text = plan_text(&res, all_v1, error, sizeof error);
        CHECK_STREQ(text, "memory.limit_in_bytes=67108864\nmemory.soft_limit_in_bytes=33554432\n"
                          "memory.memsw.limit_in_bytes=134217728\n"
                          "cpu.shares=512\ncpu.cfs_period_us=100000\ncpu.cfs_quota_us=50000\ncpu.cfs_burst_us=1000\n"
                          "cpu.idle=0\ncpuset.cpus=0\ncpuset.mems=0\npids.max=max\n"
                          "blkio.weight=100|blkio.bfq.weight=100\n"
                          "blkio.weight_device=8:16 500|blkio.bfq.weight_device=8:16 500\n"
                          "blkio.throttle.read_bps_device=8:0 1048576\nhugetlb.2MB.limit_in_bytes=4194304\n"
                          "rdma.max=mlx5_1 hca_handle=3 hca_object=1000");
        free(text);

        /* v2: shares → weight, quota and period → cpu.max, memory+swap → swap alone, blkio → io. */
        text = plan_text(&res, all_v2, error, sizeof error);
        CHECK_STREQ(text, "memory.max=67108864\nmemory.low=33554432\nmemory.swap.max=67108864\n"
                          "cpu.weight=59\ncpu.max.burst=1000\ncpu.idle=0\ncpu.max=50000 100000\n"
                          "cpuset.cpus=0\ncpuset.mems=0\npids.max=max\n"
                          "io.bfq.weight=100|io.weight=default 910\n"
                          "io.bfq.weight=8:16 500|io.weight=8:16 4950\n"
                          "io.max=8:0 rbps=1048576\nhugetlb.2MB.max=4194304\n"
                          "rdma.max=mlx5_1 hca_handle=3 hca_object=1000");
        free(text);

        /* What one version cannot express is refused by name. */
        res.unified = &unified;
        res.n_unified = 1;
        text = plan_text(&res, all_v1, error, sizeof error);
        CHECK(!text && strstr(error, "linux.resources.unified.memory.high: the memory controller is on a cgroup v1"),
              "unified on v1: %s", error);
        free(text);
        res.n_unified = 0;
        text = plan_text(&res, no_hugetlb, error, sizeof error);
        CHECK(!text && strstr(error, "linux.resources.hugepageLimits[0]: the host has no hugetlb cgroup controller"),
              "a missing controller: %s", error);
        free(text);

        SpecResources v2only = {};
        resources_set(&v2only, RES_MEMORY_SWAPPINESS, 10);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK(!text && strstr(error, "linux.resources.memory.swappiness: cgroup v2 has no such setting"), "%s", error);
        free(text);
        v2only = (SpecResources) {};
        resources_set(&v2only, RES_CPU_REALTIME_RUNTIME, 1000);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK(!text && strstr(error, "cpu.realtimeRuntime: cgroup v2 has no realtime"), "%s", error);
        free(text);
        v2only = (SpecResources) {};
        resources_set(&v2only, RES_MEMORY_SWAP, 1000);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK(!text && strstr(error, "memory.swap: a swap limit needs a memory limit"), "%s", error);
        free(text);
        v2only = (SpecResources) {};
        v2only.lists[RES_LIST_NETWORK_PRIORITIES] = &prio;
        v2only.n_lists[RES_LIST_NETWORK_PRIORITIES] = 1;
        text = plan_text(&v2only, all_v1, error, sizeof error);
        CHECK_STREQ(text, "net_prio.ifpriomap=eth0 5");
        free(text);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK(!text && strstr(error, "network.priorities[0]: the host has no net_prio"), "%s", error);
        free(text);
        /* Unlimited is "max" on v2 and "-1" for v1's memory files; limits are written in bytes. */
        v2only = (SpecResources) {};
        resources_set(&v2only, RES_MEMORY_LIMIT, -1);
        resources_set(&v2only, RES_PIDS_LIMIT, -1);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK_STREQ(text, "memory.max=max\npids.max=max");
        free(text);
        text = plan_text(&v2only, all_v1, error, sizeof error);
        CHECK_STREQ(text, "memory.limit_in_bytes=-1\npids.max=max");
        free(text);
        resources_set(&v2only, RES_MEMORY_LIMIT, 1048576);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK_STREQ(text, "memory.max=1048576\npids.max=max");
        free(text);
        /* Only the period: the quota stays unlimited, as runc writes it. */
        v2only = (SpecResources) {};
        resources_set(&v2only, RES_CPU_PERIOD, 20000);
        text = plan_text(&v2only, all_v2, error, sizeof error);
        CHECK_STREQ(text, "cpu.max=max 20000");
        free(text);
}

static void check_systemd_paths(void) {
        static const char *const cases[][2] = {
                { "system.slice:docker:abc", "/system.slice/docker-abc.scope" },
                { "machine-ocictl.slice:libpod:x1", "/machine.slice/machine-ocictl.slice/libpod-x1.scope" },
                { "a-b-c.slice::n", "/a.slice/a-b.slice/a-b-c.slice/n.scope" },
                { ":crio:1", "/system.slice/crio-1.scope" },
                { "-.slice:p:n", "/p-n.scope" },
                { "user.slice:p:sub.slice", "/user.slice/sub.slice" },
        };
        const char *reason = NULL;
        char *p = NULL;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                CHECK(systemd_cgroups_path(cases[i][0], &p, &reason) == 0, "%s", cases[i][0]);
                CHECK_STREQ(p, cases[i][1]);
                free(p);
                p = NULL;
        }
        CHECK(systemd_cgroups_path("a-.slice:p:n", &p, &reason) == -EINVAL, "a dangling dash");
        CHECK(systemd_cgroups_path("x.slice:p:..", &p, &reason) == -EINVAL, "..");
}

/* What the systemd driver asks systemd for: the units, and the property values it converts. */
static void check_systemd_driver(void) {
        static const char *const units[][3] = {
                { "machine.slice:libpod:x1", "machine.slice", "libpod-x1.scope" },
                { ":crio:1", "system.slice", "crio-1.scope" },
                { "a-b.slice::n", "a-b.slice", "n.scope" },
        };
        char *slice = NULL, *scope = NULL;
        const char *reason = NULL;
        uint8_t mask[8];

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                CHECK(systemd_cgroups_unit(units[i][0], &slice, &scope, &reason) == 0, "%s", units[i][0]);
                CHECK_STREQ(slice, units[i][1]);
                CHECK_STREQ(scope, units[i][2]);
                free(slice);
                free(scope);
                slice = scope = NULL;
        }
        CHECK(systemd_cgroups_unit("user.slice:p:sub.slice", &slice, &scope, &reason) == -EINVAL &&
                      strstr(reason, "must not be a slice"),
              "a slice as the container's unit is refused");
        CHECK(systemd_cgroups_unit("/plain/path", &slice, &scope, &reason) == -EINVAL, "a plain path has no unit");

        CHECK(systemd_cpu_set_mask("0-3,8", mask, sizeof mask) == 2 && mask[0] == 0x0f && mask[1] == 0x01,
              "cpus 0-3,8 → 0f 01");
        CHECK(systemd_cpu_set_mask("5", mask, sizeof mask) == 1 && mask[0] == 0x20, "cpu 5 → 20");
        CHECK(systemd_cpu_set_mask("3-1", mask, sizeof mask) == -EINVAL, "a backwards range");
        CHECK(systemd_cpu_set_mask("0,x", mask, sizeof mask) == -EINVAL, "not a number");
        CHECK(systemd_cpu_set_mask("64", mask, sizeof mask) == -EINVAL, "beyond the mask");

        CHECK(systemd_cpu_quota_per_sec("50000 100000") == 500000, "half a cpu: 500 ms per second");
        CHECK(systemd_cpu_quota_per_sec("12345 100000") == 130000, "rounded up to 10 ms, as runc");
        CHECK(systemd_cpu_quota_per_sec("max 100000") == UINT64_MAX, "max: infinity");

        CHECK(systemd_unit_matches_path("libpod-x.scope", "/machine.slice/libpod-x.scope"), "the scope of its path");
        CHECK(!systemd_unit_matches_path("sshd.service", "/system.slice/sshd.service"), "a service is never one");
        CHECK(!systemd_unit_matches_path("other.scope", "/machine.slice/libpod-x.scope"), "another scope is not");
}

static void check_conversions(void) {
        int64_t swap = 0;
        const char *reason = NULL;

        CHECK(cgroup_cpu_shares_to_weight(2) == 1, "shares 2");
        /* The quadratic in log2: v1's default 1024 is v2's default 100, the ends stay the ends, and
         * the rest are ⌈10^((L² + 125L)/612 − 7/34)⌉ worked out by hand (Python's doubles). */
        static const uint64_t shares_weight[][2] = { { 3, 2 },     { 10, 4 },       { 100, 17 },    { 512, 59 },
                                                     { 1024, 100 }, { 2048, 174 },   { 4096, 303 },  { 65536, 3023 },
                                                     { 262143, 10000 }, { 1000000, 10000 } };
        for (size_t i = 0; i < ELEMENTSOF(shares_weight); i++)
                CHECK(cgroup_cpu_shares_to_weight(shares_weight[i][0]) == shares_weight[i][1], "shares %llu → %llu, not %llu",
                      (unsigned long long) shares_weight[i][0],
                      (unsigned long long) cgroup_cpu_shares_to_weight(shares_weight[i][0]),
                      (unsigned long long) shares_weight[i][1]);
        /* Every shares value against the formula computed with glibc's libm (runc's and crun's
         * way): the service does it without libm. */
        uint64_t differ = 0, first = 0;
        for (uint64_t shares = 3; shares < 262144; shares++) {
                double l = log2((double) shares), e = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
                if (cgroup_cpu_shares_to_weight(shares) != (uint64_t) ceil(pow(10, e)) && differ++ == 0)
                        first = shares;
        }
        CHECK(differ == 0, "%llu shares values convert unlike libm's, the first %llu", (unsigned long long) differ,
              (unsigned long long) first);
        CHECK(cgroup_cpu_shares_to_weight(0) == 0, "shares 0 is unset");
        CHECK(cgroup_cpu_shares_to_weight(262144) == 10000, "shares max");
        CHECK(cgroup_blkio_weight_to_io_weight(10) == 1, "blkio 10");
        CHECK(cgroup_blkio_weight_to_io_weight(1000) == 10000, "blkio 1000");
        CHECK(cgroup_blkio_weight_to_io_weight(500) == 4950, "blkio 500 → %llu",
              (unsigned long long) cgroup_blkio_weight_to_io_weight(500));
        CHECK(cgroup_swap_to_v2(-1, 100, true, &swap, &reason) == 0 && swap == -1, "unlimited swap");
        CHECK(cgroup_swap_to_v2(300, 100, true, &swap, &reason) == 0 && swap == 200, "swap alone");
        CHECK(cgroup_swap_to_v2(50, 100, true, &swap, &reason) == -EINVAL, "swap below memory");
        CHECK(cgroup_swap_to_v2(50, -1, true, &swap, &reason) == -EINVAL, "swap with unlimited memory");
}

int main(void) {
        check_layout();
        check_plan();
        check_conversions();
        check_systemd_paths();
        check_systemd_driver();
        check_values();
        check_saved_paths();
        return test_finish("test-cgroup-values");
}
