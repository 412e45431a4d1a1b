#!/bin/sh
# Runs inside the systemd VM as checks.service: ocictl on a host that systemd runs (pure cgroup
# v2, systemd as PID 1 owning the cgroup tree), next to systemd's own transient units. Results
# go to the console as "ok - …" / "FAIL - …" (tests/integration/systemd-vm.sh).
export PATH=/bin:/usr/bin
. /checks-lib.sh

echo "VM-START $(uname -r)"
expect_eq "systemd is PID 1" "systemd" "$(cat /proc/1/comm)"
expect_eq "pure cgroup v2" "cgroup2" "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)"
systemd-run --quiet --scope --unit=probe.scope true
expect_eq "systemd's transient scopes work here" 0 "$?"

# A container whose cgroup is a path (cgroupfs, as runc without --systemd-cgroup), beside
# systemd's units: it runs, gets its limits, and leaves nothing.
out=$(oc run -b /bundles/run s1 </dev/null 2>&1)
expect_eq "run on a systemd host" "hello from s1" "$out"
oc run -d -b /bundles/limits s2 </dev/null >/dev/null 2>&1
expect_eq "run -d with limits" "running" "$(oc state s2 | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p')"
expect_eq "... memory.max on its cgroup" 67108864 "$(cat $CG/ocvm/s2/memory.max 2>&1)"
expect_eq "... pids.max" 32 "$(cat $CG/ocvm/s2/pids.max 2>&1)"
oc delete -f s2
if [ -e "$CG/ocvm/s2" ] || [ -e /run/ocictl/s2 ]; then fail "s2 left something behind"; else pass "nothing left of s2"; fi

# systemd's cgroup driver is not there yet: refused by name, not ignored.
out=$(oc --systemd-cgroup run -b /bundles/run s3 </dev/null 2>&1)
expect_contains "--systemd-cgroup is refused by name" "--systemd-cgroup: not supported yet" "$out"
version=$(systemctl show -p Version --value 2>&1)
case "$version" in [0-9]*) pass "systemctl reaches the manager (systemd $version)" ;; *) fail "systemctl: $version" ;; esac
expect_eq "... which has no failed unit" "" "$(systemctl --failed --no-legend --plain 2>&1 | grep -v checks.service)"
echo "VM-DONE"
# isa-debug-exit: qemu exits with (value << 1) | 1.
printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
