#!/bin/bash
# Every linux.resources field, set in config.json and read back from the cgroup files of this
# host (v1 names where the controller is on v1, v2 names and runc's converted values where it is
# on cgroup v2); what the host cannot do is refused by name and leaves nothing behind. update,
# pause/resume, events and OOM are in cgroup-update.sh; pure v2 is tested in a VM (cgroup-v2-vm.sh).
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
TEST_CGROUP="ocictl-res-$$"

# read_back FIELD CONTROLLER V1-FILE V2-FILE EXPECTED-V1 EXPECTED-V2 (container c1)
read_back() {
        local dir v2root file expected
        dir=$(cgroup_dir_of "$2")
        if [ -z "$dir" ]; then
                fail "$1: the host has no $2 controller, yet create succeeded"
                return
        fi
        v2root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
        if [ "$dir" = "$v2root" ]; then file=$4 expected=$6; else file=$3 expected=$5; fi
        expect_eq "$1 → $file" "$expected" "$(head -1 "$dir/$TEST_CGROUP/c1/$file" 2>&1)"
}

# A block device of this machine for the per-device fields.
dev=$(lsblk -dno MAJ:MIN 2>/dev/null | head -1 | tr -d ' ')
[ -n "$dev" ] || dev=$(awk 'NR > 2 { print $1 ":" $2; exit }' /proc/partitions)
major=${dev%:*} minor=${dev#*:}

set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/c1\""
set_config "$B" linux.resources "{
  \"memory\": {\"limit\": 67108864, \"reservation\": 33554432, \"swap\": 134217728, \"swappiness\": 10,
             \"kernelTCP\": 16777216, \"disableOOMKiller\": false, \"useHierarchy\": true},
  \"cpu\": {\"shares\": 512, \"quota\": 50000, \"period\": 100000, \"burst\": 1000, \"idle\": 0,
          \"cpus\": \"0\", \"mems\": \"0\"},
  \"pids\": {\"limit\": 32},
  \"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 1048576}],
              \"throttleWriteBpsDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 2097152}],
              \"throttleReadIOPSDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 100}],
              \"throttleWriteIOPSDevice\": [{\"major\": $major, \"minor\": $minor, \"rate\": 200}]},
  \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 4194304}]
}"
oc create -b "$B" c1 </dev/null >/dev/null 2>"$WORK/err"
expect_eq "create with every resource this host has" 0 "$?"
cat "$WORK/err"
read_back memory.limit memory memory.limit_in_bytes memory.max 67108864 67108864
read_back memory.reservation memory memory.soft_limit_in_bytes memory.low 33554432 33554432
# v2 keeps swap apart: memory+swap 128M with 64M of memory is 64M of swap.
read_back memory.swap memory memory.memsw.limit_in_bytes memory.swap.max 134217728 67108864
read_back memory.swappiness memory memory.swappiness - 10 -
read_back memory.kernelTCP memory memory.kmem.tcp.limit_in_bytes - 16777216 -
read_back memory.disableOOMKiller memory memory.oom_control - "oom_kill_disable 0" -
read_back cpu.shares cpu cpu.shares cpu.weight 512 59
read_back cpu.quota cpu cpu.cfs_quota_us cpu.max 50000 "50000 100000"
read_back cpu.period cpu cpu.cfs_period_us cpu.max 100000 "50000 100000"
read_back cpu.burst cpu cpu.cfs_burst_us cpu.max.burst 1000 1000
read_back cpu.idle cpu cpu.idle cpu.idle 0 0
read_back cpu.cpus cpuset cpuset.cpus cpuset.cpus 0 0
read_back cpu.mems cpuset cpuset.mems cpuset.mems 0 0
read_back pids.limit pids pids.max pids.max 32 32
read_back blockIO.throttleReadBpsDevice blkio blkio.throttle.read_bps_device io.max "$dev 1048576" \
        "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
read_back blockIO.throttleWriteBpsDevice blkio blkio.throttle.write_bps_device io.max "$dev 2097152" \
        "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
read_back blockIO.throttleReadIOPSDevice blkio blkio.throttle.read_iops_device io.max "$dev 100" \
        "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
read_back blockIO.throttleWriteIOPSDevice blkio blkio.throttle.write_iops_device io.max "$dev 200" \
        "$dev rbps=1048576 wbps=2097152 riops=100 wiops=200"
read_back hugepageLimits hugetlb hugetlb.2MB.limit_in_bytes hugetlb.2MB.max 4194304 4194304
oc delete --force c1
assert_clean c1 "$B"

# The realtime budget: only a direct child of the root can be given one (its parent's is 0).
rt_dir=$(cgroup_dir_of cpu)
if [ -e "$rt_dir/cpu.rt_runtime_us" ]; then
        set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP-rt\""
        set_config "$B" linux.resources '{"cpu":{"realtimeRuntime":10000,"realtimePeriod":500000}}'
        oc create -b "$B" rt </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "create with a realtime budget" 0 "$?"
        expect_eq "cpu.realtimePeriod → cpu.rt_period_us" 500000 "$(cat "$rt_dir/$TEST_CGROUP-rt/cpu.rt_period_us")"
        expect_eq "cpu.realtimeRuntime → cpu.rt_runtime_us" 10000 "$(cat "$rt_dir/$TEST_CGROUP-rt/cpu.rt_runtime_us")"
        oc delete --force rt
        assert_clean rt "$B"
fi

