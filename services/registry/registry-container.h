/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The state folders under the root (ROOT/ID/{state,exec.fifo}) and the locks that make
 * concurrent ocictl processes and the system service agree. No bus, no logging. */
#pragma once

#include "state-file.h"

typedef enum ContainerStatus {
        CONTAINER_CREATING, /* folder exists, state not written yet (or a crashed create) */
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_STOPPED,
        CONTAINER_PAUSED, /* alive and frozen by pause */
        _CONTAINER_STATUS_MAX,
} ContainerStatus;

const char *container_status_to_string(ContainerStatus s);

/* mkdir -p the root (0700) and open it. */
int registry_open_root(const char *root, int *ret_fd);
/* A new folder, locked exclusively; -EEXIST when the id is taken. */
int container_dir_create(int root_fd, const char *id, int *ret_fd);
/* An existing folder, locked with LOCK_SH or LOCK_EX (0: not locked); -ENOENT when there is none. */
int container_dir_open(int root_fd, const char *id, int lock, int *ret_fd);
/* Copies the caller's config.json (a regular file, at most max bytes) into the folder, so exec
 * can read the spec the container was created from; returns the copy opened for reading. */
int container_dir_save_config(int dir_fd, int config_fd, size_t max, int *ret_fd);
int container_dir_open_config(int dir_fd, int *ret_fd);

/* Removes what ocictl puts in a folder, then the folder. */
int container_dir_remove(int root_fd, const char *id, int dir_fd);
/* Removes name below parent_fd if it holds only empty folders and empty files, on parent_fd's
 * own mount (a sandbox's bundle: its mount points, registry-sandbox.c). */
int remove_mount_point_tree(int parent_fd, const char *name);

/* From the process itself: alive with the recorded start time, and exec.fifo still there. */
ContainerStatus container_status(int dir_fd, const ContainerState *s);
