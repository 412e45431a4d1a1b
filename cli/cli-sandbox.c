/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `ocictl sandbox [options] [--] CMD…`: CMD in a sandbox of the system services
 * (Registry1.RunSandbox, docs/sandbox.md), as the calling user, with bubblewrap's options where
 * they mean the same. The sandbox gets our stdin, stdout and stderr (a terminal among them is
 * its terminal too), our environment and signals; we exit with CMD's status, and the sandbox
 * is deleted. No setuid binary: the services do the privileged part, polkit decides. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "bus-errors.h"
#include "cli.h"

extern char **environ;

#define SANDBOX_BINDS_MAX 16

typedef struct SandboxArgs {
        const char *bind_src[SANDBOX_BINDS_MAX], *bind_dest[SANDBOX_BINDS_MAX];
        bool bind_writable[SANDBOX_BINDS_MAX];
        size_t n_binds;
        const char *tmpfs[SANDBOX_BINDS_MAX];
        size_t n_tmpfs;
        const char *chdir;
        bool share_net, die_with_parent;
        uint64_t memory, pids;
        uint32_t timeout;
} SandboxArgs;

static void sandbox_help(void) {
        printf("Usage: ocictl sandbox [options] [--] COMMAND [ARG...]\n\n"
               "Runs COMMAND as you in a sandbox of ocictl's system services (needs org.ocictl.sandbox).\n\n"
               "  --ro-bind SRC DEST  SRC (yours to read) at DEST, read-only\n"
               "  --bind SRC DEST     SRC (yours to write) at DEST, writable\n"
               "  --tmpfs DEST        a new tmpfs at DEST\n"
               "  --chdir DIR         start in DIR (default /)\n"
               "  --share-net         the host's network (needs org.ocictl.manage); default: none\n"
               "  --memory BYTES      memory limit (512m, 1G); default: your own cgroup's\n"
               "  --pids N            process limit; default: your own cgroup's\n"
               "  --timeout SEC       kill it after SEC seconds\n"
               "  --die-with-parent   killed and deleted when this command goes away\n");
}

static int add_bind(SandboxArgs *a, const char *src, const char *dest, bool writable) {
        if (a->n_binds >= SANDBOX_BINDS_MAX)
                return cli_error(-E2BIG, "sandbox: more than %d binds", SANDBOX_BINDS_MAX);
        a->bind_src[a->n_binds] = src;
        a->bind_dest[a->n_binds] = dest;
        a->bind_writable[a->n_binds++] = writable;
        return 0;
}

static int parse_sandbox_args(int argc, char **argv, SandboxArgs *a) {
        enum { ARG_RO_BIND = 0x100, ARG_BIND, ARG_TMPFS, ARG_CHDIR, ARG_SHARE_NET, ARG_MEMORY, ARG_PIDS,
               ARG_TIMEOUT, ARG_DIE };
        static const struct option options[] = {
                { "ro-bind", required_argument, NULL, ARG_RO_BIND },
                { "bind", required_argument, NULL, ARG_BIND },
                { "tmpfs", required_argument, NULL, ARG_TMPFS },
                { "chdir", required_argument, NULL, ARG_CHDIR },
                { "share-net", no_argument, NULL, ARG_SHARE_NET },
                { "memory", required_argument, NULL, ARG_MEMORY },
                { "pids", required_argument, NULL, ARG_PIDS },
                { "timeout", required_argument, NULL, ARG_TIMEOUT },
                { "die-with-parent", no_argument, NULL, ARG_DIE },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int64_t v;
        char *end;
        int c, r;

        /* "+": the command's own options are its own. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case ARG_RO_BIND:
                case ARG_BIND:
                        /* Two arguments, as bubblewrap's: SRC was optarg, DEST is the next. */
                        if (optind >= argc)
                                return cli_error(-EINVAL, "sandbox: --%s SRC DEST: DEST missing",
                                                 c == ARG_BIND ? "bind" : "ro-bind");
                        r = add_bind(a, optarg, argv[optind++], c == ARG_BIND);
                        if (r < 0)
                                return r;
                        break;
                case ARG_TMPFS:
                        if (a->n_tmpfs >= SANDBOX_BINDS_MAX)
                                return cli_error(-E2BIG, "sandbox: more than %d --tmpfs", SANDBOX_BINDS_MAX);
                        a->tmpfs[a->n_tmpfs++] = optarg;
                        break;
                case ARG_CHDIR:
                        a->chdir = optarg;
                        break;
                case ARG_SHARE_NET:
                        a->share_net = true;
                        break;
                case ARG_MEMORY:
                        if (parse_bytes(optarg, &v) < 0 || v <= 0)
                                return cli_error(-EINVAL, "sandbox: --memory: \"%s\" is not a size", optarg);
                        a->memory = (uint64_t) v;
                        break;
                case ARG_PIDS:
                        errno = 0;
                        v = strtoll(optarg, &end, 10);
                        if (errno || *end || v <= 0)
                                return cli_error(-EINVAL, "sandbox: --pids: \"%s\" is not a positive number", optarg);
                        a->pids = (uint64_t) v;
                        break;
                case ARG_TIMEOUT:
                        errno = 0;
                        v = strtoll(optarg, &end, 10);
                        if (errno || *end || v <= 0 || v > UINT32_MAX)
                                return cli_error(-EINVAL, "sandbox: --timeout: \"%s\" is not a number of seconds", optarg);
                        a->timeout = (uint32_t) v;
                        break;
                case ARG_DIE:
                        a->die_with_parent = true;
                        break;
                case 'h':
                        sandbox_help();
                        return 1;
                default:
                        return -EINVAL;
                }
        if (optind >= argc)
                return cli_error(-EINVAL, "sandbox: no command (see ocictl sandbox --help)");
        return 0;
}

