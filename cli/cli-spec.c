/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `ocictl spec`: runc's default config.json (ociVersion 1.0.2-dev so that runc and crun accept the
 * same file), hostname aside, and without "ambient" as runc >= 1.2: an ambient capability needs
 * the same inheritable one, which the default no longer grants. */
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"

static const char default_spec[] =
        "{\n"
        "\t\"ociVersion\": \"1.0.2-dev\",\n"
        "\t\"process\": {\n"
        "\t\t\"terminal\": true,\n"
        "\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n\t\t},\n"
        "\t\t\"args\": [\n\t\t\t\"sh\"\n\t\t],\n"
        "\t\t\"env\": [\n"
        "\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
        "\t\t\t\"TERM=xterm\"\n"
        "\t\t],\n"
        "\t\t\"cwd\": \"/\",\n"
        "\t\t\"capabilities\": {\n"
        "\t\t\t\"bounding\": [\n\t\t\t\t\"CAP_AUDIT_WRITE\",\n\t\t\t\t\"CAP_KILL\",\n\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n\t\t\t],\n"
        "\t\t\t\"effective\": [\n\t\t\t\t\"CAP_AUDIT_WRITE\",\n\t\t\t\t\"CAP_KILL\",\n\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n\t\t\t],\n"
        "\t\t\t\"permitted\": [\n\t\t\t\t\"CAP_AUDIT_WRITE\",\n\t\t\t\t\"CAP_KILL\",\n\t\t\t\t\"CAP_NET_BIND_SERVICE\"\n\t\t\t]\n"
        "\t\t},\n"
        "\t\t\"rlimits\": [\n\t\t\t{\n\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n\t\t\t\t\"hard\": 1024,\n\t\t\t\t\"soft\": 1024\n\t\t\t}\n\t\t],\n"
        "\t\t\"noNewPrivileges\": true\n"
        "\t},\n"
        "\t\"root\": {\n\t\t\"path\": \"rootfs\",\n\t\t\"readonly\": true\n\t},\n"
        "\t\"hostname\": \"ocictl\",\n"
        "\t\"mounts\": [\n"
        "\t\t{\n\t\t\t\"destination\": \"/proc\",\n\t\t\t\"type\": \"proc\",\n\t\t\t\"source\": \"proc\"\n\t\t},\n"
        "\t\t{\n\t\t\t\"destination\": \"/dev\",\n\t\t\t\"type\": \"tmpfs\",\n\t\t\t\"source\": \"tmpfs\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"strictatime\",\n\t\t\t\t\"mode=755\",\n\t\t\t\t\"size=65536k\"\n\t\t\t]\n\t\t},\n"
        "\t\t{\n\t\t\t\"destination\": \"/dev/pts\",\n\t\t\t\"type\": \"devpts\",\n\t\t\t\"source\": \"devpts\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"newinstance\",\n\t\t\t\t\"ptmxmode=0666\",\n"
        "\t\t\t\t\"mode=0620\"";
/* runc's rootless spec (`spec --rootless`) differs in what follows: no gid= option (gid 5 is not
 * mapped), /sys bound from the host (sysfs needs a network namespace of the user's own), no
 * resources, no network namespace, a user namespace that maps the caller's own ids. */
static const char devpts_gid[] = ",\n\t\t\t\t\"gid=5\"";
static const char after_devpts[] =
        "\n\t\t\t]\n\t\t},\n"
        "\t\t{\n\t\t\t\"destination\": \"/dev/shm\",\n\t\t\t\"type\": \"tmpfs\",\n\t\t\t\"source\": \"shm\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"mode=1777\",\n\t\t\t\t\"size=65536k\"\n\t\t\t]\n\t\t},\n"
        "\t\t{\n\t\t\t\"destination\": \"/dev/mqueue\",\n\t\t\t\"type\": \"mqueue\",\n\t\t\t\"source\": \"mqueue\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\"\n\t\t\t]\n\t\t},\n"
        "";
static const char sysfs_mount[] =
        "\t\t{\n\t\t\t\"destination\": \"/sys\",\n\t\t\t\"type\": \"sysfs\",\n\t\t\t\"source\": \"sysfs\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"ro\"\n\t\t\t]\n\t\t},\n";
static const char sys_bind_mount[] =
        "\t\t{\n\t\t\t\"destination\": \"/sys\",\n\t\t\t\"type\": \"none\",\n\t\t\t\"source\": \"/sys\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"rbind\",\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"ro\"\n\t\t\t]\n\t\t},\n";
static const char cgroup_mount[] =
        "\t\t{\n\t\t\t\"destination\": \"/sys/fs/cgroup\",\n\t\t\t\"type\": \"cgroup\",\n\t\t\t\"source\": \"cgroup\",\n"
        "\t\t\t\"options\": [\n\t\t\t\t\"nosuid\",\n\t\t\t\t\"noexec\",\n\t\t\t\t\"nodev\",\n\t\t\t\t\"relatime\",\n\t\t\t\t\"ro\"\n\t\t\t]\n\t\t}\n"
        "\t],\n"
        "\t\"linux\": {\n";
