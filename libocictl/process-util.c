/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>

#include "macros.h"
#include "process-util.h"

/* Reads /proc/PID/stat and returns the text after the command name, which may itself hold
 * spaces and parentheses: the last ')' ends it. */
static int read_stat_tail(pid_t pid, char *buf, size_t size, char **ret) {
        char path[64];
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        char *p;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        n = read(fd, buf, size - 1);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        p = strrchr(buf, ')');
        if (!p || p[1] != ' ')
                return -EIO;
        *ret = p + 2;
        return 0;
}

int process_get_state(pid_t pid, char *ret) {
        char buf[1024], *p;
        int r = read_stat_tail(pid, buf, sizeof buf, &p);
        if (r < 0)
                return r;
        *ret = p[0];
        return 0;
}

int process_get_parent(pid_t pid, pid_t *ret) {
        char buf[1024], *p;
        int ppid;
        int r = read_stat_tail(pid, buf, sizeof buf, &p);
        if (r < 0)
                return r;
        if (sscanf(p, "%*c %d", &ppid) != 1)
                return -EIO;
        *ret = (pid_t) ppid;
        return 0;
}

int process_get_start_time(pid_t pid, uint64_t *ret) {
        char buf[1024], *p;
        uint64_t t;
        int r = read_stat_tail(pid, buf, sizeof buf, &p);
        if (r < 0)
                return r;
        /* After the name: field 3 is state; starttime is field 22, i.e. the 20th from here. */
        for (int i = 0; i < 19; i++) {
                p = strchr(p, ' ');
                if (!p)
                        return -EIO;
                p++;
        }
        if (sscanf(p, "%" SCNu64, &t) != 1)
                return -EIO;
        *ret = t;
        return 0;
}

int process_is_same_and_alive(pid_t pid, uint64_t start_time) {
        uint64_t t;
        char state;

        if (pid <= 0)
                return 0;
        if (process_get_start_time(pid, &t) < 0 || t != start_time)
                return 0;
        if (process_get_state(pid, &state) < 0)
                return 0;
        return state != 'Z' && state != 'X';
}

static const char *const signal_names[] = {
        [SIGHUP] = "HUP",   [SIGINT] = "INT",     [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",   [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
        [SIGKILL] = "KILL", [SIGUSR1] = "USR1",   [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",   [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
        [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",   [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",   [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",     [SIGPWR] = "PWR",     [SIGSYS] = "SYS",
};

int signal_from_string(const char *s) {
        char *end;
        long n;

        if (!s || !*s)
                return -EINVAL;
        if (s[0] >= '0' && s[0] <= '9') {
                errno = 0;
                n = strtol(s, &end, 10);
                /* 0 as kill(2) takes it: nothing is sent, the target is only checked. */
                if (errno || *end || n < 0 || n > SIGRTMAX)
                        return -EINVAL;
                return (int) n;
        }
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && strcasecmp(s, signal_names[i]) == 0)
                        return (int) i;
        if (strncasecmp(s, "RTMIN+", 6) == 0) {
                n = strtol(s + 6, &end, 10);
                if (!*end && n >= 0 && SIGRTMIN + n <= SIGRTMAX)
                        return SIGRTMIN + (int) n;
        }
        return -EINVAL;
}

bool running_in_user_namespace(void) {
        char buf[128] = "";
        unsigned inside, outside, count;
        int end = 0, fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;

        if (fd >= 0)
                close(fd);
        if (n <= 0)
                return false; /* no procfs to tell: take the host's */
        /* The host's namespace maps every id to itself, in one line. */
        return !(sscanf(buf, "%u %u %u\n%n", &inside, &outside, &count, &end) == 3 && inside == 0 && outside == 0 &&
                 count == UINT32_MAX && end == n);
}

bool running_rootless(void) {
        return geteuid() != 0 || running_in_user_namespace();
}
