#!/bin/bash
# process.terminal with --console-socket, as containerd's shim and conmon use it: the pty master
# reaches the socket's peer, the slave is the process's terminal (consoleSize, /dev/console,
# controlling tty), for run and for exec --tty; and the mistakes runc refuses are refused.
. "$(dirname "$0")/lib.sh"

RECEIVER="$(dirname "$0")/console-receiver.py"
B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
set_config "$B" process.terminal true
set_config "$B" process.consoleSize '{"height":40,"width":100}'
set_args "$B" sh -c 'tty; stty size; ls -l /dev/console | cut -c1; read x; echo "typed:$x"; [ -t 0 ] && echo stdin-is-tty; echo "ptygroup:$(stat -c %g $(tty))"'

listen() { # listen SOCKET OUTPUT [INPUT]
        rm -f "$1"
        python3 "$RECEIVER" "$1" "${3:-}" > "$2" &
        for _ in $(seq 50); do [ -S "$1" ] && return 0; sleep 0.1; done
        return 1
}

listen "$WORK/c1.sock" "$WORK/c1.out" $'hello\n'
oc run -d --console-socket "$WORK/c1.sock" -b "$B" t1 </dev/null >/dev/null 2>&1
expect_eq "run --detach with a console socket" 0 "$?"
wait
out=$(cat "$WORK/c1.out")
expect_contains "the master arrives with the slave's name" "name: /dev/pts/0" "$out"
expect_contains "the process's terminal is the pty" $'\n/dev/pts/0' "$out"
expect_contains "consoleSize" "40 100" "$out"
expect_contains "/dev/console is the pty (a character device)" $'\nc' "$out"
expect_contains "input typed into the master reaches the process" "typed:hello" "$out"
expect_contains "stdin is a terminal" "stdin-is-tty" "$out"
expect_contains "the pty keeps devpts' group (tty, 5), not the process's gid" "ptygroup:5" "$out"
for _ in $(seq 50); do oc state t1 | grep -q stopped && break; sleep 0.1; done
oc delete t1
assert_clean t1 "$B"

# exec --tty into a container without a terminal of its own.
set_config "$B" process.terminal false
set_args "$B" sleep 1000
oc run -d -b "$B" t2 </dev/null >/dev/null 2>&1
listen "$WORK/c2.sock" "$WORK/c2.out"
oc exec -d --tty --console-socket "$WORK/c2.sock" t2 sh -c 'tty; [ -t 1 ] && echo stdout-is-tty' </dev/null >/dev/null 2>&1
expect_eq "exec --tty --console-socket" 0 "$?"
wait
expect_contains "the exec'd process has its own pty" "/dev/pts/" "$(cat "$WORK/c2.out")"
expect_contains "its stdout is the pty" "stdout-is-tty" "$(cat "$WORK/c2.out")"
expect_eq "without --tty, exec has no terminal" "not a tty" "$(oc exec t2 tty </dev/null 2>&1)"
oc delete --force t2
assert_clean t2 "$B"

# What runc refuses.
set_config "$B" process.terminal true
out=$(oc create -b "$B" t3 </dev/null 2>&1)
expect_eq "a terminal without a console socket: exit status" 1 "$?"
expect_contains "a terminal without a console socket: message" "process.terminal is true: --console-socket is required" "$out"
assert_clean t3 "$B"
set_config "$B" process.terminal false
listen "$WORK/c4.sock" "$WORK/c4.out"
out=$(oc create --console-socket "$WORK/c4.sock" -b "$B" t4 </dev/null 2>&1)
expect_contains "a console socket without a terminal" "--console-socket is given but process.terminal is false" "$out"
kill %1 2>/dev/null
assert_clean t4 "$B"
out=$(oc create --console-socket "$WORK/nowhere.sock" -b "$B" t5 </dev/null 2>&1)
expect_contains "an unreachable console socket" "--console-socket: cannot connect to $WORK/nowhere.sock" "$out"
assert_clean t5 "$B"

# `run` in the foreground without --console-socket relays the terminal itself, as runc: the
# process has a pty of the runtime's size, reads our input, and its exit status comes back.
set_config "$B" process.terminal true
set_args "$B" sh -c 'tty; stty size; read x; echo got-$x; exit 3'
if command -v script >/dev/null; then
        out=$(script -qec "stty cols 91 rows 33; echo hi | $OCICTL --root $ROOT run -b $B t6" /dev/null </dev/null 2>&1)
        expect_eq "run relays its terminal: exit status" 3 "$?"
        expect_contains "the process has a pty" "/dev/pts/0" "$out"
        expect_contains "of our window's size" "33 91" "$out"
        expect_contains "and reads our input" "got-hi" "$out"
        assert_clean t6 "$B"
fi
out=$(echo piped | oc run -b "$B" t7 2>&1)
expect_eq "without a tty of our own too: exit status" 3 "$?"
expect_contains "input through the pty" "got-piped" "$out"
assert_clean t7 "$B"
set_config "$B" process.terminal false
set_args "$B" sh -c 'test -t 0 && echo tty || echo no-tty'
expect_eq "a process without terminal gets none" "no-tty" "$(oc run -b "$B" t8 </dev/null 2>&1)"
out=$(set_config "$B" process.terminal true; oc run -d -b "$B" t9 </dev/null 2>&1)
expect_contains "detached, a terminal still needs a console socket (as runc)" "process.terminal is true: --console-socket is required" "$out"
assert_clean t9 "$B"
# exec -t in the foreground without --console-socket: ocictl relays the pty itself, as run does.
set_config "$B" process.terminal false
set_args "$B" sleep 1000
oc run -d -b "$B" t9 </dev/null >/dev/null 2>&1 || fail "run t9"
out=$(script -qec "$OCICTL --root $ROOT exec -t t9 sh -c 'tty; exit 3'; echo status=\$?" /dev/null 2>&1 | tr -d '\r')
expect_contains "exec -t in the foreground: the process has a pty" "/dev/pts/" "$out"
expect_contains "exec -t in the foreground: its exit status comes back" "status=3" "$out"
oc delete -f t9
assert_clean t9 "$B"
finish
