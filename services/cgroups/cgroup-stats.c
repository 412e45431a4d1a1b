/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>

#include "cgroup-stats.h"
#include "json-writer.h"
#include "macros.h"

/* The entry holding controller, or NULL. */
static const CgroupEntry *entry_of(const CgroupLayout *l, const CgroupSet *s, const char *controller) {
        return cgroup_set_find(s, cgroup_layout_find(l, controller));
}

/* A file holding one number; "max" reads as 0, runc's "no limit" in its stats. */
static uint64_t read_number(const CgroupEntry *e, const char *file) {
        char buf[64];
        if (!e || cgroup_file_read(e->dir, file, buf, sizeof buf) <= 0 || strneq(buf, "max", 3))
                return 0;
        return strtoull(buf, NULL, 10);
}

/* The line after line, or NULL at the end of the buffer. */
static char *next_line(char *line) {
        char *nl = strchr(line, '\n');
        return nl ? nl + 1 : NULL;
}

/* "key value" lines (memory.stat, cpu.stat, memory.events): the value of key, or 0. */
static uint64_t read_keyed(const CgroupEntry *e, const char *file, const char *key) {
        char buf[8192];
        size_t n = strlen(key);

        if (!e || cgroup_file_read(e->dir, file, buf, sizeof buf) <= 0)
                return 0;
        for (char *line = buf; line && *line; line = next_line(line))
                if (strneq(line, key, n) && line[n] == ' ')
                        return strtoull(line + n + 1, NULL, 10);
        return 0;
}

/* Every "key value" line of a file as a JSON object (memory's "stats"). */
static void write_keyed_object(JsonWriter *w, const CgroupEntry *e, const char *file) {
        char buf[16384], key[128];
        unsigned long long v;

        json_begin_object(w);
        if (cgroup_file_read(e->dir, file, buf, sizeof buf) > 0)
                for (char *line = buf; line && *line; line = next_line(line))
                        if (sscanf(line, "%127s %llu", key, &v) == 2)
                                json_key_uint(w, key, v);
        json_end_object(w);
}

static void write_numbers(JsonWriter *w, const char *key, const CgroupEntry *e, const char *file) {
        char buf[4096];
        json_key(w, key);
        json_begin_array(w);
        if (cgroup_file_read(e->dir, file, buf, sizeof buf) > 0)
                for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
                        json_uint(w, strtoull(t, NULL, 10));
        json_end_array(w);
}

static void write_cpu(JsonWriter *w, const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *acct = entry_of(l, s, "cpuacct"), *cpu = entry_of(l, s, "cpu");

        if (!acct && !cpu)
                return;
        json_key(w, "cpu");
        json_begin_object(w);
        json_key(w, "usage");
        json_begin_object(w);
        if (cpu && cpu->v2) {
                json_key_uint(w, "total", read_keyed(cpu, "cpu.stat", "usage_usec") * 1000);
                json_key_uint(w, "kernel", read_keyed(cpu, "cpu.stat", "system_usec") * 1000);
                json_key_uint(w, "user", read_keyed(cpu, "cpu.stat", "user_usec") * 1000);
        } else if (acct) {
                /* cpuacct.stat counts USER_HZ ticks (100 per second on Linux). */
                json_key_uint(w, "total", read_number(acct, "cpuacct.usage"));
                write_numbers(w, "percpu", acct, "cpuacct.usage_percpu");
                json_key_uint(w, "kernel", read_keyed(acct, "cpuacct.stat", "system") * 10000000);
                json_key_uint(w, "user", read_keyed(acct, "cpuacct.stat", "user") * 10000000);
        }
        json_end_object(w);
        if (cpu) {
                json_key(w, "throttling");
                json_begin_object(w);
                json_key_uint(w, "periods", read_keyed(cpu, "cpu.stat", "nr_periods"));
                json_key_uint(w, "throttled_periods", read_keyed(cpu, "cpu.stat", "nr_throttled"));
                json_key_uint(w, "throttled_time", cpu->v2 ? read_keyed(cpu, "cpu.stat", "throttled_usec") * 1000
                                                           : read_keyed(cpu, "cpu.stat", "throttled_time"));
                json_end_object(w);
        }
        json_end_object(w);
}

