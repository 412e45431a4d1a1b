/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Direct mode: ocictl (and the registry) start a service as a child on a socket pair, from a
 * sealed copy for the spawner, with its peers' sockets at known descriptors. */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "macros.h"
#include "sealed-exec.h"
#include "service-spawn.h"

#ifndef OCICTL_LIBEXECDIR
#define OCICTL_LIBEXECDIR "/usr/local/libexec/ocictl"
#endif

extern char **environ;

#define SERVICE_FD 3 /* where a directly spawned service finds its own socket */

static int (*in_process[_SERVICE_MAX])(void);
static char *argv_area;
static size_t argv_area_size;

void service_spawn_in_process(ServiceId id, int (*main_fn)(void)) {
        if (id != SERVICE_SPAWNER && id != SERVICE_SPEC) /* see service-spawn.h */
                in_process[id] = main_fn;
}

void service_spawn_set_argv_area(int argc, char **argv) {
        if (argc <= 0)
                return;
        argv_area = argv[0];
        argv_area_size = argv[argc - 1] + strlen(argv[argc - 1]) + 1 - argv[0];
}

/* What an exec does to handlers: caught signals back to their defaults, ignored ones stay
 * ignored. */
static void reset_signal_handlers(void) {
        for (int sig = 1; sig < NSIG; sig++) {
                struct sigaction sa;
                if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL)
                        (void) signal(sig, SIG_DFL);
        }
}

/* In the forked child, what an exec would have done for us: handlers back to their defaults
 * (ignored signals stay ignored, as across execve), our name and command line the service's. */
static int run_in_process(ServiceId id) {
        int (*main_fn)(void) = in_process[id];
        const char *name = service_table[id].binary;

        reset_signal_handlers();
        memset(in_process, 0, sizeof in_process);
        (void) prctl(PR_SET_NAME, name);
        if (argv_area && argv_area_size > 0) {
                memset(argv_area, 0, argv_area_size);
                memcpy(argv_area, name, strlen(name) < argv_area_size ? strlen(name) : argv_area_size - 1);
        }
        return main_fn();
}

const char *service_spawn_directory(void) {
        static char dir[PATH_MAX];
        char self[PATH_MAX], probe[PATH_MAX + 32];
        const char *e = getenv("OCICTL_LIBEXEC_DIR");
        ssize_t n;

        if (e)
                return e;
        if (dir[0])
                return dir;

        /* Next to our own binary (the build tree, or a relocated install), else libexecdir. */
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
                self[n] = 0;
                snprintf(probe, sizeof probe, "%s/%s", dirname(self), service_table[SERVICE_REGISTRY].binary);
                if (access(probe, X_OK) == 0) {
                        snprintf(dir, sizeof dir, "%s", self);
                        return dir;
                }
        }
        snprintf(dir, sizeof dir, "%s", OCICTL_LIBEXECDIR);
        return dir;
}

/* Moves fd to target in the child; fds are first lifted above the targets so that no dup2()
 * overwrites a source that is still needed. */
static int lift_fd(int fd) {
        return fd < 0 ? fd : fcntl(fd, F_DUPFD, 64);
}

int service_socket_pair(int *ret_ours, int *ret_theirs) {
        int pair[2];

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
                return negative_errno();
        *ret_ours = pair[0];
        *ret_theirs = pair[1];
        return 0;
}

/* What the child of service_start() needs, all made before the clone: the child of an exec'd
 * service shares our memory until its exec (below) and must not allocate or write our globals. */
typedef struct SpawnArgs {
        ServiceId id;
        const char *path;
        int own_fd, log_fd, peer_fds[_SERVICE_MAX];
        char **envp;
        sigset_t mask; /* ours before the clone, for the child to exec with */
} SpawnArgs;