# systemd's form, slice:prefix:name, where systemd would put the scope (this host has no systemd
# running; where it does, the systemd driver asks systemd for the scope: systemd-vm.sh).
slice="ocictltest$$.slice"
set_config "$B" linux.cgroupsPath "\"$slice:ocictl:s1\""
set_config "$B" linux.resources '{"pids":{"limit":9}}'
if [ ! -d /run/systemd/system ]; then # (where systemd runs, the form is a scope: systemd-vm.sh)
        oc create -b "$B" s1 </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "create with a systemd cgroupsPath" 0 "$?"
        expect_eq "slice:prefix:name → /slice/prefix-name.scope" 9 "$(cat "$(cgroup_dir_of pids)/$slice/ocictl-s1.scope/pids.max")"
        oc delete --force s1
        for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts); do
                check "the scope is gone from $h" test ! -e "$h/$slice/ocictl-s1.scope"
                rmdir "$h/$slice" 2>/dev/null
        done
fi
assert_clean s1 "$B"
# ... and the other branch, in a mount namespace of its own where /run says systemd runs: the
# form is then a scope to ask systemd for, and a systemd that does not answer is named.
if [ ! -d /run/systemd/system ]; then
        unshare -m --propagation private sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && exec "$@"' \
                sh "$OCICTL" --root "$ROOT" create -b "$B" s2 </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "where systemd runs, the systemd form is its scope: create fails without systemd" 1 "$?"
        expect_contains "... saying why" 'systemd at /run/systemd/private' "$(cat "$WORK/err")"
        check "... and no scope was made" test ! -e "$(cgroup_dir_of pids)/$slice"
        assert_clean s2 "$B"
fi

# refused NAME RESOURCES-JSON EXPECTED-ERROR: create fails, names the field, leaves nothing.
refused() {
        set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/$1\""
        set_config "$B" linux.resources "$2"
        oc create -b "$B" "$1" </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "$1: create fails" 1 "$?"
        expect_contains "$1: the error names it" "$3" "$(cat "$WORK/err")"
        check "$1: no cgroup left" sh -c "! find /sys/fs/cgroup -maxdepth 3 -path '*$TEST_CGROUP/$1' | grep -q ."
        assert_clean "$1" "$B"
}

for c in net_cls net_prio rdma; do
        [ -z "$(cgroup_dir_of $c)" ] || continue
        case $c in
        net_cls) refused no-net-cls '{"network":{"classID":1048577}}' "linux.resources.network.classID: the host has no net_cls cgroup controller" ;;
        net_prio) refused no-net-prio '{"network":{"priorities":[{"name":"lo","priority":5}]}}' "linux.resources.network.priorities[0]: the host has no net_prio cgroup controller" ;;
        rdma) refused no-rdma '{"rdma":{"mlx5_1":{"hcaHandles":3}}}' "linux.resources.rdma.mlx5_1: the host has no rdma cgroup controller" ;;
        esac
done
if [ "$(cgroup_dir_of memory)" != "$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)" ]; then
        refused unified-on-v1 '{"unified":{"memory.high":"50000000"}}' "linux.resources.unified.memory.high: the memory controller is on a cgroup v1 hierarchy here"
fi
refused huge-size '{"hugepageLimits":[{"pageSize":"3MB","limit":4194304}]}' "linux.resources.hugepageLimits[0]: this kernel has no hugetlb.3MB"
refused bad-cpus '{"cpu":{"cpus":"4096"}}' "linux.resources.cpu.cpus: cannot write \"4096\""
refused bad-cpus-syntax '{"cpu":{"cpus":"0-"}}' "linux.resources.cpu.cpus: \"0-\" is not a list of numbers and ranges"
refused swap-below '{"memory":{"limit":67108864,"swap":1048576}}' "linux.resources.memory.swap"
# The blkio weight needs BFQ (or CFQ): written where the kernel has it, refused by name where not.
blkio_dir=$(cgroup_dir_of blkio)
if [ -n "$blkio_dir" ]; then
        set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/w1\""
        set_config "$B" linux.resources '{"blockIO":{"weight":500}}'
        if oc create -b "$B" w1 </dev/null >/dev/null 2>"$WORK/err"; then
                w=$(cat "$blkio_dir/$TEST_CGROUP/w1/blkio.weight" 2>/dev/null || cat "$blkio_dir/$TEST_CGROUP/w1/blkio.bfq.weight" 2>/dev/null || cat "$blkio_dir/$TEST_CGROUP/w1/io.bfq.weight" 2>/dev/null)
                expect_contains "blockIO.weight written" 500 "$w"
                oc delete --force w1
                assert_clean w1 "$B"
        else
                expect_contains "blockIO.weight refused by name" "linux.resources.blockIO.weight: this kernel has no" "$(cat "$WORK/err")"
                assert_clean w1 "$B"
        fi
fi

# Unified keys go where the controller is on cgroup v2 (hugetlb on this hybrid host).
v2root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ "$(cgroup_dir_of hugetlb)" = "$v2root" ] && [ -n "$v2root" ]; then
        set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/u1\""
        set_config "$B" linux.resources '{"unified":{"hugetlb.2MB.max":"2097152"}}'
        oc create -b "$B" u1 </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "unified on the v2 hierarchy" 0 "$?"
        expect_eq "unified.hugetlb.2MB.max written" 2097152 "$(cat "$v2root/$TEST_CGROUP/u1/hugetlb.2MB.max")"
        oc delete --force u1
        assert_clean u1 "$B"
fi
finish
