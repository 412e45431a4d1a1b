#!/bin/bash
# Issue 10's escapes, each shown to be within the attacker's reach before the guard is checked.
#  1. A container (A) runs stage-thief while other containers (B) are created into its pid
#     namespace and processes are exec'd into it: ocictl's stages pass through A's /proc.
#     The thief tries to open each stage's /proc/PID/exe and to rewrite the image once nothing
#     runs it (CVE-2019-5736), and to take the stages' fds (the sync socket) with pidfd_getfd()
#     and forge SYNC_INIT_PID naming a host process.
#     Default capabilities: the stages are non-dumpable, so nothing can be opened or taken.
#     With CAP_SYS_PTRACE (which passes the dumpable check): the image opens, but it is a sealed
#     memfd, so no write lands; a forged pid is never believed.
#  2. Writes to /proc redirected to the host (CVE-2025-52881 shape): a symlink tree mounted
#     over /proc, whose sys/net/ipv4 leads to the container's own procfs mounted elsewhere, so
#     that the sysctl net.ipv4.core_pattern lands in the host's kernel.core_pattern. The tree is
#     first shown to lead there; then every way of putting it on /proc is refused, a sysctl with
#     no file of its own is refused.
#  3. A fresh procfs mounted from a nested user namespace (busybox `unshare -Umpf --mount-proc`):
#     the kernel allows it only while a fully visible procfs is in the mount namespace. Shown to
#     work in a container whose own /proc has no masks; refused with the masks; and refused
#     with --no-pivot, where the host's full /proc stays in the namespace below the chroot
#     unless ocictl hides it (runc does the same; with the hiding taken out, it mounts).
# bus-mode.sh checks that a spawner started by hand runs from a sealed copy too.
. "$(dirname "$0")/lib.sh"

# A private copy of the binaries: if a guard failed, the build's own spawner stays intact.
LIB="$WORK/lib"
mkdir -p "$LIB"
for b in ocictl ocictl-spec ocictl-cgroups ocictl-spawner ocictl-registry; do cp "$BUILD/$b" "$LIB/" || fail "copy $b"; done
oc() { "$LIB/ocictl" --root "$ROOT" "$@"; }
image_sum=$(md5sum < "$LIB/ocictl-spawner")

sleep 1000 &
VICTIM=$!

A="$WORK/a" B="$WORK/b"
make_bundle "$A" || fail "make bundle"
cp "$BUILD/tests/stage-thief" "$A/rootfs/bin/stage-thief"
make_bundle "$B" true || fail "make bundle"

