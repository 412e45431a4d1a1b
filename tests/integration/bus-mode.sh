#!/bin/bash
# Bus mode: a private dbus-daemon (dbus/private-bus.conf), the four services on it under their
# well-known names, containers run through it with `ocictl --bus-address`, the registry read with
# busctl, each service's live introspection equal to its bus-interfaces/ file, and an
# unprivileged caller turned away.
. "$(dirname "$0")/lib.sh"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (apt-get install dbus)"
command -v busctl >/dev/null || skip "busctl not installed (apt-get install systemd)"

SRC=${OCICTL_SOURCE_DIR:?}
# The socket must be reachable by the unprivileged caller below.
chmod 711 "$WORK"
BUS="$WORK/bus"
ADDRESS="unix:path=$BUS"
SERVICE_PIDS=""
dbus-daemon --config-file="$SRC/dbus/private-bus.conf" --address="$ADDRESS" --fork --print-pid > "$WORK/dbus.pid" ||
        fail "start dbus-daemon"
stop_bus() {
        kill $SERVICE_PIDS $(cat "$WORK/dbus.pid" 2>/dev/null) 2>/dev/null
        cleanup_all
}
trap stop_bus EXIT
for s in spec cgroups spawner registry; do
        OCICTL_BUS_ADDRESS="$ADDRESS" OCICTL_ROOT="$ROOT" OCICTL_LOG_LEVEL=7 "$BUILD/ocictl-$s" 2>>"$WORK/services.log" &
        SERVICE_PIDS="$SERVICE_PIDS $!"
done
for _ in $(seq 50); do
        [ "$(busctl --address="$ADDRESS" list --no-legend 2>/dev/null | grep -c '^org.ocictl')" = 4 ] && break
        sleep 0.1
done
names=$(busctl --address="$ADDRESS" list --no-legend | awk '/^org.ocictl/ { print $1 }' | sort | tr '\n' ' ')
expect_eq "the four services own their names" "org.ocictl.Cgroups1 org.ocictl.Registry1 org.ocictl.Spawner1 org.ocictl.Spec1 " "$names"

# The spec parser holds no privilege once it serves: nobody, no capabilities, no_new_privs,
# a seccomp filter.
spec_pid=$(busctl --address="$ADDRESS" status org.ocictl.Spec1 | awk -F= '/^PID=/ { print $2 }')
status=$(tr -s '\t' ' ' < "/proc/$spec_pid/status")
expect_contains "the spec parser runs as nobody" "Uid: 65534 65534 65534 65534" "$status"
expect_contains "the spec parser has no capabilities" "CapEff: 0000000000000000" "$status"
expect_contains "the spec parser has an empty bounding set" "CapBnd: 0000000000000000" "$status"
expect_contains "the spec parser has no_new_privs" "NoNewPrivs: 1" "$status"
expect_contains "the spec parser is under seccomp" "Seccomp: 2" "$status"

# The contract: live introspection equals bus-interfaces/ (comments aside).
interface_matches() { # FILE LIVE-XML INTERFACE
        python3 - "$@" <<'PY'
import sys, xml.etree.ElementTree as ET
def interface(root, name):
    # Members compare in any order (D-Bus has none); arguments keep theirs.
    for i in root.iter("interface"):
        if i.get("name") == name:
            i[:] = sorted(i, key=lambda e: (e.tag, e.get("name", "")))
            return ET.canonicalize(ET.tostring(i), strip_text=True)
    return None
want = interface(ET.parse(sys.argv[1]).getroot(), sys.argv[3])
got = interface(ET.fromstring(sys.argv[2]), sys.argv[3])
if want != got:
    print("file: ", want, "\nlive: ", got)
sys.exit(0 if want and want == got else 1)
PY
}
for s in Spec Cgroups Spawner Registry; do
        live=$(busctl --address="$ADDRESS" introspect --xml-interface "org.ocictl.${s}1" "/org/ocictl/${s}1")
        check "org.ocictl.${s}1 matches bus-interfaces/org.ocictl.${s}1.xml" \
                interface_matches "$SRC/bus-interfaces/org.ocictl.${s}1.xml" "$live" "org.ocictl.${s}1"
done

B="$WORK/bundle"
make_bundle "$B" sh -c 'echo bus says $(hostname); exit 5' || fail "make bundle"
out=$(oc --bus-address "$ADDRESS" run -b "$B" b1 </dev/null 2>&1)
expect_eq "run through the bus exits with the process's status" 5 "$?"
expect_contains "run through the bus shows the output" "bus says ocictl" "$out"
assert_clean b1 "$B"

