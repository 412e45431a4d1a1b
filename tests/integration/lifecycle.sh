#!/bin/bash
# create → start → kill → delete, with the status at each step, list in both formats, kill by
# name and number and --all, delete --force, and runc's error strings for the wrong state.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
cd "$B" || exit 1

oc create --pid-file "$WORK/c1.pid" c1 </dev/null >/dev/null 2>&1
expect_eq "create succeeds" 0 "$?"
pid=$(cat "$WORK/c1.pid")
state=$(oc state c1)
expect_contains "status after create" '"status": "created"' "$state"
expect_contains "state has the pid" "\"pid\": $pid," "$state"
expect_contains "state has the bundle" "\"bundle\": \"$B\"" "$state"
expect_contains "state has the rootfs" "\"rootfs\": \"$B/rootfs\"" "$state"
expect_contains "state has the id" '"id": "c1"' "$state"
expect_contains "state has ociVersion" '"ociVersion": "1.3.0"' "$state"
expect_contains "state has annotations" '"annotations": {' "$state"
check "state is valid JSON" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$state"
check "exec.fifo exists while created" test -p "$ROOT/c1/exec.fifo"
check "init waits in the new pid namespace" test "$(readlink /proc/$pid/ns/pid)" != "$(readlink /proc/self/ns/pid)"
expect_eq "init has not exec'd yet" "ocictl:[2:INIT]" "$(cat /proc/$pid/comm)"

oc start c1
expect_eq "start succeeds" 0 "$?"
expect_contains "status after start" '"status": "running"' "$(oc state c1)"
check "exec.fifo is gone after start" test ! -e "$ROOT/c1/exec.fifo"
expect_eq "init is now the user's process" sleep "$(cat /proc/$pid/comm)"

out=$(oc start c1 2>&1)
expect_eq "start twice fails" 1 "$?"
expect_contains "start twice says why" "cannot start an already running container" "$out"
out=$(oc create c1 2>&1 </dev/null)
expect_eq "a duplicate id fails" 1 "$?"
expect_contains "duplicate id error" "container with given ID already exists" "$out"
out=$(oc delete c1 2>&1)
expect_eq "delete of a running container fails" 1 "$?"
expect_contains "delete running error" "cannot delete container c1 that is not stopped: running" "$out"

table=$(oc list)
expect_contains "list shows the header" "ID" "$table"
expect_contains "list shows the container" "c1" "$table"
expect_eq "list -q prints ids" c1 "$(oc list -q)"
# The owner by name, as runc prints it: through glibc's NSS, also from a static ocictl.
expect_eq "list names the owner" root "$(awk '$1 == "c1" { print $NF }' <<<"$table")"
json=$(oc list --format json)
check "list --format json parses and names c1" python3 -c 'import json,sys; assert json.loads(sys.argv[1])[0]["id"] == "c1"' "$json"

out=$(oc kill c1 NOSUCHSIG 2>&1)
expect_eq "unknown signal fails" 1 "$?"
expect_contains "unknown signal error" 'unknown signal "NOSUCHSIG"' "$out"
oc kill c1 9
expect_eq "kill by number" 0 "$?"
for _ in $(seq 50); do oc state c1 | grep -q stopped && break; sleep 0.1; done
state=$(oc state c1)
expect_contains "status after kill" '"status": "stopped"' "$state"
expect_contains "a stopped container has pid 0" '"pid": 0,' "$state"
out=$(oc kill c1 KILL 2>&1)
expect_eq "kill of a stopped container fails" 1 "$?"
expect_contains "kill stopped error" "container not running" "$out"
out=$(oc start c1 2>&1)
expect_eq "start of a stopped container fails" 1 "$?"
oc delete c1
expect_eq "delete succeeds" 0 "$?"
out=$(oc state c1 2>&1)
expect_eq "state of a deleted container fails" 1 "$?"
expect_contains "state error" "container does not exist" "$out"
assert_clean c1 "$B"

# A created container can be deleted without --force (as runc), a running one with it.
oc create c2 </dev/null >/dev/null 2>&1
oc delete c2
expect_eq "delete of a created container" 0 "$?"
assert_clean c2 "$B"
oc run -d c3 </dev/null >/dev/null 2>&1
oc delete --force c3
expect_eq "delete --force of a running container" 0 "$?"
assert_clean c3 "$B"

# kill --all signals every process of the cgroup.
set_args "$B" sh -c 'sleep 1000 & sleep 1000 & wait'
oc run -d c4 </dev/null >/dev/null 2>&1
for _ in $(seq 50); do [ "$(pgrep -c -f 'sleep 1000')" -ge 2 ] && break; sleep 0.1; done
oc kill --all c4 TERM
expect_eq "kill --all" 0 "$?"
for _ in $(seq 50); do [ "$(pgrep -c -f 'sleep 1000')" = 0 ] && break; sleep 0.1; done
expect_eq "kill --all reached the children" 0 "$(pgrep -c -f 'sleep 1000')"
oc delete --force c4
assert_clean c4 "$B"

