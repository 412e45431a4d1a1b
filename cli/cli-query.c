/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* state and list, in runc's formats. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>

#include "cli.h"
#include "container-id.h"
#include "json-writer.h"

#define OCI_VERSION "1.3.0"

static const char *user_name(uid_t uid, char *buf, size_t size) {
        struct passwd *pw = getpwuid(uid);
        if (pw)
                return pw->pw_name;
        snprintf(buf, size, "#%u", uid);
        return buf;
}

/* The fields runc prints for a container in both `state` and `list --format json`. */
static void json_container(JsonWriter *w, const char *id, uint32_t pid, const char *status, const char *bundle,
                           const char *rootfs, const char *created, uid_t owner) {
        char ubuf[32];
        json_key_string(w, "ociVersion", OCI_VERSION);
        json_key_string(w, "id", id);
        json_key_uint(w, "pid", pid);
        json_key_string(w, "status", status);
        json_key_string(w, "bundle", bundle);
        json_key_string(w, "rootfs", rootfs);
        json_key_string(w, "created", created);
        json_key_string(w, "owner", user_name(owner, ubuf, sizeof ubuf));
}

/* Runs the host's ps and prints its header and the lines whose PID column is one of pids. */
static int print_ps_table(const uint32_t *pids, size_t n, int argc, char **argv) {
        _cleanup_free_ char *cmd = NULL, *line = NULL;
        size_t cmd_len = 0, cap = 0;
        int pid_column = -1;
        FILE *f, *p;

        /* Built for popen() with every argument quoted: ps options come from our caller. */
        f = open_memstream(&cmd, &cmd_len);
        if (!f)
                return -ENOMEM;
        fputs("exec ps", f);
        if (argc == 0)
                fputs(" -ef", f);
        for (int i = 0; i < argc; i++) {
                fputs(" '", f);
                for (const char *c = argv[i]; *c; c++)
                        *c == '\'' ? fputs("'\\''", f) : fputc(*c, f);
                fputc('\'', f);
        }
        fclose(f);
        p = popen(cmd, "re");
        if (!p)
                return cli_error(-errno, "ps: cannot run ps: %m");
        for (bool header = true; getline(&line, &cap, p) > 0; header = false) {
                if (header) {
                        int col = 0;
                        _cleanup_free_ char *copy = strdup(line);
                        for (char *save = NULL, *w = copy ? strtok_r(copy, " \t\n", &save) : NULL; w;
                             w = strtok_r(NULL, " \t\n", &save), col++)
                                if (streq(w, "PID"))
                                        pid_column = col;
                        if (pid_column < 0) {
                                pclose(p);
                                return cli_error(-EINVAL, "ps: the ps output has no PID column");
                        }
                        fputs(line, stdout);
                        continue;
                }
                _cleanup_free_ char *copy = strdup(line);
                char *save = NULL, *w = copy ? strtok_r(copy, " \t\n", &save) : NULL;
                for (int col = 0; w && col < pid_column; col++)
                        w = strtok_r(NULL, " \t\n", &save);
                for (size_t i = 0; w && i < n; i++)
                        if ((uint32_t) strtoul(w, NULL, 10) == pids[i]) {
                                fputs(line, stdout);
                                break;
                        }
        }
        return pclose(p) == 0 ? 0 : cli_error(-EIO, "ps: ps failed");
}

