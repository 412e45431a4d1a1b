/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup v2 eBPF device filter, for real (root): loaded into the kernel, attached to a new
 * cgroup on the cgroup2 mount, and asked by the kernel on each open of a device node by a child
 * moved into that cgroup. On a hybrid host the cgroup2 mount holds no controllers, yet device
 * programs work there; a pure v2 host is tested in the VM (cgroup-v2-vm.sh). Exit 77: skipped. */
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-bpf.h"
#include "macros.h"
#include "test-helpers.h"

static char cgroup_dir[4200];

static bool opens(const char *path, int flags) {
        int fd = open(path, flags | O_CLOEXEC);
        if (fd < 0)
                return false;
        close(fd);
        return true;
}

/* In a child placed in the cgroup: which opens succeed, as bits (one per probe). */
static int probe_in_cgroup(void) {
        static const struct {
                const char *path;
                int flags;
        } probes[] = {
                { "/dev/null", O_WRONLY }, { "/dev/zero", O_RDONLY }, { "/dev/zero", O_WRONLY }, { "/dev/urandom", O_RDONLY },
        };
        char procs[4300];
        pid_t pid;
        int status, fd;

        pid = fork();
        if (pid == 0) {
                int bits = 0;
                snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup_dir);
                fd = open(procs, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, "0", 1) != 1)
                        _exit(255);
                for (size_t i = 0; i < ELEMENTSOF(probes); i++)
                        if (opens(probes[i].path, probes[i].flags))
                                bits |= 1 << i;
                _exit(bits);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
                return -1;
        return WEXITSTATUS(status);
}

int main(void) {
        SpecDevice rules[] = {
                { false, 'a', -1, -1, "rwm" }, /* deny all, then: */
                { true, 'c', 1, 3, "rw" },     /* /dev/null */
                { true, 'c', 1, 5, "r" },      /* /dev/zero, read only */
        };
        SpecDevice later[] = { { false, 'a', -1, -1, "rwm" }, { true, 'c', 1, 9, "r" } }; /* /dev/urandom only */
        struct bpf_insn *insns = NULL;
        static char log[65536];
        const char *root = NULL;
        struct mntent *me;
        size_t n = 0;
        FILE *f;
        int r, bits;

        /* Pure: the program for the rules is well formed and ends allowing what no rule names. */
        r = cgroup_device_program(rules, ELEMENTSOF(rules), &insns, &n);
        CHECK(r == 0 && n > 6 && insns[n - 1].code == (BPF_JMP | BPF_EXIT) && insns[n - 2].imm == 1, "program");
        free(insns);

        if (geteuid() != 0) {
                printf("SKIP: needs root\n");
                return 77;
        }
        f = setmntent("/proc/self/mounts", "re");
        while (f && (me = getmntent(f)))
                if (streq(me->mnt_type, "cgroup2")) {
                        root = strdupa(me->mnt_dir);
                        break;
                }
        if (f)
                endmntent(f);
        if (!root) {
                printf("SKIP: no cgroup2 mount\n");
                return 77;
        }
        snprintf(cgroup_dir, sizeof cgroup_dir, "%s/ocictl-devfilter-%d", root, (int) getpid());
        CHECK(mkdir(cgroup_dir, 0755) == 0, "mkdir %s: %m", cgroup_dir);

        CHECK(probe_in_cgroup() == 0xf, "without a filter every probe opens");
        r = cgroup_device_filter_attach(cgroup_dir, rules, ELEMENTSOF(rules), log, sizeof log);
        CHECK(r == 0, "attach: %s %s", strerror(-r), log);
        bits = probe_in_cgroup();
        CHECK(bits == 0x3, "allowed /dev/null rw and /dev/zero r, denied /dev/zero w and /dev/urandom: got %#x", bits);

        /* update: the new rules replace the old ones (no program is left stacked). */
        r = cgroup_device_filter_attach(cgroup_dir, later, ELEMENTSOF(later), log, sizeof log);
        CHECK(r == 0, "replace: %s %s", strerror(-r), log);
        bits = probe_in_cgroup();
        CHECK(bits == 0x8, "only /dev/urandom after the update: got %#x", bits);

        CHECK(rmdir(cgroup_dir) == 0, "rmdir: %m");
        return test_finish("test-device-filter");
}
