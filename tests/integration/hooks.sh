#!/bin/bash
# OCI hooks: every kind, in the lifecycle order, in the namespace the runtime spec says, with
# the state on stdin, args and env; a failing or timed-out hook fails the operation it belongs
# to and leaves nothing behind; poststart and poststop failures only warn.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
set_config "$B" root.readonly false
LOG="$WORK/hooks.log"
cat > "$WORK/hook" <<HOOK
#!/bin/sh
state=\$(cat)
echo "\$1 net=\$(readlink /proc/self/ns/net) mnt=\$(readlink /proc/self/ns/mnt) env=\$HOOK_ENV cwd=\$(pwd) state=\$state" >> $LOG
exit \${2:-0}
HOOK
chmod +x "$WORK/hook"
# startContainer runs inside, after pivot_root: its binary must be in the rootfs.
sed "s|$LOG|/hooks.log|" "$WORK/hook" > "$B/rootfs/bin/hook"
chmod +x "$B/rootfs/bin/hook"
hook() { echo "{\"path\":\"$WORK/hook\",\"args\":[\"hook\",\"$1\"${2:+,\"$2\"}],\"env\":[\"HOOK_ENV=on\"]${3:+,\"timeout\":$3}}"; }
set_config "$B" hooks "{\"prestart\":[$(hook prestart)],\"createRuntime\":[$(hook createRuntime)],\"createContainer\":[$(hook createContainer)],\"startContainer\":[{\"path\":\"/bin/hook\",\"args\":[\"hook\",\"startContainer\"],\"env\":[\"HOOK_ENV=on\"]}],\"poststart\":[$(hook poststart)],\"poststop\":[$(hook poststop)]}"
set_args "$B" sh -c 'cat /hooks.log'

out=$(oc run -b "$B" h1 </dev/null 2>&1)
expect_eq "run with every hook" 0 "$?"
expect_contains "startContainer ran inside, before the process" "startContainer" "$out"
order=$(cut -d' ' -f1 "$LOG" | paste -sd' ')
expect_eq "host-side hooks in lifecycle order" "prestart createRuntime createContainer poststart poststop" "$order"
host_net=$(readlink /proc/self/ns/net)
host_mnt=$(readlink /proc/self/ns/mnt)
for k in prestart createRuntime poststart poststop; do
        expect_contains "$k runs in the runtime's namespaces" "net=$host_net mnt=$host_mnt" "$(grep "^$k " "$LOG")"
done
line=$(grep "^createContainer " "$LOG")
check "createContainer runs in the container's namespaces" sh -c "! echo '$line' | grep -q 'net=$host_net'"
expect_contains "createContainer runs from the container's root, as runc" "cwd=$B/rootfs " "$line"
check "startContainer runs in the container's namespaces" sh -c "! echo '$out' | grep -q 'net=$host_net'"
expect_contains "hooks get their env" "env=on" "$(grep '^prestart ' "$LOG")"
for k in prestart:creating createRuntime:creating createContainer:creating poststart:running poststop:stopped; do
        expect_contains "${k%%:*} gets the state (${k##*:})" "\"id\":\"h1\",\"status\":\"${k##*:}\"" "$(grep "^${k%%:*} " "$LOG")"
done
expect_contains "the state names the bundle" "\"bundle\":\"$B\"" "$(grep '^prestart ' "$LOG")"
assert_clean h1 "$B"

# The same with separate commands, as containerd, podman and CRI-O call a runtime: each verb is
# its own ocictl, and start and delete must still reach what runs the hooks.
: > "$LOG"
set_args "$B" sleep 100
oc create -b "$B" h2 </dev/null >/dev/null 2>&1 || fail "create h2"
oc start h2 || fail "start h2"
oc kill h2 KILL
for i in $(seq 50); do oc state h2 | grep -q '"stopped"' && break; sleep 0.1; done
oc delete h2 || fail "delete h2"
expect_eq "separate commands: every host-side hook runs, in order" "prestart createRuntime createContainer poststart poststop" \
        "$(cut -d' ' -f1 "$LOG" | paste -sd' ')"
