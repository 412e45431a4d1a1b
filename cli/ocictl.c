/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ocictl: runc's command line, turned into method calls on the ocictl services. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "process-util.h"
#include "service-mains.h"
#include "service-spawn.h"

static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
        const char *summary;
} verbs[] = {
        { "spec", verb_spec, "write a default config.json into the bundle" },
        { "create", verb_create, "create a container (init waits for start)" },
        { "start", verb_start, "run the user process of a created container" },
        { "run", verb_run, "create and start a container, wait for it unless --detach" },
        { "exec", verb_exec, "run a new process in a running container" },
        { "state", verb_state, "print a container's state as JSON" },
        { "list", verb_list, "list containers" },
        { "ps", verb_ps, "list a container's processes" },
        { "kill", verb_kill, "send a signal to a container's init (or all its processes)" },
        { "delete", verb_delete, "delete a container and everything it holds" },
        { "update", verb_update, "change a container's cgroup limits" },
        { "pause", verb_pause, "freeze every process of a container" },
        { "resume", verb_resume, "thaw a paused container" },
        { "events", verb_events, "print a container's stats and OOM events as JSON" },
        { "features", verb_features, "print what this runtime supports (runc's JSON)" },
        { "sandbox", verb_sandbox, "run a command in a sandbox through the system bus, as yourself" },
        { "checkpoint", verb_checkpoint, "not supported: ocictl has no CRIU support" },
        { "restore", verb_checkpoint, "not supported: ocictl has no CRIU support" },
};

static void help(void) {
        printf("ocictl — an OCI container runtime made of D-Bus services\n\n"
               "Usage: ocictl [global options] COMMAND [options] [arguments]\n\nCommands:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-8s %s\n", verbs[i].name, verbs[i].summary);
        printf("\nGlobal options:\n"
               "  --root DIR             state directory (default /run/ocictl)\n"
               "  --system               use the services on the system bus (DBUS_SYSTEM_BUS_ADDRESS)\n"
               "  --bus-address ADDRESS  use services on this D-Bus bus (also OCICTL_BUS_ADDRESS)\n"
               "  --no-ask-password      on a bus, refuse instead of letting polkit ask for a password\n"
               "  --log FILE             write logs to FILE\n"
               "  --log-format text|json log format (default text)\n"
               "  --debug                log debug messages\n"
               "  --systemd-cgroup       the container's cgroup is a systemd scope (cgroupsPath slice:prefix:name)\n"
               "  --rootless true|false|auto\n"
               "  --help, --version\n");
}