static int append_sandbox_call(sd_bus_message *m, const SandboxArgs *a, char **cmd) {
        int r = sd_bus_message_append_strv(m, cmd);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, environ);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", a->chdir ?: "/");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(ssb)");
        for (size_t i = 0; r >= 0 && i < a->n_binds; i++)
                r = sd_bus_message_append(m, "(ssb)", a->bind_src[i], a->bind_dest[i], a->bind_writable[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(hsb)", 0);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "s");
        for (size_t i = 0; r >= 0 && i < a->n_tmpfs; i++)
                r = sd_bus_message_append(m, "s", a->tmpfs[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && a->share_net)
                r = sd_bus_message_append(m, "{sv}", "network", "s", "host");
        if (r >= 0 && a->memory)
                r = sd_bus_message_append(m, "{sv}", "memoryMax", "t", a->memory);
        if (r >= 0 && a->pids)
                r = sd_bus_message_append(m, "{sv}", "pidsMax", "t", a->pids);
        if (r >= 0 && a->timeout)
                r = sd_bus_message_append(m, "{sv}", "timeoutSec", "u", a->timeout);
        if (r >= 0 && a->die_with_parent)
                r = sd_bus_message_append(m, "{sv}", "dieWithCaller", "b", 1);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "hhh", STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO);
        return r;
}

VERB(sandbox) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        SandboxArgs a = {};
        const char *id, *path;
        Session s;
        int pidfd, r, status;

        r = parse_sandbox_args(argc, argv, &a);
        if (r != 0)
                return r > 0 ? 0 : r;
        /* As the calling user, through the system services: the system bus unless told. */
        if (!arg_global.bus_address) {
                const char *e = getenv("DBUS_SYSTEM_BUS_ADDRESS");
                arg_global.bus_address = e && *e ? e : "unix:path=/run/dbus/system_bus_socket";
        }
        block_forwarded_signals(false);
        r = session_open(SESSION_PLAIN, &s);
        if (r < 0)
                return r;
        r = session_new_call(&s, "RunSandbox", &m);
        if (r >= 0)
                r = append_sandbox_call(m, &a, argv + optind);
        if (r < 0) {
                session_close(&s);
                return cli_error(r, "sandbox: cannot build the call: %s", strerror(-r));
        }
        r = session_call(&s, m, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "soh", &id, &path, &pidfd);
        if (r < 0) {
                session_close(&s);
                return r;
        }
        status = wait_for_process(&s, id, true, 0, 0);
        (void) call_container(&s, id, "Delete", "b", false);
        session_close(&s);
        return status < 0 ? 1 : status;
}
