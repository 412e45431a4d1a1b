/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* create, start, run, kill, delete: runc's flags, exit codes and error strings. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli.h"
#include "container-id.h"
#include "create-options.h"
#include "process-util.h"

int want_id(int argc, char **argv, const char *verb, const char **ret) {
        if (optind < 1) {
                /* The verb takes no options, so getopt never ran: "-x" is not an id either. */
                optind = 1;
                if (optind < argc && argv[optind][0] == '-' && !streq(argv[optind], "--"))
                        return cli_error(-EINVAL, "%s: unknown option \"%s\"", verb, argv[optind]);
                if (optind < argc && streq(argv[optind], "--"))
                        optind++;
        }
        if (optind >= argc)
                return cli_error(-EINVAL, "%s: missing the container id", verb);
        if (!container_id_is_valid(argv[optind]))
                return cli_error(-EINVAL, "%s: invalid container id \"%s\"", verb, argv[optind]);
        *ret = argv[optind++];
        return 0;
}

/* runc's --pid-file: written next to its final name and renamed, so readers see all or nothing. */
int write_pid_file(const char *path, pid_t pid) {
        char tmp[PATH_MAX + 16];
        struct stat st;
        FILE *f;

        /* rename() would put a regular file in place of a device or socket (/dev/full). */
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
                return cli_error(-EEXIST, "--pid-file: %s exists and is not a regular file", path);
        snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int) getpid());
        f = fopen(tmp, "wxe");
        if (!f)
                return cli_error(-errno, "--pid-file: cannot create %s: %m", tmp);
        fprintf(f, "%d", (int) pid);
        if (fclose(f) != 0 || rename(tmp, path) < 0) {
                int r = -errno;
                unlink(tmp);
                return cli_error(r, "--pid-file: cannot write %s: %s", path, strerror(-r));
        }
        return 0;
}

typedef struct CreateFlags {
        const char *bundle;
        const char *pid_file;
        bool detach;
        bool keep; /* run --keep: the stopped container stays for the caller to delete */
        bool no_subreaper; /* run --no-subreaper: orphans of the container go to the host's reaper */
        CreateOptions options; /* what travels to the services */
} CreateFlags;