/* runc's MemoryData: usage, max usage, failures and limit of one counter. */
static void write_memory_data(JsonWriter *w, const char *key, const CgroupEntry *e, const char *prefix) {
        char usage[96], max[96], fail[96], limit[96];

        if (!e->v2) {
                snprintf(usage, sizeof usage, "%susage_in_bytes", prefix);
                snprintf(max, sizeof max, "%smax_usage_in_bytes", prefix);
                snprintf(fail, sizeof fail, "%sfailcnt", prefix);
                snprintf(limit, sizeof limit, "%slimit_in_bytes", prefix);
        }
        json_key(w, key);
        json_begin_object(w);
        if (e->v2) {
                bool swap = streq(prefix, "swap");
                json_key_uint(w, "usage", read_number(e, swap ? "memory.swap.current" : "memory.current"));
                json_key_uint(w, "max_usage", read_number(e, swap ? "memory.swap.peak" : "memory.peak"));
                json_key_uint(w, "failcnt", read_keyed(e, swap ? "memory.swap.events" : "memory.events", "max"));
                json_key_uint(w, "limit", read_number(e, swap ? "memory.swap.max" : "memory.max"));
        } else {
                json_key_uint(w, "usage", read_number(e, usage));
                json_key_uint(w, "max_usage", read_number(e, max));
                json_key_uint(w, "failcnt", read_number(e, fail));
                json_key_uint(w, "limit", read_number(e, limit));
        }
        json_end_object(w);
}

static void write_memory(JsonWriter *w, const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *e = entry_of(l, s, "memory");

        if (!e)
                return;
        json_key(w, "memory");
        json_begin_object(w);
        json_key_uint(w, "cache", read_keyed(e, "memory.stat", e->v2 ? "file" : "cache"));
        write_memory_data(w, "usage", e, "memory.");
        if (e->v2)
                write_memory_data(w, "swap", e, "swap");
        else {
                write_memory_data(w, "swap", e, "memory.memsw.");
                write_memory_data(w, "kernel", e, "memory.kmem.");
                write_memory_data(w, "kernelTCP", e, "memory.kmem.tcp.");
        }
        json_key(w, "raw");
        write_keyed_object(w, e, "memory.stat");
        json_end_object(w);
}

static void write_pids(JsonWriter *w, const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *e = entry_of(l, s, "pids");

        if (!e)
                return;
        json_key(w, "pids");
        json_begin_object(w);
        json_key_uint(w, "current", read_number(e, "pids.current"));
        json_key_uint(w, "limit", read_number(e, "pids.max"));
        json_end_object(w);
}

/* runc's BlkioStatEntry lists. v1: "8:0 Read 4096" lines; v2: io.stat "8:0 rbytes=… wbytes=… rios=… wios=…". */
static void write_blkio_list(JsonWriter *w, const char *key, const CgroupEntry *e, const char *file, bool v2_bytes) {
        char buf[16384];

        json_key(w, key);
        json_begin_array(w);
        if (cgroup_file_read(e->dir, file, buf, sizeof buf) > 0)
                for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        unsigned major, minor;
                        unsigned long long v, rd = 0, wr = 0;
                        char op[32];
                        int n = 0;

                        if (!e->v2) {
                                if (sscanf(line, "%u:%u %31s %llu", &major, &minor, op, &v) != 4)
                                        continue;
                                json_begin_object(w);
                                json_key_uint(w, "major", major);
                                json_key_uint(w, "minor", minor);
                                json_key_string(w, "op", op);
                                json_key_uint(w, "value", v);
                                json_end_object(w);
                                continue;
                        }
                        if (sscanf(line, "%u:%u %n", &major, &minor, &n) != 2)
                                continue;
                        for (char *save2 = NULL, *t = strtok_r(line + n, " ", &save2); t; t = strtok_r(NULL, " ", &save2)) {
                                if (sscanf(t, v2_bytes ? "rbytes=%llu" : "rios=%llu", &v) == 1)
                                        rd = v;
                                else if (sscanf(t, v2_bytes ? "wbytes=%llu" : "wios=%llu", &v) == 1)
                                        wr = v;
                        }
                        for (int k = 0; k < 2; k++) {
                                json_begin_object(w);
                                json_key_uint(w, "major", major);
                                json_key_uint(w, "minor", minor);
                                json_key_string(w, "op", k == 0 ? "Read" : "Write");
                                json_key_uint(w, "value", k == 0 ? rd : wr);
                                json_end_object(w);
                        }
                }
        json_end_array(w);
}

