/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the verbs of ocictl share: global options, the session with the registry, output. */
#pragma once

#include <stdbool.h>

#include "create-options.h"
#include "macros.h"
#include "peer.h"
#include "services.h"

typedef struct GlobalOptions {
        const char *root;
        const char *bus_address; /* NULL: direct mode */
        bool ask_password;       /* bus mode: polkit may ask the user (an agent) before refusing */
        const char *log_path;
        int log_fd;
        bool debug;
        RootlessMode rootless; /* --rootless true|false|auto */
        bool systemd_cgroup;   /* --systemd-cgroup */
} GlobalOptions;

extern GlobalOptions arg_global;

/* What a verb's calls will need, for direct mode to start it at once, in parallel with the
 * registry, rather than when the registry first calls it (bus mode ignores it: the services are
 * reached by name). The registry still starts on first use whatever it was not handed. A verb
 * that clones the container's processes (create, run, exec) starts the spawner as its own child
 * in any case, because with CLONE_PARENT the container then becomes a child of this ocictl, as
 * containerd's shim and conmon require of a runtime. */
typedef enum SessionNeeds {
        SESSION_PLAIN = 0,
        SESSION_CLONES = 1 << 0,  /* the spawner, as our child, for a verb that clones */
        SESSION_PARSES = 1 << 1,  /* the spec parser */
        SESSION_CGROUPS = 1 << 2, /* the cgroup manager */
        SESSION_SIGNALS = 1 << 3, /* the spawner, for a verb that signals a container */
} SessionNeeds;

typedef struct Session {
        Peer registry;
        Peer spawner; /* bus mode only: for Wait() */
        pid_t children[_SERVICE_MAX];
        bool direct;
} Session;

int session_open(SessionNeeds needs, Session *ret);
/* Disconnects and reaps the services ocictl forked. */
void session_close(Session *s);
int session_new_call(Session *s, const char *member, sd_bus_message **ret);
/* A call to container id's object (bus-interfaces/org.ocictl.Container1.xml). */
int session_new_container_call(Session *s, const char *id, const char *member, sd_bus_message **ret);
/* The same with another interface of the object (org.freedesktop.DBus.Properties). */
int session_new_object_call(Session *s, const char *id, const char *interface, const char *member,
                            sd_bus_message **ret);
/* Calls the registry; on failure prints the error (runc's words) and returns -errno. */
int session_call(Session *s, sd_bus_message *m, sd_bus_message **reply);

/* Reaps children that are not the container (stage 1 of nsexec ends up ours, like runc's). */
void reap_helpers(pid_t keep);

/* Prints "ocictl: message" to stderr (and to --log); returns r. */
int cli_error(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* runc's --console-socket: connects to the unix socket at path (with the caller's rights) and
 * returns the connected fd, which travels to init in the create options. */
int connect_console_socket(const char *path);

/* runc's --preserve-fds N (and, with with_listen_fds, LISTEN_FDS from our environment, as runc):
 * our fds 3 … become the process's, checked to be open. */
int add_preserved_fds(const char *count, bool with_listen_fds, CreateOptions *o);

/* `run` in the foreground without --console-socket (cli-terminal.c): a socket pair whose other
 * end goes along as "consoleIfTerminal"; after Create, the pty master if init sent one (else
 * -EBADF); a child process relaying our stdio to it, waited for once the container ended. */
int terminal_socket_pair(int *ret_ours, int *ret_theirs);
int terminal_receive_master(int sock, int *ret_master);
pid_t terminal_start_relay(int master);
void terminal_finish_relay(pid_t relay_pid);

/* runc's --pid-file: written next to its final name and renamed. */
int write_pid_file(const char *path, pid_t pid);

/* The container id at argv[optind] (after the verb's options), checked; prints the error. */
int want_id(int argc, char **argv, const char *verb, const char **ret);

/* Calls a method of container id's object with simple arguments (types "" for none); prints
 * the error. */
int call_container(Session *s, const char *id, const char *member, const char *types, ...);

/* Blocks the signals `run`/`exec` pass on, before the process starts, so that none is lost. */
void block_forwarded_signals(bool direct);
/* Waits for pid, container id's init (run) or a process exec'd into it (exec, with its
 * start_time), and passes signals on (direct mode: pid is our child; bus mode: Registry1.Wait).
 * Returns the exit status (128+N for signal N) or -errno. */
int wait_for_process(Session *s, const char *id, bool init, pid_t pid, uint64_t start_time);

/* Reads argv for one verb: getopt_long_only so that runc's "-bundle" works as well as "--bundle". */
/* cli-notify.c: NOTIFY_SOCKET relayed from the container to ocictl's caller, as runc does. The
 * socket is bound before Start (fd -EBADF: nothing to relay); wait returns at READY= or when
 * init is gone. */
int notify_relay_open(const char *id, int *ret_fd);
int notify_relay_wait(int fd, pid_t pid);

#define VERB(name) int verb_##name(int argc, char **argv)
VERB(spec);
VERB(create);
VERB(start);
VERB(run);
VERB(kill);
VERB(delete);
VERB(exec);
VERB(ps);
VERB(state);
VERB(list);
VERB(features);
VERB(checkpoint); /* checkpoint and restore: refused by name */
VERB(update);
VERB(pause);
VERB(resume);
VERB(events);
VERB(sandbox);

/* "512m", "1G", "-1", "4096" (runc's RAMInBytes), cli-cgroup.c. */
int parse_bytes(const char *s, int64_t *ret);