# Namespaces joined by path: a second container in the first one's network and uts namespaces.
set_args "$B" sleep 1000
oc run -d --pid-file "$WORK/c5.pid" c5 </dev/null >/dev/null 2>&1
p5=$(cat "$WORK/c5.pid")
J="$WORK/joiner"
mkdir -p "$J"
ln -s "$B/rootfs" "$J/rootfs"
cp "$B/config.json" "$J/config.json"
set_config "$J" linux.namespaces "[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/proc/$p5/ns/net\"},{\"type\":\"uts\",\"path\":\"/proc/$p5/ns/uts\"}]"
del_config "$J" hostname
set_args "$J" sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/uts'
out=$(oc run -b "$J" c6 </dev/null 2>&1)
expect_eq "joined the network namespace by path" "$(readlink /proc/$p5/ns/net)" "$(echo "$out" | sed -n 1p)"
expect_eq "joined the uts namespace by path" "$(readlink /proc/$p5/ns/uts)" "$(echo "$out" | sed -n 2p)"
oc delete --force c5
assert_clean c5 "$B"
assert_clean c6 "$J"

# --log with --log-format json: the error goes to the log as a JSON line, and to stderr.
out=$(oc --log "$WORK/log.json" --log-format json state nosuch 2>&1)
expect_contains "the error still reaches stderr" "container does not exist" "$out"
check "the log holds a JSON error line" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert any(l["level"] == "error" and "container does not exist" in l["msg"] for l in lines), lines
' "$WORK/log.json"

out=$(oc delete nosuch 2>&1)
expect_eq "delete of an unknown container fails" 1 "$?"
expect_contains "unknown container error" "container does not exist" "$out"
oc delete --force nosuch
expect_eq "delete --force of an unknown container succeeds (as runc)" 0 "$?"
# runc's contract, as containerd and docker call it: separate commands.
L="$WORK/contract"
make_bundle "$L" sleep 100 || fail "make bundle"
for id in zeta alpha mid; do oc create -b "$L" "$id" </dev/null >/dev/null 2>&1 || fail "create $id"; done
expect_eq "list is in id order" "alpha mid zeta" "$(oc list -q | paste -sd' ')"
expect_eq "kill ID 0 on a live container succeeds" 0 "$(oc kill alpha 0 >/dev/null 2>&1; echo $?)"
out=$(oc start --bogus alpha 2>&1)
expect_eq "start --bogus: exit status" 1 "$?"
expect_eq "start --bogus is refused as an option, not looked up as an id" 'ocictl: start: unknown option "--bogus"' "$out"
expect_contains "state --bogus likewise" 'unknown option "--bogus"' "$(oc state --bogus alpha 2>&1)"
expect_eq "update with nothing to change succeeds (docker update --restart)" 0 \
        "$(echo '{"memory":{},"cpu":{}}' | oc update -r - alpha >/dev/null 2>&1; echo $?)"
expect_eq "update ID --memory (flags after the id) works" 0 "$(oc update mid --memory 64m >/dev/null 2>&1; echo $?)"
oc start alpha
oc kill alpha KILL
for i in $(seq 50); do oc state alpha | grep -q '"stopped"' && break; sleep 0.1; done
expect_eq "kill ID 0 on a stopped container fails" 1 "$(oc kill alpha 0 >/dev/null 2>&1; echo $?)"
# A created container is deleted without --force, as runc does (containerd's shim relies on it).
oc delete mid
expect_eq "delete of a created container succeeds" 0 "$?"
for id in alpha zeta; do oc delete -f "$id"; done
for id in zeta alpha mid; do assert_clean "$id" "$L"; done
# stdout that is /dev/null opened read-only (containerd's --null-io): reopened read-write, as runc.
set_args "$L" sh -c 'echo to-null; echo "status=$?" >&2'
oc run -b "$L" nullio </dev/null 1</dev/null 2>"$WORK/nullio.err"
expect_eq "a read-only /dev/null stdout can be written" "status=0" "$(cat "$WORK/nullio.err")"
assert_clean nullio "$L"

