/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the registry's files share: registry-service.c (main, vtable, the container folders),
 * registry-peers.c (calls to the other services), registry-lifecycle.c, registry-queries.c,
 * registry-exec.c, registry-cgroup.c (the handlers). */
#pragma once

#include "create-options.h"
#include "peer.h"
#include "services.h"
#include "state-file.h"

/* The registry's context, the userdata of every handler (as hostnamed passes its Context):
 * where the container folders are, its own bus in system mode, and its connections to the peer
 * services, each made on first use. */
typedef struct AuthQuery AuthQuery;           /* registry-auth.c */
typedef struct ContainerWatch ContainerWatch; /* registry-watch.c */
typedef struct RegistryWorker RegistryWorker; /* registry-worker.c */
typedef struct RegistrySpare RegistrySpare;   /* registry-worker.c */

typedef struct Registry {
        const char *root_dir;
        int root_fd;
        sd_bus *bus;      /* where it serves, and emits */
        sd_bus *peer_bus; /* its calls to the peers and polkit: bus, but a worker's own in one */
        Peer peers[_SERVICE_MAX];
        AuthQuery *auth_queries; /* polkit questions asked, with their answers once they come */
        size_t n_auth_queries;
        ContainerWatch *watches; /* bus mode: the live containers' inits */
        unsigned n_forwarded_waits; /* Wait calls for exec'd processes, at the spawner */
        RegistryWorker *workers;    /* bus mode: the calls in progress, one child each */
        unsigned n_workers;
        RegistrySpare *spare;          /* bus mode: a worker forked ahead, for the next call */
        sd_event_source *spare_refill; /* forks the next one, once the loop is idle */
        bool in_worker;   /* this process is a worker: the call is for the caller below */
        uid_t caller_uid; /* in a worker, the uid and unique bus name of whom the call is for */
        char *caller_name;
        pid_t caller_pid;  /* and its pid, gid and groups, as the bus daemon saw them (RunSandbox) */
        gid_t caller_gid;
        gid_t caller_groups[64];
        int n_caller_groups; /* -1: unknown */
        struct SandboxGuard *sandbox_guards; /* registry-sandbox.c: die with the caller, timeouts */
} Registry;

#define UID_INVALID ((uid_t) -1)

/* The polkit actions (dbus/org.ocictl.policy). */
#define ACTION_CREATE "org.ocictl.create" /* a container the caller then owns */
#define ACTION_MANAGE "org.ocictl.manage" /* any container; privileged config fields */
#define ACTION_EXEC "org.ocictl.exec"     /* a process in a container the caller does not own */
#define ACTION_SANDBOX "org.ocictl.sandbox" /* RunSandbox: a sandbox no stronger than its caller */

/* registry-auth.c. 0: the caller of m may do action (owner: the container's owner, who may, or
 * UID_INVALID); 1: polkit was asked, and handler runs again with m once it answers (return 1
 * from the handler without a reply); < 0: refused, with NotAuthorized naming the action. */
int registry_authorize(Registry *reg, sd_bus_message *m, const char *action, uid_t owner,
                       sd_bus_message_handler_t handler, sd_bus_error *error);
void registry_auth_done(Registry *reg);
/* registry-privilege.c: 1 and what (a config field and why, "linux.devices: host devices") when
 * the config reaches past the container into the host, which needs org.ocictl.manage; 0 when
 * org.ocictl.create covers it. rootfs is the resolved root.path, owned by caller or privileged. */
int spec_find_privileged_field(const Spec *spec, const char *rootfs, uid_t caller, char **ret);
/* The same for the process alone (exec's overrides): capabilities, oomScoreAdj, scheduler. */
int spec_find_privileged_process_field(const Spec *spec, char **ret);

/* The connection to a peer service, made on first use. */
int get_peer(Registry *reg, ServiceId id, const Peer **ret, sd_bus_error *error);
/* Opens a container's folder with the given flock and reads its state; NoSuchContainer in
 * runc's words when there is none. */
