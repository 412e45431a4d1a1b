/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry's Create against peers that fail on purpose, as dbus-broker tests its broker
 * against spawned peers: the real ocictl-registry binary, started as ocictl starts it (direct
 * mode, its peers on socket pairs), with fake Spec1, Cgroups1 and Spawner1 served by a child of
 * this test. No container, no cgroup: each fake records the calls it got, and each scenario
 * checks what the registry undid. A scenario where every peer succeeds shows that the checks see
 * a difference (the folder stays, nothing is rolled back). */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus-errors.h"
#include "peer.h"
#include "process-util.h"
#include "service-spawn.h"
#include "spec-bus.h"
#include "test-helpers.h"

#define CGROUP_KEY "pids"
#define CGROUP_PATH "/ocictl-rollback-test/c1"

typedef enum Failure {
        FAIL_NOTHING,
        FAIL_PARSE,          /* Spec1.Parse: InvalidSpec */
        FAIL_CGROUPS_CREATE, /* Cgroups1.Create: InvalidSpec, nothing made */
        FAIL_SPAWN,          /* Spawner1.Spawn: SetupFailed, after Create made the cgroup */
        FAIL_SPAWNER_DIES,   /* the spawner's connection closes during Spawn */
        FAIL_CGROUPS_DIES,   /* the cgroup manager's connection closes during Create */
        FAIL_SPAWN_IN_SCOPE, /* as FAIL_SPAWN, with a cgroup that is a systemd scope held open */
} Failure;

#define SCOPE "ocictl-c1.scope"

/* ---- the fake peers, in a child: one event loop, three server connections ---- */

typedef struct Fakes {
        Failure failure;
        int record_fd; /* one line per call */
        pid_t sleeper; /* what a successful Spawn reports as init */
        int hold_r;    /* FAIL_SPAWN_IN_SCOPE: the read end of the scope's hold, sent to the registry */
} Fakes;

static void record(const Fakes *f, const char *line) {
        dprintf(f->record_fd, "%s\n", line);
}

static int fake_parse(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const Fakes *f = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        char *args[] = { "true", NULL };
        Spec s = { .root_path = (char *) "rootfs", .args = args, .cwd = (char *) "/" };
        int r;

        record(f, "Spec1.Parse");
        if (f->failure == FAIL_PARSE)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "config.json: process.args: fake refusal");
        s.namespaces[NAMESPACE_MOUNT].enabled = true;
        r = sd_bus_message_new_method_return(m, &reply);
        if (r >= 0)
                r = spec_bus_append(reply, &s);
        return r < 0 ? r : sd_bus_send(NULL, reply, NULL);
}

static int fake_resolve(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const Fakes *f = userdata;
        record(f, "Cgroups1.Resolve");
        if (f->failure == FAIL_SPAWN_IN_SCOPE)
                return sd_bus_reply_method_return(m, "a(ss)", 2, CGROUP_KEY, CGROUP_PATH "/" SCOPE, "systemd-unit", SCOPE);
        return sd_bus_reply_method_return(m, "a(ss)", 1, CGROUP_KEY, CGROUP_PATH);
}

static int fake_create(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Fakes *f = userdata;

        record(f, "Cgroups1.Create");
        if (f->failure == FAIL_CGROUPS_CREATE)
                return sd_bus_error_setf(error, OCICTL_ERROR_INVALID_SPEC, "linux.resources.pids.limit: fake refusal");
        if (f->failure == FAIL_CGROUPS_DIES)
                _exit(0); /* every fake goes: the registry sees the cgroup manager die mid-call */
        if (f->failure == FAIL_SPAWN_IN_SCOPE) {
                int p[2];
                if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) /* read() tells open (EAGAIN) from closed (0) */
                        return -errno;
                f->hold_r = p[0];
                int r = sd_bus_reply_method_return(m, "a(sss)ahah", 2, CGROUP_KEY, CGROUP_PATH "/" SCOPE, "",
                                                   "systemd-unit", SCOPE, "", 0, 1, p[1]);
                close(p[1]); /* the reply holds its own copy */
                return r;
        }
        return sd_bus_reply_method_return(m, "a(sss)ahah", 1, CGROUP_KEY, CGROUP_PATH, CGROUP_PATH, 0, 0);
}