# run forwards the signals it gets to the container, and exits with the container's status.
set_args "$B" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
"$OCICTL" --root "$ROOT" --bus-address "$ADDRESS" run -b "$B" b5 </dev/null >"$WORK/b5.out" 2>&1 &
runner=$!
for _ in $(seq 50); do grep -q ready "$WORK/b5.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM $runner
wait $runner
expect_eq "bus mode: run forwards SIGTERM and exits with the container's status" 7 "$?"
expect_contains "bus mode: the container's trap ran" got-term "$(cat "$WORK/b5.out")"
assert_clean b5 "$B"

# Create flags travel as options through the bus too.
set_args "$B" true
oc --bus-address "$ADDRESS" run --no-pivot -b "$B" b4 </dev/null >/dev/null 2>&1
expect_contains "--no-pivot reaches the spawner through the bus" "b4: init is pid" "$(grep 'no pivot' "$WORK/services.log")"
# The cgroup2 directory fd survives dbus-daemon's fd passing, and the spawner (no CLONE_PARENT
# here) clones into it.
if grep -q " cgroup2 " /proc/self/mounts; then
        expect_contains "bus mode: init born in its cgroup2 cgroup" "cgroup2 joined at clone (CLONE_INTO_CGROUP)" \
                "$(grep 'b4: init is pid' "$WORK/services.log")"
fi

set_args "$B" sleep 1000
OCICTL_BUS_ADDRESS="$ADDRESS" oc run -d -b "$B" b2 </dev/null >/dev/null 2>&1
expect_eq "OCICTL_BUS_ADDRESS selects bus mode" 0 "$?"
list=$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1 ListContainers)
expect_contains "busctl lists the container" '"b2" "running"' "$list"
state=$(busctl --address="$ADDRESS" get-property org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Status Pid Bundle)
expect_contains "busctl reads its state (the container object's properties)" "\"running\"" "$state"
expect_contains "busctl reads its bundle" "\"$B\"" "$state"
pid=$(busctl --address="$ADDRESS" get-property org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Pid | awk '{ print $2 }')
spawner_pid=$(busctl --address="$ADDRESS" status org.ocictl.Spawner1 | awk -F= '/^PID=/ { print $2 }')
monitor_pid=$(awk '{ print $4 }' "/proc/$pid/stat")
expect_eq "in bus mode the container's init is the child of its monitor" "ocictl-monitor" "$(cat "/proc/$monitor_pid/comm")"
expect_eq "... which is the spawner's child" "$spawner_pid" "$(awk '{ print $4 }' "/proc/$monitor_pid/stat")"
check "... and holds no descriptor but stdio and the container's folder" \
        test "$(ls "/proc/$monitor_pid/fd" | wc -l)" = 4
# Started by hand, the spawner re-executed itself from a sealed copy (issue 10: the stages it
# clones enter containers, and their /proc/PID/exe must not be a writable host file).
expect_contains "the bus spawner runs from a sealed memfd" "/memfd:ocictl-spawner" "$(readlink /proc/$spawner_pid/exe)"
expect_contains "ocictl state agrees" '"status": "running"' "$(oc --bus-address "$ADDRESS" state b2)"
live=$(busctl --address="$ADDRESS" introspect --xml-interface org.ocictl.Registry1 /org/ocictl/container/b2)
check "the container's object matches bus-interfaces/org.ocictl.Container1.xml" \
        interface_matches "$SRC/bus-interfaces/org.ocictl.Container1.xml" "$live" org.ocictl.Container1
objects=$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl org.freedesktop.DBus.ObjectManager GetManagedObjects)
expect_contains "the ObjectManager lists it with its properties" '"/org/ocictl/container/b2"' "$objects"
expect_contains "... its Status among them" '"Status" s "running"' "$objects"
expect_eq "GetContainer names its object" 'o "/org/ocictl/container/b2"' \
        "$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1 GetContainer s b2)"

# The cgroup, its limits and its stats, read with busctl; pause and update through the bus.
cg=$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 GetCgroup)
expect_contains "busctl reads the cgroup path" "$(awk -F: '$2 == "memory" || $1 == "0" { print $3; exit }' "/proc/$pid/cgroup")" "$cg"
busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Update as 1 '{"pids":{"limit":77}}'
expect_eq "busctl updates the limits" 0 "$?"
expect_contains "busctl reads the new limits" 'pids\":{\"limit\":77' \
        "$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 GetCgroup)"
stats=$(busctl --address="$ADDRESS" --json=short call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Stats)
expect_contains "busctl reads the stats" '\"pids\":{\"current\":1,\"limit\":77}' "$stats"
busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Pause
expect_contains "busctl pauses" '"paused"' \
        "$(busctl --address="$ADDRESS" get-property org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Status)"
busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Resume
expect_contains "busctl resumes" '"running"' \
        "$(busctl --address="$ADDRESS" get-property org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Status)"

