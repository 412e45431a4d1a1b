/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `ocictl exec`: runc's flags; the process's exit status, or 255 when exec itself fails. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "container-id.h"
#include "create-options.h"
#include "spec.h"

#define EXEC_FAILED 255 /* runc's status when the exec itself fails */

typedef struct ExecFlags {
        const char *process_file;
        const char *pid_file;
        const char *cwd;
        bool detach;
        bool tty;
        int console_socket;
        const char *preserve;
        bool no_new_privs;
        bool ignore_paused;
        bool have_user;
        uint32_t uid, gid;
        bool have_gid;
        char **env, **caps;
        uint32_t gids[64];
        size_t n_gids;
        /* --cgroup, as runc parses it: one PATH for every hierarchy, or CONTROLLER[,…]:PATH
         * each; a controller appears once. */
        char *cgroup_controllers[16], *cgroup_paths[16];
        size_t n_cgroups;
        bool cgroup_for_all;
} ExecFlags;

static int add_sub_cgroup(ExecFlags *f, char *arg) {
        char *colon = strchr(arg, ':');

        if (!colon) {
                if (f->n_cgroups > 0)
                        return cli_error(-EINVAL, "exec: --cgroup \"%s\": missing the <controller>: prefix", arg);
                f->cgroup_controllers[f->n_cgroups] = (char *) "";
                f->cgroup_paths[f->n_cgroups++] = arg;
                f->cgroup_for_all = true;
                return 0;
        }
        if (f->cgroup_for_all)
                return cli_error(-EINVAL, "exec: --cgroup \"%s\": missing the <controller>: prefix", f->cgroup_paths[0]);
        *colon = 0;
        for (char *list = arg, *ctrl; (ctrl = strsep(&list, ","));) {
                if (!*ctrl)
                        return cli_error(-EINVAL, "exec: --cgroup: empty <controller> before \"%s\"", colon + 1);
                for (size_t i = 0; i < f->n_cgroups; i++)
                        if (streq(f->cgroup_controllers[i], ctrl))
                                return cli_error(-EINVAL, "exec: --cgroup: controller %s given more than once", ctrl);
                if (f->n_cgroups >= ELEMENTSOF(f->cgroup_paths))
                        return cli_error(-E2BIG, "exec: --cgroup: more than %zu controllers", ELEMENTSOF(f->cgroup_paths));
                f->cgroup_controllers[f->n_cgroups] = ctrl;
                f->cgroup_paths[f->n_cgroups++] = colon + 1;
        }
        return 0;
}

static int strv_push(char ***l, const char *s) {
        size_t n = strv_length(*l);
        char **m = realloc(*l, (n + 2) * sizeof(char *));
        if (!m)
                return -ENOMEM;
        m[n] = strdup(s);
        m[n + 1] = NULL;
        *l = m;
        return m[n] ? 0 : -ENOMEM;
}

static int parse_uint32(const char *s, uint32_t *ret) {
        char *end;
        unsigned long v;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || end == s || *end || v >= UINT32_MAX || s[0] == '-')
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

