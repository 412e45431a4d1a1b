#!/bin/bash
# What `ocictl spec`'s default config asks for, checked from inside the container: namespaces,
# mounts, /dev, masked and read-only paths, a read-only root, hostname, user, capabilities,
# rlimits, no_new_privs, and that no host fd leaks in. Also --no-pivot, and a mount destination
# that is a symlink out of the rootfs.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
add_namespace "$B" cgroup
inside() { set_args "$B" sh -c "$1"; oc run -b "$B" "m$RANDOM" </dev/null 2>&1; }

expect_eq "init is PID 1 of its pid namespace" 1 "$(inside 'echo $$')"
expect_eq "hostname" ocictl "$(inside hostname)"
out=$(inside 'cat /proc/self/mountinfo')
for m in "/proc " "/dev " "/dev/pts " "/dev/shm " "/dev/mqueue " "/sys " "/sys/fs/cgroup "; do
        expect_contains "mounted: $m" " $m" "$out"
done
expect_eq "the root is read-only" ro "$(inside 'awk "\$5 == \"/\" { split(\$6, o, \",\"); print o[1] }" /proc/self/mountinfo')"
inside 'touch /x' >/dev/null
out=$(inside 'touch /newfile 2>&1; echo status=$?')
expect_contains "writing the read-only root fails" "status=1" "$out"
expect_eq "/dev/shm is writable" ok "$(inside 'touch /dev/shm/x && echo ok')"
expect_eq "/dev/null works" ok "$(inside 'echo x > /dev/null && echo ok')"
expect_eq "default devices" "full null random tty urandom zero" "$(inside 'cd /dev && ls -d full null random tty urandom zero | tr "\n" " " | sed "s/ $//"')"
expect_eq "/dev symlinks" "/proc/self/fd pts/ptmx" "$(inside 'echo $(readlink /dev/fd) $(readlink /dev/ptmx)')"
# Which masked and read-only paths exist depends on the kernel: check those the host has.
for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
        [ -f "$p" ] || continue
        expect_eq "masked $p is empty" 0 "$(inside "wc -c < $p")"
done
for p in /proc/acpi /proc/scsi /sys/firmware; do
        [ -d "$p" ] || continue
        expect_eq "masked $p is an empty directory" "" "$(inside "ls $p")"
done
want=0
for p in /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do [ -e "$p" ] && want=$((want + 1)); done
out=$(inside 'awk "\$5 ~ /^\/proc\/(sys|bus|fs|irq|sysrq-trigger)$/ && \$6 ~ /^ro/" /proc/self/mountinfo | wc -l')
expect_eq "readonly paths are read-only mounts" "$want" "$out"
out=$(inside 'echo 1 > /proc/sys/kernel/panic 2>&1; echo status=$?')
expect_contains "/proc/sys cannot be written" "status=1" "$out"
expect_eq "/sys is read-only" 1 "$(inside 'grep -c " /sys ro," /proc/self/mountinfo')"
out=$(inside 'ls /sys/fs/cgroup')
expect_contains "the cgroup mount shows the container's hierarchies" "memory" "$out"
expect_eq "the container's cgroup is its cgroup namespace root" "/" \
        "$(inside 'grep memory /proc/self/cgroup | cut -d: -f3')"
expect_eq "only lo in the new network namespace" lo "$(inside 'ls /sys/class/net')"
expect_contains "lo is up" "UP" "$(inside 'ip link show lo')"

# linux.sysctl and domainname, inside only.
host_ping=$(cat /proc/sys/net/ipv4/ping_group_range)
host_shm=$(cat /proc/sys/kernel/shmmni)
set_config "$B" domainname '"example.org"'
set_config "$B" linux.sysctl '{"net.ipv4.ping_group_range":"0 0","kernel.shmmni":"1234","fs.mqueue.msg_max":"20"}'
expect_eq "sysctls set inside" "0 0|1234|20|example.org" \
        "$(inside 'tr "\t" " " < /proc/sys/net/ipv4/ping_group_range; cat /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname' | paste -sd'|')"
expect_eq "the host's values are untouched" "$host_ping|$host_shm" "$(cat /proc/sys/net/ipv4/ping_group_range)|$(cat /proc/sys/kernel/shmmni)"
out=$(set_config "$B" linux.sysctl '{"kernel.panic":"1"}'; oc run -b "$B" sy </dev/null 2>&1)
expect_contains "a global sysctl is refused" "linux.sysctl.kernel.panic: not in a namespace of the container" "$out"
del_config "$B" linux.sysctl
del_config "$B" domainname

