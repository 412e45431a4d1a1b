/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the sandbox's files share: registry-sandbox.c (RunSandbox, in a worker: the request and
 * its checks), registry-sandbox-profile.c (the config and root it gets: the profile, docs/sandbox.md),
 * registry-sandbox-guard.c (in the registry: die with the caller, the deadline). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "registry.h"

#define SANDBOX_ARGS_MAX 1024
#define SANDBOX_STRING_MAX 4096
#define SANDBOX_BINDS_MAX (MOUNT_SOURCE_FDS_MAX / 2)
#define SANDBOX_TMPFS_MAX 16
#define SANDBOX_ROOTFS SANDBOX_ROOTFS_DIR
/* The sandbox's own annotations: the caller whose leaving deletes it (its unique bus name), and
 * when it is killed (CLOCK_BOOTTIME, µs: it counts across a registry's restart). */
#define ANNOTATION_SANDBOX "org.ocictl.sandbox"
#define ANNOTATION_CALLER "org.ocictl.sandbox.dieWithCaller"
#define ANNOTATION_DEADLINE "org.ocictl.sandbox.deadline"

typedef struct SandboxBind {
        const char *source; /* the path the caller named (NULL for a descriptor) */
        const char *destination;
        bool writable;
        int fd; /* opened or checked as the caller */
        bool directory;
} SandboxBind;

typedef struct Sandbox {
        char **args, **env;
        const char *cwd;
        SandboxBind binds[SANDBOX_BINDS_MAX * 2];
        size_t n_binds;
        char **tmpfs;
        const char *network; /* "none" or "host" */
        const char *seccomp; /* "default" or "none" */
        const char *hostname;
        const char *id;
        uint64_t memory_max, pids_max; /* 0: the caller's own ceiling, if any */
        bool die_with_caller;
        uint32_t timeout_sec;
        int stdio[3];
        int bundle_fd; /* <root>-sandboxes/<id> */
} Sandbox;

/* The OCI config of the sandbox, as JSON (caller frees), and the index of its first bind among
 * its mounts (the descriptors go there: CreateOptions.mount_source_fds). */
char *sandbox_config(const Registry *reg, const Sandbox *s, size_t *ret_first_bind);
/* CreateRequest.make_rootfs: its root in its bundle, with the mount points of spec. */
int make_sandbox_rootfs(int dir_fd, const Spec *spec, void *userdata, sd_bus_error *error);
/* <root>-sandboxes, made if asked (then *ret_path is its path); the bundles live there. */
int open_sandbox_root(const Registry *reg, bool create, char **ret_path);
uint64_t now_boottime_usec(void);
