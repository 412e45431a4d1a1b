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

# systemd's cgroup driver: the container's cgroup is a transient scope that systemd made.
show() { systemctl show -p "$1" --value "$2" 2>&1; }
status() { oc state "$1" 2>&1 | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
gone() { # unit: systemd no longer knows it, and its cgroup is gone
        [ "$(show LoadState "$1")" = "not-found" ] && [ ! -e "$CG/$2" ]
}
# (the container's stdout is a file: a pipe read by $(…) would wait for the container)
oc --systemd-cgroup run -d -b /bundles/scope s3 </dev/null >/tmp/s3.out 2>&1
expect_eq "--systemd-cgroup run -d" "" "$(cat /tmp/s3.out)"
u=ocictl-s3.scope
expect_eq "... the scope is active" active "$(show ActiveState $u)"
expect_eq "... in its slice" system.slice "$(show Slice $u)"
expect_eq "... delegated" yes "$(show Delegate $u)"
expect_eq "... its cgroup" /system.slice/$u "$(show ControlGroup $u)"
expect_eq "... systemd knows its memory limit" 67108864 "$(show MemoryMax $u)"
expect_eq "... and its tasks limit" 32 "$(show TasksMax $u)"
expect_eq "... memory.max in its cgroup" 67108864 "$(cat $CG/system.slice/$u/memory.max 2>&1)"
expect_eq "... pids.max" 32 "$(cat $CG/system.slice/$u/pids.max 2>&1)"
expect_eq "... cpu.max" "50000 100000" "$(cat $CG/system.slice/$u/cpu.max 2>&1)"
expect_eq "... cpuset.cpus" 0 "$(cat $CG/system.slice/$u/cpuset.cpus 2>&1)"
pid=$(oc state s3 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
expect_eq "... the container's init is in the scope" "0::/system.slice/$u" "$(cat /proc/$pid/cgroup 2>&1)"
expect_eq "... and is all the scope holds: the placeholder left" "$pid" "$(cat $CG/system.slice/$u/cgroup.procs)"
expect_eq "... no placeholder anywhere" "" "$(grep -l '^ocictl-hold' /proc/[0-9]*/comm 2>/dev/null)"
# The control: a limit written to a scope's cgroup behind systemd's back is what a reload undoes.
systemd-run --quiet --scope --unit=control.scope sleep 1000 </dev/null >/dev/null 2>&1 &
sleep 1
echo 67108864 > $CG/system.slice/control.scope/memory.max
systemctl daemon-reload
expect_eq "control: a daemon-reload resets memory.max that only the cgroup file held" max \
        "$(cat $CG/system.slice/control.scope/memory.max 2>&1)"
systemctl stop control.scope
expect_eq "a daemon-reload keeps the limits (they are unit properties)" 67108864 "$(cat $CG/system.slice/$u/memory.max)"
expect_eq "exec in the scope's container" "in" "$(oc exec s3 echo in 2>&1)"
expect_eq "ps lists the init" "$pid" "$(oc ps --format json s3 2>&1 | tr -d '[] ')"
oc update --memory 128m --pids-limit 64 s3
expect_eq "update: memory.max" 134217728 "$(cat $CG/system.slice/$u/memory.max)"
expect_eq "update: systemd's MemoryMax" 134217728 "$(show MemoryMax $u)"
expect_eq "update: systemd's TasksMax" 64 "$(show TasksMax $u)"
systemctl daemon-reload
expect_eq "update: a daemon-reload keeps it" 134217728 "$(cat $CG/system.slice/$u/memory.max)"
oc pause s3
expect_eq "pause: the container is paused" paused "$(status s3)"
expect_eq "pause: systemd froze the unit" frozen "$(show FreezerState $u)"
oc resume s3
expect_eq "resume: running" running "$(status s3)"
expect_eq "resume: systemd thawed it" running "$(show FreezerState $u)"
oc kill s3 KILL
sleep 1
expect_eq "kill: stopped" stopped "$(status s3)"
oc delete s3
check "delete: the unit and its cgroup are gone" gone $u system.slice/$u
[ -e /run/ocictl/s3 ] && fail "delete left the state of s3" || pass "delete left no state"

# The path's form picks systemd on a host it runs, without the flag (as the issue asks).
oc run -d -b /bundles/auto s5 </dev/null >/dev/null 2>&1
expect_eq "a slice:prefix:name path is a scope here" active "$(show ActiveState auto-s5.scope)"
oc delete -f s5
check "delete -f of a running scope's container removes it" gone auto-s5.scope system.slice/auto-s5.scope

# --systemd-cgroup and a cgroupfs path: refused by name, nothing made.
out=$(oc --systemd-cgroup run -d -b /bundles/plain s6 </dev/null 2>&1)
expect_contains "--systemd-cgroup with a plain path is refused" \
        'linux.cgroupsPath: "/ocvm/s6": --systemd-cgroup needs the form slice:prefix:name' "$out"
[ -e /run/ocictl/s6 ] || [ -e $CG/ocvm/s6 ] && fail "the refusal left something" || pass "the refusal left nothing"

# No cgroupsPath: runc's default, here system.slice:ocictl:ID; a container that exits takes its
# scope with it.
oc --systemd-cgroup create -b /bundles/nopath s7 </dev/null >/tmp/s7.out 2>&1
expect_eq "--systemd-cgroup without a path: ocictl-ID.scope in system.slice" /system.slice/ocictl-s7.scope \
        "$(show ControlGroup ocictl-s7.scope)"
oc start s7
sleep 1
expect_eq "... the container ran in it, with its own cgroup namespace" "0::/" "$(cat /tmp/s7.out)"
check "... and the scope went with the container, before any delete" gone ocictl-s7.scope system.slice/ocictl-s7.scope
oc delete s7
[ -e /run/ocictl/s7 ] && fail "delete of s7 left its state" || pass "delete of a container whose scope is gone works"

# A create that fails after systemd started the scope (a sysctl the kernel lacks, in the
# spawner): the error names it, and the scope, its cgroup and the placeholder are gone.
out=$(oc --systemd-cgroup create -b /bundles/badsysctl s8 </dev/null 2>&1)
expect_contains "a failing create in a scope says why" "linux.sysctl.net.ipv4.ocictl_nonexistent" "$out"
check "... the scope is gone" gone ocictl-s8.scope system.slice/ocictl-s8.scope
expect_eq "... no placeholder is left" "" "$(grep -l '^ocictl-hold' /proc/[0-9]*/comm 2>/dev/null)"
[ -e /run/ocictl/s8 ] && fail "... the state of s8 is left" || pass "... no state is left"

# The container's init killed behind ocictl's back: systemd collects the empty scope itself,
# and delete still works and leaves nothing (machine.slice, which systemd makes on demand).
oc --systemd-cgroup create -b /bundles/dies s9 </dev/null >/dev/null 2>&1
pid=$(oc state s9 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
expect_eq "create in machine.slice" /machine.slice/ocictl-s9.scope "$(show ControlGroup ocictl-s9.scope)"
kill -9 "$pid"
sleep 1
expect_eq "a killed init: stopped" stopped "$(status s9)"
oc delete s9
check "... delete leaves nothing" gone ocictl-s9.scope machine.slice/ocictl-s9.scope
# Killed mid-create: the registry SIGKILLed while a createRuntime hook holds the create, after
# the scope started. The state names the unit from before it existed, so delete -f stops it.
oc --systemd-cgroup create -b /bundles/hooked s10 </dev/null >/dev/null 2>&1 &
i=0
while [ "$(show ActiveState ocictl-s10.scope)" != active ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
expect_eq "killed mid-create: the scope was up" active "$(show ActiveState ocictl-s10.scope)"
kill -9 $(pidof ocictl-registry) 2>/dev/null
wait $!
expect_eq "... the state says creating" creating "$(status s10)"
oc delete -f s10
check "... delete -f stops the scope and removes its cgroup" gone ocictl-s10.scope system.slice/ocictl-s10.scope
[ -e /run/ocictl/s10 ] && fail "... the state of s10 is left" || pass "... and the state"
expect_eq "... no placeholder is left" "" "$(grep -l '^ocictl-hold' /proc/[0-9]*/comm 2>/dev/null)"
# Rootless: the user's own systemd manager (user@UID.service on a desktop; started here by hand,
# delegated), and the scope podman rootless asks for (--systemd-cgroup, user.slice:libpod:ID)
# made by that manager, reached on its private socket. The user's ocictl runs as a service of
# the user manager, inside its tree as a desktop shell is: the manager moves the placeholder
# into the scope only within a tree the user may write.
mkdir -p /run/user/1001/systemd/user
printf '%s\n' '[Unit]' 'DefaultDependencies=no' '[Service]' 'Type=oneshot' \
        'Environment=XDG_RUNTIME_DIR=/run/user/1001' \
        'ExecStart=/usr/bin/ocictl --systemd-cgroup run -d -b /bundles/rootless u1' \
        'StandardOutput=file:/run/user/1001/u1.out' 'StandardError=file:/run/user/1001/u1.out' \
        > /run/user/1001/systemd/user/ocictl-run.service
chown -R 1001:1001 /run/user/1001 && chmod 700 /run/user/1001
systemd-run --quiet --unit=user-manager-1001 -p DefaultDependencies=no -p Delegate=yes -p TimeoutStopSec=3 -p User=1001 -p Group=1001 \
        --setenv=XDG_RUNTIME_DIR=/run/user/1001 /lib/systemd/systemd --user
i=0
while [ ! -S /run/user/1001/systemd/private ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the user's manager listens" test -S /run/user/1001/systemd/private
as_user() { /usr/bin/setpriv --reuid 1001 --regid 1001 --clear-groups env XDG_RUNTIME_DIR=/run/user/1001 HOME=/tmp "$@"; }
ushow() { as_user systemctl --user show -p "$1" --value "$2" 2>&1; }
as_user systemctl --user start ocictl-run.service
expect_eq "rootless --systemd-cgroup run -d" "" "$(cat /run/user/1001/u1.out)"
ucg=/system.slice/user-manager-1001.service/user.slice/libpod-u1.scope
expect_eq "... a scope of the user's manager" active "$(ushow ActiveState libpod-u1.scope)"
expect_eq "... below the manager's own cgroup" "$ucg" "$(ushow ControlGroup libpod-u1.scope)"
expect_eq "... with its limit" 16 "$(cat $CG$ucg/pids.max 2>&1)"
expect_eq "... the user's manager knows it" 16 "$(ushow TasksMax libpod-u1.scope)"
upid=$(as_user /usr/bin/ocictl state u1 2>&1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
expect_eq "... init is in it" "0::$ucg" "$(cat /proc/$upid/cgroup 2>&1)"
expect_eq "... and owned by the user" 1001 "$(stat -c %u /proc/$upid 2>&1)"
as_user /usr/bin/ocictl delete -f u1
expect_eq "... delete -f stops it" not-found "$(ushow LoadState libpod-u1.scope)"
check "... and its cgroup is gone" test ! -e "$CG$ucg"
systemctl stop user-manager-1001.service
systemctl reset-failed user-manager-1001.service 2>/dev/null # without its exit units it is killed after 3 s

expect_eq "no ocictl scope is left at all" "" "$(systemctl list-units --all --no-legend --plain 'ocictl-*' 'auto-*' 2>&1)"

version=$(systemctl show -p Version --value 2>&1)
case "$version" in [0-9]*) pass "systemctl reaches the manager (systemd $version)" ;; *) fail "systemctl: $version" ;; esac
expect_eq "... which has no failed unit" "" "$(systemctl --failed --no-legend --plain 2>&1 | grep -v checks.service)"
echo "VM-DONE"
# isa-debug-exit: qemu exits with (value << 1) | 1.
printf '\001' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
