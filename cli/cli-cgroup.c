/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The verbs that act on a container's cgroup: update, pause, resume and events, as runc has them. */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "bus-errors.h"
#include "cli.h"
#include "json-writer.h"
#include "resources.h"

/* runc update's flags, and the linux.resources field each sets. */
typedef enum FlagKind { FLAG_INT, FLAG_BYTES, FLAG_STRING } FlagKind;

static const struct {
        const char *name;
        const char *path; /* below linux.resources */
        FlagKind kind;
} update_flags[] = {
        { "memory", "memory.limit", FLAG_BYTES },
        { "memory-reservation", "memory.reservation", FLAG_BYTES },
        { "memory-swap", "memory.swap", FLAG_BYTES },
        { "kernel-memory", "memory.kernel", FLAG_BYTES },
        { "kernel-memory-tcp", "memory.kernelTCP", FLAG_BYTES },
        { "cpu-share", "cpu.shares", FLAG_INT },
        { "cpu-shares", "cpu.shares", FLAG_INT },
        { "cpu-quota", "cpu.quota", FLAG_INT },
        { "cpu-period", "cpu.period", FLAG_INT },
        { "cpu-burst", "cpu.burst", FLAG_INT },
        { "cpu-rt-runtime", "cpu.realtimeRuntime", FLAG_INT },
        { "cpu-rt-period", "cpu.realtimePeriod", FLAG_INT },
        { "cpu-idle", "cpu.idle", FLAG_INT },
        { "cpuset-cpus", "cpu.cpus", FLAG_STRING },
        { "cpuset-mems", "cpu.mems", FLAG_STRING },
        { "pids-limit", "pids.limit", FLAG_INT },
        { "blkio-weight", "blockIO.weight", FLAG_INT },
};

#define N_UPDATE_FLAGS ELEMENTSOF(update_flags)

/* "512m", "1G", "-1", "4096" (runc's RAMInBytes: binary units, an optional trailing b). */
int parse_bytes(const char *s, int64_t *ret) {
        static const char units[] = "kmgtp";
        char *end;
        long long v;
        int64_t mult = 1;

        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno != 0 || end == s)
                return -EINVAL;
        if (*end) {
                const char *u = strchr(units, tolower((unsigned char) *end));
                if (!u)
                        return -EINVAL;
                for (long i = 0; i <= u - units; i++)
                        mult *= 1024;
                end++;
                if (tolower((unsigned char) *end) == 'i')
                        end++;
                if (tolower((unsigned char) *end) == 'b')
                        end++;
                if (*end)
                        return -EINVAL;
        }
        if (v > 0 && v > INT64_MAX / mult)
                return -ERANGE;
        *ret = v < 0 ? v : v * mult;
        return 0;
}

static int parse_integer(const char *s, int64_t *ret) {
        char *end;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno != 0 || end == s || *end)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* The flags given, as one LinuxResources document written by the same code as the state's. */
static char *flags_to_json(char *const values[N_UPDATE_FLAGS]) {
        _cleanup_(resources_done) SpecResources res = {};

        for (size_t i = 0; i < N_UPDATE_FLAGS; i++) {
                int64_t v = 0;
                if (!values[i])
                        continue;
                if (streq(update_flags[i].path, "cpu.cpus") || streq(update_flags[i].path, "cpu.mems")) {
                        char **target = streq(update_flags[i].path, "cpu.cpus") ? &res.cpus : &res.mems;
                        free(*target);
                        if (!(*target = strdup(values[i])))
                                return NULL;
                        continue;
                }
                (void) (update_flags[i].kind == FLAG_BYTES ? parse_bytes(values[i], &v) : parse_integer(values[i], &v));
                for (ResourceField f = 0; f < _RES_FIELD_MAX; f++)
                        if (streq(resource_fields[f].path, update_flags[i].path))
                                resources_set(&res, f, v);
        }
        return resources_to_json(&res);
}