static int fake_rollback(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const Fakes *f = userdata;
        const char *key, *path, *made;
        char line[512], c;
        int r;

        /* The registry lets go of the scope's hold before it rolls back: EOF here. */
        if (f->hold_r >= 0)
                record(f, read(f->hold_r, &c, 1) == 0 ? "hold closed" : "hold open");

        r = sd_bus_message_enter_container(m, 'a', "(sss)");
        while (r >= 0 && (r = sd_bus_message_read(m, "(sss)", &key, &path, &made)) > 0) {
                snprintf(line, sizeof line, "Cgroups1.Rollback %s %s made=%s", key, path, made);
                record(userdata, line);
        }
        return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

static int fake_remove(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        record(userdata, "Cgroups1.Remove");
        return sd_bus_reply_method_return(m, NULL);
}

static int fake_spawn(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const Fakes *f = userdata;
        uint64_t start_time = 0;

        record(f, "Spawner1.Spawn");
        if (f->hold_r >= 0) { /* the registry holds the scope while the container's init joins it */
                char c;
                record(f, read(f->hold_r, &c, 1) < 0 && errno == EAGAIN ? "hold open at spawn" : "hold lost at spawn");
        }
        if (f->failure == FAIL_SPAWN || f->failure == FAIL_SPAWN_IN_SCOPE)
                return sd_bus_error_setf(error, OCICTL_ERROR_SETUP_FAILED, "mounts[0]: fake mount failure: Invalid argument");
        if (f->failure == FAIL_SPAWNER_DIES) {
                sd_bus_close(sd_bus_message_get_bus(m));
                return 0;
        }
        (void) process_get_start_time(f->sleeper, &start_time);
        return sd_bus_reply_method_return(m, "ut", (uint32_t) f->sleeper, start_time);
}

static int fake_kill(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        record(userdata, "Spawner1.Kill");
        return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable spec_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Parse", "h", "a{sv}", fake_parse, 0),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable cgroups_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Resolve", "sss", "a(ss)", fake_resolve, 0),
        SD_BUS_METHOD("Create", "sssa{sv}", "a(sss)ahah", fake_create, 0),
        SD_BUS_METHOD("Rollback", "a(sss)", "", fake_rollback, 0),
        SD_BUS_METHOD("Remove", "a(ss)", "", fake_remove, 0),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable spawner_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Spawn", "sssa{sv}hahhhha{sv}", "ut", fake_spawn, 0),
        SD_BUS_METHOD("Kill", "uti", "", fake_kill, 0),
        SD_BUS_VTABLE_END,
};

static int serve(sd_event *event, int fd, ServiceId id, const sd_bus_vtable *vtable, Fakes *f) {
        sd_bus *bus = NULL;
        sd_id128_t server_id;
        int r;

        (void) sd_id128_randomize(&server_id);
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_fd(bus, fd, fd);
        if (r >= 0)
                r = sd_bus_set_server(bus, true, server_id);
        if (r >= 0)
                r = sd_bus_set_anonymous(bus, true);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, service_table[id].object_path, service_table[id].bus_name,
                                             vtable, f);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, 0);
        return r; /* the bus lives as long as the child */
}

/* Forks the fakes; returns their pid. fds[] are their ends, one per peer. */
static pid_t start_fakes(Failure failure, const int fds[3], int record_fd, pid_t sleeper) {
        pid_t pid = fork();
        if (pid != 0)
                return pid;
        Fakes f = { failure, record_fd, sleeper, -1 };
        sd_event *event = NULL;
        if (sd_event_new(&event) < 0 || serve(event, fds[0], SERVICE_SPEC, spec_vtable, &f) < 0 ||
            serve(event, fds[1], SERVICE_CGROUPS, cgroups_vtable, &f) < 0 ||
            serve(event, fds[2], SERVICE_SPAWNER, spawner_vtable, &f) < 0)
                _exit(2);
        (void) sd_event_loop(event); /* until the parent kills us */
        _exit(0);
}

/* ---- the registry under test ---- */

typedef struct Outcome {
        int r;
        char error_name[128], error_message[512];
        char calls[2048];
        bool folder_left, state_left;
} Outcome;

static bool exists_at(const char *dir, const char *name) {
        char path[512];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        return stat(path, &st) == 0;
}

