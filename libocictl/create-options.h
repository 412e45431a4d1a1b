/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runc's create/run flags that change how a container is set up, as the a{sv} "options"
 * argument of Registry1.Create and Spawner1.Spawn: "noPivot" b, "consoleSocket" h (runc's
 * --console-socket, already connected by the caller with its own rights), "preserveFds" ah
 * (runc's --preserve-fds and LISTEN_FDS: the process gets them as fds 3, 4, …), "listenFds" u,
 * "rootless" b (runc's --rootless true or false; absent: auto), "notifySocket" b, "systemdCgroup" b.
 * New flags are new keys, so the signatures stay; a reader refuses keys it does not know rather than ignore a flag. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#define PRESERVE_FDS_MAX 200 /* below SCM_MAX_FD (253), which bounds one message */
#define MOUNT_SOURCE_FDS_MAX 32

/* runc's --rootless: "auto" decides by who runs us (running_rootless()). */
typedef enum RootlessMode {
        ROOTLESS_AUTO,
        ROOTLESS_FALSE,
        ROOTLESS_TRUE,
} RootlessMode;

typedef struct CreateOptions {
        bool no_pivot;
        bool no_new_keyring; /* "noNewKeyring" b: keep the caller's session keyring (keyring.h) */
        bool ignore_paused;  /* "ignorePaused" b: exec into a paused container (runc's flag) */
        RootlessMode rootless; /* "rootless" b, absent for auto: without a cgroup when none may be made */
        /* "notifySocket" b: the caller has NOTIFY_SOCKET; the container gets a socket of its own
         * at /run/notify/notify.sock, which `start` relays to the caller's (runc's sd_notify). */
        bool notify_socket;
        /* "systemdCgroup" b: runc's --systemd-cgroup, the cgroup is a scope systemd makes
         * (services/cgroups/cgroup-systemd.h); without it a slice:prefix:name path still is one
         * on a host that systemd runs. */
        bool systemd_cgroup;
        int console_socket; /* a connected unix socket for the pty master, or -1 */
        /* "consoleIfTerminal" b: console_socket is `run`'s own, used only when process.terminal
         * is true (the CLI cannot know: it never reads config.json). */
        bool console_if_terminal;
        int preserve_fds[PRESERVE_FDS_MAX]; /* become the process's fds 3, 4, … */
        size_t n_preserve_fds;
        unsigned listen_fds; /* LISTEN_FDS for the process (socket activation), 0: none */
        /* Exec only, set by the registry from the container's state (never from its caller):
         * "containerId" s, "bundle" s, for the state a seccomp listener receives. */
        const char *container_id, *bundle;
        /* "mountSourceFds" a(uh), set by the registry for a sandbox (RunSandbox) only, never
         * taken from a caller: mounts[index]'s bind source is the descriptor, which the sandbox's
         * caller opened with its own rights. */
        struct {
                unsigned index;
                int fd;
        } mount_source_fds[MOUNT_SOURCE_FDS_MAX];
        size_t n_mount_source_fds;
} CreateOptions;

#define CREATE_OPTIONS_INIT { .console_socket = -1 }

int create_options_append(sd_bus_message *m, const CreateOptions *o);
int create_options_read(sd_bus_message *m, CreateOptions *ret, sd_bus_error *error);
