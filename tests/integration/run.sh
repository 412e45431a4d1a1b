#!/bin/bash
# `ocictl run`: output, stdin, exit codes (128+N for a signal), --detach and --pid-file.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sh -c 'echo hello from $(hostname); exit 3' || fail "make bundle"

out=$(cd "$B" && oc run r1 </dev/null 2>&1)
expect_eq "run exits with the process's status" 3 "$?"
expect_contains "run shows the process's output" "hello from ocictl" "$out"
assert_clean r1 "$B"

# PID 1 of a pid namespace ignores even its own SIGKILL: kill it from outside, as a user would.
set_args "$B" sleep 100
oc run -b "$B" r2 </dev/null &
runner=$!
for _ in $(seq 50); do oc state r2 2>/dev/null | grep -q running && break; sleep 0.1; done
oc kill r2 KILL
wait $runner
expect_eq "a process killed by SIGKILL makes run exit 137" 137 "$?"
assert_clean r2 "$B"

set_args "$B" sh -c 'read line; echo "got:$line"'
out=$(echo "from stdin" | oc run --bundle "$B" r3 2>&1)
expect_contains "stdin reaches the process" "got:from stdin" "$out"
assert_clean r3 "$B"

set_args "$B" sh -c 'echo out; echo err >&2'
out=$(oc run -b "$B" r4 2>"$WORK/err" </dev/null)
expect_eq "stdout is the process's stdout" out "$out"
expect_eq "stderr is the process's stderr" err "$(cat "$WORK/err")"

set_args "$B" sleep 100
oc run -d --pid-file "$WORK/r5.pid" -b "$B" r5 </dev/null >/dev/null 2>&1
expect_eq "run --detach returns at once" 0 "$?"
state=$(oc state r5)
expect_contains "a detached container is running" '"status": "running"' "$state"
expect_contains "the pid file holds init's pid" "\"pid\": $(cat "$WORK/r5.pid")," "$state"
check "init runs sleep" grep -q sleep "/proc/$(cat "$WORK/r5.pid")/cmdline"
oc kill r5 KILL
for _ in $(seq 50); do oc state r5 | grep -q stopped && break; sleep 0.1; done
oc delete r5
expect_eq "delete after kill" 0 "$?"
assert_clean r5 "$B"

# run forwards the signals it gets to the container, and exits with the container's status.
set_args "$B" sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
"$OCICTL" --root "$ROOT" run -b "$B" r8 </dev/null >"$WORK/r8.out" 2>&1 &
runner=$!
for _ in $(seq 50); do grep -q ready "$WORK/r8.out" 2>/dev/null && break; sleep 0.1; done
kill -TERM $runner
wait $runner
expect_eq "direct mode: run forwards SIGTERM and exits with the container's status" 7 "$?"
expect_contains "direct mode: the container's trap ran" got-term "$(cat "$WORK/r8.out")"
assert_clean r8 "$B"

# --preserve-fds and LISTEN_FDS: the caller's fds 3.. become the process's, nothing else.
echo "from fd 3" > "$WORK/three"
set_args "$B" sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "; cat <&3; cat <&4; echo "L=$LISTEN_FDS P=$LISTEN_PID"'
out=$(oc run --preserve-fds 2 -b "$B" r9 </dev/null 3<"$WORK/three" 4<"$WORK/three" 2>&1)
expect_contains "preserved fds 3 and 4 (and ls's own 5), no more" "0 1 2 3 4 5 " "$out"
expect_contains "the preserved fd is the caller's" "from fd 3
from fd 3" "$out"
expect_contains "no LISTEN_FDS without socket activation" "L= P=" "$out"
out=$(LISTEN_FDS=1 oc run -b "$B" r10 </dev/null 3<"$WORK/three" 2>&1)
expect_contains "LISTEN_FDS is passed on, with LISTEN_PID=1" "L=1 P=1" "$out"
out=$(oc run --preserve-fds 3 -b "$B" r11 </dev/null 2>&1)
expect_eq "--preserve-fds with a closed fd fails" 1 "$?"
expect_contains "and says which" "--preserve-fds: fd 3 is not open" "$out"
assert_clean r11 "$B"

set_args "$B" true
oc run -b "$B" r6 </dev/null
expect_eq "true exits 0" 0 "$?"
set_args "$B" false
oc run -b "$B" r7 </dev/null
expect_eq "false exits 1" 1 "$?"
assert_clean r7 "$B"

# As runc, a foreground run is the subreaper of what the container orphans (seen without a pid
# namespace, where orphans would go to the host's reaper); --no-subreaper leaves them to it.
P="$WORK/no-pidns"
make_bundle "$P" || fail "make bundle"
set_config "$P" linux.namespaces '[{"type": "mount"}, {"type": "ipc"}, {"type": "uts"}]'
# The orphan's parent, then init's (ocictl).
set_args "$P" sh -c '(exec sleep 2 &); sleep 0.3
for p in /proc/[0-9]*; do tr "\0" " " < $p/cmdline 2>/dev/null | grep -q "^sleep 2 $" && awk "/^PPid/ { print \$2 }" $p/status; done
echo $PPID'
out=$(oc run -b "$P" r12 </dev/null 2>&1)
expect_eq "run: the container's orphans come to ocictl, as with runc" "$(echo "$out" | tail -1)" "$(echo "$out" | head -1)"
out=$(oc run --no-subreaper -b "$P" r13 </dev/null 2>&1)
[ "$(echo "$out" | head -1)" != "$(echo "$out" | tail -1)" ]
expect_eq "run --no-subreaper: they do not" 0 "$?"
assert_clean r13 "$P"
finish