static void write_blkio(JsonWriter *w, const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *e = entry_of(l, s, "blkio");

        if (!e || e->v2)
                e = entry_of(l, s, "io");
        if (!e)
                return;
        json_key(w, "blkio");
        json_begin_object(w);
        if (e->v2) {
                write_blkio_list(w, "ioServiceBytesRecursive", e, "io.stat", true);
                write_blkio_list(w, "ioServicedRecursive", e, "io.stat", false);
        } else {
                write_blkio_list(w, "ioServiceBytesRecursive", e, "blkio.throttle.io_service_bytes_recursive", false);
                write_blkio_list(w, "ioServicedRecursive", e, "blkio.throttle.io_serviced_recursive", false);
        }
        json_end_object(w);
}

/* One entry per huge page size the kernel has ("hugepages-2048kB" → "2MB"). */
static void write_hugetlb(JsonWriter *w, const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *e = entry_of(l, s, "hugetlb");
        DIR *d;
        struct dirent *de;

        if (!e || !(d = opendir("/sys/kernel/mm/hugepages")))
                return;
        json_key(w, "hugetlb");
        json_begin_object(w);
        while ((de = readdir(d))) {
                unsigned long kb;
                char size[32], file[96];

                if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
                        continue;
                if (kb >= 1024 * 1024 && kb % (1024 * 1024) == 0)
                        snprintf(size, sizeof size, "%luGB", kb / (1024 * 1024));
                else if (kb >= 1024 && kb % 1024 == 0)
                        snprintf(size, sizeof size, "%luMB", kb / 1024);
                else
                        snprintf(size, sizeof size, "%luKB", kb);
                json_key(w, size);
                json_begin_object(w);
                snprintf(file, sizeof file, e->v2 ? "hugetlb.%s.current" : "hugetlb.%s.usage_in_bytes", size);
                json_key_uint(w, "usage", read_number(e, file));
                if (!e->v2) {
                        snprintf(file, sizeof file, "hugetlb.%s.max_usage_in_bytes", size);
                        json_key_uint(w, "max_usage", read_number(e, file));
                        snprintf(file, sizeof file, "hugetlb.%s.failcnt", size);
                        json_key_uint(w, "failcnt", read_number(e, file));
                } else {
                        snprintf(file, sizeof file, "hugetlb.%s.events", size);
                        json_key_uint(w, "failcnt", read_keyed(e, file, "max"));
                }
                json_end_object(w);
        }
        closedir(d);
        json_end_object(w);
}

char *cgroup_stats_json(const CgroupLayout *l, const CgroupSet *s) {
        JsonWriter w = {};

        json_begin_object(&w);
        write_cpu(&w, l, s);
        write_memory(&w, l, s);
        write_pids(&w, l, s);
        write_blkio(&w, l, s);
        write_hugetlb(&w, l, s);
        json_end_object(&w);
        return json_writer_steal(&w);
}

uint64_t cgroup_oom_kills(const CgroupLayout *l, const CgroupSet *s) {
        const CgroupEntry *e = entry_of(l, s, "memory");
        if (!e)
                return 0;
        return e->v2 ? read_keyed(e, "memory.events", "oom_kill") : read_keyed(e, "memory.oom_control", "oom_kill");
}