# Cgroups1 acts on containers' cgroups only, not on any cgroup a (root) caller names: a host
# process in a cgroup of its own survives Kill; the container's own cgroup takes the signal.
pids_mnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/self/mounts)
if [ -n "$pids_mnt" ]; then
        victim_cg="/ocictl-victim-$$"
        mkdir "$pids_mnt$victim_cg"
        sleep 100 &
        victim=$!
        echo "$victim" > "$pids_mnt$victim_cg/cgroup.procs"
        out=$(busctl --address="$ADDRESS" call org.ocictl.Cgroups1 /org/ocictl/Cgroups1 org.ocictl.Cgroups1 Kill \
                'a(ss)i' 1 pids "$victim_cg" 9 2>&1)
        expect_contains "Cgroups1.Kill of a cgroup that is not a container's is refused" "is not one ocictl made for a container" "$out"
        check "... and the process in it lives" kill -0 "$victim"
        own=$(awk -F: '$2 == "pids" { print $3 }' "/proc/$pid/cgroup")
        busctl --address="$ADDRESS" call org.ocictl.Cgroups1 /org/ocictl/Cgroups1 org.ocictl.Cgroups1 Kill \
                'a(ss)i' 1 pids "$own" 18 >/dev/null 2>&1
        expect_eq "control: Cgroups1.Kill of the container's own cgroup works" 0 "$?"
        kill "$victim"
        wait "$victim" 2>/dev/null
        rmdir "$pids_mnt$victim_cg"
else
        fail "no pids cgroup v1 hierarchy here for the Cgroups1 ownership check"
fi

# Unprivileged callers: reading is allowed, changing is refused (bus policy and the services).
if command -v setpriv >/dev/null; then
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1 ListContainers 2>&1)
        expect_contains "nobody may list" '"b2"' "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Kill ib 9 false 2>&1)
        expect_contains "nobody may not kill (no polkitd on this bus: the registry cannot ask)" "not authorized for org.ocictl.manage (uid 65534)" "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Update as 1 '{"pids":{"limit":1}}' 2>&1)
        expect_contains "nobody may not update" "not authorized for org.ocictl.manage (uid 65534)" "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Pause 2>&1)
        expect_contains "nobody may not pause" "not authorized for org.ocictl.manage (uid 65534)" "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Stats 2>&1)
        expect_contains "nobody may read the stats" '\"pids\":{' "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Spawner1 /org/ocictl/Spawner1 org.ocictl.Spawner1 Kill uti "$pid" 0 9 2>&1)
        expect_contains "nobody may not call the spawner" "denied" "$out"
        # Only the registry is for other callers: the inner services answer root alone, in the
        # bus policy (the parser too, which would otherwise read any file a caller hands it).
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Spec1 /org/ocictl/Spec1 org.ocictl.Spec1 ParseResources s '{}' 2>&1)
        expect_contains "nobody may not call the spec parser" "denied" "$out"
        # Parse (its fd argument is beyond busctl; the policy judges the member, not the
        # arguments, so a wrong signature shows whether the call would get through).
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Spec1 /org/ocictl/Spec1 org.ocictl.Spec1 Parse s x 2>&1)
        expect_contains "... not even Parse" "denied" "$out"
        out=$(busctl --address="$ADDRESS" call org.ocictl.Spec1 /org/ocictl/Spec1 org.ocictl.Spec1 Parse s x 2>&1)
        expect_contains "control: root's wrong call reaches the parser" "expecting 'h'" "$out"
        out=$(busctl --address="$ADDRESS" call org.ocictl.Spec1 /org/ocictl/Spec1 org.ocictl.Spec1 ParseResources s '{}' 2>&1)
        expect_eq "control: root may" "a{sv} 0" "$out"
        out=$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$ADDRESS" call \
                org.ocictl.Cgroups1 /org/ocictl/Cgroups1 org.ocictl.Cgroups1 GetPids 'a(ss)' 0 2>&1)
        expect_contains "nobody may not call the cgroup manager" "denied" "$out"
        out=$(busctl --address="$ADDRESS" call org.ocictl.Cgroups1 /org/ocictl/Cgroups1 org.ocictl.Cgroups1 GetPids 'a(ss)' 0 2>&1)
        expect_contains "control: root reaches it (which finds no cgroup in an empty list)" "cannot read the container's cgroup" "$out"
        check "the container survived" test -d "/proc/$pid"
fi

out=$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1 GetContainer s nosuch 2>&1)
expect_contains "busctl gets the named error's text" "container does not exist" "$out"
busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/b2 org.ocictl.Container1 Delete b true
expect_eq "busctl deletes the container" 0 "$?"
assert_clean b2 "$B"
finish
