/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgroup-plan.h"
#include "macros.h"

typedef struct Planner {
        CgroupPlan *plan;
        const char *base;
        CgroupVersionOf version_of;
        void *userdata;
        Error *error;
        int r;
} Planner;

void cgroup_plan_done(CgroupPlan *p) {
        for (size_t i = 0; i < p->n_writes; i++) {
                CgroupWrite *w = &p->writes[i];
                free(w->controller);
                free(w->field);
                free(w->file);
                free(w->value);
                free(w->alt_file);
                free(w->alt_value);
        }
        free(p->writes);
        *p = (CgroupPlan) {};
}

/* log2 and pow(10, x) without libm: linked, it was one more shared object to map and relocate
 * in `ocictl` and in every service forked from it (about 330 KiB resident), for this one
 * conversion. Computed in long double and rounded to double once, as glibc's correctly rounded
 * results are; test-cgroup-values checks every shares value against glibc's libm. */
static long double ln_near_one(long double m) { /* m in [1, 2): 2 atanh((m - 1) / (m + 1)) */
        long double t = (m - 1) / (m + 1), t2 = t * t, term = t, sum = 0;
        for (int k = 1; k < 80; k += 2) {
                sum += term / k;
                term *= t2;
        }
        return 2 * sum;
}

static double log2_of(uint64_t x) { /* x > 0 */
        int k = 63 - __builtin_clzll(x);
        long double m = (long double) x / (long double) (1ULL << k);
        return (double) (k + ln_near_one(m) / 0.693147180559945309417232121458176568L);
}

static double pow10_of(double e) { /* 10^e, for e in [0, 4] */
        long double y = (long double) e * 3.321928094887362347870319429489390175865L, f, term = 1, sum = 0;
        int n = (int) y;
        f = (y - n) * 0.693147180559945309417232121458176568L; /* 2^(y-n) = exp(f), f in [0, ln 2) */
        for (int k = 1; k < 40; k++) {
                sum += term;
                term *= f / k;
        }
        return (double) (sum * (long double) (1ULL << n));
}

uint64_t cgroup_cpu_shares_to_weight(uint64_t shares) {
        double l, exponent, w;
        uint64_t i;

        if (shares == 0)
                return 0;
        if (shares <= 2)
                return 1;
        if (shares >= 262144)
                return 10000;
        /* As runc (opencontainers/cgroups#20) and crun (containers/crun#1767) do now: a quadratic
         * in log2(shares) that maps v1's range [2, 262144] onto v2's [1, 10000] and v1's default
         * 1024 onto v2's default 100. The linear formula of runc 1.1 (Debian 12's) gave
         * 1024 → 39, which starved containers that asked for the default. */
        l = log2_of(shares);
        exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
        w = pow10_of(exponent);
        i = (uint64_t) w; /* ceil, for a positive w */
        return (double) i < w ? i + 1 : i;
}

uint64_t cgroup_blkio_weight_to_io_weight(uint64_t weight) {
        if (weight == 0)
                return 0;
        return 1 + (weight - 10) * 9999 / 990;
}

int cgroup_swap_to_v2(int64_t swap, int64_t limit, bool has_limit, int64_t *ret, const char **reason) {
        if (swap == -1) {
                *ret = -1;
                return 0;
        }
        if (!has_limit || limit == -1) {
                *reason = "a swap limit needs a memory limit";
                return -EINVAL;
        }
        if (swap < limit) {
                *reason = "memory+swap must not be below memory.limit";
                return -EINVAL;
        }
        *ret = swap - limit;
        return 0;
}

static int refuse(Planner *p, const char *field, const char *fmt, ...) _printf_(3, 4);
static int refuse(Planner *p, const char *field, const char *fmt, ...) {
        char msg[384];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        return p->r = error_set_complete(p->error, -EOPNOTSUPP, "%s%s%s: %s", p->base, *p->base ? "." : "", field, msg);
}

/* Adds "file ← value" (and the alternative file, if any) for controller. */
static int add(Planner *p, const char *controller, const char *field, const char *file, const char *alt_file,
               const char *alt_value, const char *fmt, ...) _printf_(7, 8);