static int parse_exec_flags(int argc, char **argv, ExecFlags *f) {
        enum { ARG_CWD = 0x100, ARG_NO_NEW_PRIVS, ARG_CONSOLE_SOCKET, ARG_PRESERVE_FDS, ARG_LABEL, ARG_APPARMOR,
               ARG_IGNORE_PAUSED, ARG_PID_FILE, ARG_CGROUP };
        static const struct option options[] = {
                { "process", required_argument, NULL, 'p' },
                { "detach", no_argument, NULL, 'd' },
                { "pid-file", required_argument, NULL, ARG_PID_FILE },
                { "tty", no_argument, NULL, 't' },
                { "console-socket", required_argument, NULL, ARG_CONSOLE_SOCKET },
                { "env", required_argument, NULL, 'e' },
                { "cwd", required_argument, NULL, ARG_CWD },
                { "user", required_argument, NULL, 'u' },
                { "additional-gids", required_argument, NULL, 'g' },
                { "cap", required_argument, NULL, 'c' },
                { "no-new-privs", no_argument, NULL, ARG_NO_NEW_PRIVS },
                { "preserve-fds", required_argument, NULL, ARG_PRESERVE_FDS },
                { "process-label", required_argument, NULL, ARG_LABEL },
                { "apparmor", required_argument, NULL, ARG_APPARMOR },
                { "ignore-paused", no_argument, NULL, ARG_IGNORE_PAUSED },
                { "cgroup", required_argument, NULL, ARG_CGROUP },
                {},
        };
        int c, r;

        /* "+": options end at the container id; what follows is the command. */
        while ((c = getopt_long(argc, argv, "+p:dte:u:g:c:", options, NULL)) >= 0)
                switch (c) {
                case 'p':
                        f->process_file = optarg;
                        break;
                case 'd':
                        f->detach = true;
                        break;
                case ARG_PID_FILE:
                        f->pid_file = optarg;
                        break;
                case 't':
                        f->tty = true;
                        break;
                case ARG_CONSOLE_SOCKET:
                        safe_close(f->console_socket);
                        f->console_socket = connect_console_socket(optarg);
                        if (f->console_socket < 0)
                                return f->console_socket;
                        break;
                case 'e':
                        if (!strchr(optarg, '=') || optarg[0] == '=')
                                return cli_error(-EINVAL, "exec: --env \"%s\" is not NAME=VALUE", optarg);
                        if ((r = strv_push(&f->env, optarg)) < 0)
                                return cli_error(r, "out of memory");
                        break;
                case ARG_CWD:
                        if (optarg[0] != '/')
                                return cli_error(-EINVAL, "exec: --cwd \"%s\" is not an absolute path", optarg);
                        f->cwd = optarg;
                        break;
                case 'u': {
                        _cleanup_free_ char *copy = strdup(optarg);
                        char *colon = copy ? strchr(copy, ':') : NULL;
                        if (colon)
                                *colon = 0;
                        if (!copy || parse_uint32(copy, &f->uid) < 0 || (colon && parse_uint32(colon + 1, &f->gid) < 0))
                                return cli_error(-EINVAL, "exec: --user \"%s\" is not UID[:GID]", optarg);
                        f->have_user = true;
                        f->have_gid = colon != NULL;
                        break;
                }
                case 'g':
                        if (f->n_gids >= ELEMENTSOF(f->gids) || parse_uint32(optarg, &f->gids[f->n_gids]) < 0)
                                return cli_error(-EINVAL, "exec: --additional-gids \"%s\" is not a gid", optarg);
                        f->n_gids++;
                        break;
                case 'c':
                        if ((r = strv_push(&f->caps, optarg)) < 0)
                                return cli_error(r, "out of memory");
                        break;
                case ARG_NO_NEW_PRIVS:
                        f->no_new_privs = true;
                        break;
                case ARG_PRESERVE_FDS:
                        f->preserve = optarg;
                        break;
                case ARG_LABEL:
                case ARG_APPARMOR:
                        return cli_error(-EOPNOTSUPP, "exec: --%s: this host has no SELinux or AppArmor",
                                         c == ARG_LABEL ? "process-label" : "apparmor");
                case ARG_IGNORE_PAUSED:
                        f->ignore_paused = true;
                        break;
                case ARG_CGROUP:
                        if ((r = add_sub_cgroup(f, optarg)) < 0)
                                return r;
                        break;
                default:
                        return -EINVAL;
                }
        return 0;
}

/* exec -p /dev/fd/N or a pipe, as runc takes it: the parser reads regular files only (a FIFO
 * could block it forever), so what is not one is read here, bounded, into a sealed memfd. */
static int as_regular_file(int *fd) {
        _cleanup_close_ int mem = -EBADF;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t size = 0;

        if (fstat(*fd, &st) < 0)
                return -errno;
        if (S_ISREG(st.st_mode))
                return 0;
        buf = malloc(SPEC_JSON_MAX_SIZE + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(*fd, buf + size, SPEC_JSON_MAX_SIZE + 1 - size);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += (size_t) n;
                if (size > SPEC_JSON_MAX_SIZE)
                        return -EFBIG;
        }
        mem = memfd_create("process.json", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (mem < 0 || write(mem, buf, size) != (ssize_t) size ||
            fcntl(mem, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK) < 0)
                return -errno;
        safe_close(*fd);
        *fd = TAKE_FD(mem);
        return 0;
}

/* The overrides as Registry1.Exec reads them (registry-exec.c). */
static int append_overrides(sd_bus_message *m, const ExecFlags *f, char **args, int process_fd) {
        int r = sd_bus_message_open_container(m, 'a', "{sv}");

        if (r >= 0 && process_fd >= 0)
                r = sd_bus_message_append(m, "{sv}", "processFile", "h", process_fd);
        if (r >= 0 && args && args[0]) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "args");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, args);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        for (int k = 0; r >= 0 && k < 2; k++) {
                char **l = k == 0 ? f->env : f->caps;
                if (!l)
                        continue;
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", k == 0 ? "env" : "capabilities");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "as");
                if (r >= 0)
                        r = sd_bus_message_append_strv(m, l);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0 && f->cwd)
                r = sd_bus_message_append(m, "{sv}", "cwd", "s", f->cwd);
        if (r >= 0 && f->have_user)
                r = sd_bus_message_append(m, "{sv}", "uid", "u", f->uid);
        if (r >= 0 && f->have_gid)
                r = sd_bus_message_append(m, "{sv}", "gid", "u", f->gid);
        if (r >= 0 && f->n_gids > 0) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "additionalGids");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "au");
                if (r >= 0)
                        r = sd_bus_message_append_array(m, 'u', f->gids, f->n_gids * sizeof(uint32_t));
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0 && f->no_new_privs)
                r = sd_bus_message_append(m, "{sv}", "noNewPrivileges", "b", 1);
        if (r >= 0 && f->n_cgroups > 0) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "subCgroups");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "a{ss}");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "{ss}");
                for (size_t i = 0; r >= 0 && i < f->n_cgroups; i++)
                        r = sd_bus_message_append(m, "{ss}", f->cgroup_controllers[i], f->cgroup_paths[i]);
                for (int k = 0; r >= 0 && k < 3; k++)
                        r = sd_bus_message_close_container(m);
        }
        /* As runc: without a process file, exec has a terminal only with --tty. */
        if (r >= 0 && process_fd < 0)
                r = sd_bus_message_append(m, "{sv}", "terminal", "b", f->tty);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

