#!/bin/bash
# Pure cgroup v2, for real: this host is hybrid, so a small VM (qemu, Debian's kernel with
# cgroup_no_v1=all, an initramfs of busybox, the ocictl binaries and the libraries they link)
# runs tests/vm/cgroup-v2-checks.sh, and its "ok"/"FAIL" lines come back on the serial console.
# Needs qemu-system-x86 and linux-image-amd64 (.ci/run installs both).
. "$(dirname "$0")/lib.sh"
. "$OCICTL_SOURCE_DIR/tests/vm/build-initramfs.sh"

SRC=${OCICTL_SOURCE_DIR:?}
QEMU=$(command -v qemu-system-x86_64 || true)
KERNEL=${OCICTL_VM_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)}
[ -n "$QEMU" ] || skip "qemu-system-x86_64 not found (apt-get install --no-install-recommends qemu-system-x86)"
[ -r "$KERNEL" ] || skip "no kernel in /boot (apt-get install linux-image-amd64)"

I="$WORK/initramfs"
vm_initramfs "$I" /usr/bin/setpriv
# A block device and the BFQ scheduler for the blockIO checks: the kernel's own modules.
MODULES=/lib/modules/$(basename "$KERNEL" | sed 's/^vmlinuz-//')
mkdir -p "$I/modules"
for m in fs/configfs/configfs.ko drivers/block/null_blk/null_blk.ko block/bfq.ko; do
        cp "$MODULES/kernel/$m" "$I/modules/" || fail "copy module $m"
done
cp "$SRC/tests/vm/init" "$I/init"
cp "$SRC/tests/vm/cgroup-v2-checks.sh" "$I/checks.sh"

# The bundles, made here where python3 edits config.json.
mk() {
        local name=$1
        shift
        make_bundle "$I/bundles/$name" "$@" || fail "make bundle $name"
        # Made on this hybrid host, where ocictl spec (as runc's) has no cgroup namespace; the
        # VM is pure cgroup v2, where it would.
        add_namespace "$I/bundles/$name" cgroup
        set_config "$I/bundles/$name" linux.cgroupsPath "\"/ocvm/$name\""
}
mk res sleep 1000
set_config "$I/bundles/res" linux.cgroupsPath '"/ocvm/c1"'
set_config "$I/bundles/res" linux.resources '{
  "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728},
  "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 1000, "idle": 0, "cpus": "0", "mems": "0"},
  "pids": {"limit": 32},
  "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
  "unified": {"memory.high": "52428800"}
}'
mk oom sh -c 'while sleep 0.3; do dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; done'
set_config "$I/bundles/oom" linux.cgroupsPath '"/ocvm/c2"'
set_config "$I/bundles/oom" linux.resources '{"memory":{"limit":16777216,"swap":16777216}}'
mk dev sh -c 'mknod /tmp/console c 5 1 && { (echo -n > /tmp/console) 2>/dev/null && echo console-opened || echo console-denied; }; echo x > /dev/null && echo null-ok'
set_config "$I/bundles/dev" linux.cgroupsPath '"/ocvm/c3"'
set_config "$I/bundles/dev" process.capabilities '{"bounding":["CAP_MKNOD","CAP_DAC_OVERRIDE"],"effective":["CAP_MKNOD","CAP_DAC_OVERRIDE"],"permitted":["CAP_MKNOD","CAP_DAC_OVERRIDE"]}'
set_config "$I/bundles/dev" root.readonly false
set_config "$I/bundles/dev" linux.resources '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]}'
mk join sleep 1000
set_config "$I/bundles/join" linux.cgroupsPath '"/ocvm/c5"'
mk bad true
set_config "$I/bundles/bad" linux.cgroupsPath '"/ocvm/c4"'
set_config "$I/bundles/bad" mounts '[{"destination":"/x","type":"nosuchfs","source":"x"}]'

# Rootless in a delegated subtree.
vm_rootless_bundle "$I/bundles/rootless" "/deleg/r1" || fail "make bundle rootless"

vm_pack "$I" "$WORK/initramfs.cgz" || fail "build the initramfs"
vm_boot "$WORK/initramfs.cgz" "$WORK/console.log" "cgroup_no_v1=all quiet loglevel=1"
# isa-debug-exit with 1 makes qemu exit with 3.
expect_eq "the VM ran the checks and powered off" 3 "$?"
sed -n 's/^VM-START /kernel /p' "$WORK/console.log"
vm_report "$WORK/console.log" "vm: "
finish