static int add(Planner *p, const char *controller, const char *field, const char *file, const char *alt_file,
               const char *alt_value, const char *fmt, ...) {
        CgroupPlan *plan = p->plan;
        CgroupWrite *n, *w;
        va_list ap;
        int k;

        if (p->r < 0)
                return p->r;
        n = realloc(plan->writes, (plan->n_writes + 1) * sizeof(CgroupWrite));
        if (!n)
                return p->r = -ENOMEM;
        plan->writes = n;
        w = &n[plan->n_writes++];
        *w = (CgroupWrite) { strdup(controller), strdup(field), strdup(file) };
        va_start(ap, fmt);
        k = vasprintf(&w->value, fmt, ap);
        va_end(ap);
        if (k < 0)
                w->value = NULL;
        if (alt_file) {
                w->alt_file = strdup(alt_file);
                w->alt_value = strdup(alt_value);
        }
        if (!w->controller || !w->field || !w->file || !w->value || (alt_file && (!w->alt_file || !w->alt_value)))
                return p->r = -ENOMEM;
        return 0;
}

/* The version of the hierarchy holding the controller, or an error naming field. */
static int need(Planner *p, const char *controller, const char *field) {
        int v;
        if (p->r < 0)
                return 0;
        v = p->version_of(controller, p->userdata);
        if (v == 0)
                refuse(p, field, "the host has no %s cgroup controller", controller);
        return v;
}

static const char *max_or(int64_t v, char *buf, size_t size, const char *unlimited) {
        if (v < 0)
                return unlimited;
        snprintf(buf, size, "%" PRIi64, v);
        return buf;
}

static void plan_memory(Planner *p, const SpecResources *res) {
        static const ResourceField order[] = {
                RES_MEMORY_LIMIT, RES_MEMORY_RESERVATION, RES_MEMORY_SWAP, RES_MEMORY_KERNEL, RES_MEMORY_KERNEL_TCP,
                RES_MEMORY_SWAPPINESS, RES_MEMORY_DISABLE_OOM_KILLER, RES_MEMORY_USE_HIERARCHY,
        };
        /* v1 file; v2 file or NULL when v2 has no such limit */
        static const char *const files[][2] = {
                [RES_MEMORY_LIMIT] = { "memory.limit_in_bytes", "memory.max" },
                [RES_MEMORY_RESERVATION] = { "memory.soft_limit_in_bytes", "memory.low" },
                [RES_MEMORY_SWAP] = { "memory.memsw.limit_in_bytes", "memory.swap.max" },
                [RES_MEMORY_KERNEL] = { "memory.kmem.limit_in_bytes", NULL },
                [RES_MEMORY_KERNEL_TCP] = { "memory.kmem.tcp.limit_in_bytes", NULL },
                [RES_MEMORY_SWAPPINESS] = { "memory.swappiness", NULL },
                [RES_MEMORY_DISABLE_OOM_KILLER] = { "memory.oom_control", NULL },
                [RES_MEMORY_USE_HIERARCHY] = { "memory.use_hierarchy", NULL },
        };
        int v = 0;

        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                ResourceField f = order[i];
                int64_t value = res->value[f];
                char buf[32];

                if (!resources_has(res, f))
                        continue;
                if (v == 0 && (v = need(p, "memory", resource_fields[f].path)) == 0)
                        return;
                if (v == 1) {
                        add(p, "memory", resource_fields[f].path, files[f][0], NULL, NULL, "%s",
                            max_or(value, buf, sizeof buf, "-1"));
                        continue;
                }
                if (f == RES_MEMORY_USE_HIERARCHY && value) /* v2 is always hierarchical */
                        continue;
                if (!files[f][1]) {
                        refuse(p, resource_fields[f].path, "cgroup v2 has no such setting");
                        return;
                }
                if (f == RES_MEMORY_SWAP) {
                        const char *reason = NULL;
                        if (cgroup_swap_to_v2(value, res->value[RES_MEMORY_LIMIT], resources_has(res, RES_MEMORY_LIMIT),
                                              &value, &reason) < 0) {
                                refuse(p, resource_fields[f].path, "%s", reason);
                                p->r = -EINVAL;
                                return;
                        }
                }
                add(p, "memory", resource_fields[f].path, files[f][1], NULL, NULL, "%s",
                    max_or(value, buf, sizeof buf, "max"));
        }
        p->plan->check_memory_usage = resources_has(res, RES_MEMORY_CHECK_BEFORE_UPDATE) &&
                                      res->value[RES_MEMORY_CHECK_BEFORE_UPDATE] && resources_has(res, RES_MEMORY_LIMIT);
}