/* The scalar properties of a Container1 GetAll reply. */
static int read_state_properties(sd_bus_message *reply, const char **id, const char **status, uint32_t *pid,
                                 const char **bundle, const char **rootfs, const char **created, uint32_t *owner) {
        static const char *const strings[] = { "Id", "Status", "Bundle", "Rootfs", "Created" };
        const char **string_values[] = { id, status, bundle, rootfs, created };
        int r;

        *id = *status = *bundle = *rootfs = *created = "";
        *pid = *owner = 0;
        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                const char *name;
                bool done = false;

                r = sd_bus_message_read(reply, "s", &name);
                for (size_t i = 0; r >= 0 && !done && i < ELEMENTSOF(strings); i++)
                        if (streq(name, strings[i])) {
                                r = sd_bus_message_read(reply, "v", "s", string_values[i]);
                                done = true;
                        }
                if (r >= 0 && !done && (streq(name, "Pid") || streq(name, "Owner")))
                        r = sd_bus_message_read(reply, "v", "u", streq(name, "Pid") ? pid : owner);
                else if (r >= 0 && !done)
                        r = sd_bus_message_skip(reply, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        return r;
}

VERB(state) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *status, *bundle, *rootfs, *created, *id, *key, *value;
        _cleanup_free_ char *text = NULL;
        JsonWriter w = { .indent = 2 };
        uint32_t pid, owner;
        Session s;
        int r;

        const char *wanted;

        r = want_id(argc, argv, "state", &wanted);
        if (r < 0)
                return r;
        r = session_open(SESSION_PLAIN, &s);
        if (r < 0)
                return r;
        r = session_new_object_call(&s, wanted, "org.freedesktop.DBus.Properties", "GetAll", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", CONTAINER_INTERFACE);
        if (r >= 0)
                r = session_call(&s, m, &reply);
        if (r < 0)
                goto finish;
        /* Two passes over the properties: runc's JSON has the annotations last. */
        r = read_state_properties(reply, &id, &status, &pid, &bundle, &rootfs, &created, &owner);
        if (r < 0) {
                cli_error(r, "bad reply to GetAll: %s", strerror(-r));
                goto finish;
        }
        json_begin_object(&w);
        json_container(&w, id, pid, status, bundle, rootfs, created, owner);
        json_key(&w, "annotations");
        json_begin_object(&w);
        r = sd_bus_message_rewind(reply, true);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                const char *name;
                r = sd_bus_message_read(reply, "s", &name);
                if (r >= 0 && streq(name, "Annotations")) {
                        r = sd_bus_message_enter_container(reply, 'v', "a{ss}");
                        if (r >= 0)
                                r = sd_bus_message_enter_container(reply, 'a', "{ss}");
                        while (r >= 0 && (r = sd_bus_message_read(reply, "{ss}", &key, &value)) > 0)
                                json_key_string(&w, key, value);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(reply);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(reply);
                } else if (r >= 0)
                        r = sd_bus_message_skip(reply, "v");
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        json_end_object(&w);
        json_end_object(&w);
        text = json_writer_steal(&w);
        if (r < 0 || !text) {
                cli_error(r < 0 ? r : -ENOMEM, "bad reply to GetAll");
                r = r < 0 ? r : -ENOMEM;
                goto finish;
        }
        printf("%s\n", text);
finish:
        session_close(&s);
        return r < 0 ? r : 0;
}

VERB(list) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "quiet", no_argument, NULL, 'q' },
                {},
        };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *id, *status, *bundle, *rootfs, *created;
        bool json = false, quiet = false;
        JsonWriter w = { .indent = 0 };
        uint32_t pid, owner;
        char ubuf[32];
        Session s;
        int c, r;

        while ((c = getopt_long_only(argc, argv, "f:q", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        if (!streq(optarg, "table") && !streq(optarg, "json"))
                                return cli_error(-EINVAL, "list: --format: \"%s\" is not table or json", optarg);
                        json = streq(optarg, "json");
                        break;
                case 'q':
                        quiet = true;
                        break;
                default:
                        return -EINVAL;
                }
        r = session_open(SESSION_PLAIN, &s);
        if (r < 0)
                return r;
        r = session_new_call(&s, "ListContainers", &m);
        if (r >= 0)
                r = session_call(&s, m, &reply);
        if (r < 0)
                goto finish;
        r = sd_bus_message_enter_container(reply, 'a', "(ssuussso)");
        if (json)
                json_begin_array(&w);
        else if (!quiet)
                printf("%-12s %-8s %-10s %-40s %-31s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
        while (r >= 0 &&
               (r = sd_bus_message_read(reply, "(ssuussso)", &id, &status, &pid, &owner, &bundle, &rootfs, &created, NULL)) > 0) {
                if (json) {
                        json_begin_object(&w);
                        json_container(&w, id, pid, status, bundle, rootfs, created, owner);
                        json_end_object(&w);
                } else if (quiet)
                        printf("%s\n", id);
                else
                        printf("%-12s %-8u %-10s %-40s %-31s %s\n", id, pid, status, bundle, created,
                               user_name(owner, ubuf, sizeof ubuf));
        }
        if (r < 0) {
                cli_error(r, "bad reply to List: %s", strerror(-r));
                goto finish;
        }
        if (json) {
                _cleanup_free_ char *text = NULL;
                json_end_array(&w);
                text = json_writer_steal(&w);
                if (!text) {
                        r = cli_error(-ENOMEM, "out of memory");
                        goto finish;
                }
                printf("%s\n", text);
        }
finish:
        session_close(&s);
        return r < 0 ? r : 0;
}

/* runc ps: the container's pids as JSON, or the host's `ps` output (-ef, or the given ps
 * options) cut down to the container's processes. */
VERB(ps) {
        static const struct option options[] = { { "format", required_argument, NULL, 'f' }, {} };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const uint32_t *pids = NULL;
        bool json = false;
        size_t size = 0, n;
        Session s;
        const char *id;
        int c, r;

        while ((c = getopt_long_only(argc, argv, "+f:", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        if (!streq(optarg, "table") && !streq(optarg, "json"))
                                return cli_error(-EINVAL, "ps: --format: \"%s\" is not table or json", optarg);
                        json = streq(optarg, "json");
                        break;
                default:
                        return -EINVAL;
                }
        if (optind >= argc || !container_id_is_valid(argv[optind]))
                return cli_error(-EINVAL, "ps: missing or invalid container id");
        id = argv[optind++];
        r = session_open(SESSION_CGROUPS, &s);
        if (r < 0)
                return r;
        r = session_new_container_call(&s, id, "GetPids", &m);
        if (r >= 0)
                r = session_call(&s, m, &reply);
        if (r >= 0)
                r = sd_bus_message_read_array(reply, 'u', (const void **) &pids, &size);
        session_close(&s);
        if (r < 0)
                return r;
        n = size / sizeof(uint32_t);
        if (json) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%u", i ? "," : "", pids[i]);
                printf("]\n");
                return 0;
        }
        return print_ps_table(pids, n, argc - optind, argv + optind);
}

/* runc features: the JSON comes from the spec parser, which decides what is accepted. */
VERB(features) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *json;
        Session s;
        int r;

        if (argc > 1)
                return cli_error(-EINVAL, "features: takes no arguments");
        r = session_open(SESSION_PARSES, &s);
        if (r < 0)
                return r;
        r = session_new_call(&s, "Features", &m);
        if (r >= 0)
                r = session_call(&s, m, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "s", &json);
        if (r >= 0)
                printf("%s\n", json);
        session_close(&s);
        return r < 0 ? r : 0;
}

/* checkpoint and restore, whatever their arguments (--help too): podman asks `RUNTIME checkpoint
 * --help` whether a runtime can checkpoint and takes a failure for "no", which it reports as
 * "configured runtime does not support checkpoint/restore". */
VERB(checkpoint) {
        return cli_error(-EOPNOTSUPP, "%s: not supported: ocictl has no checkpoint/restore (CRIU) support", argv[0]);
}
