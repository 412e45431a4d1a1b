/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* without-clone3 COMMAND [ARG...]: runs COMMAND with clone3() failing ENOSYS, as a kernel
 * before 5.3 or Docker's default seccomp profile has it, so the tests can take the path that
 * joins cgroup2 through cgroup.procs instead of CLONE_INTO_CGROUP. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
        scmp_filter_ctx filter;
        int r;

        if (argc < 2) {
                fprintf(stderr, "usage: without-clone3 COMMAND [ARG...]\n");
                return 2;
        }
        filter = seccomp_init(SCMP_ACT_ALLOW);
        if (!filter)
                return 1;
        r = seccomp_rule_add(filter, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
        if (r >= 0)
                r = seccomp_attr_set(filter, SCMP_FLTATR_CTL_NNP, 0);
        if (r >= 0)
                r = seccomp_load(filter);
        if (r < 0) {
                fprintf(stderr, "without-clone3: load the filter: %s\n", strerror(-r));
                return 1;
        }
        execvp(argv[1], argv + 1);
        fprintf(stderr, "without-clone3: exec %s: %s\n", argv[1], strerror(errno));
        return 127;
}