static void plan_cpu(Planner *p, const SpecResources *res) {
        static const struct {
                ResourceField field;
                const char *v1, *v2; /* NULL: no such file */
        } simple[] = {
                { RES_CPU_SHARES, "cpu.shares", NULL }, /* v2: cpu.weight, converted below */
                { RES_CPU_PERIOD, "cpu.cfs_period_us", NULL },
                { RES_CPU_QUOTA, "cpu.cfs_quota_us", NULL },
                { RES_CPU_BURST, "cpu.cfs_burst_us", "cpu.max.burst" },
                { RES_CPU_REALTIME_PERIOD, "cpu.rt_period_us", NULL },
                { RES_CPU_REALTIME_RUNTIME, "cpu.rt_runtime_us", NULL },
                { RES_CPU_IDLE, "cpu.idle", "cpu.idle" },
        };
        bool quota = resources_has(res, RES_CPU_QUOTA), period = resources_has(res, RES_CPU_PERIOD);
        int v = 0;

        for (size_t i = 0; i < ELEMENTSOF(simple); i++) {
                ResourceField f = simple[i].field;
                const char *field = resource_fields[f].path;

                if (!resources_has(res, f))
                        continue;
                if (v == 0 && (v = need(p, "cpu", field)) == 0)
                        return;
                if (v == 1)
                        add(p, "cpu", field, simple[i].v1, NULL, NULL, "%" PRIi64, res->value[f]);
                else if (f == RES_CPU_SHARES)
                        add(p, "cpu", field, "cpu.weight", NULL, NULL, "%" PRIu64,
                            cgroup_cpu_shares_to_weight(res->value[f]));
                else if (simple[i].v2)
                        add(p, "cpu", field, simple[i].v2, NULL, NULL, "%" PRIi64, res->value[f]);
                else if (f == RES_CPU_REALTIME_PERIOD || f == RES_CPU_REALTIME_RUNTIME)
                        refuse(p, field, "cgroup v2 has no realtime CPU limits");
        }
        if (v == 2 && (quota || period)) {
                char q[32] = "max";
                if (quota && res->value[RES_CPU_QUOTA] > 0)
                        snprintf(q, sizeof q, "%" PRIi64, res->value[RES_CPU_QUOTA]);
                if (period)
                        add(p, "cpu", quota ? "cpu.quota" : "cpu.period", "cpu.max", NULL, NULL, "%s %" PRIi64, q,
                            res->value[RES_CPU_PERIOD]);
                else
                        add(p, "cpu", "cpu.quota", "cpu.max", NULL, NULL, "%s", q);
        }
        if (res->cpus && need(p, "cpuset", "cpu.cpus"))
                add(p, "cpuset", "cpu.cpus", "cpuset.cpus", NULL, NULL, "%s", res->cpus);
        if (res->mems && need(p, "cpuset", "cpu.mems"))
                add(p, "cpuset", "cpu.mems", "cpuset.mems", NULL, NULL, "%s", res->mems);
}

