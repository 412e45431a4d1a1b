#!/bin/bash
# System mode, installed: `meson install` (into a folder) puts ocictl, the services, the bus
# policy, the activation files and the systemd units where a distribution has them; a real
# dbus-daemon, with that policy and those activation files, starts each service on its first
# call: nothing runs before, the registry comes up for a busctl call, and its peers come up when
# a container is run through it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/system-bus.sh"

install_ocictl
I="$INSTALLED"
check "ocictl is in bindir" test -x "$I/bin/ocictl"
for s in spec cgroups spawner registry; do
        check "ocictl-$s is in libexecdir/ocictl" test -x "$I/libexec/ocictl/ocictl-$s"
        check "ocictl-$s.service is a systemd unit of type dbus" grep -qx "Type=dbus" "$I/lib/systemd/system/ocictl-$s.service"
done
check "the bus policy is in share/dbus-1/system.d" test -r "$I/share/dbus-1/system.d/org.ocictl.conf"
check "the polkit actions are in share/polkit-1/actions" test -r "$I/share/polkit-1/actions/org.ocictl.policy"
for n in Spec1 Cgroups1 Spawner1 Registry1; do
        f="$I/share/dbus-1/system-services/org.ocictl.$n.service"
        exe=$(sed -n 's/^Exec=//p' "$f" 2>/dev/null)
        check "org.ocictl.$n is activatable, Exec= the installed binary" test -x "$DEST$exe"
        check "... as root, or through systemd" grep -q "^User=root" "$f"
done

IDLE_EXIT_SEC=2
start_system_bus
trap stop_system_bus EXIT

activatable=$(busctl --address="$ADDRESS" list --activatable --no-legend | awk '/^org.ocictl/ { print $1 }' | sort | tr '\n' ' ')
expect_eq "the four names are activatable" "org.ocictl.Cgroups1 org.ocictl.Registry1 org.ocictl.Spawner1 org.ocictl.Spec1 " "$activatable"
expect_eq "... and nothing of ocictl runs yet" "" "$(pgrep -f "^$DEST" | tr '\n' ' ')"

out=$(busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1 ListContainers 2>&1)
expect_eq "the first call activates the registry and is answered" "a(ssuussso) 0" "$out"
reg_pid=$(busctl --address="$ADDRESS" status org.ocictl.Registry1 2>/dev/null | sed -n 's/^PID=//p')
expect_eq "... the registry runs the installed binary" "$I/libexec/ocictl/ocictl-registry" "$(readlink "/proc/$reg_pid/exe")"

B="$WORK/bundle"
make_bundle "$B" sh -c 'echo activated; exit 3' || fail "make bundle"
out=$(oc --bus-address "$ADDRESS" run -b "$B" a1 </dev/null 2>&1)
expect_eq "run through the activated registry: the container's status" 3 "$?"
expect_eq "... and its output" "activated" "$out"
for n in Spec1 Cgroups1 Spawner1; do
        pid=$(busctl --address="$ADDRESS" status "org.ocictl.$n" 2>/dev/null | sed -n 's/^PID=//p')
        check "... which activated org.ocictl.$n" test -n "$pid" -a -d "/proc/${pid:-none}"
done
assert_clean a1 "$B"

# Idle exit: with nothing to do, each service gives up its name and exits; the next call starts
# it again. A running container keeps the registry (it announces the exit), not the others:
# the container's monitor records its status without them.
names_up() { busctl --address="$ADDRESS" list --no-legend | awk '/^org.ocictl/ && $2 != "-" { print $1 }' | sort | tr '\n' ' '; }
idle_until() { # WANT: wait up to 10 s for the names that run to be WANT
        for _ in $(seq 100); do [ "$(names_up)" = "$1" ] && return 0; sleep 0.1; done
        return 1
}
check "idle for 2 s, every service exits" idle_until ""
expect_eq "... and no process of ocictl is left" "" "$(pgrep -f "^$DEST" | tr '\n' ' ')"
B="$WORK/bundle-idle"
make_bundle "$B" sleep 1000 || fail "make bundle"
oc --bus-address "$ADDRESS" create -b "$B" idle1 </dev/null && oc --bus-address "$ADDRESS" start idle1 ||
        fail "start idle1"
check "with a container running, only the registry stays" idle_until "org.ocictl.Registry1 "
expect_eq "... and the container runs, under its monitor" "ocictl-monitor" \
        "$(ps -o comm= -p "$(ps -o ppid= -p "$(oc --bus-address "$ADDRESS" state idle1 |
                python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')" | tr -d ' ')")"
path=/org/ocictl/container/idle1
busctl --address="$ADDRESS" call org.ocictl.Registry1 "$path" org.ocictl.Container1 Kill ib 9 false ||
        fail "Kill idle1"
expect_eq "Kill starts the spawner again; the status is announced" "i 137" \
        "$(busctl --address="$ADDRESS" call org.ocictl.Registry1 "$path" org.ocictl.Container1 Wait u 0 2>&1)"
check "... Delete starts the cgroup manager again" \
        busctl --address="$ADDRESS" call org.ocictl.Registry1 "$path" org.ocictl.Container1 Delete b false
assert_clean idle1 "$B"
idle_until ""
expect_eq "then they all exit again" "" "$(names_up)"
finish