int main(int argc, char **argv) {
        enum { ARG_ROOT = 0x100, ARG_LOG, ARG_LOG_FORMAT, ARG_DEBUG, ARG_BUS, ARG_SYSTEMD, ARG_ROOTLESS, ARG_CRIU, ARG_SYSTEM,
               ARG_NO_ASK_PASSWORD };
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "log", required_argument, NULL, ARG_LOG },
                { "log-format", required_argument, NULL, ARG_LOG_FORMAT },
                { "debug", no_argument, NULL, ARG_DEBUG },
                { "bus-address", required_argument, NULL, ARG_BUS },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK_PASSWORD },
                { "systemd-cgroup", no_argument, NULL, ARG_SYSTEMD },
                { "rootless", required_argument, NULL, ARG_ROOTLESS },
                { "criu", required_argument, NULL, ARG_CRIU },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'v' },
                {},
        };
        LogFormat format = LOG_FORMAT_TEXT;
        int c;

        /* Direct mode forks these two from us rather than exec'ing them (service-spawn.h). */
        service_spawn_set_argv_area(argc, argv);
        service_spawn_in_process(SERVICE_REGISTRY, registry_service_main);
        service_spawn_in_process(SERVICE_CGROUPS, cgroups_service_main);

        /* Rootless, as runc: the state lives in the user's runtime directory, for a user and for
         * root of a user namespace that is not root's (podman rootless runs us as that). */
        static char user_root[PATH_MAX];
        const char *xdg = getenv("XDG_RUNTIME_DIR"), *user = getenv("USER");
        if (geteuid() != 0 || (xdg && xdg[0] == '/' && running_in_user_namespace() && !(user && streq(user, "root")))) {
                if (xdg && xdg[0] == '/')
                        snprintf(user_root, sizeof user_root, "%s/ocictl", xdg);
                else
                        snprintf(user_root, sizeof user_root, "/run/user/%u/ocictl", (unsigned) geteuid());
                arg_global.root = user_root;
        }
        arg_global.bus_address = getenv("OCICTL_BUS_ADDRESS");
        if (arg_global.bus_address && !*arg_global.bus_address)
                arg_global.bus_address = NULL;

        /* "+": global options stop at the verb, whose own options come after it. */
        while ((c = getopt_long_only(argc, argv, "+hv", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT:
                        if (optarg[0] != '/') {
                                cli_error(-EINVAL, "--root: \"%s\" is not an absolute path", optarg);
                                return 1;
                        }
                        arg_global.root = optarg;
                        break;
                case ARG_LOG:
                        arg_global.log_path = optarg;
                        break;
                case ARG_LOG_FORMAT:
                        format = log_format_from_string(optarg);
                        if (format < 0) {
                                cli_error(-EINVAL, "--log-format: unknown format \"%s\" (text or json)", optarg);
                                return 1;
                        }
                        break;
                case ARG_DEBUG:
                        arg_global.debug = true;
                        break;
                case ARG_BUS:
                        arg_global.bus_address = optarg;
                        break;
                case ARG_SYSTEM: {
                        /* Where sd_bus_open_system() looks: the variable, else the standard socket. */
                        const char *e = getenv("DBUS_SYSTEM_BUS_ADDRESS");
                        arg_global.bus_address = e && *e ? e : "unix:path=/run/dbus/system_bus_socket";
                        break;
                }
                case ARG_NO_ASK_PASSWORD:
                        arg_global.ask_password = false;
                        break;
                case ARG_SYSTEMD:
                        arg_global.systemd_cgroup = true;
                        break;
                case ARG_CRIU:
                        break; /* runc's: the CRIU binary for checkpoint and restore, which we refuse */
                case ARG_ROOTLESS:
                        if (streq(optarg, "true"))
                                arg_global.rootless = ROOTLESS_TRUE;
                        else if (streq(optarg, "false"))
                                arg_global.rootless = ROOTLESS_FALSE;
                        else if (streq(optarg, "auto"))
                                arg_global.rootless = ROOTLESS_AUTO;
                        else {
                                cli_error(-EINVAL, "--rootless: \"%s\" is not true, false or auto", optarg);
                                return 1;
                        }
                        break;
                case 'h':
                        help();
                        return 0;
                case 'v':
                        printf("ocictl version %s\nspec: 1.3.0\nsd-bus: %s\nlibc: %s\n", OCICTL_VERSION, OCICTL_SDBUS, OCICTL_LIBC);
                        return 0;
                default:
                        return 1;
                }

        if (arg_global.log_path) {
                arg_global.log_fd = open(arg_global.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (arg_global.log_fd < 0) {
                        cli_error(-errno, "--log: cannot open %s: %m", arg_global.log_path);
                        return 1;
                }
        }
        log_setup("ocictl", arg_global.debug ? LOG_DEBUG : LOG_WARNING, format,
                  arg_global.log_fd >= 0 ? arg_global.log_fd : STDERR_FILENO);
        /* The services we fork log the same way. */
        setenv("OCICTL_LOG_LEVEL", arg_global.debug ? "7" : "4", 1);
        setenv("OCICTL_LOG_FORMAT", log_format_to_string(format), 1);

        if (optind >= argc) {
                help();
                return 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(argv[optind], verbs[i].name)) {
                        int r;
                        argc -= optind;
                        argv += optind;
                        optind = 0; /* the verb parses its own argv from the start */
                        r = verbs[i].run(argc, argv);
                        return r < 0 ? 1 : r;
                }
        cli_error(-EINVAL, "unknown command \"%s\" (see ocictl --help)", argv[optind]);
        return 1;
}