static void plan_block_io(Planner *p, const SpecResources *res) {
        static const char *const throttle[][2] = {
                [RES_LIST_THROTTLE_READ_BPS] = { "blkio.throttle.read_bps_device", "rbps" },
                [RES_LIST_THROTTLE_WRITE_BPS] = { "blkio.throttle.write_bps_device", "wbps" },
                [RES_LIST_THROTTLE_READ_IOPS] = { "blkio.throttle.read_iops_device", "riops" },
                [RES_LIST_THROTTLE_WRITE_IOPS] = { "blkio.throttle.write_iops_device", "wiops" },
        };
        bool any = resources_has(res, RES_BLKIO_WEIGHT) || resources_has(res, RES_BLKIO_LEAF_WEIGHT);
        int v;

        for (ResourceList l = RES_LIST_WEIGHT_DEVICE; l <= RES_LIST_THROTTLE_WRITE_IOPS; l++)
                any = any || res->n_lists[l] > 0;
        if (!any)
                return;
        /* The controller is "blkio" on v1 and "io" on v2: ask for either. */
        v = p->version_of("blkio", p->userdata) == 1 ? 1 : p->version_of("io", p->userdata) == 2 ? 2 : 0;
        if (v == 0) {
                refuse(p, "blockIO", "the host has no blkio (v1) or io (v2) cgroup controller");
                return;
        }
        if (resources_has(res, RES_BLKIO_WEIGHT)) {
                int64_t w = res->value[RES_BLKIO_WEIGHT];
                char alt[32];
                if (v == 1) {
                        /* Kernels without CFQ have only BFQ's file, on the same scale. */
                        snprintf(alt, sizeof alt, "%" PRIi64, w);
                        add(p, "blkio", "blockIO.weight", "blkio.weight", "blkio.bfq.weight", alt, "%s", alt);
                } else {
                        /* BFQ takes v1's scale; the io controller's own weight is 1..10000. */
                        snprintf(alt, sizeof alt, "default %" PRIu64, cgroup_blkio_weight_to_io_weight(w));
                        add(p, "io", "blockIO.weight", "io.bfq.weight", "io.weight", alt, "%" PRIi64, w);
                }
        }
        if (resources_has(res, RES_BLKIO_LEAF_WEIGHT)) {
                if (v == 2)
                        refuse(p, "blockIO.leafWeight", "cgroup v2 has no leaf weights");
                else
                        add(p, "blkio", "blockIO.leafWeight", "blkio.leaf_weight", NULL, NULL, "%" PRIi64,
                            res->value[RES_BLKIO_LEAF_WEIGHT]);
        }
        for (size_t i = 0; i < res->n_lists[RES_LIST_WEIGHT_DEVICE]; i++) {
                const ResourceEntry *e = &res->lists[RES_LIST_WEIGHT_DEVICE][i];
                char field[64], alt[64];
                snprintf(field, sizeof field, "blockIO.weightDevice[%zu]", i);
                if (e->value[1] >= 0) {
                        if (v == 2) {
                                refuse(p, field, "leafWeight: cgroup v2 has no leaf weights");
                                return;
                        }
                        add(p, "blkio", field, "blkio.leaf_weight_device", NULL, NULL, "%" PRIi64 ":%" PRIi64 " %" PRIi64,
                            e->major, e->minor, e->value[1]);
                }
                if (e->value[0] < 0)
                        continue;
                if (v == 1) {
                        snprintf(alt, sizeof alt, "%" PRIi64 ":%" PRIi64 " %" PRIi64, e->major, e->minor, e->value[0]);
                        add(p, "blkio", field, "blkio.weight_device", "blkio.bfq.weight_device", alt, "%s", alt);
                } else {
                        snprintf(alt, sizeof alt, "%" PRIi64 ":%" PRIi64 " %" PRIu64, e->major, e->minor,
                                 cgroup_blkio_weight_to_io_weight(e->value[0]));
                        add(p, "io", field, "io.bfq.weight", "io.weight", alt, "%" PRIi64 ":%" PRIi64 " %" PRIi64,
                            e->major, e->minor, e->value[0]);
                }
        }
        for (ResourceList l = RES_LIST_THROTTLE_READ_BPS; l <= RES_LIST_THROTTLE_WRITE_IOPS; l++)
                for (size_t i = 0; i < res->n_lists[l]; i++) {
                        const ResourceEntry *e = &res->lists[l][i];
                        char field[96];
                        snprintf(field, sizeof field, "%s[%zu]", resource_lists[l].path, i);
                        if (v == 1)
                                add(p, "blkio", field, throttle[l][0], NULL, NULL, "%" PRIi64 ":%" PRIi64 " %" PRIi64,
                                    e->major, e->minor, e->value[0]);
                        else
                                add(p, "io", field, "io.max", NULL, NULL, "%" PRIi64 ":%" PRIi64 " %s=%" PRIi64, e->major,
                                    e->minor, throttle[l][1], e->value[0]);
                }
}