/* -r FILE or - (stdin): a LinuxResources document, read by us with the caller's rights. */
static char *read_resources_file(const char *path) {
        _cleanup_close_ int fd = streq(path, "-") ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
        size_t size = 0, cap = 4096;
        char *buf = NULL;

        if (fd < 0)
                return NULL;
        for (;;) {
                char *n;
                ssize_t k;
                if (size + 1 >= cap || !buf) {
                        if (cap > 4 * 1024 * 1024 || !(n = realloc(buf, cap *= 2))) {
                                free(buf);
                                errno = EFBIG;
                                return NULL;
                        }
                        buf = n;
                }
                k = read(fd, buf + size, cap - size - 1);
                if (k < 0) {
                        free(buf);
                        return NULL;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        buf[size] = 0;
        return buf;
}

VERB(update) {
        enum { ARG_FIRST = 0x100, ARG_RDT = 0x200 };
        struct option options[N_UPDATE_FLAGS + 4] = {};
        char *values[N_UPDATE_FLAGS] = {};
        _cleanup_free_ char *file_json = NULL, *flags_json = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const char *resources = NULL, *id;
        bool any_flag = false;
        Session s;
        int c, r;

        for (size_t i = 0; i < N_UPDATE_FLAGS; i++)
                options[i] = (struct option) { update_flags[i].name, required_argument, NULL, ARG_FIRST + (int) i };
        options[N_UPDATE_FLAGS] = (struct option) { "resources", required_argument, NULL, 'r' };
        options[N_UPDATE_FLAGS + 1] = (struct option) { "l3-cache-schema", required_argument, NULL, ARG_RDT };
        options[N_UPDATE_FLAGS + 2] = (struct option) { "mem-bw-schema", required_argument, NULL, ARG_RDT };

        while ((c = getopt_long_only(argc, argv, "+r:", options, NULL)) >= 0) {
                if (c == 'r')
                        resources = optarg;
                else if (c == ARG_RDT)
                        return cli_error(-EOPNOTSUPP, "update: Intel RDT (--l3-cache-schema, --mem-bw-schema): not supported yet");
                else if (c >= ARG_FIRST && c < ARG_FIRST + (int) N_UPDATE_FLAGS) {
                        size_t i = (size_t) (c - ARG_FIRST);
                        int64_t v;
                        if (update_flags[i].kind == FLAG_BYTES && parse_bytes(optarg, &v) < 0)
                                return cli_error(-EINVAL, "update: --%s: \"%s\" is not a size (bytes, or with k, m, g)",
                                                 update_flags[i].name, optarg);
                        if (update_flags[i].kind == FLAG_INT && parse_integer(optarg, &v) < 0)
                                return cli_error(-EINVAL, "update: --%s: \"%s\" is not an integer", update_flags[i].name,
                                                 optarg);
                        values[i] = optarg;
                        any_flag = true;
                } else
                        return -EINVAL;
        }
        r = want_id(argc, argv, "update", &id);
        if (r < 0)
                return r;
        /* Nothing to change is no error, as with runc (it only checks the container). */
        if (resources && !(file_json = read_resources_file(resources)))
                return cli_error(-errno, "update: --resources %s: %m", resources);
        if (any_flag && !(flags_json = flags_to_json(values)))
                return cli_error(-ENOMEM, "update: out of memory");

        r = session_open(SESSION_PARSES | SESSION_CGROUPS, &s);
        if (r < 0)
                return r;
        /* The file first, then the flags: as runc, a flag wins over the file. */
        r = session_new_container_call(&s, id, "Update", &m);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, (char *[]) { file_json ?: flags_json, file_json ? flags_json : NULL, NULL });
        if (r < 0)
                r = cli_error(r, "update: cannot build the call: %s", strerror(-r));
        else
                r = session_call(&s, m, NULL);
        session_close(&s);
        return r < 0 ? r : 0;
}

static int pause_or_resume(int argc, char **argv, const char *verb, const char *member) {
        Session s;
        const char *id;
        int r;

        r = want_id(argc, argv, verb, &id);
        if (r >= 0)
                r = session_open(SESSION_CGROUPS, &s);
        if (r < 0)
                return r;
        r = call_container(&s, id, member, "");
        session_close(&s);
        return r < 0 ? r : 0;
}

VERB(pause) {
        return pause_or_resume(argc, argv, "pause", "Pause");
}

VERB(resume) {
        return pause_or_resume(argc, argv, "resume", "Resume");
}

/* "5s", "250ms", "1m", "2h"; a bare number is seconds. */
static int parse_interval(const char *s, uint64_t *ret_ms) {
        char *end;
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno != 0 || end == s || v <= 0)
                return -EINVAL;
        if (streq(end, "ms"))
                *ret_ms = (uint64_t) v;
        else if (!*end || streq(end, "s"))
                *ret_ms = (uint64_t) (v * 1000);
        else if (streq(end, "m"))
                *ret_ms = (uint64_t) (v * 60000);
        else if (streq(end, "h"))
                *ret_ms = (uint64_t) (v * 3600000);
        else
                return -EINVAL;
        return *ret_ms > 0 ? 0 : -EINVAL;
}

