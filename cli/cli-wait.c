/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Waiting in the foreground for a container (run) or a process in it (exec), passing on the
 * signals ocictl receives, as runc does. */
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "cli.h"

#define WAIT_RETRIES 100 /* 10 s for a registry that died to come back (bus activation) */

typedef struct WaitReply {
        bool done;
        bool lost; /* the registry went away before it answered: ask again */
        int status;
        int error;
} WaitReply;

static int on_wait_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        WaitReply *w = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);

        w->done = true;
        if (e && (sd_bus_error_has_names(e, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_SERVICE_UNKNOWN,
                                         SD_BUS_ERROR_NAME_HAS_NO_OWNER, SD_BUS_ERROR_DISCONNECTED)))
                w->lost = true;
        else if (e) {
                cli_error(-EIO, "waiting for the container: %s", e->message ?: e->name);
                w->error = -EIO;
        } else if (sd_bus_message_read(m, "i", &w->status) < 0)
                w->error = -EBADMSG;
        return 0;
}

static int call_wait(Session *s, const char *id, uint32_t pid, WaitReply *w, sd_bus_slot **ret_slot) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        int r;

        *w = (WaitReply) { .status = -1 };
        *ret_slot = sd_bus_slot_unref(*ret_slot);
        r = session_new_container_call(s, id, "Wait", &call);
        if (r >= 0)
                r = sd_bus_message_append(call, "u", pid);
        /* No time limit: a container runs as long as it runs. */
        if (r >= 0)
                r = sd_bus_call_async(s->registry.bus, ret_slot, call, on_wait_reply, w, UINT64_MAX);
        return r;
}

/* Bus mode: the registry answers Wait() (the spawner is the parent); signals we get go on
 * meanwhile: to the container's init through the registry, or to an exec'd process through the
 * spawner (root's ocictl alone may reach it). A registry that dies is asked again once the bus
 * has started another: the exit status waits in the container's folder. */
static int wait_on_bus(Session *s, const char *id, bool init, pid_t pid, uint64_t start_time, int sfd) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        WaitReply w;
        sd_bus *bus = s->registry.bus;
        int r, retries = 0;

        r = call_wait(s, id, init ? 0 : (uint32_t) pid, &w, &slot);
        if (r < 0)
                return cli_error(r, "waiting for %s: %s", id, strerror(-r));
        while (!w.done || (w.lost && retries < WAIT_RETRIES)) {
                if (w.lost) {
                        retries++;
                        (void) usleep(100 * 1000);
                        r = call_wait(s, id, init ? 0 : (uint32_t) pid, &w, &slot);
                        if (r < 0)
                                return cli_error(r, "waiting for %s: %s", id, strerror(-r));
                        continue;
                }
                struct pollfd p[2] = {
                        { .fd = sd_bus_get_fd(bus), .events = (short) sd_bus_get_events(bus) },
                        { .fd = sfd, .events = POLLIN },
                };
                struct signalfd_siginfo si;

                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return cli_error(r, "waiting for %s: %s", id, strerror(-r));
                if (r > 0 || w.done)
                        continue;
                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        return cli_error(-errno, "poll: %m");
                if (!(p[1].revents & POLLIN) || read(sfd, &si, sizeof si) != sizeof si)
                        continue;
                if (init)
                        (void) call_container(s, id, "Kill", "ib", (int) si.ssi_signo, 0);
                else
                        (void) sd_bus_call_method(s->spawner.bus, s->spawner.destination,
                                                  service_table[SERVICE_SPAWNER].object_path,
                                                  service_table[SERVICE_SPAWNER].bus_name, "Kill", NULL, NULL, "uti",
                                                  (uint32_t) pid, start_time, (int) si.ssi_signo);
        }
        if (w.lost)
                return cli_error(-ENOTCONN, "waiting for %s: the registry went away and did not come back", id);
        return w.error < 0 ? w.error : w.status;
}

/* Forwards signals to the container and waits for it, as runc run does in the foreground.
 * Direct mode: init is our child. Bus mode: the spawner is its parent and answers Wait(). */
/* The signals `run` passes on to the container. Blocked before Start, so that none arriving
 * while the container starts kills ocictl instead (the services are forked by then and do not
 * inherit the mask; init resets its own). */
static void forwarded_signals(bool direct, sigset_t *ret) {
        static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
        sigemptyset(ret);
        for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
                sigaddset(ret, forwarded[i]);
        if (direct)
                sigaddset(ret, SIGCHLD);
}

void block_forwarded_signals(bool direct) {
        sigset_t mask;
        forwarded_signals(direct, &mask);
        sigprocmask(SIG_BLOCK, &mask, NULL);
}

int wait_for_process(Session *s, const char *id, bool init, pid_t pid, uint64_t start_time) {
        sigset_t mask;
        int sfd, status = -1;

        forwarded_signals(s->direct, &mask);
        sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0)
                return cli_error(-errno, "signalfd: %m");

        if (!s->direct) {
                int r = wait_on_bus(s, id, init, pid, start_time, sfd);
                safe_close(sfd);
                sigprocmask(SIG_UNBLOCK, &mask, NULL);
                return r;
        }

        /* Reap before every read: init may have exited before SIGCHLD was blocked. */
        for (;;) {
                struct signalfd_siginfo si;
                int ws;
                pid_t p;

                while ((p = waitpid(-1, &ws, WNOHANG)) > 0)
                        if (p == pid)
                                status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
                if (status >= 0)
                        break;
                if (read(sfd, &si, sizeof si) != sizeof si) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (si.ssi_signo != SIGCHLD)
                        (void) kill(pid, (int) si.ssi_signo);
        }
        safe_close(sfd);
        sigprocmask(SIG_UNBLOCK, &mask, NULL);
        return status;
}

