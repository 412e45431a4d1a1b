/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who may do what: root always; in direct mode the user the services run as (rootless ocictl);
 * the owner of a container for that container; anyone else as polkit decides. Polkit is asked
 * over D-Bus (org.freedesktop.PolicyKit1.Authority.CheckAuthorization, subject the caller's
 * unique bus name, as systemd asks it), asynchronously: the handler returns without a reply,
 * and polkit's answer calls it again with the same message, which then finds the decision
 * here. No caller waits on another's password prompt. */
#include <unistd.h>

#include "bus-errors.h"
#include "caller.h"
#include "log.h"
#include "registry.h"
#include "service-run.h"

#define AUTH_QUERIES_MAX 256 /* polkit questions in flight; more is refused */

typedef enum AuthResult {
        AUTH_PENDING,
        AUTH_YES,
        AUTH_NO,
        AUTH_CHALLENGE, /* polkit would ask for a password, but the caller did not allow it */
        AUTH_FAILED,    /* polkit could not be asked */
} AuthResult;

struct AuthQuery {
        Registry *reg;
        sd_bus_message *request; /* the method call, held until it is answered */
        sd_bus_message_handler_t handler;
        char *action;
        sd_bus_slot *slot;
        AuthResult result;
        char *failure; /* AUTH_FAILED: why */
        AuthQuery *next;
};

static void auth_query_free(AuthQuery *q) {
        sd_bus_slot_unref(q->slot);
        sd_bus_message_unref(q->request);
        free(q->action);
        free(q->failure);
        free(q);
}

/* Forgets every decision made for this call: it has been answered. */
static void auth_forget(Registry *reg, sd_bus_message *request) {
        for (AuthQuery **p = &reg->auth_queries; *p;) {
                AuthQuery *q = *p;
                if (q->request == request) {
                        *p = q->next;
                        reg->n_auth_queries--;
                        auth_query_free(q);
                } else
                        p = &q->next;
        }
}

void registry_auth_done(Registry *reg) {
        while (reg->auth_queries) {
                AuthQuery *q = reg->auth_queries;
                reg->auth_queries = q->next;
                auth_query_free(q);
        }
        reg->n_auth_queries = 0;
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *unused) {
        AuthQuery *q = userdata;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = sd_bus_message_ref(q->request);
        Registry *reg = q->reg;
        int authorized, challenge, r;

        q->slot = sd_bus_slot_unref(q->slot);
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        if (e) {
                q->result = AUTH_FAILED;
                q->failure = strdup(e->message ?: e->name);
        } else if (sd_bus_message_enter_container(reply, 'r', "bba{ss}") < 0 ||
                   sd_bus_message_read(reply, "bb", &authorized, &challenge) < 0) {
                q->result = AUTH_FAILED;
                q->failure = strdup("polkit sent a malformed reply");
        } else
                q->result = authorized ? AUTH_YES : challenge ? AUTH_CHALLENGE : AUTH_NO;

        /* The call again, from its first argument: this time the handler finds the decision. */
        r = sd_bus_message_rewind(request, true);
        if (r >= 0)
                r = q->handler(request, reg, &error);
        if (r < 0) {
                if (sd_bus_error_is_set(&error))
                        (void) sd_bus_reply_method_error(request, &error);
                else
                        (void) sd_bus_reply_method_errno(request, r, NULL);
        }
        else
                for (AuthQuery *p = reg->auth_queries; p; p = p->next)
                        if (p->request == request && p->result == AUTH_PENDING)
                                return 0; /* it asked polkit another question, and waits again */
        auth_forget(reg, request);
        return 0;
}

static int polkit_ask(Registry *reg, sd_bus_message *m, const char *action, sd_bus_message_handler_t handler,
                      sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        AuthQuery *q;
        int r;

        if (reg->n_auth_queries >= AUTH_QUERIES_MAX)
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                         "not authorized for %s: too many authorization requests in flight", action);
        q = calloc(1, sizeof *q);
        if (!q)
                return -ENOMEM;
        *q = (AuthQuery) { .reg = reg, .request = sd_bus_message_ref(m), .handler = handler, .action = strdup(action) };
        r = q->action ? 0 : -ENOMEM;
        if (r >= 0)
                r = sd_bus_message_new_method_call(reg->peer_bus, &call, "org.freedesktop.PolicyKit1",
                                                   "/org/freedesktop/PolicyKit1/Authority",
                                                   "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization");
        /* subject (sa{sv}), action, details, flags (1: AllowUserInteraction), cancellation id. */
        if (r >= 0)
                r = sd_bus_message_append(call, "(sa{sv})sa{ss}us", "system-bus-name", 1, "name", "s",
                                          registry_caller_name(reg, m), action, 0,
                                          (uint32_t) (sd_bus_message_get_allow_interactive_authorization(m) ? 1 : 0),
                                          "");
        /* An interactive question waits for a person: polkit's own timeout, not sd-bus's 25 s. */
        if (r >= 0)
                r = sd_bus_call_async(reg->peer_bus, &q->slot, call, on_polkit_reply, q, UINT64_MAX);
        if (r < 0) {
                auth_query_free(q);
                return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED, "not authorized for %s: cannot ask polkit: %s",
                                         action, strerror(-r));
        }
        q->next = reg->auth_queries;
        reg->auth_queries = q;
        reg->n_auth_queries++;
        return 1;
}

int registry_authorize(Registry *reg, sd_bus_message *m, const char *action, uid_t owner,
                       sd_bus_message_handler_t handler, sd_bus_error *error) {
        uid_t uid;
        int r;

        r = registry_caller_uid(reg, m, &uid);
        if (r < 0)
                return sd_bus_error_setf(error, OCICTL_ERROR_PERMISSION_DENIED, "cannot determine the caller's uid: %s",
                                         strerror(-r));
        if (uid == 0)
                return 0;
        /* Rootless: services that ocictl forked on a socket pair run as their caller and can do
         * nothing that caller could not. */
        if (service_is_direct())
                return bus_check_caller_allowed(m, error);
        if (owner != UID_INVALID && uid == owner)
                return 0;

        for (AuthQuery *q = reg->auth_queries; q; q = q->next) {
                if (q->request != m || !streq(q->action, action))
                        continue;
                switch (q->result) {
                case AUTH_YES:
                        return 0;
                case AUTH_PENDING:
                        return 1;
                case AUTH_NO:
                        return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED, "not authorized for %s (uid %u)",
                                                 action, uid);
                case AUTH_CHALLENGE:
                        return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                                 "not authorized for %s (uid %u): it needs authentication, and the "
                                                 "call did not allow interactive authorization",
                                                 action, uid);
                case AUTH_FAILED:
                        return sd_bus_error_setf(error, OCICTL_ERROR_NOT_AUTHORIZED,
                                                 "not authorized for %s (uid %u): polkit: %s", action, uid,
                                                 q->failure ?: "no answer");
                }
        }
        return polkit_ask(reg, m, action, handler, error);
}