static uint64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Registry1.Stats. *gone is set when the container has stopped or been deleted since the first
 * call (which reports it as an error). */
static int get_stats(Session *s, const char *id, bool first, char **ret_json, uint64_t *ret_ooms, bool *gone) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *json;
        int r;

        r = session_new_container_call(s, id, "Stats", &m);
        if (r < 0)
                return cli_error(r, "events: cannot build the call: %s", strerror(-r));
        r = peer_call(&s->registry, m, &error, &reply);
        if (r < 0) {
                *gone = !first && (sd_bus_error_has_name(&error, OCICTL_ERROR_INVALID_STATE) ||
                                   sd_bus_error_has_name(&error, OCICTL_ERROR_NO_SUCH_CONTAINER));
                if (!*gone)
                        cli_error(r, "events: %s", error.message ?: strerror(-r));
                return *gone ? 0 : r;
        }
        r = sd_bus_message_read(reply, "st", &json, ret_ooms);
        if (r < 0)
                return cli_error(r, "events: bad reply: %s", strerror(-r));
        *ret_json = strdup(json);
        return *ret_json ? 0 : -ENOMEM;
}

static void print_event(const char *type, const char *id, const char *data) {
        JsonWriter w = {};
        _cleanup_free_ char *text = NULL;

        json_begin_object(&w);
        json_key_string(&w, "type", type);
        json_key_string(&w, "id", id);
        if (data) {
                json_key(&w, "data");
                json_raw(&w, data);
        }
        json_end_object(&w);
        text = json_writer_steal(&w);
        if (text) {
                printf("%s\n", text);
                fflush(stdout);
        }
}

/* runc events: --stats prints one stats event; otherwise a stats event every --interval and an
 * oom event each time the OOM killer strikes in the container, until it stops. The OOM count
 * is polled at most every 200 ms: no cgroup watch has to live in a service between calls. */
VERB(events) {
        static const struct option options[] = {
                { "stats", no_argument, NULL, 's' },
                { "interval", required_argument, NULL, 'i' },
                {},
        };
        uint64_t interval = 5000, ooms = 0, last_ooms = 0, next_stats;
        bool once = false, gone = false;
        const char *id;
        Session s;
        int c, r;

        while ((c = getopt_long_only(argc, argv, "+", options, NULL)) >= 0)
                if (c == 's')
                        once = true;
                else if (c == 'i') {
                        if (parse_interval(optarg, &interval) < 0)
                                return cli_error(-EINVAL, "events: --interval: \"%s\" is not a duration (5s, 250ms)", optarg);
                } else
                        return -EINVAL;
        r = want_id(argc, argv, "events", &id);
        if (r >= 0)
                r = session_open(SESSION_CGROUPS, &s);
        if (r < 0)
                return r;
        next_stats = now_ms();
        for (bool first = true;; first = false) {
                _cleanup_free_ char *json = NULL;
                const struct timespec tick = { 0, 200 * 1000 * 1000 };

                r = get_stats(&s, id, first, &json, &ooms, &gone);
                if (r < 0 || gone)
                        break;
                if (once) {
                        print_event("stats", id, json);
                        break;
                }
                if (!first && ooms > last_ooms)
                        print_event("oom", id, NULL);
                last_ooms = ooms;
                if (now_ms() >= next_stats) {
                        print_event("stats", id, json);
                        next_stats += interval;
                }
                nanosleep(&tick, NULL);
        }
        session_close(&s);
        return r < 0 ? r : 0;
}
