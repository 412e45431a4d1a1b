#!/bin/bash
# ocictl on a host that systemd runs: this host has no systemd, so a VM boots Debian's kernel
# with Debian's systemd as PID 1 (on pure cgroup v2), which runs tests/vm/systemd-checks.sh as a
# unit; its "ok"/"FAIL" lines come back on the serial console. There the systemd cgroup driver
# is tested against the real systemd: scopes, their properties and files, update, pause, delete,
# failures and containers that die on their own.
. "$(dirname "$0")/lib.sh"
. "$OCICTL_SOURCE_DIR/tests/vm/build-initramfs.sh"

SRC=${OCICTL_SOURCE_DIR:?}
QEMU=$(command -v qemu-system-x86_64 || true)
KERNEL=${OCICTL_VM_KERNEL:-$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)}
[ -n "$QEMU" ] || skip "qemu-system-x86_64 not found (apt-get install --no-install-recommends qemu-system-x86)"
[ -r "$KERNEL" ] || skip "no kernel in /boot (apt-get install linux-image-amd64)"
[ -x /lib/systemd/systemd ] || skip "systemd not installed (apt-get install systemd)"

I="$WORK/initramfs"
vm_initramfs "$I" /lib/systemd/systemd /bin/systemctl /usr/bin/systemd-run /usr/bin/setpriv
# What the rootless checks' user manager needs: its targets and slices only
# (no unit of Debian's that would start a service).
mkdir -p "$I/usr/lib/systemd/user"
cp /usr/lib/systemd/user/*.target /usr/lib/systemd/user/*.slice "$I/usr/lib/systemd/user/" 2>/dev/null
mkdir -p "$I/etc/systemd/system"
cp /usr/lib/os-release "$I/etc/os-release" 2>/dev/null || cp /etc/os-release "$I/etc/os-release"
: > "$I/etc/machine-id"
cp "$SRC/tests/vm/systemd-init" "$I/init"
cp "$SRC/tests/vm/checks.service" "$I/etc/systemd/system/checks.service"
cp "$SRC/tests/vm/systemd-checks.sh" "$I/checks.sh"

mk() {
        local name=$1
        shift
        make_bundle "$I/bundles/$name" "$@" || fail "make bundle $name"
        add_namespace "$I/bundles/$name" cgroup # made on this hybrid host, run on pure v2
}
mk run sh -c 'echo hello from $(hostname)'
set_config "$I/bundles/run" hostname '"s1"'
set_config "$I/bundles/run" linux.cgroupsPath '"/ocvm/s1"'
mk limits sleep 1000
set_config "$I/bundles/limits" linux.cgroupsPath '"/ocvm/s2"'
set_config "$I/bundles/limits" linux.resources '{"memory": {"limit": 67108864}, "pids": {"limit": 32}}'
# The systemd driver's bundles (tests/vm/systemd-checks.sh says what each is for).
mk scope sleep 1000
set_config "$I/bundles/scope" linux.cgroupsPath '"system.slice:ocictl:s3"'
set_config "$I/bundles/scope" linux.resources \
        '{"memory": {"limit": 67108864}, "pids": {"limit": 32}, "cpu": {"quota": 50000, "period": 100000, "cpus": "0"}}'
mk auto sleep 1000
set_config "$I/bundles/auto" linux.cgroupsPath '"system.slice:auto:s5"'
mk plain sleep 1000
set_config "$I/bundles/plain" linux.cgroupsPath '"/ocvm/s6"'
mk nopath sh -c 'cat /proc/self/cgroup'
mk badsysctl sleep 1000
set_config "$I/bundles/badsysctl" linux.cgroupsPath '"system.slice:ocictl:s8"'
set_config "$I/bundles/badsysctl" linux.sysctl '{"net.ipv4.ocictl_nonexistent": "1"}'
mk dies sleep 1000
set_config "$I/bundles/dies" linux.cgroupsPath '"machine.slice:ocictl:s9"'
mk hooked sleep 1000
set_config "$I/bundles/hooked" linux.cgroupsPath '"system.slice:ocictl:s10"'
set_config "$I/bundles/hooked" hooks '{"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "4"]}]}'
# Rootless: a scope of the user's manager.
vm_rootless_bundle "$I/bundles/rootless" "user.slice:libpod:u1" || fail "make bundle rootless"

vm_pack "$I" "$WORK/initramfs.cgz" || fail "build the initramfs"
vm_boot "$WORK/initramfs.cgz" "$WORK/console.log" "systemd.unit=checks.service quiet loglevel=1"
expect_eq "the VM booted systemd, ran the checks and powered off" 3 "$?"
vm_report "$WORK/console.log" "systemd vm: "
finish
