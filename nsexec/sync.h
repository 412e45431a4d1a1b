/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The messages between stage 0 and its children, over one SOCK_SEQPACKET pair that stage 1 and
 * init share. Every message is one fixed-size record; the sender of an error exits right after. */
#pragma once

#include <stdint.h>

#include "macros.h"
#include "nsexec.h"
#include "stage-error.h"

typedef enum SyncType {
        SYNC_USERMAP_PLS = 0x10, /* stage 1 → 0: I unshared a user namespace, write my uid/gid maps */
        SYNC_USERMAP_ACK = 0x11, /* 0 → stage 1: written */
        SYNC_TIMENS_PLS = 0x12,  /* stage 1 → 0: I unshared a time namespace, write its offsets */
        SYNC_TIMENS_ACK = 0x13,  /* 0 → stage 1: written */
        SYNC_HOOKS_PLS = 0x20,  /* init → 0: mounts done: run prestart and createRuntime hooks */
        SYNC_HOOKS_ACK = 0x21,  /* 0 → init: done; value is init's pid as the runtime sees it */
        SYNC_INIT_PID = 0x40,   /* stage 1 → 0: value is init's pid in our pid namespace */
        SYNC_INIT_READY = 0x41, /* init → 0: set up, now blocking on exec.fifo */
        SYNC_WARNING = 0x42,    /* init → 0: text for the log; setup goes on */
        SYNC_SECCOMP_FD = 0x50,  /* init or exec → 0: the seccomp notify fd comes along (SCM_RIGHTS) */
        SYNC_SECCOMP_ACK = 0x51, /* 0 → init or exec: the listener has it */
        SYNC_ERROR = 0xFF,      /* any → 0: value is errno, text says what failed */
} SyncType;

typedef struct SyncMessage {
        uint32_t type;
        int32_t value;
        uint32_t length;
        char text[NSEXEC_ERROR_MAX];
} SyncMessage;

int sync_send(int fd, SyncType type, int32_t value);
/* Stage 0's answer to a request: on failure fills error with "<who> ended without a report"
 * (the child is gone) and returns -EPIPE. */
int sync_ack(int fd, SyncType type, int32_t value, const char *who, Error *e);
int sync_send_text(int fd, SyncType type, const char *text);
int sync_recv(int fd, SyncMessage *ret);
/* With an fd alongside (SCM_RIGHTS). */
int sync_send_fd(int fd, SyncType type, int passed_fd);
/* *ret_fd: the fd that came with the message, or -EBADF. */
int sync_recv_fd(int fd, SyncMessage *ret, int *ret_fd);

/* Sends SYNC_ERROR with "what: strerror(error)" and exits the stage: the one _exit() at a child's
 * edge for everything that goes wrong. */
_noreturn_ void stage_fail(int fd, int error, const char *fmt, ...) _printf_(3, 4);
/* As stage_fail(), with e's text as it is when it says it all (e->complete). */
_noreturn_ void stage_fail_step(int fd, int error, const Error *e);