# thief_round NAME EXTRA-CAPS: A runs the thief for 6 s while 8 Bs are created, started and
# deleted in its pid namespace and 8 processes are exec'd into it.
thief_round() {
        local name=$1 caps=$2 apid i pid bad=""
        set_args "$A" /bin/stage-thief 6 "$VICTIM"
        python3 - "$A/config.json" "$caps" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for k in ("bounding", "effective", "permitted"):
    c["process"]["capabilities"][k] = [x for x in c["process"]["capabilities"][k] if x != "CAP_SYS_PTRACE"] + sys.argv[2].split()
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
        oc run -d -b "$A" "a-$name" </dev/null >"$WORK/$name.out" 2>&1 || fail "$name: run the thief"
        apid=$(oc state "a-$name" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
        set_config "$B" linux.namespaces "[{\"type\":\"pid\",\"path\":\"/proc/$apid/ns/pid\"},{\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"network\"}]"
        for i in 1 2 3 4 5 6 7 8; do
                if oc create -b "$B" "b-$name-$i" </dev/null >/dev/null 2>"$WORK/create.err"; then
                        # The pid ocictl recorded is B's init, whatever the thief sent.
                        pid=$(oc state "b-$name-$i" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
                        [ "$(cat /proc/$pid/comm 2>/dev/null)" = "ocictl:[2:INIT]" ] || bad="$bad b-$name-$i:pid=$pid"
                        oc start "b-$name-$i" >/dev/null 2>&1
                fi
                oc exec "a-$name" /bin/busybox true </dev/null >/dev/null 2>&1
                oc delete -f "b-$name-$i" >/dev/null 2>&1
        done
        expect_eq "$name: every recorded pid is the container's own init" "" "$bad"
        for i in $(seq 100); do [ "$(oc state "a-$name" 2>/dev/null | grep -c '"stopped"')" = 1 ] && break; sleep 0.1; done
        oc delete -f "a-$name" >/dev/null 2>&1
        cat "$WORK/$name.out"
        kill -0 "$VICTIM" 2>/dev/null && pass "$name: the host process named in forged messages lives" || fail "$name: the victim was killed"
        expect_eq "$name: the spawner's image on the host is unchanged" "$image_sum" "$(md5sum < "$LIB/ocictl-spawner")"
        for i in 1 2 3 4 5 6 7 8; do assert_clean "b-$name-$i" >/dev/null; done
        assert_clean "a-$name" "$A"
}
value() { sed -n "s/^$2=//p" "$WORK/$1.out"; }

thief_round default ""
check "default: the thief saw ocictl's stages in its pid namespace" test "$(value default seen)" -gt 0
expect_eq "default: no stage's /proc/PID/exe could be opened" 0 "$(value default exe_opened)"
expect_eq "default: no stage's fd could be taken" 0 "$(value default fds_stolen)"

thief_round ptrace CAP_SYS_PTRACE
check "ptrace: the thief saw ocictl's stages" test "$(value ptrace seen)" -gt 0
check "ptrace: CAP_SYS_PTRACE opened a stage's image (the seal is what must hold)" test "$(value ptrace exe_opened)" -gt 0
expect_eq "ptrace: no write to a stage's image landed" 0 "$(value ptrace exe_written)"

kill $VICTIM

C="$WORK/c"
make_bundle "$C" sh -c 'cat /fakeproc/sys/net/ipv4/core_pattern' || fail "make bundle"
set_config "$C" root.readonly false
mkdir -p "$C/rootfs/fakeproc/sys/net" "$C/rootfs/realproc"
ln -s /realproc/sys/kernel "$C/rootfs/fakeproc/sys/net/ipv4"
core=$(cat /proc/sys/kernel/core_pattern)
tree_mounts='{"destination":"/realproc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs"}'
set_config "$C" mounts "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},$tree_mounts,{\"destination\":\"/fakeproc\",\"type\":\"bind\",\"source\":\"$C/rootfs/fakeproc\",\"options\":[\"rbind\"]}]"
expect_eq "the tree leads to the host's core_pattern from inside" "$core" "$(oc run -b "$C" p0 </dev/null 2>&1)"
assert_clean p0 "$C"

set_args "$C" true
set_config "$C" linux.sysctl '{"net.ipv4.core_pattern":"|/bin/evil"}'
set_config "$C" process.oomScoreAdj 10
ln -s /proc "$C/rootfs/p"
for dest in /proc /p; do
        set_config "$C" mounts "[$tree_mounts,{\"destination\":\"$dest\",\"type\":\"bind\",\"source\":\"$C/rootfs/fakeproc\",\"options\":[\"rbind\"]}]"
        out=$(oc run -b "$C" "p1" </dev/null 2>&1)
        expect_contains "the tree bound on $dest is refused: not a procfs" "cannot be mounted on /proc: it is not a procfs" "$out"
        assert_clean p1 "$C"
done
set_config "$C" mounts "[{\"destination\":\"/proc\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},$tree_mounts]"
expect_contains "a tmpfs on /proc is refused" "it is not a procfs" "$(oc run -b "$C" p2 </dev/null 2>&1)"
assert_clean p2 "$C"
set_config "$C" mounts "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},$tree_mounts,{\"destination\":\"/proc/sys/net\",\"type\":\"bind\",\"source\":\"$C/rootfs/fakeproc/sys/net\",\"options\":[\"rbind\"]}]"
expect_contains "a mount inside /proc is refused" "it is inside /proc (/proc/sys/net)" "$(oc run -b "$C" p3 </dev/null 2>&1)"
assert_clean p3 "$C"
set_config "$C" mounts "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},$tree_mounts]"
out=$(oc run -b "$C" p4 </dev/null 2>&1)
expect_contains "a sysctl with no file of its own is refused" "linux.sysctl.net.ipv4.core_pattern: set \"|/bin/evil\": No such file or directory" "$out"
assert_clean p4 "$C"
expect_eq "the host's core_pattern is untouched" "$core" "$(cat /proc/sys/kernel/core_pattern)"

# process.oomScoreAdj still works through init's own procfs, and through exec's.
del_config "$C" linux.sysctl

set_config "$C" process.oomScoreAdj 123
set_config "$C" mounts '[{"destination":"/proc","type":"proc","source":"proc"}]'
set_args "$C" cat /proc/self/oom_score_adj
expect_eq "process.oomScoreAdj is set" "123" "$(oc run -b "$C" p6 </dev/null 2>&1)"
set_args "$C" sleep 100
# 3. A nested user namespace's procfs.
N="$WORK/n"
make_bundle "$N" sh -c 'unshare -Umpf --mount-proc true 2>/dev/null && echo MOUNTED || echo refused' || fail "make bundle"
cp "$N/config.json" "$N/masked.json"
set_config "$N" linux.maskedPaths '[]'
set_config "$N" linux.readonlyPaths '[]'
expect_eq "control: with an unmasked /proc a nested user namespace mounts a procfs" MOUNTED "$(oc run -b "$N" nproc1 </dev/null 2>&1)"
cp "$N/masked.json" "$N/config.json"
expect_eq "with the masked paths it cannot" refused "$(oc run -b "$N" nproc2 </dev/null 2>&1)"
expect_eq "with --no-pivot (the host's /proc below the chroot) it cannot" refused \
        "$(oc run --no-pivot -b "$N" nproc3 </dev/null 2>&1)"
for id in nproc1 nproc2 nproc3; do assert_clean "$id" "$N"; done

oc run -d -b "$C" p7 </dev/null >/dev/null 2>&1
expect_eq "process.oomScoreAdj is set for exec" "321" "$(printf '{"args":["cat","/proc/self/oom_score_adj"],"cwd":"/","oomScoreAdj":321}' > "$WORK/p.json"; oc exec -p "$WORK/p.json" p7 </dev/null 2>&1)"
oc delete -f p7
assert_clean p7 "$C"
finish