static Outcome run_create(Failure failure, const char *root, const char *bundle) {
        Outcome o = {};
        int registry_pair[3][2], record[2], peer_fds[_SERVICE_MAX] = { -1, -1, -1, -1 }, registry_fd = -1;
        pid_t fakes, registry = 0, sleeper;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        char config[512];
        Peer p = {};

        sleeper = fork();
        if (sleeper == 0) {
                pause();
                _exit(0);
        }
        CHECK(pipe2(record, O_CLOEXEC) == 0, "pipe");
        for (int i = 0; i < 3; i++)
                CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, registry_pair[i]) == 0, "socketpair");
        fakes = start_fakes(failure, (int[]) { registry_pair[0][1], registry_pair[1][1], registry_pair[2][1] },
                            record[1], sleeper);
        for (int i = 0; i < 3; i++)
                close(registry_pair[i][1]);
        close(record[1]);
        peer_fds[SERVICE_SPEC] = registry_pair[0][0];
        peer_fds[SERVICE_CGROUPS] = registry_pair[1][0];
        peer_fds[SERVICE_SPAWNER] = registry_pair[2][0];

        setenv("OCICTL_ROOT", root, 1);
        o.r = service_spawn(SERVICE_REGISTRY, peer_fds, STDERR_FILENO, &registry, &registry_fd);
        CHECK(o.r >= 0, "start ocictl-registry: %s", strerror(-o.r));
        for (int i = 0; i < 3; i++)
                close(registry_pair[i][0]);
        if (o.r >= 0)
                o.r = peer_connect_fd(SERVICE_REGISTRY, registry_fd, &p);
        snprintf(config, sizeof config, "%s/config.json", bundle);
        int config_fd = open(config, O_RDONLY | O_CLOEXEC);
        if (o.r >= 0)
                o.r = peer_new_call(&p, "CreateContainer", &m);
        if (o.r >= 0)
                o.r = sd_bus_message_append(m, "sshhhha{sv}", "c1", bundle, config_fd, 0, 1, 2, 0);
        if (o.r >= 0)
                o.r = peer_call(&p, m, &error, &reply);
        if (error.name)
                snprintf(o.error_name, sizeof o.error_name, "%s", error.name);
        if (error.message)
                snprintf(o.error_message, sizeof o.error_message, "%s", error.message);
        close(config_fd);

        /* The registry exits when its connection closes, after it finished (or undid) the call. */
        peer_done(&p);
        if (registry > 0)
                (void) waitpid(registry, NULL, 0);
        kill(fakes, SIGKILL);
        (void) waitpid(fakes, NULL, 0);
        kill(sleeper, SIGKILL);
        (void) waitpid(sleeper, NULL, 0);
        ssize_t n = read(record[0], o.calls, sizeof o.calls - 1);
        o.calls[n > 0 ? n : 0] = 0;
        close(record[0]);

        o.folder_left = exists_at(root, "c1");
        o.state_left = exists_at(root, "c1/state");
        return o;
}

static void remove_container_folder(const char *root) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s/c1'", root);
        (void) system(cmd);
}

/* ---- the scenarios: one behaviour each ---- */

static void every_peer_succeeds(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_NOTHING, root, bundle);
        CHECK(o.r >= 0, "create with good peers: %s %s", o.error_name, o.error_message);
        CHECK(o.folder_left && o.state_left, "good peers: the container's folder and state stay");
        CHECK(!strstr(o.calls, "Rollback"), "good peers: nothing is rolled back (calls: %s)", o.calls);
        CHECK(strstr(o.calls, "Spawner1.Spawn"), "good peers: the spawner was asked (calls: %s)", o.calls);
        remove_container_folder(root);
}

static void parse_failure_leaves_no_folder(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_PARSE, root, bundle);
        CHECK(o.r < 0 && streq(o.error_name, OCICTL_ERROR_INVALID_SPEC), "parse failure: %s", o.error_name);
        CHECK(strstr(o.error_message, "process.args: fake refusal"), "parse failure: the parser's words: %s",
              o.error_message);
        CHECK(!strstr(o.calls, "Cgroups1.Create") && !strstr(o.calls, "Spawner1"),
              "parse failure: no cgroup made, nothing spawned (calls: %s)", o.calls);
        CHECK(!o.folder_left, "parse failure: the container's folder is gone");
        remove_container_folder(root);
}

static void cgroup_refusal_rolls_back_nothing(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_CGROUPS_CREATE, root, bundle);
        CHECK(o.r < 0 && streq(o.error_name, OCICTL_ERROR_INVALID_SPEC), "cgroup refusal: %s", o.error_name);
        CHECK(strstr(o.error_message, "pids.limit: fake refusal"), "cgroup refusal: the manager's words: %s",
              o.error_message);
        CHECK(!strstr(o.calls, "Rollback") && !strstr(o.calls, "Remove"),
              "cgroup refusal: the resolved paths are not ours to remove (calls: %s)", o.calls);
        CHECK(!strstr(o.calls, "Spawner1.Spawn"), "cgroup refusal: nothing spawned (calls: %s)", o.calls);
        CHECK(!o.folder_left, "cgroup refusal: the container's folder is gone");
        remove_container_folder(root);
}

static void spawn_failure_rolls_back_the_cgroup(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_SPAWN, root, bundle);
        CHECK(o.r < 0 && streq(o.error_name, OCICTL_ERROR_SETUP_FAILED), "spawn failure: %s", o.error_name);
        CHECK(strstr(o.error_message, "mounts[0]: fake mount failure"), "spawn failure: the spawner's words: %s",
              o.error_message);
        CHECK(strstr(o.calls, "Cgroups1.Rollback " CGROUP_KEY " " CGROUP_PATH " made=" CGROUP_PATH),
              "spawn failure: what Create made is rolled back (calls: %s)", o.calls);
        CHECK(!o.folder_left, "spawn failure: the container's folder is gone");
        remove_container_folder(root);
}