int load_container(Registry *reg, const char *id, int lock, int *ret_fd, ContainerState *ret, sd_bus_error *error);
/* A call to Cgroups1.member naming the container's cgroup: its (hierarchy, path) records, or
 * with created (what Create reported it made, for Rollback) (hierarchy, path, created). */
#define CGROUP_FDS_MAX 64 /* one per hierarchy is what a host has */
/* The a{h} of a reply, dup'ed (close-on-exec) so that they outlive it: all of them or none. */
int read_reply_fds(sd_bus_message *reply, int *fds, size_t max, size_t *ret_n);
int new_cgroups_call(Registry *reg, const ContainerState *s, const char *member, char **created,
                     const Peer **ret_peer, sd_bus_message **ret, sd_bus_error *error);
/* Spec1.Parse of a config.json descriptor. */
int call_parse(Registry *reg, int config_fd, sd_bus_message **ret_reply, sd_bus_error *error);

/* saved-spec.c: the parser's answer kept in the container's folder, whole or not at all (a
 * failure leaves no file); read back into a sealed message made on bus, -ENOENT without one. */
void saved_spec_write(int dir_fd, sd_bus_message *parsed);
int saved_spec_read(int dir_fd, sd_bus *bus, sd_bus_message **ret);
/* The spec a container was created with: the saved answer, else config.json through the
 * parser. */
int load_saved_spec(Registry *reg, int dir_fd, const char *id, Spec *spec, sd_bus_error *error);
/* poststart/poststop through the spawner; a failure is logged as a warning, as the runtime spec
 * wants for these two. */
void run_post_hooks(Registry *reg, const ContainerState *state, HookKind kind, const char *status, int dir_fd);

/* registry-objects.c: the container objects, /org/ocictl/container/<encoded id>. */
int registry_objects_setup(Registry *reg, sd_bus *bus);
int container_object_path(const char *id, char **ret);
/* The id of the container a call to its object is for (NoSuchContainer for a path that cannot
 * be one). */
int container_call_id(sd_bus_message *m, char **ret, sd_bus_error *error);
/* In bus mode: the manager's ContainerNew/ContainerRemoved/ContainerExited with the
 * ObjectManager's signals, and PropertiesChanged of Status and Pid. */
void emit_container_new(Registry *reg, const char *id);
void emit_container_removed(Registry *reg, const char *id);
void emit_container_exited(Registry *reg, const char *id, int status);
void emit_status_changed(Registry *reg, const char *id);
/* registry-watch.c, bus mode: a pidfd watch on the container's init that announces its exit
 * (ContainerExited) with the status its monitor recorded; registry_watch_wait adds a Wait call
 * to answer then (returns 1), registry_watch_all watches every live container (at start-up). */
int registry_watch(Registry *reg, const char *id, int dir_fd, const ContainerState *s);
int registry_watch_wait(Registry *reg, const char *id, int dir_fd, const ContainerState *s, sd_bus_message *m,
                        sd_bus_error *error);
void registry_watch_all(Registry *reg);
void registry_watches_done(Registry *reg);
/* The container ids under the root, sorted. */
int registry_list_ids(Registry *reg, char ***ret, size_t *ret_n);
/* Cgroups1.Freeze of the container's cgroup. */
int freeze_container(Registry *reg, const ContainerState *state, bool frozen, sd_bus_error *error);

/* registry-worker.c, bus mode. registry_offload at the start of a handler that changes a
 * container: 1 when a worker was started to run the handler (it answers), 0 to run it here (in
 * direct mode, and in the worker), < 0 when no worker could be. Inside the handlers the caller is
 * registry_caller_uid/name, never the message's sender (in a worker, that is the parent). */
int registry_offload(Registry *reg, sd_bus_message *m, sd_bus_error *error);
int registry_caller_uid(Registry *reg, sd_bus_message *m, uid_t *ret);
/* Bus mode: forks the spare worker once the loop is idle, unless there is one. */
void registry_spare_prepare(Registry *reg);
const char *registry_caller_name(Registry *reg, sd_bus_message *m);
void registry_workers_done(Registry *reg);
/* registry-service.c: the manager and the container objects on bus (for a worker's). */
int registry_publish(Registry *reg, sd_bus *bus);

