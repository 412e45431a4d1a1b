/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The staged clone that turns a Spec into a container init waiting on exec.fifo (see README.md).
 * Plain C: no GLib, no sd-bus, no logging; errors come back as -errno plus a message that names
 * the failing step ("mount proc on /proc: Operation not permitted"). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "exec-fifo.h"
#include "spec.h"

/* init's side of exec.fifo; the start side is libocictl/exec-fifo.c. */
#define EXEC_FIFO_NAME EXEC_FIFO_FILE

#define NSEXEC_ERROR_MAX EXEC_FIFO_ANSWER_MAX

typedef struct NsexecConfig {
        const Spec *spec;
        const char *id;              /* for the hooks' state */
        const char *bundle;          /* relative bind-mount sources are relative to it, as in runc */
        const char *rootfs;          /* absolute path on the host, already resolved */
        int state_dir_fd;            /* exec.fifo is made here */
        const int *cgroup_join_fds; /* per hierarchy, as Cgroups1 hands them out (cgroup-join.h) */
        size_t n_cgroup_join_fds;
        int stdio[3];
        /* Direct mode: stage 1 and init become children of our parent (the ocictl command),
         * not of us. Bus mode: they stay our children so we can reap them. */
        bool clone_parent;
        bool no_pivot;
        bool no_new_keyring; /* keep the caller's session keyring instead of "_ses.<id>" */
        int console_socket; /* process.terminal: where the pty master goes; -1 without a terminal */
        const int *preserve_fds; /* become the process's fds 3, 4, … (--preserve-fds, LISTEN_FDS) */
        size_t n_preserve_fds;
        /* Per mount (by index, -1: none): the bind's source as a descriptor, opened by whoever
         * had the right to (a sandbox's caller), used instead of the source path. Only with a
         * new user namespace, where stage 0 clones bind sources for init. */
        const int *mount_source_fds;
        size_t n_mount_source_fds;
        /* Called with what init reports as a warning (nsexec itself never logs). */
        void (*warn)(const char *text);
} NsexecConfig;

/* Runs stage 0 in the calling process; returns the init pid (as seen by the caller) once init
 * has finished its setup and blocks on exec.fifo, and whether the cgroup2 cgroup was joined at
 * clone (CLONE_INTO_CGROUP). On failure nothing is left: children killed, exec.fifo removed. */
int nsexec_spawn(const NsexecConfig *c, pid_t *ret_init_pid, bool *ret_cgroup_at_clone, Error *e);

typedef struct NsexecExecConfig {
        const Spec *spec; /* the process: args, env, cwd, user, capabilities, rlimits, noNewPrivileges */
        const char *id, *bundle; /* for the state a seccomp listener receives */
        pid_t init_pid;   /* the container, whose namespaces and root are joined */
        uint64_t init_start_time;
        const int *cgroup_join_fds;
        size_t n_cgroup_join_fds;
        int stdio[3];
        bool clone_parent; /* as NsexecConfig */
        bool no_new_keyring; /* the container was created so: do not join "_ses.<id>" */
        int console_socket; /* as NsexecConfig */
        const int *preserve_fds;
        size_t n_preserve_fds;
        void (*warn)(const char *text);
} NsexecExecConfig;

/* Starts a process in a running container; returns its pid once it exec'd (or the error that
 * kept it from doing so). */
int nsexec_exec(const NsexecExecConfig *c, pid_t *ret_pid, bool *ret_cgroup_at_clone, Error *e);

/* Signals a process only if it is still the one started at start_time (pidfd, no pid reuse). */
int nsexec_kill(pid_t pid, uint64_t start_time, int sig);
