#!/bin/sh
# Runs inside the test VM (busybox sh), on a pure cgroup v2 host: the resources, update,
# pause/resume, events, OOM, device filter and delete checks of cgroup-resources.sh and
# cgroup-update.sh, with v2's files and values. Bundles were made on the host
# (tests/integration/cgroup-v2-vm.sh); results go to the console as "ok - …" / "FAIL - …".
. /checks-lib.sh
pid_of() { oc state "$1" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
clean() { # nothing left of container $1 in /sys/fs/cgroup/ocvm
        if [ -e "$CG/ocvm/$1" ] || [ -e "/run/ocictl/$1" ]; then fail "$1 left something behind"; else pass "nothing left of $1"; fi
}

expect_eq "the only cgroup mount is cgroup2" "cgroup2" "$(awk '$2 ~ "^/sys/fs/cgroup" { print $3 }' /proc/mounts | sort -u)"

# Every resource, read back in v2's words (runc's conversions).
oc --debug create -b /bundles/res c1 </dev/null >/dev/null 2>/tmp/err
expect_eq "create with resources" 0 "$?"
grep -v '^<7>' /tmp/err
expect_contains "init born in its cgroup (CLONE_INTO_CGROUP)" "cgroup2 joined at clone (CLONE_INTO_CGROUP)" "$(cat /tmp/err)"
D=$CG/ocvm/c1
check "init is in the cgroup before start" grep -qx "$(pid_of c1)" "$D/cgroup.procs"
expect_eq "memory.limit → memory.max" 67108864 "$(cat $D/memory.max)"
expect_eq "memory.reservation → memory.low" 33554432 "$(cat $D/memory.low)"
expect_eq "memory.swap (memory+swap) → memory.swap.max (swap alone)" 67108864 "$(cat $D/memory.swap.max)"
expect_eq "cpu.shares 512 → cpu.weight 59" 59 "$(cat $D/cpu.weight)"
expect_eq "cpu.quota and cpu.period → cpu.max" "50000 100000" "$(cat $D/cpu.max)"
expect_eq "cpu.burst → cpu.max.burst" 1000 "$(cat $D/cpu.max.burst)"
expect_eq "cpu.idle" 0 "$(cat $D/cpu.idle)"
expect_eq "cpu.cpus → cpuset.cpus" 0 "$(cat $D/cpuset.cpus)"
expect_eq "cpu.mems → cpuset.mems" 0 "$(cat $D/cpuset.mems)"
expect_eq "pids.limit → pids.max" 32 "$(cat $D/pids.max)"
expect_eq "hugepageLimits → hugetlb.2MB.max" 4194304 "$(cat $D/hugetlb.2MB.max)"
expect_eq "unified memory.high" 52428800 "$(cat $D/memory.high)"
oc start c1

# update: the swap limit follows the memory limit (memory+swap stays 128M).
oc update --memory 100m --cpu-quota 20000 c1
expect_eq "update" 0 "$?"
expect_eq "update --memory" 104857600 "$(cat $D/memory.max)"
expect_eq "update keeps memory+swap: swap.max = 128M - 100M" 29360128 "$(cat $D/memory.swap.max)"
expect_eq "update --cpu-quota keeps the period" "20000 100000" "$(cat $D/cpu.max)"
oc update --cpu-shares 1024 --blkio-weight 500 c1 2>/tmp/err
if [ -e "$D/io.bfq.weight" ] || [ -e "$D/io.weight" ]; then
        expect_eq "cpu.shares 1024 → cpu.weight 100 (v2's default)" 100 "$(cat $D/cpu.weight)"
        if [ ! -e "$D/io.bfq.weight" ]; then
                expect_eq "--blkio-weight 500 → io.weight 4950 (no BFQ yet)" "default 4950" "$(head -1 $D/io.weight)"
        fi
else
        expect_contains "blockIO.weight refused by name" "blockIO.weight" "$(cat /tmp/err)"
        expect_eq "... and cpu.weight stays" 59 "$(cat $D/cpu.weight)"
fi
oc update --cpuset-cpus 0-4096 --pids-limit 7 c1 2>/tmp/err
expect_contains "a bad cpuset is refused by name" "cpu.cpus: cannot write" "$(cat /tmp/err)"
expect_eq "... and the pids limit written before it is put back" 32 "$(cat $D/pids.max)"
echo '{"memory":{"swappiness":10}}' | oc update -r - c1 2>/tmp/err
expect_contains "a v1-only field is refused on v2" "memory.swappiness: cgroup v2 has no such setting" "$(cat /tmp/err)"
echo '{"cpu":{"realtimeRuntime":1000}}' | oc update -r - c1 2>/tmp/err
expect_contains "realtime is refused on v2" "cpu.realtimeRuntime: cgroup v2 has no realtime" "$(cat /tmp/err)"

# blockIO on a real block device: null_blk (blk-mq) with the BFQ scheduler, from the kernel's
# own modules. Its major is only known here, so the values go in through update -r.
if insmod /modules/configfs.ko && insmod /modules/null_blk.ko nr_devices=1 && insmod /modules/bfq.ko &&
   echo bfq > /sys/block/nullb0/queue/scheduler; then
        dev=$(cat /sys/block/nullb0/dev)
        maj=${dev%:*} min=${dev#*:}
        rule() { echo "[{\"major\":$maj,\"minor\":$min,\"$1\":$2}]"; }
        oc update -r - c1 <<EOF2 2>/tmp/err
{"blockIO":{"weight":300,"weightDevice":$(rule weight 200),
 "throttleReadBpsDevice":$(rule rate 1048576),"throttleWriteBpsDevice":$(rule rate 2097152),
 "throttleReadIOPSDevice":$(rule rate 100),"throttleWriteIOPSDevice":$(rule rate 200)}}
EOF2
        expect_eq "update blockIO on $dev" "" "$(cat /tmp/err)"
        expect_eq "blockIO.weight → io.bfq.weight (BFQ takes it as it is)" "default 300" "$(head -1 $D/io.bfq.weight)"
        check "blockIO.weightDevice → io.bfq.weight $dev 200" grep -qx "$dev 200" $D/io.bfq.weight
        expect_eq "the four throttles → io.max" "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200" "$(cat $D/io.max)"
        echo '{"blockIO":{"throttleReadBpsDevice":[{"major":4095,"minor":7,"rate":1}]}}' | oc update -r - c1 2>/tmp/err
        expect_contains "a throttle on a device the host lacks is refused by name" \
                "blockIO.throttleReadBpsDevice[0]" "$(cat /tmp/err)"
        expect_eq "... and io.max keeps its values" "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200" "$(cat $D/io.max)"
else
        fail "load null_blk and bfq for the blockIO checks"
fi

# rdma: the controller is here, an RDMA device is not; the kernel's refusal names the field.
echo '{"rdma":{"mlx5_1":{"hcaHandles":3}}}' | oc update -r - c1 2>/tmp/err
expect_contains "rdma on a device the host lacks is refused by name" "rdma.mlx5_1: cannot write \"mlx5_1 hca_handle=3\" to $D/rdma.max: No such device" "$(cat /tmp/err)"

# pause and resume with cgroup.freeze.
oc pause c1
expect_contains "pause: cgroup.events says frozen" "frozen 1" "$(cat $D/cgroup.events)"
expect_contains "status paused" '"status": "paused"' "$(oc state c1)"
oc resume c1
expect_contains "resume: thawed" "frozen 0" "$(cat $D/cgroup.events)"
expect_contains "status running" '"status": "running"' "$(oc state c1)"

# events --stats: v2's counters.
stats=$(oc events --stats c1)
expect_contains "events --stats" '"type":"stats","id":"c1"' "$stats"
expect_contains "stats: pids" '"pids":{"current":' "$stats"
expect_contains "stats: memory limit" '"limit":104857600' "$stats"

out=$(oc --debug exec c1 cat /proc/self/cgroup </dev/null 2>&1)
expect_contains "exec born in the cgroup too" "cgroup2 joined at clone (CLONE_INTO_CGROUP)" "$out"
check "... which is the root of its cgroup namespace" grep -qx '0::/' <<EOF2
$out
EOF2

# exec --cgroup: into an existing sub-cgroup (born there), as runc; a missing one is refused.
mkdir "$D/sub"
out=$(oc --debug exec --cgroup sub c1 cat /proc/self/cgroup </dev/null 2>&1)
expect_contains "exec --cgroup: born in the sub-cgroup" "cgroup2 joined at clone (CLONE_INTO_CGROUP)" "$out"
check "... which it names" grep -qx '0::/sub' <<EOF2
$out
EOF2
expect_contains "exec --cgroup of a missing sub-cgroup is refused" "does not exist" \
        "$(oc exec --cgroup nosub c1 true </dev/null 2>&1)"
rmdir "$D/sub"

# delete --force uses cgroup.kill, and removes the cgroup.
oc delete --force c1
expect_eq "delete --force" 0 "$?"
clean c1

# OOM: the hog is killed and events reports it.
oc run -d -b /bundles/oom c2 </dev/null >/dev/null 2>&1
expect_eq "run the memory hog" 0 "$?"
oc events --interval 1s c2 > /tmp/events 2>&1 &
for i in $(seq 100); do grep -q '"type":"oom"' /tmp/events && break; sleep 0.2; done
expect_contains "an oom event" '{"type":"oom","id":"c2"}' "$(cat /tmp/events)"
check "memory.events counts the kill" grep -q "oom_kill [1-9]" "$CG/ocvm/c2/memory.events"
oc delete --force c2
clean c2

# Device rules through the eBPF filter: a device node outside the rules can be made (CAP_MKNOD,
# "c *:* m") but not opened; /dev/null can.
out=$(oc run -b /bundles/dev c3 </dev/null 2>&1)
expect_contains "eBPF: a device outside the rules cannot be opened" "console-denied" "$out"
expect_contains "eBPF: an allowed device opens" "null-ok" "$out"
clean c3

# Where clone3 is refused (kernels before 5.3, Docker's seccomp profile), create and exec join
# through cgroup.procs.
without-clone3 /usr/bin/ocictl --root /run/ocictl --debug create -b /bundles/join c5 </dev/null >/dev/null 2>/tmp/err
expect_eq "create without clone3" 0 "$?"
expect_contains "... joins through cgroup.procs" "cgroups joined through cgroup.procs" "$(cat /tmp/err)"
check "... init is in its cgroup" grep -qx "$(pid_of c5)" "$CG/ocvm/c5/cgroup.procs"
out=$(without-clone3 /usr/bin/ocictl --root /run/ocictl exec c5 cat /proc/self/cgroup </dev/null 2>&1)
expect_eq "... exec joins it too (0::/ in its cgroup namespace)" "0::/" "$out"
oc delete --force c5
clean c5

# A create that fails after the cgroup was made leaves no cgroup.
oc create -b /bundles/bad c4 </dev/null >/dev/null 2>&1
expect_eq "create with a bad mount fails" 1 "$?"
clean c4

# Rootless in a delegated subtree, as systemd delegates user@UID.service to its user: the
# user's container gets its cgroup and limits inside it. The user's shell sits in the subtree
# (moving a process needs write access to the common ancestor's cgroup.procs).
mkdir -p $CG/deleg/shell /tmp/xdg
chown -R 1001:1001 $CG/deleg /tmp/xdg
as_user() { # CMD...: in the subtree, as the test user
        sh -c 'echo $$ > '$CG'/deleg/shell/cgroup.procs && exec /usr/bin/setpriv --reuid 1001 --regid 1001 --clear-groups \
                env XDG_RUNTIME_DIR=/tmp/xdg HOME=/tmp "$@"' sh "$@"
}
as_user /usr/bin/ocictl run -d -b /bundles/rootless r1 </dev/null >/tmp/r1.out 2>&1
expect_eq "rootless in a delegated subtree: run -d" "" "$(cat /tmp/r1.out)"
expect_eq "... the cgroup is made in the subtree, the user's" 1001 "$(stat -c %u $CG/deleg/r1 2>&1)"
expect_eq "... with its limit" 16 "$(cat $CG/deleg/r1/pids.max 2>&1)"
rpid=$(as_user /usr/bin/ocictl state r1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
expect_eq "... init is in it" "0::/deleg/r1" "$(cat /proc/$rpid/cgroup 2>&1)"
expect_eq "... owned by the user on the host" 1001 "$(stat -c %u /proc/$rpid 2>&1)"
as_user /usr/bin/ocictl delete -f r1
check "... delete removes the cgroup" test ! -e $CG/deleg/r1
# The control: outside the subtree the user may make no cgroup, and a config that asks for a
# limit then fails by name instead of running without it.
sed 's|/deleg/r1|/ocvm/r2|' /bundles/rootless/config.json > /tmp/r2.json && mkdir -p /tmp/r2 &&
        cp /tmp/r2.json /tmp/r2/config.json && ln -s /bundles/rootless/rootfs /tmp/r2/rootfs
out=$(as_user /usr/bin/ocictl run -d -b /tmp/r2 r2 </dev/null 2>&1)
expect_contains "rootless outside its subtree: a limit is refused, not dropped" "Permission denied" "$out"
check "... and nothing is made" test ! -e $CG/ocvm/r2
check "... and no state" test ! -e /tmp/xdg/ocictl/r2
