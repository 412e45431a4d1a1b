/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A container's state on disk: ROOT/ID/state, written atomically (temporary file + rename), one
 * "key value" line per field with C escapes. Plain text so that the registry needs no JSON
 * library; runc's state JSON is produced from it by the CLI. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "exec-fifo.h"
#include "resources.h"
#include "spec.h"

#define STATE_FILE "state"
#define EXEC_FIFO EXEC_FIFO_FILE /* libocictl/exec-fifo.h: one name for init, start and delete */
#define CONFIG_COPY "config.json" /* the config the container was created from, for exec */
#define SPEC_COPY "spec"           /* that config as the parser answered it (bus-body.h) */
#define NOTIFY_DIR "notify"        /* NOTIFY_SOCKET: bound on /run/notify in the container */
#define NOTIFY_SOCKET_NAME "notify.sock"
#define SANDBOX_ROOTFS_DIR "rootfs" /* a sandbox's root, its mount points made by the registry */

typedef struct ContainerState {
        char *id;
        pid_t pid;
        uint64_t start_time; /* of pid, see process_get_start_time() */
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339 with nanoseconds, as runc */
        StringPair *cgroups; /* hierarchy key → path inside it, as the cgroup manager made it */
        size_t n_cgroups;
        char *systemd_unit; /* the scope the systemd driver made for the cgroup, or NULL */
        uid_t owner;
        unsigned hooks; /* bit k: the spec has hooks of HookKind k (start and delete then read it) */
        StringPair *annotations;
        size_t n_annotations;
        StringPair *net_devices; /* linux.netDevices: host name → name inside, returned on delete */
        size_t n_net_devices;
        bool no_new_keyring; /* created with --no-new-keyring: exec keeps its caller's keyring too */
        bool paused;     /* frozen by pause, until resume */
        SpecResources resources; /* linux.resources as create and each update left them (state-resources.h) */
        char *legacy_resources_json; /* the same as JSON, in a state written before they were typed */
} ContainerState;

void container_state_done(ContainerState *s);
int state_file_write(int dir_fd, const ContainerState *s);
int state_file_read(int dir_fd, ContainerState *ret);

/* Escaping used by the format, exposed for the unit test. */
char *state_escape(const char *s);
char *state_unescape(const char *s);