static const char resources[] =
        "\t\t\"resources\": {\n\t\t\t\"devices\": [\n\t\t\t\t{\n\t\t\t\t\t\"allow\": false,\n\t\t\t\t\t\"access\": \"rwm\"\n\t\t\t\t}\n\t\t\t]\n\t\t},\n";
static const char namespaces_head[] =
        "\t\t\"namespaces\": [\n"
        "\t\t\t{\n\t\t\t\t\"type\": \"pid\"\n\t\t\t},\n";
static const char network_namespace[] = "\t\t\t{\n\t\t\t\t\"type\": \"network\"\n\t\t\t},\n";
static const char namespaces_tail[] =
        "\t\t\t{\n\t\t\t\t\"type\": \"ipc\"\n\t\t\t},\n\t\t\t{\n\t\t\t\t\"type\": \"uts\"\n\t\t\t},\n"
        "\t\t\t{\n\t\t\t\t\"type\": \"mount\"\n\t\t\t}";
static const char user_namespace[] = ",\n\t\t\t{\n\t\t\t\t\"type\": \"user\"\n\t\t\t}";
/* As runc: a cgroup namespace only where the host is pure cgroup v2. */
static const char cgroup_namespace[] = ",\n\t\t\t{\n\t\t\t\t\"type\": \"cgroup\"\n\t\t\t}";
static const char default_spec_tail[] =
        "\n\t\t],\n"
        "\t\t\"maskedPaths\": [\n"
        "\t\t\t\"/proc/acpi\",\n\t\t\t\"/proc/asound\",\n\t\t\t\"/proc/kcore\",\n\t\t\t\"/proc/keys\",\n"
        "\t\t\t\"/proc/latency_stats\",\n\t\t\t\"/proc/timer_list\",\n\t\t\t\"/proc/timer_stats\",\n"
        "\t\t\t\"/proc/sched_debug\",\n\t\t\t\"/sys/firmware\",\n\t\t\t\"/proc/scsi\"\n"
        "\t\t],\n"
        "\t\t\"readonlyPaths\": [\n"
        "\t\t\t\"/proc/bus\",\n\t\t\t\"/proc/fs\",\n\t\t\t\"/proc/irq\",\n\t\t\t\"/proc/sys\",\n\t\t\t\"/proc/sysrq-trigger\"\n"
        "\t\t]\n"
        "\t}\n"
        "}\n";

static bool write_all(int fd, const char *text) {
        size_t n = strlen(text);
        return write(fd, text, n) == (ssize_t) n;
}

VERB(spec) {
        static const struct option options[] = {
                { "bundle", required_argument, NULL, 'b' },
                { "rootless", no_argument, NULL, 'r' },
                {},
        };
        const char *bundle = ".";
        char path[PATH_MAX];
        struct statfs sfs;
        bool v2 = statfs("/sys/fs/cgroup", &sfs) >= 0 && sfs.f_type == CGROUP2_SUPER_MAGIC, rootless = false;
        char maps[256];
        int c, fd;

        while ((c = getopt_long_only(argc, argv, "b:", options, NULL)) >= 0)
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case 'r':
                        rootless = true;
                        break;
                default:
                        return -EINVAL;
                }
        snprintf(path, sizeof path, "%s/config.json", bundle);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
                return cli_error(-EEXIST, "spec: File %s exists. Remove it first", path);
        if (fd < 0)
                return cli_error(-errno, "spec: cannot create %s: %m", path);
        snprintf(maps, sizeof maps,
                 ",\n\t\t\"uidMappings\": [\n\t\t\t{\n\t\t\t\t\"containerID\": 0,\n\t\t\t\t\"hostID\": %u,\n"
                 "\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t],\n\t\t\"gidMappings\": [\n\t\t\t{\n\t\t\t\t\"containerID\": 0,\n"
                 "\t\t\t\t\"hostID\": %u,\n\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t]",
                 (unsigned) geteuid(), (unsigned) getegid());
        if (!write_all(fd, default_spec) || (!rootless && !write_all(fd, devpts_gid)) || !write_all(fd, after_devpts) ||
            !write_all(fd, rootless ? sys_bind_mount : sysfs_mount) || !write_all(fd, cgroup_mount) ||
            (!rootless && !write_all(fd, resources)) || !write_all(fd, namespaces_head) ||
            (!rootless && !write_all(fd, network_namespace)) || !write_all(fd, namespaces_tail) ||
            (v2 && !write_all(fd, cgroup_namespace)) || (rootless && !write_all(fd, user_namespace)) ||
            !write_all(fd, rootless ? "\n\t\t]" : "") || (rootless && !write_all(fd, maps)) ||
            !write_all(fd, rootless ? ",\n" : "") || !write_all(fd, rootless ? default_spec_tail + strlen("\n\t\t],\n") : default_spec_tail)) {
                int r = -errno;
                close(fd);
                unlink(path);
                return cli_error(r, "spec: cannot write %s: %s", path, strerror(-r));
        }
        close(fd);
        return 0;
}
