#!/bin/bash
# Sandboxes on request (docs/sandbox.md): on the real dbus-daemon and polkitd of the system-mode
# tests, a user granted org.ocictl.sandbox runs `ocictl sandbox` and the Python client; the
# sandbox sees only what it was given, can do no more than its caller (each guard shown to hold
# where, without it, the same thing works), and each field of the profile it may not set is
# refused by name; a user without the action is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/system-bus.sh"
command -v useradd >/dev/null || skip "useradd not installed (apt-get install passwd)"
PY=/usr/bin/python3 # Debian's, with python3-gi (not another one first on PATH)
$PY -c 'import gi; gi.require_version("Gio", "2.0"); from gi.repository import Gio' 2>/dev/null ||
        skip "python3-gi not installed (apt-get install python3-gi)"

USERS="ocsb-user ocsb-plain"
remove_users() { for u in $USERS; do userdel "$u" >/dev/null 2>&1; done; }
remove_users
for u in $USERS; do useradd -M -N -g nogroup -s /bin/false "$u" || fail "useradd $u"; done
U=$(id -u ocsb-user)
stop_all() {
        [ -n "${LISTENER:-}" ] && kill "$LISTENER" 2>/dev/null
        [ -n "${CEILING:-}" ] && rmdir "$CEILING" 2>/dev/null
        stop_system_bus
        remove_users
}
trap stop_all EXIT

RULES="$WORK/rules"
mkdir -p "$RULES"
cat > "$RULES/50-ocictl-sandbox.rules" <<EOF
polkit.addRule(function(action, subject) {
    if (action.id == "org.ocictl.sandbox" && subject.user == "ocsb-user")
        return polkit.Result.YES;
});
EOF
install_ocictl
start_system_bus
start_polkitd "$RULES"