static void plan_named_lists(Planner *p, const SpecResources *res) {
        int v;

        for (size_t i = 0; i < res->n_lists[RES_LIST_HUGEPAGE_LIMITS]; i++) {
                const ResourceEntry *e = &res->lists[RES_LIST_HUGEPAGE_LIMITS][i];
                char field[64], file[96];
                snprintf(field, sizeof field, "hugepageLimits[%zu]", i);
                if (!(v = need(p, "hugetlb", field)))
                        return;
                snprintf(file, sizeof file, "hugetlb.%s.%s", e->name, v == 1 ? "limit_in_bytes" : "max");
                add(p, "hugetlb", field, file, NULL, NULL, "%" PRIi64, e->value[0]);
        }
        if (resources_has(res, RES_NETWORK_CLASS_ID)) {
                if (!(v = need(p, "net_cls", "network.classID")))
                        return;
                add(p, "net_cls", "network.classID", "net_cls.classid", NULL, NULL, "%" PRIi64,
                    res->value[RES_NETWORK_CLASS_ID]);
        }
        for (size_t i = 0; i < res->n_lists[RES_LIST_NETWORK_PRIORITIES]; i++) {
                const ResourceEntry *e = &res->lists[RES_LIST_NETWORK_PRIORITIES][i];
                char field[64];
                snprintf(field, sizeof field, "network.priorities[%zu]", i);
                if (!need(p, "net_prio", field))
                        return;
                add(p, "net_prio", field, "net_prio.ifpriomap", NULL, NULL, "%s %" PRIi64, e->name, e->value[0]);
        }
        for (size_t i = 0; i < res->n_lists[RES_LIST_RDMA]; i++) {
                const ResourceEntry *e = &res->lists[RES_LIST_RDMA][i];
                char field[128], handles[48] = "", objects[48] = "";
                snprintf(field, sizeof field, "rdma.%s", e->name);
                if (!need(p, "rdma", field))
                        return;
                if (e->value[0] >= 0)
                        snprintf(handles, sizeof handles, " hca_handle=%" PRIi64, e->value[0]);
                if (e->value[1] >= 0)
                        snprintf(objects, sizeof objects, " hca_object=%" PRIi64, e->value[1]);
                add(p, "rdma", field, "rdma.max", NULL, NULL, "%s%s%s", e->name, handles, objects);
        }
}

static void plan_unified(Planner *p, const SpecResources *res) {
        for (size_t i = 0; i < res->n_unified; i++) {
                const StringPair *u = &res->unified[i];
                _cleanup_free_ char *controller = strndup(u->key, strcspn(u->key, "."));
                char field[300];
                int v;

                snprintf(field, sizeof field, "unified.%s", u->key);
                if (!controller) {
                        p->r = -ENOMEM;
                        return;
                }
                v = need(p, controller, field);
                if (v == 1)
                        refuse(p, field, "the %s controller is on a cgroup v1 hierarchy here; unified is for cgroup v2",
                               controller);
                if (v != 2)
                        return;
                add(p, controller, field, u->key, NULL, NULL, "%s", u->value);
        }
}

int cgroup_plan(const SpecResources *res, const char *base, CgroupVersionOf version_of, void *userdata,
                CgroupPlan *ret, Error *error) {
        CgroupPlan plan = {};
        Planner p = { &plan, base, version_of, userdata, error, 0 };

        plan_memory(&p, res);
        plan_cpu(&p, res);
        if (resources_has(res, RES_PIDS_LIMIT) && need(&p, "pids", "pids.limit")) {
                char buf[32];
                add(&p, "pids", "pids.limit", "pids.max", NULL, NULL, "%s",
                    max_or(res->value[RES_PIDS_LIMIT], buf, sizeof buf, "max"));
        }
        plan_block_io(&p, res);
        plan_named_lists(&p, res);
        plan_unified(&p, res);
        if (p.r < 0) {
                cgroup_plan_done(&plan);
                return p.r;
        }
        *ret = plan;
        return 0;
}