assert_clean h2 "$B"
set_args "$B" sh -c 'cat /hooks.log'

# Failures.
fails() { # fails KIND EXIT-STATUS-OR-"timeout" EXPECTED
        rm -f "$LOG"
        if [ "$2" = timeout ]; then
                cat > "$WORK/sleeper" <<'S'
#!/bin/sh
exec sleep 31
S
                chmod +x "$WORK/sleeper"
                set_config "$B" hooks "{\"$1\":[{\"path\":\"$WORK/sleeper\",\"timeout\":1}]}"
        else
                set_config "$B" hooks "{\"$1\":[$(hook "$1" "$2")]}"
        fi
        out=$(oc run -b "$B" "hf-$1" </dev/null 2>&1)
        status=$?
}
fails prestart 3
expect_eq "a failing prestart hook fails run" 1 "$status"
expect_contains "and says which hook and why" "hooks.prestart[0]: $WORK/hook: exited with status 3" "$out"
assert_clean hf-prestart "$B"
fails createRuntime 4
expect_contains "a failing createRuntime hook" "hooks.createRuntime[0]: $WORK/hook: exited with status 4" "$out"
assert_clean hf-createRuntime "$B"
fails createContainer 5
expect_contains "a failing createContainer hook" "hooks.createContainer[0]: $WORK/hook: exited with status 5" "$out"
assert_clean hf-createContainer "$B"
fails prestart timeout
expect_eq "a hook past its timeout fails run" 1 "$status"
expect_contains "and says so" "hooks.prestart[0]: $WORK/sleeper: timed out after 1 s" "$out"
check "the timed-out hook was killed" sh -c "! pgrep -x -f 'sleep 31' >/dev/null"
assert_clean hf-prestart "$B"
fails poststart 6
expect_eq "a failing poststart hook only warns" 0 "$status"
expect_contains "with a warning" "poststart hooks: hooks.poststart[0]: $WORK/hook: exited with status 6" "$out"
assert_clean hf-poststart "$B"
# On a terminal the warning reads plainly; piped (a log reader) it keeps the syslog prefix.
out=$(script -qec "$OCICTL --root $ROOT run -b $B hf-tty </dev/null" /dev/null 2>&1 | tr -d '\r')
expect_contains "on a terminal: a plain warning" "ocictl-registry: warning: hf-tty: poststart hooks: hooks.poststart[0]: $WORK/hook: exited with status 6" "$out"
case "$out" in *"registry-exec.c"*) fail "on a terminal: no source location: $out" ;; *) pass "on a terminal: no source location" ;; esac
case "$out" in *"<4>"*) fail "on a terminal: no <4> prefix: $out" ;; *) pass "on a terminal: no <4> prefix" ;; esac
expect_contains "piped: the prefix stays for log readers" "<4>ocictl-registry: hf-pipe: poststart hooks:" "$(oc run -b "$B" hf-pipe </dev/null 2>&1)"
assert_clean hf-tty "$B"
fails poststop 7
expect_eq "a failing poststop hook only warns" 0 "$status"
expect_contains "with a warning" "poststop hooks: hooks.poststop[0]: $WORK/hook: exited with status 7" "$out"
assert_clean hf-poststop "$B"

# startContainer failing: create works, start fails with the hook's words, and the container is
# gone.
set_config "$B" hooks '{"startContainer":[{"path":"/bin/hook","args":["hook","startContainer","9"]}]}'
oc create -b "$B" hs </dev/null >/dev/null 2>&1
out=$(oc start hs 2>&1)
expect_eq "a failing startContainer hook fails start" 1 "$?"
expect_contains "and says why" "hooks.startContainer[0]: /bin/hook: exited with status 9" "$out"
for _ in $(seq 50); do oc state hs | grep -q stopped && break; sleep 0.1; done
expect_contains "the container stopped" '"status": "stopped"' "$(oc state hs)"
oc delete hs
assert_clean hs "$B"
finish