/* The method handlers that live in their own files. */
int method_exec(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_update(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_pause(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_resume(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_stats(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_get_cgroup(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_wait(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* registry-sandbox.c: RunSandbox (in a worker), and in the registry once it ran: its watch, and
 * the guard that kills it at its timeout or deletes it when its caller leaves. */
int method_run_sandbox(sd_bus_message *m, void *userdata, sd_bus_error *error);
void registry_sandbox_started(Registry *reg, sd_bus_message *request, sd_bus_message *reply);
void registry_sandbox_removed(Registry *reg, const char *id);
void registry_sandbox_guard(Registry *reg, const char *id, const ContainerState *state);
/* A sandbox's bundle (its rootfs of mount points) is not in its state folder, which only root
 * may enter, but below <root>-sandboxes, where its mapped root can reach it: removed with it. */
void registry_sandbox_remove(Registry *reg, const char *id);
void registry_sandbox_guards_done(Registry *reg);

/* registry-peers.c */
void peers_done(Registry *reg);
void start_peer_early(Registry *reg, ServiceId id);
int call_cgroups_remove(Registry *reg, const ContainerState *s, char **created, sd_bus_error *error);
int call_return_net_devices(Registry *reg, const ContainerState *s, sd_bus_error *error);
int call_kill(Registry *reg, const ContainerState *s, int sig, sd_bus_error *error);
int call_cgroups_resolve(Registry *reg, const char *id, const Spec *spec, const CreateOptions *options,
                         ContainerState *state, sd_bus_error *error);
/* ret_hold: the systemd driver's hold on its scope (cgroup-systemd.h), to close once the
 * container's first process is in the cgroup; -EBADF for cgroupfs. */
int call_cgroups_create(Registry *reg, const char *id, const Spec *spec, const CreateOptions *options,
                        ContainerState *state, char ***created, int *fds, size_t *n_fds, int *ret_hold,
                        sd_bus_error *error);
int call_spawn(Registry *reg, const char *id, const char *bundle, const char *rootfs, sd_bus_message *spec, int dir_fd,
               const int *cgroup_fds, size_t n_cgroup_fds, const int stdio[3], const CreateOptions *options,
               ContainerState *state, sd_bus_error *error);
int reopen_unlocked(int dir_fd);

/* registry-lifecycle.c */
int check_id(const char *id, sd_bus_error *error);
/* What a create needs, from CreateContainer or RunSandbox (registry-sandbox.c). */
typedef struct CreateRequest {
        const char *id, *bundle;
        int config_fd;
        int stdio[3];
        CreateOptions options;
        uid_t owner;
        /* CreateContainer: a config that reaches into the host needs org.ocictl.manage
         * (registry-privilege.c). RunSandbox writes the config itself, from a profile it has
         * checked field by field. */
        bool check_privileged_fields;
        /* RunSandbox: makes the rootfs in the container's folder (dir_fd) for the parsed spec. */
        int (*make_rootfs)(int dir_fd, const Spec *spec, void *userdata, sd_bus_error *error);
        void *userdata;
} CreateRequest;
/* Spawner1.Start of a created container, then its poststart hooks. */
int start_container(Registry *reg, const char *id, int dir_fd, const ContainerState *state, sd_bus_error *error);
/* Makes the container (parse, cgroups, spawn, state), or undoes all of it: 0 with its state,
 * 1 while polkit decides on a privileged field (the handler runs again with m), < 0. */
int create_container(Registry *reg, sd_bus_message *m, const CreateRequest *req, ContainerState *ret,
                     sd_bus_error *error);
int method_create(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_kill(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_delete(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* registry-queries.c */
int method_features(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_get_pids(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_list_containers(sd_bus_message *m, void *userdata, sd_bus_error *error);
int method_get_container(sd_bus_message *m, void *userdata, sd_bus_error *error);