as() { local u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$@"; }
sb() { as ocsb-user "$OCICTL" sandbox "$@"; }
listed() { busctl --address="$ADDRESS" --json=short call org.ocictl.Registry1 /org/ocictl/Registry1 \
        org.ocictl.Registry1 ListContainers | python3 -c 'import json, sys; print(" ".join(c[0] for c in json.load(sys.stdin)["data"][0]))'; }

# The user's own folders, and a root-only file beside them.
chmod 755 "$WORK"
mkdir -p "$WORK/mine" "$WORK/out" "$WORK/theirs"
echo "my data" > "$WORK/mine/data"
chown -R ocsb-user: "$WORK/mine" "$WORK/out"
echo "root's secret" > "$WORK/secret"
chmod 600 "$WORK/secret"
echo "only readable" > "$WORK/theirs/file"
chmod 755 "$WORK/theirs"

out=$(as ocsb-plain "$OCICTL" sandbox true 2>&1)
expect_eq "a user without org.ocictl.sandbox is refused" 1 "$?"
expect_contains "... by name" "not authorized for org.ocictl.sandbox (uid $(id -u ocsb-plain))" "$out"

out=$(sb -- /bin/sh -c 'echo "uid $(id -u)"; cat /proc/self/uid_map /proc/self/gid_map; grep CapEff /proc/self/status; grep NoNewPrivs /proc/self/status; grep Seccomp: /proc/self/status; exit 3' 2>&1)
expect_eq "ocictl sandbox runs the command and exits with its status" 3 "$?"
expect_contains "... as root inside" "uid 0" "$out"
expect_contains "... which is the caller outside, the only uid mapped" "$(printf '%10s %10s %10s' 0 "$U" 1)" "$out"
expect_contains "... and the caller's gid the only gid" "$(printf '%10s %10s %10s' 0 "$(id -g ocsb-user)" 1)" "$out"
expect_contains "... without capabilities" "CapEff:	0000000000000000" "$out"
expect_contains "... and with no_new_privs" "NoNewPrivs:	1" "$out"
expect_contains "... under a seccomp filter" "Seccomp:	2" "$out"
expect_eq "... and the sandbox is deleted after" "" "$(listed)"
out=$(sb -- /nonexistent 2>&1)
expect_eq "a command that is not there fails" 1 "$?"
expect_contains "... naming it" "/nonexistent" "$out"
expect_eq "... and leaves no sandbox" "" "$(listed)"
expect_eq "... nor its bundle" "" "$(ls "$ROOT-sandboxes" 2>/dev/null)"

# What it sees: the system's read-only paths, its own /proc, /dev, /tmp, and what it was given.
out=$(sb --ro-bind "$WORK/mine" /work -- /bin/sh -c 'ls /; ls /dev; cat /work/data; ls /work' 2>&1)
for d in usr etc proc dev tmp work; do expect_contains "the sandbox has /$d" "$d" "$out"; done
check "... not the host's /root, /home or /run" sh -c "! echo '$out' | grep -qxE 'root|home|run|srv|var'"
check "... only the minimal /dev" sh -c "echo '$out' | grep -qx urandom && ! echo '$out' | grep -qxE 'sda|vda|kmsg|mem'"
expect_contains "... and the folder it was given" "my data" "$out"
out=$(sb --ro-bind "$WORK/mine" /work -- /bin/sh -c 'echo x > /work/new' 2>&1)
expect_contains "a read-only bind cannot be written" "Read-only file system" "$out"
out=$(sb -- /bin/sh -c 'echo x > /usr/evil' 2>&1)
expect_contains "... nor the system paths" "Read-only file system" "$out"
sb --bind "$WORK/out" /out -- /bin/sh -c 'echo written > /out/file'
expect_eq "a writable bind of the caller's own folder is written" "written" "$(cat "$WORK/out/file" 2>&1)"
expect_eq "... the file the caller's" "$U" "$(stat -c %u "$WORK/out/file")"

# Reading what the caller could not: through a path, a descriptor, or a link in its own folder.
check "(control) the user cannot read the secret on the host" sh -c "! setpriv --reuid=$U --regid=$(id -g ocsb-user) --init-groups cat '$WORK/secret' 2>/dev/null"
out=$(sb --ro-bind "$WORK/secret" /secret -- cat /secret 2>&1)
expect_contains "a bind of a file the caller cannot read is refused, named" "binds[0]: $WORK/secret: Permission denied (as uid $U)" "$out"
ln -s "$WORK/secret" "$WORK/mine/link"
out=$(sb --ro-bind "$WORK/mine/link" /secret -- cat /secret 2>&1)
expect_contains "... also through a symbolic link of the caller's" "Permission denied (as uid $U)" "$out"
out=$(sb --bind "$WORK/theirs" /theirs -- true 2>&1)
expect_contains "a writable bind of a folder the caller may only read is refused" "not the caller's to write" "$out"
out=$(sb --ro-bind "$WORK/mine" /proc/x -- true 2>&1)
expect_contains "a bind over the sandbox's own /proc is refused, named" "binds[0]: \"/proc/x\" is the sandbox's own /proc or /dev" "$out"

# The Python client (GDBus, as a desktop program would): a folder passed as a descriptor, the
# result read back; and the descriptor trick, an O_PATH descriptor of a file the caller cannot
# read (O_PATH needs no read permission), refused.
CLIENT="$OCICTL_SOURCE_DIR/examples/sandbox-client.py"
out=$(timeout 20 setpriv --reuid=ocsb-user --regid=nogroup --init-groups $PY "$CLIENT" --address "$ADDRESS" "$WORK/mine" 2>&1)
expect_contains "the Python client runs a sandbox on a folder passed by descriptor" "my data" "$out"
expect_contains "... and reads its exit status" "exit status 0" "$out"
out=$(timeout 20 setpriv --reuid=ocsb-user --regid=nogroup --init-groups $PY "$CLIENT" --address "$ADDRESS" --o-path "$WORK/secret" 2>&1)
expect_contains "(control) the user holds an O_PATH descriptor of the secret" "opened O_PATH" "$out"
expect_contains "... which is refused as a bind" "binds[0]: a descriptor: Permission denied (as uid $U)" "$out"
expect_eq "... and the secret never reached the sandbox" "" "$(echo "$out" | grep "root's secret")"

# The network: its own, with nothing on it; the host's loopback answers on the host only.
$PY -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 47311)); s.listen(5)
while True:
    c, _ = s.accept(); c.sendall(b"hello from the host\n"); c.close()' &