VERB(exec) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_close_ int process_fd = -EBADF, console_ours = -EBADF, master = -EBADF;
        pid_t relay_pid = 0;
        ExecFlags f = { .console_socket = -EBADF };
        CreateOptions options = CREATE_OPTIONS_INIT;
        const char *id;
        uint32_t pid;
        uint64_t start_time;
        Session s;
        int r, status;

        r = parse_exec_flags(argc, argv, &f);
        if (r < 0)
                goto finish;
        if (optind >= argc || !container_id_is_valid(argv[optind])) {
                r = cli_error(-EINVAL, optind >= argc ? "exec: missing the container id%s" : "exec: invalid container id \"%s\"",
                              optind >= argc ? "" : argv[optind]);
                goto finish;
        }
        id = argv[optind++];
        if (!f.process_file && optind >= argc) {
                r = cli_error(-EINVAL, "exec: missing the command (or --process)");
                goto finish;
        }
        if (f.process_file) {
                process_fd = open(f.process_file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (process_fd < 0) {
                        r = cli_error(-errno, "exec: --process: cannot open %s: %m", f.process_file);
                        goto finish;
                }
                r = as_regular_file(&process_fd);
                if (r < 0) {
                        r = cli_error(r, "exec: --process: %s: %s", f.process_file,
                                      r == -EFBIG ? "larger than 4 MiB" : strerror(-r));
                        goto finish;
                }
        }
        /* In the foreground without --console-socket, a terminal the process asks for (-t or
         * process.terminal) is relayed by ocictl itself, as run does and runc does. */
        if (!f.detach && f.console_socket < 0) {
                r = terminal_socket_pair(&console_ours, &f.console_socket);
                if (r < 0)
                        goto finish;
                options.console_if_terminal = true;
        }
        /* The parser only for --process: the container's own spec was kept parsed at create
         * (the registry still starts the parser should that copy be missing). */
        r = session_open(SESSION_CLONES | SESSION_CGROUPS | (process_fd >= 0 ? SESSION_PARSES : 0), &s);
        if (r < 0)
                goto finish;
        options.console_socket = f.console_socket;
        options.ignore_paused = f.ignore_paused;
        r = add_preserved_fds(f.preserve, false, &options);
        if (r < 0)
                goto close;
        r = session_new_container_call(&s, id, "Exec", &m);
        if (r >= 0)
                r = append_overrides(m, &f, argv + optind, process_fd);
        if (r >= 0)
                r = sd_bus_message_append(m, "hhh", STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO);
        if (r >= 0)
                r = create_options_append(m, &options);
        if (r < 0) {
                cli_error(r, "cannot build the Exec call: %s", strerror(-r));
                goto close;
        }
        if (!f.detach)
                block_forwarded_signals(s.direct);
        r = session_call(&s, m, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "ut", &pid, &start_time);
        if (r < 0)
                goto close;
        if (f.pid_file) {
                r = write_pid_file(f.pid_file, (pid_t) pid);
                if (r < 0)
                        goto close;
        }
        if (f.detach) {
                session_close(&s);
                reap_helpers((pid_t) pid);
                r = 0;
                goto finish;
        }
        /* The process set its terminal up before it exec'd, so a master is here now or never. */
        if (console_ours >= 0 && terminal_receive_master(console_ours, &master) >= 0 && master >= 0) {
                relay_pid = terminal_start_relay(master);
                master = safe_close(master); /* the relay has it: EOF comes once the process ends */
        }
        status = wait_for_process(&s, id, false, (pid_t) pid, start_time);
        terminal_finish_relay(relay_pid);
        session_close(&s);
        reap_helpers(0);
        strv_free(f.env);
        strv_free(f.caps);
        return status < 0 ? EXEC_FAILED : status;

close:
        session_close(&s);
        reap_helpers(0);
finish:
        safe_close(f.console_socket);
        strv_free(f.env);
        strv_free(f.caps);
        return r < 0 ? EXEC_FAILED : 0;
}