# Identity and privileges.
expect_eq "uid and gid" "uid=0 gid=0" "$(inside 'id | cut -d" " -f1,2 | sed "s/(root)//g"')"
status=$(inside 'grep -E "^(CapBnd|CapEff|CapPrm|CapInh|CapAmb|NoNewPrivs)" /proc/self/status | tr -s "\t" " "')
expect_contains "bounding set is the spec's" "CapBnd: 0000000020000420" "$status"
expect_contains "effective set is the spec's" "CapEff: 0000000020000420" "$status"
expect_contains "inheritable set is empty" "CapInh: 0000000000000000" "$status"
expect_contains "noNewPrivileges" "NoNewPrivs: 1" "$status"
expect_eq "RLIMIT_NOFILE" "1024 1024" "$(inside 'echo $(ulimit -n) $(ulimit -H -n)')"
set_config "$B" process.user '{"uid":1000,"gid":1000,"additionalGids":[5,6],"umask":63}'
set_config "$B" process.cwd '"/home/u"'
set_config "$B" process.env '["PATH=/bin","GREETING=hi there"]'
set_config "$B" process.oomScoreAdj 500
out=$(inside 'echo $(id -u) $(id -g) $(id -G) $(umask) $(pwd) "$GREETING" $(cat /proc/self/oom_score_adj)')
expect_eq "uid, gid, groups, umask, cwd (created), env, oomScoreAdj" "1000 1000 1000 5 6 0077 /home/u hi there 500" "$out"
expect_eq "a non-root user has no capabilities" "0000000000000000" "$(inside 'grep CapEff /proc/self/status | cut -f2')"
del_config "$B" process.oomScoreAdj
set_config "$B" process.user '{"uid":0,"gid":0}'
set_config "$B" process.cwd '"/"'

# ioPriority, scheduler, execCPUAffinity, personality.
set_config "$B" process.ioPriority '{"class":"IOPRIO_CLASS_BE","priority":6}'
set_config "$B" process.scheduler '{"policy":"SCHED_BATCH","nice":5}'
set_config "$B" process.execCPUAffinity '{"initial":"0","final":"0"}'
set_config "$B" linux.personality '{"domain":"LINUX32"}'
out=$(inside 'echo $(ionice) $(awk "/^policy/ { print \$3 }" /proc/self/sched) $(awk "/^prio / { print \$3 }" /proc/self/sched) $(grep Cpus_allowed_list /proc/self/status | cut -f2) $(uname -m)')
expect_eq "ioPriority, scheduler policy and nice, CPU affinity, personality" "best-effort: prio 6 3 125 0 i686" "$out"
for f in process.ioPriority process.scheduler process.execCPUAffinity linux.personality; do del_config "$B" "$f"; done
out=$(set_config "$B" process.apparmorProfile '"docker-default"'; oc run -b "$B" aa </dev/null 2>&1)
expect_contains "an AppArmor profile on a host without AppArmor" "process.apparmorProfile: \"docker-default\": this host has no AppArmor" "$out"
del_config "$B" process.apparmorProfile

# Only stdio reaches the container: the fds of ocictl and its services do not.
exec 7>"$WORK/leak"
expect_eq "only fds 0-2 (and ls's own) are open" "0 1 2 3" "$(inside 'ls /proc/self/fd | sort -n | tr "\n" " " | sed "s/ $//"')"
exec 7>&-

# --no-pivot: MS_MOVE + chroot instead of pivot_root.
set_args "$B" sh -c 'echo $$ $(hostname)'
expect_eq "--no-pivot runs the container" "1 ocictl" "$(oc run --no-pivot -b "$B" np </dev/null 2>&1)"
assert_clean np "$B"
# The spawner says how it switched the root (the mount table inside looks the same either way).
out=$(oc --debug run --no-pivot -b "$B" np2 </dev/null 2>&1)
expect_contains "--no-pivot reaches the spawner" "root switched with MS_MOVE and chroot (no pivot)" "$out"
out=$(oc --debug run -b "$B" pv </dev/null 2>&1)
expect_contains "pivot_root by default" "root switched with pivot_root" "$out"

# A mount destination that leads through a symlink to / inside the rootfs: the mount must land
# inside the rootfs (on its /etc), never on the host's /etc.
mkdir -p "$B/rootfs/mnt"
ln -s / "$B/rootfs/mnt/escape"
set_config "$B" mounts '[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/mnt/escape/etc","type":"tmpfs","source":"tmpfs","options":["mode=700"]}]'
before=$(grep -c . /proc/self/mountinfo)
host_etc=$(stat -c '%a %d' /etc)
set_args "$B" stat -c %a /etc
out=$(oc run -b "$B" esc </dev/null 2>&1)
expect_eq "a symlinked destination resolves inside the rootfs" 700 "$out"
expect_eq "the host's mount table is unchanged" "$before" "$(grep -c . /proc/self/mountinfo)"
expect_eq "the host's /etc is untouched" "$host_etc" "$(stat -c '%a %d' /etc)"
rm -r "$B/rootfs/mnt"
assert_clean esc "$B"
finish