# run --keep: the stopped container stays, for the caller's own delete (as runc).
set_args "$L" true
oc run --keep -b "$L" kept </dev/null >/dev/null 2>&1
expect_eq "run --keep leaves the stopped container" "stopped" "$(oc state kept | sed -n 's/.*"status": "\(.*\)".*/\1/p')"
oc delete kept
assert_clean kept "$L"
expect_contains "--keep with --detach is refused" "--detach and --keep cannot both be used" "$(oc run -d --keep -b "$L" kd 2>&1)"
expect_eq "exec --ignore-paused on a running container works" "ok" \
        "$(set_args "$L" sleep 100; oc run -d -b "$L" ip </dev/null >/dev/null 2>&1; oc exec --ignore-paused ip echo ok </dev/null 2>&1; oc delete -f ip)"
assert_clean ip "$L"
# Into a paused container, as runc: the process is born frozen and runs at resume; the call
# returns then. A delete meanwhile takes the lock it needs and leaves nothing.
set_args "$L" sleep 100
oc run -d -b "$L" ipz </dev/null >/dev/null 2>&1
oc pause ipz
expect_contains "exec into a paused container needs --ignore-paused, as runc says" \
        "cannot exec in a paused container (use --ignore-paused to override)" "$(oc exec ipz true </dev/null 2>&1)"
oc exec --ignore-paused ipz echo ran-after-resume </dev/null >"$WORK/ipz.out" 2>&1 &
ipz_exec=$!
sleep 0.5
expect_eq "exec --ignore-paused waits while the container is paused" "" "$(cat "$WORK/ipz.out")"
oc resume ipz
expect_eq "resume is not blocked by the waiting exec" 0 "$?"
wait $ipz_exec
expect_eq "... and the process runs once resumed" "ran-after-resume" "$(cat "$WORK/ipz.out")"
oc pause ipz
oc exec --ignore-paused ipz sleep 50 </dev/null >/dev/null 2>&1 &
ipz_exec=$!
sleep 0.5
oc delete -f ipz
expect_eq "delete -f of a paused container with an exec waiting in it" 0 "$?"
wait $ipz_exec
check "the waiting exec then fails" test $? -ne 0
assert_clean ipz "$L"

# ocictl spec's namespaces are runc's on this host (a cgroup namespace only on pure cgroup v2).
if command -v runc >/dev/null; then
        mkdir -p "$WORK/spec-ours" "$WORK/spec-runc"
        (cd "$WORK/spec-ours" && "$OCICTL" spec) && (cd "$WORK/spec-runc" && runc spec)
        ns() { python3 -c 'import json,sys; print(" ".join(sorted(n["type"] for n in json.load(open(sys.argv[1]))["linux"]["namespaces"])))' "$1"; }
        expect_eq "ocictl spec has runc's namespaces here" "$(ns "$WORK/spec-runc/config.json")" "$(ns "$WORK/spec-ours/config.json")"
else
        fail "runc is not installed (the reference for ocictl spec)"
fi
# NOTIFY_SOCKET, as runc passes it through: the container gets its own socket on /run/notify;
# `start` returns once the container said READY=, and its caller's socket gets READY=1 and
# MAINPID (init). The caller's socket here is a listener of the test's own.
N="$WORK/notify-bundle"
make_bundle "$N" || fail "make bundle"
cp "$BUILD/tests/sd-notify" "$N/rootfs/bin/sd-notify" || fail "copy sd-notify"
set_args "$N" sh -c 'sleep 0.5; sd-notify READY=1; exec sleep 1000'
python3 - "$WORK/host-notify.sock" "$WORK/host-notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
data = s.recv(4096)
open(sys.argv[2], "wb").write(data)
PY
listener=$!
for _ in $(seq 50); do [ -S "$WORK/host-notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$WORK/host-notify.sock" oc create -b "$N" n1 </dev/null >/dev/null 2>&1
expect_eq "create with NOTIFY_SOCKET" "created" "$(oc state n1 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')"
started=$(date +%s%N)
NOTIFY_SOCKET="$WORK/host-notify.sock" oc start n1
expect_eq "start relays the container's notification" 0 "$?"
waited=$((($(date +%s%N) - started) / 1000000))
[ "$waited" -ge 400 ]
expect_eq "... after waiting for READY= (${waited} ms)" 0 "$?"
wait "$listener"
pid=$(oc state n1 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
expect_eq "... the caller's socket gets READY=1 and init as MAINPID" "READY=1 MAINPID=$pid" "$(tr '\n' ' ' < "$WORK/host-notify.out" | sed 's/ $//')"
expect_eq "... the container has NOTIFY_SOCKET=/run/notify/notify.sock" "NOTIFY_SOCKET=/run/notify/notify.sock" "$(oc exec n1 sh -c 'tr "\0" "\n" < /proc/1/environ | grep NOTIFY_SOCKET' 2>&1)"
expect_eq "... with the socket in /run/notify" "notify.sock" "$(oc exec n1 ls /run/notify 2>&1)"
oc delete -f n1 >/dev/null 2>&1
assert_clean n1 "$N"
finish