LISTENER=$!
sleep 0.5
probe='import socket
try:
    print(socket.create_connection(("127.0.0.1", 47311), 2).recv(100).decode().strip())
except OSError as e:
    print("refused:", e)'
out=$(as ocsb-user $PY -c "$probe" 2>&1)
expect_eq "(control) the user reaches the host's listener on the host" "hello from the host" "$out"
out=$(sb -- /usr/bin/python3 -c "$probe" 2>&1)
expect_contains "the sandbox cannot reach it" "refused:" "$out"
out=$(sb -- cat /proc/net/dev 2>&1)
expect_eq "... it has only its own loopback" "lo:" "$(echo "$out" | awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 ":" }' | tr '\n' ' ' | sed 's/ $//')"
out=$(sb --share-net -- true 2>&1)
expect_contains "the host's network needs org.ocictl.manage, named" \
        "sandbox: network: host: the host's network: needs org.ocictl.manage, and uid $U is not authorized for it" "$out"

# The other fields of the profile a caller may not set, each refused by name (RunSandbox called
# directly, as a program would).
raw_call() { # OPTION SIGNATURE PYTHON-VALUE [FD-BIND-PATH]: RunSandbox of true with that option
        as ocsb-user $PY - "$ADDRESS" "$@" <<'PY' 2>&1
import os, sys, gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib
bus = Gio.DBusConnection.new_for_address_sync(
    sys.argv[1], Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
fds = Gio.UnixFDList.new()
err = fds.append(2)
opts = {sys.argv[2]: GLib.Variant(sys.argv[3], eval(sys.argv[4]))} if sys.argv[2] else {}
fd_binds = [(fds.append(os.open(sys.argv[5], os.O_RDONLY)), "/x", False)] if len(sys.argv) > 5 else []
try:
    bus.call_with_unix_fd_list_sync(
        "org.ocictl.Registry1", "/org/ocictl/Registry1", "org.ocictl.Registry1", "RunSandbox",
        GLib.Variant("(asassa(ssb)a(hsb)asa{sv}hhh)", (["true"], [], "/", [], fd_binds, [], opts, err, err, err)),
        None, Gio.DBusCallFlags.NONE, -1, fds, None)
    print("ran")
except GLib.Error as e:
    print(e.message)
PY
}
expect_contains "no seccomp filter needs org.ocictl.manage, named" \
        "sandbox: seccomp: none: no system call filter: needs org.ocictl.manage, and uid $U is not authorized for it" \
        "$(raw_call seccomp s '"none"')"
expect_contains "an unknown option is refused, named" 'sandbox: options: unknown option "privileged"' \
        "$(raw_call privileged b True)"
expect_contains "a device passed as a descriptor is refused" "binds[0]: a descriptor: Operation not supported (as uid $U)" \
        "$(raw_call "" "" "" /dev/null)"
expect_contains "(control) the direct call runs a sandbox" "ran" "$(raw_call hostname s '"direct"')"
for _ in $(seq 30); do [ -z "$(listed)" ] && break; sleep 0.1; done
for id in $(listed); do oc --bus-address "$ADDRESS" delete -f "$id" >/dev/null 2>&1; done

# Limits: memory and pids, and the caller's own cgroup as the ceiling.
out=$(sb -- /usr/bin/python3 -c 'b = bytearray(96 * 1024 * 1024); print("allocated")' 2>&1)
expect_contains "(control) without a limit 96 MiB are allocated" "allocated" "$out"
timeout 30 setpriv --reuid=ocsb-user --regid=nogroup --init-groups "$OCICTL" sandbox --memory 32m -- /usr/bin/python3 -c 'b = bytearray(96 * 1024 * 1024); print("allocated")' >/dev/null 2>&1
expect_eq "with --memory 32m the same is killed" 137 "$?"
out=$(sb --pids 4 -- /bin/sh -c 'for i in 1 2 3 4 5 6; do sleep 1 & done; wait; echo done' 2>&1)
expect_contains "with --pids 4 the seventh process cannot be made" "fork" "$out"
out=$(sb -- /bin/sh -c 'for i in 1 2 3 4 5 6; do sleep 0.1 & done; wait; echo done' 2>&1)
expect_eq "(control) without it they are" "done" "$out"
PIDS_H=$(cgroup_dir_of pids)
CEILING="$PIDS_H/ocsb-ceiling"
if mkdir "$CEILING" 2>/dev/null && echo 50 > "$CEILING/pids.max" 2>/dev/null; then
        out=$(sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$CEILING" \
                setpriv --reuid="$U" --regid="$(id -g ocsb-user)" --init-groups "$OCICTL" sandbox --pids 100 -- true 2>&1)
        expect_contains "a limit above the caller's own cgroup's is refused, named" \
                "sandbox: pidsMax: 100 is above the caller's own limit of 50" "$out"
else
        fail "no pids controller to set a ceiling in"
fi

# The default seccomp profile: no user namespace of its own to be root in again.
check "(control) the user makes a user namespace on the host" as ocsb-user unshare -U true
out=$(sb -- unshare -U true 2>&1)
expect_contains "the sandbox cannot" "Operation not permitted" "$out"

# Die with the caller: a sandbox whose `ocictl sandbox` is SIGKILLed is killed and deleted.
(exec setpriv --reuid="$U" --regid="$(id -g ocsb-user)" --init-groups "$OCICTL" sandbox --die-with-parent -- sleep 1000 \
        </dev/null >/dev/null 2>&1) &
runner=$!
for _ in $(seq 50); do [ -n "$(listed)" ] && break; sleep 0.1; done
check "the sandbox of a --die-with-parent run is there" test -n "$(listed)"
kill -KILL $runner
for _ in $(seq 50); do [ -z "$(listed)" ] && break; sleep 0.1; done
expect_eq "... and once its caller was killed it is deleted" "" "$(listed)"
check "... its process is gone" sh -c "! pgrep -x -u $U sleep"

# A timeout kills it.
sb --timeout 1 -- sleep 1000 </dev/null >/dev/null 2>&1
expect_eq "--timeout 1 kills the sandbox" 137 "$?"

# The guards outlive the registry: killed with SIGKILL, the next one (activated by the CLI's
# next Wait) reads them from the sandboxes' state.
registry_pid() { busctl --address="$ADDRESS" status org.ocictl.Registry1 2>/dev/null | sed -n 's/^PID=//p'; }
kill_registry_and_wait_back() {
        local old
        old=$(registry_pid)
        kill -KILL "$old"
        for _ in $(seq 100); do
                local now
                now=$(registry_pid)
                [ -n "$now" ] && [ "$now" != "$old" ] && return 0
                sleep 0.1
        done
        return 1
}
(exec setpriv --reuid="$U" --regid="$(id -g ocsb-user)" --init-groups "$OCICTL" sandbox --die-with-parent -- sleep 1000 \
        </dev/null >/dev/null 2>&1) &
runner=$!
for _ in $(seq 50); do [ -n "$(listed)" ] && break; sleep 0.1; done
check "a registry SIGKILLed under a --die-with-parent sandbox comes back" kill_registry_and_wait_back
kill -KILL $runner
for _ in $(seq 50); do [ -z "$(listed)" ] && break; sleep 0.1; done
expect_eq "... and deletes the sandbox once its caller is gone" "" "$(listed)"
sb --timeout 3 -- sleep 1000 </dev/null >/dev/null 2>&1 &
runner=$!
for _ in $(seq 50); do [ -n "$(listed)" ] && break; sleep 0.1; done
check "a registry SIGKILLed under a --timeout 3 sandbox comes back" kill_registry_and_wait_back
wait $runner
expect_eq "... and kills the sandbox at its deadline" 137 "$?"
expect_eq "nothing of any sandbox is left" "" "$(listed)"
check "... no folder in the state root" sh -c "[ -z \"\$(ls '$ROOT' 2>/dev/null)\" ]"
check "... no stage or monitor" sh -c "! ps -eo stat=,comm= | grep -v '^Z' | grep -qE 'ocictl:\[|ocictl-monitor'"
finish