static int parse_create_options(int argc, char **argv, const char *verb, bool allow_detach, CreateFlags *o) {
        enum { ARG_NO_PIVOT = 0x100, ARG_NO_NEW_KEYRING, ARG_CONSOLE_SOCKET, ARG_PRESERVE_FDS, ARG_KEEP, ARG_NO_SUBREAPER };
        static const struct option options[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "pid-file", required_argument, NULL, 'p' },
                { "detach", no_argument, NULL, 'd' },
                { "no-pivot", no_argument, NULL, ARG_NO_PIVOT },
                { "no-new-keyring", no_argument, NULL, ARG_NO_NEW_KEYRING },
                { "console-socket", required_argument, NULL, ARG_CONSOLE_SOCKET },
                { "preserve-fds", required_argument, NULL, ARG_PRESERVE_FDS },
                { "keep", no_argument, NULL, ARG_KEEP },
                { "no-subreaper", no_argument, NULL, ARG_NO_SUBREAPER },
                {},
        };
        const char *preserve = NULL;
        int c;

        o->options = (CreateOptions) CREATE_OPTIONS_INIT;
        o->options.rootless = arg_global.rootless;
        o->options.systemd_cgroup = arg_global.systemd_cgroup;
        o->options.notify_socket = getenv("NOTIFY_SOCKET") && *getenv("NOTIFY_SOCKET");
        while ((c = getopt_long_only(argc, argv, "b:d", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case 'p':
                        o->pid_file = optarg;
                        break;
                case 'd':
                        if (!allow_detach)
                                return cli_error(-EINVAL, "%s: unknown option --detach", verb);
                        o->detach = true;
                        break;
                case ARG_NO_PIVOT:
                        o->options.no_pivot = true;
                        break;
                case ARG_KEEP:
                        if (!allow_detach)
                                return cli_error(-EINVAL, "%s: unknown option --keep", verb);
                        o->keep = true;
                        break;
                case ARG_NO_SUBREAPER:
                        if (!allow_detach)
                                return cli_error(-EINVAL, "%s: unknown option --no-subreaper", verb);
                        o->no_subreaper = true;
                        break;
                case ARG_NO_NEW_KEYRING:
                        o->options.no_new_keyring = true;
                        break;
                case ARG_CONSOLE_SOCKET:
                        safe_close(o->options.console_socket);
                        o->options.console_socket = connect_console_socket(optarg);
                        if (o->options.console_socket < 0)
                                return o->options.console_socket;
                        break;
                case ARG_PRESERVE_FDS:
                        preserve = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (o->keep && o->detach)
                return cli_error(-EINVAL, "%s: --detach and --keep cannot both be used", verb);
        return add_preserved_fds(preserve, true, &o->options);
}

typedef struct Bundle {
        char path[PATH_MAX];
        int config_fd;
} Bundle;

/* Opens BUNDLE/config.json here, with the caller's rights (the services only get the fd), and
 * before any service is started: a typo costs nothing. */
static int open_bundle(const CreateFlags *o, Bundle *ret) {
        char config[PATH_MAX + 16];
        struct stat st;

        if (!realpath(o->bundle ?: ".", ret->path))
                return cli_error(-errno, "bundle %s: %m", o->bundle ?: ".");
        snprintf(config, sizeof config, "%s/config.json", ret->path);
        /* O_NONBLOCK: opening a FIFO for reading would wait for a writer forever. */
        ret->config_fd = open(config, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (ret->config_fd < 0)
                return cli_error(-errno, "config.json: cannot open %s: %m", config);
        if (fstat(ret->config_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
                ret->config_fd = safe_close(ret->config_fd);
                return cli_error(-EINVAL, "config.json: %s is not a regular file", config);
        }
        return 0;
}

static int create_container(Session *s, const char *id, const Bundle *b, const CreateFlags *o, pid_t *ret_pid) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        const char *bundle = b->path;
        int config_fd = b->config_fd;
        uint32_t pid;
        int r;

        r = session_new_call(s, "CreateContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sshhhh", id, bundle, config_fd, STDIN_FILENO, STDOUT_FILENO,
                                          STDERR_FILENO);
        if (r >= 0)
                r = create_options_append(m, &o->options);
        if (r < 0)
                return cli_error(r, "cannot build the CreateContainer call: %s", strerror(-r));
        r = session_call(s, m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ou", NULL, &pid);
        if (r < 0)
                return cli_error(r, "bad reply to CreateContainer: %s", strerror(-r));
        if (o->pid_file) {
                r = write_pid_file(o->pid_file, (pid_t) pid);
                if (r < 0)
                        return r; /* the caller deletes the container */
        }
        *ret_pid = (pid_t) pid;
        return 0;
}

/* What create and run share: options, id, bundle, services, Create. *ret_opened says whether the
 * session is open (and must be closed) whatever the result. */
static int open_and_create(int argc, char **argv, const char *verb, bool allow_detach, CreateFlags *o, Session *s,
                           bool *ret_opened, const char **ret_id, pid_t *ret_pid, int *ret_console) {
        Bundle b = { .config_fd = -EBADF };
        _cleanup_close_ int theirs = -EBADF;
        int r;

        r = parse_create_options(argc, argv, verb, allow_detach, o);
        if (r >= 0)
                r = want_id(argc, argv, verb, ret_id);
        /* `run` in the foreground relays a terminal itself if the process asks for one, as runc. */
        if (r >= 0 && ret_console && !o->detach && o->options.console_socket < 0 &&
            (r = terminal_socket_pair(ret_console, &theirs)) >= 0) {
                o->options.console_socket = theirs;
                o->options.console_if_terminal = true;
        }
        if (r >= 0)
                r = open_bundle(o, &b);
        if (r >= 0)
                r = session_open(SESSION_CLONES | SESSION_PARSES | SESSION_CGROUPS, s);
        *ret_opened = r >= 0;
        if (r < 0) {
                safe_close(b.config_fd);
                return r;
        }
        r = create_container(s, *ret_id, &b, o, ret_pid);
        safe_close(b.config_fd);
        return r;
}

int call_container(Session *s, const char *id, const char *member, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = session_new_container_call(s, id, member, &m);
        if (r >= 0 && *types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r < 0)
                return cli_error(r, "cannot build the %s call: %s", member, strerror(-r));
        return session_call(s, m, NULL);
}

/* Undo a create whose follow-up failed (pid file, start): runc leaves nothing either. */
static void delete_quietly(Session *s, const char *id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        if (session_new_container_call(s, id, "Delete", &m) >= 0 && sd_bus_message_append(m, "b", true) >= 0)
                (void) peer_call(&s->registry, m, NULL, NULL);
}

VERB(create) {
        CreateFlags o = {};
        Session s;
        const char *id;
        pid_t pid;
        int r;

        bool opened;

        r = open_and_create(argc, argv, "create", false, &o, &s, &opened, &id, &pid, NULL);
        if (!opened)
                return r;
        if (r < 0 && o.pid_file)
                delete_quietly(&s, id);
        session_close(&s);
        reap_helpers(r >= 0 ? pid : 0);
        return r < 0 ? r : 0;
}

/* The container's init, for NOTIFY_SOCKET's MAINPID. */
static int init_pid(Session *s, const char *id, pid_t *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        uint32_t pid;
        int r = session_new_object_call(s, id, "org.freedesktop.DBus.Properties", "Get", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", CONTAINER_INTERFACE, "Pid");
        if (r >= 0)
                r = session_call(s, m, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "v", "u", &pid);
        if (r < 0)
                return r;
        *ret = (pid_t) pid;
        return 0;
}

VERB(start) {
        _cleanup_close_ int notify_fd = -EBADF;
        Session s;
        const char *id;
        pid_t pid;
        int r;

        r = want_id(argc, argv, "start", &id);
        /* The registry alone opens exec.fifo; it starts the spawner itself for poststart hooks. */
        if (r >= 0)
                r = session_open(SESSION_PLAIN, &s);
        if (r < 0)
                return r;
        r = notify_relay_open(id, &notify_fd);
        if (r >= 0)
                r = call_container(&s, id, "Start", "");
        if (r >= 0 && notify_fd >= 0 && (r = init_pid(&s, id, &pid)) >= 0)
                r = notify_relay_wait(notify_fd, pid);
        session_close(&s);
        return r < 0 ? r : 0;
}

VERB(run) {
        CreateFlags o = {};
        Session s;
        const char *id;
        pid_t pid, relay_pid = 0;
        int r, status;
        _cleanup_close_ int console_ours = -EBADF, master = -EBADF;
        bool opened;

        r = open_and_create(argc, argv, "run", true, &o, &s, &opened, &id, &pid, &console_ours);
        if (!opened)
                return r;
        if (r >= 0 && console_ours >= 0 && (r = terminal_receive_master(console_ours, &master)) < 0)
                cli_error(r, "run: receive the pty master: %s", strerror(-r));
        if (!o.detach)
                block_forwarded_signals(s.direct);
        /* As runc: a foreground run reaps what the container orphans (without a pid namespace
         * they would go to the host's reaper); the wait below reaps every child. */
        if (r >= 0 && !o.detach && !o.no_subreaper && s.direct)
                (void) prctl(PR_SET_CHILD_SUBREAPER, 1);
        _cleanup_close_ int notify_fd = -EBADF;
        if (r >= 0 && o.detach)
                r = notify_relay_open(id, &notify_fd);
        if (r >= 0)
                r = call_container(&s, id, "Start", "");
        if (r < 0) {
                delete_quietly(&s, id);
                session_close(&s);
                reap_helpers(0);
                return r;
        }
        if (o.detach) {
                /* Started: a caller that cannot be told READY hears why, the container stays. */
                r = notify_relay_wait(notify_fd, pid);
                session_close(&s);
                reap_helpers(pid);
                return r < 0 ? r : 0;
        }
        if (master >= 0) {
                relay_pid = terminal_start_relay(master);
                master = safe_close(master); /* the relay has it; EOF must come once the container ends */
        }
        status = wait_for_process(&s, id, true, pid, 0);
        terminal_finish_relay(relay_pid);
        if (!o.keep)
                (void) call_container(&s, id, "Delete", "b", false);
        session_close(&s);
        reap_helpers(0);
        return status < 0 ? 1 : status;
}

VERB(kill) {
        static const struct option options[] = { { "all", no_argument, NULL, 'a' }, {} };
        Session s;
        const char *id;
        int all = 0, sig = SIGTERM, c, r;

        while ((c = getopt_long_only(argc, argv, "a", options, NULL)) >= 0)
                if (c == 'a')
                        all = 1;
                else
                        return -EINVAL;
        r = want_id(argc, argv, "kill", &id);
        if (r < 0)
                return r;
        if (optind < argc) {
                sig = signal_from_string(argv[optind]);
                if (sig < 0)
                        return cli_error(sig, "kill: unknown signal \"%s\"", argv[optind]);
        }
        r = session_open(all ? SESSION_CGROUPS : SESSION_SIGNALS, &s);
        if (r < 0)
                return r;
        r = call_container(&s, id, "Kill", "ib", sig, all);
        session_close(&s);
        return r < 0 ? r : 0;
}

VERB(delete) {
        static const struct option options[] = { { "force", no_argument, NULL, 'f' }, {} };
        Session s;
        const char *id;
        int force = 0, c, r;

        while ((c = getopt_long_only(argc, argv, "f", options, NULL)) >= 0)
                if (c == 'f')
                        force = 1;
                else
                        return -EINVAL;
        r = want_id(argc, argv, "delete", &id);
        if (r >= 0)
                r = session_open(SESSION_CGROUPS, &s);
        if (r < 0)
                return r;
        r = call_container(&s, id, "Delete", "b", force);
        session_close(&s);
        reap_helpers(0);
        return r < 0 ? r : 0;
}