/* The systemd driver's cgroup: the unit goes with the paths into Rollback, which stops it, and
 * the hold on the scope is let go first (its placeholder would keep the scope up). */
static void spawn_failure_stops_the_scope(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_SPAWN_IN_SCOPE, root, bundle);
        CHECK(o.r < 0 && streq(o.error_name, OCICTL_ERROR_SETUP_FAILED), "spawn failure in a scope: %s", o.error_name);
        CHECK(strstr(o.calls, "Cgroups1.Rollback systemd-unit " SCOPE " made="),
              "spawn failure in a scope: the scope is named in the rollback (calls: %s)", o.calls);
        CHECK(strstr(o.calls, "Cgroups1.Rollback " CGROUP_KEY " " CGROUP_PATH "/" SCOPE " made="),
              "spawn failure in a scope: its cgroup too (calls: %s)", o.calls);
        CHECK(strstr(o.calls, "hold open at spawn"), "spawn failure in a scope: held during the spawn (calls: %s)", o.calls);
        CHECK(strstr(o.calls, "hold closed"), "spawn failure in a scope: the hold was closed first (calls: %s)", o.calls);
        CHECK(!o.folder_left, "spawn failure in a scope: the container's folder is gone");
        remove_container_folder(root);
}

static void spawner_death_is_named_and_rolled_back(const char *root, const char *bundle) {
        Outcome o = run_create(FAIL_SPAWNER_DIES, root, bundle);
        CHECK(o.r < 0 && strstr(o.error_message, "org.ocictl.Spawner1 stopped answering during Spawn"),
              "spawner death: named in the error: %s", o.error_message);
        CHECK(strstr(o.calls, "Cgroups1.Rollback " CGROUP_KEY " " CGROUP_PATH), "spawner death: rolled back (calls: %s)",
              o.calls);
        CHECK(!o.folder_left, "spawner death: the container's folder is gone");
        remove_container_folder(root);
}

static void cgroup_manager_death_keeps_the_intent(const char *root, const char *bundle) {
        char path[512], state[4096] = "";
        Outcome o = run_create(FAIL_CGROUPS_DIES, root, bundle);
        CHECK(o.r < 0 && strstr(o.error_message, "org.ocictl.Cgroups1 stopped answering during Create"),
              "cgroup manager death: named in the error: %s", o.error_message);
        /* What it made is unknown: the state ("creating", with the resolved path) stays for
         * delete -f. */
        CHECK(o.state_left, "cgroup manager death: the state stays for delete -f");
        snprintf(path, sizeof path, "%s/c1/state", root);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, state, sizeof state - 1) : -1;
        state[n > 0 ? n : 0] = 0;
        if (fd >= 0)
                close(fd);
        CHECK(strstr(state, CGROUP_PATH), "cgroup manager death: the state names the resolved cgroup: %s", state);
        remove_container_folder(root);
}

int main(void) {
        char root[] = "/tmp/ocictl-rollback-root-XXXXXX", bundle[] = "/tmp/ocictl-rollback-bundle-XXXXXX";
        char path[128];
        int fd;

        if (geteuid() != 0) {
                /* Create is root-only (the registry checks the caller's uid). */
                printf("test-registry-rollback: needs root, skipped\n");
                return 77;
        }
        signal(SIGPIPE, SIG_IGN);
        bus_errors_register();
        CHECK(mkdtemp(root) && mkdtemp(bundle), "temporary folders");
        snprintf(path, sizeof path, "%s/rootfs", bundle);
        CHECK(mkdir(path, 0755) == 0, "rootfs");
        snprintf(path, sizeof path, "%s/config.json", bundle);
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        CHECK(fd >= 0 && write(fd, "{}", 2) == 2, "config.json"); /* the fake parser ignores it */
        if (fd >= 0)
                close(fd);

        every_peer_succeeds(root, bundle);
        parse_failure_leaves_no_folder(root, bundle);
        cgroup_refusal_rolls_back_nothing(root, bundle);
        spawn_failure_rolls_back_the_cgroup(root, bundle);
        spawn_failure_stops_the_scope(root, bundle);
        spawner_death_is_named_and_rolled_back(root, bundle);
        cgroup_manager_death_keeps_the_intent(root, bundle);

        snprintf(path, sizeof path, "rm -rf '%s' '%s'", root, bundle);
        (void) system(path);
        return test_finish("test-registry-rollback");
}