/* Runs in the child: the fds in place, then the service's code (a fork) or its exec (a vfork). */
static int service_child(void *userdata) {
        SpawnArgs *a = userdata;
        int lifted[_SERVICE_MAX], own, image = -EBADF, next = SERVICE_FD + 1, null_fd, r;

        /* No PDEATHSIG: a service exits when its connection closes, after the call it is
         * handling. So when ocictl is killed in the middle of a create, the registry still
         * finishes it, or rolls it back, with its peers still there to help (issue 10); they
         * exit once the registry has. */
        own = lift_fd(a->own_fd);
        for (int i = 0; i < _SERVICE_MAX; i++)
                lifted[i] = lift_fd(a->peer_fds[i]);
        if (own < 0 || dup2(own, SERVICE_FD) < 0)
                _exit(127);
        for (int i = 0; i < _SERVICE_MAX; i++)
                if (lifted[i] >= 0 && dup2(lifted[i], next++) < 0) /* the order peers_env() names */
                        _exit(127);
        /* Our stdout may be the container's: a service keeps only stderr, for its log. */
        null_fd = open("/dev/null", O_RDWR);
        if (null_fd >= 0) {
                (void) dup2(null_fd, STDIN_FILENO);
                (void) dup2(null_fd, STDOUT_FILENO);
        }
        if (a->log_fd >= 0)
                (void) dup2(a->log_fd, STDERR_FILENO);
        /* The spawner's clones enter the container: it runs from a sealed copy (sealed-exec.h),
         * made here rather than by the spawner, which would have to exec itself a second time. */
        if (a->id == SERVICE_SPAWNER) {
                r = sealed_copy_of(a->path, &image);
                if (r < 0) {
                        dprintf(STDERR_FILENO, "ocictl: cannot make a sealed copy of %s: %s\n", a->path, strerror(-r));
                        _exit(127);
                }
                if ((image = dup3(image, next++, O_CLOEXEC)) < 0)
                        _exit(127);
        }
        (void) close_range(next, ~0U, 0);
        if (in_process[a->id]) {
                environ = a->envp; /* our own copy of the memory: a fork */
                _exit(run_in_process(a->id)); /* not exit(): our atexit handlers and stdio are ocictl's */
        }
        /* A vfork: handlers back to their defaults before any signal can come (they are our
         * parent's code, in our parent's memory), then the mask our parent had. */
        reset_signal_handlers();
        (void) sigprocmask(SIG_SETMASK, &a->mask, NULL);
        if (image >= 0)
                (void) syscall(SYS_execveat, image, "", (char *[]) { (char *) a->path, NULL }, a->envp, AT_EMPTY_PATH);
        else
                (void) execve(a->path, (char *[]) { (char *) a->path, NULL }, a->envp);
        dprintf(STDERR_FILENO, "ocictl: cannot execute %s: %s\n", a->path, strerror(errno));
        _exit(127);
}

/* Our environment with OCICTL_SERVICE_FD and OCICTL_PEER_FDS ("spec=4 cgroups=5 spawner=6", in
 * the order service_child() places them) set for the service. */
static char **service_env(const int peer_fds[_SERVICE_MAX], char *service_fd, size_t service_fd_size,
                          char *peers, size_t peers_size) {
        size_t n = 0, k = 0;
        int next = SERVICE_FD + 1;
        char **envp;

        snprintf(service_fd, service_fd_size, "OCICTL_SERVICE_FD=%d", SERVICE_FD);
        snprintf(peers, peers_size, "OCICTL_PEER_FDS=");
        for (int i = 0; i < _SERVICE_MAX; i++)
                if (peer_fds[i] >= 0) {
                        size_t len = strlen(peers);
                        snprintf(peers + len, peers_size - len, "%s%s=%d", peers[len - 1] == '=' ? "" : " ",
                                 service_table[i].short_name, next++);
                }
        while (environ && environ[n])
                n++;
        envp = calloc(n + 3, sizeof *envp);
        if (!envp)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!strneq(environ[i], "OCICTL_SERVICE_FD=", 18) && !strneq(environ[i], "OCICTL_PEER_FDS=", 16))
                        envp[k++] = environ[i];
        envp[k++] = service_fd;
        if (strchr(peers, '=')[1])
                envp[k++] = peers;
        return envp;
}

int service_start(ServiceId id, int own_fd, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid) {
        static char stack[64 * 1024] __attribute__((aligned(16))); /* the vfork child's, until its exec */
        char path[PATH_MAX + 64], service_fd[32], peers[256];
        SpawnArgs a = { .id = id, .path = path, .own_fd = own_fd, .log_fd = log_fd };
        sigset_t all;
        pid_t pid;

        snprintf(path, sizeof path, "%s/%s", service_spawn_directory(), service_table[id].binary);
        /* A missing binary is said by our caller, in one line, rather than by a child. */
        if (!in_process[id] && access(path, X_OK) < 0)
                return negative_errno();
        for (int i = 0; i < _SERVICE_MAX; i++)
                a.peer_fds[i] = peer_fds ? peer_fds[i] : -1;
        a.envp = service_env(a.peer_fds, service_fd, sizeof service_fd, peers, sizeof peers);
        if (!a.envp)
                return -ENOMEM;
        if (in_process[id]) {
                pid = fork(); /* glibc's fork: the child runs the service's code, malloc and all */
                if (pid == 0)
                        service_child(&a);
        } else {
                /* An exec'd service is cloned with our memory and we wait for its exec, as
                 * posix_spawn() does: no copy of our page tables, and none of the copy-on-write
                 * faults a fork leaves us (issue 15: a fork of ocictl costs about 0.3 ms). */
                sigfillset(&all);
                (void) sigprocmask(SIG_SETMASK, &all, &a.mask);
                pid = clone(service_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
                (void) sigprocmask(SIG_SETMASK, &a.mask, NULL);
        }
        free(a.envp);
        if (pid < 0)
                return negative_errno();
        *ret_pid = pid;
        return 0;
}

int service_spawn(ServiceId id, const int peer_fds[_SERVICE_MAX], int log_fd, pid_t *ret_pid, int *ret_fd) {
        _cleanup_close_ int ours = -EBADF, theirs = -EBADF;
        int r;

        r = service_socket_pair(&ours, &theirs);
        if (r >= 0)
                r = service_start(id, theirs, peer_fds, log_fd, ret_pid);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(ours);
        return 0;
}
