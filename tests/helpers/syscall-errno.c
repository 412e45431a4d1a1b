/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Calls each syscall number given, with zero arguments, and prints "NR=ERRNO" (0 if it
 * succeeded): what a seccomp profile does to numbers it does or does not know. Static, so a
 * busybox rootfs can hold it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                long nr = strtol(argv[i], NULL, 0);
                errno = 0;
                long r = syscall(nr, 0, 0, 0, 0, 0, 0);
                printf("%ld=%d\n", nr, r < 0 ? errno : 0);
        }
        return 0;
}
