#!/bin/bash
# What the runtime spec leaves optional, driven as the shims drive it (create, start, exec,
# delete as separate commands): a namespace that is not listed is the caller's, and "process"
# may be missing at create but is needed at start.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
cd "$B" || exit 1

# --- No mount namespace: the container shares ours and gets root.path as a chroot. ---
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("mount", "uts")]
c["mounts"] = []
c.pop("hostname", None)
c["root"]["readonly"] = False
for k in ("maskedPaths", "readonlyPaths"):
    c["linux"].pop(k, None)
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
seed_config "$B"
mounts_before=$(wc -l < /proc/self/mountinfo)
oc create --pid-file "$WORK/nomnt.pid" nomnt </dev/null >"$WORK/nomnt.out" 2>&1
expect_eq "create without a mount namespace succeeds" 0 "$?"
cat "$WORK/nomnt.out"
pid=$(cat "$WORK/nomnt.pid" 2>/dev/null)
oc start nomnt
expect_eq "start succeeds" 0 "$?"
expect_eq "the container is in our mount namespace" "$(readlink /proc/self/ns/mnt)" "$(readlink "/proc/$pid/ns/mnt" 2>&1)"
expect_eq "an unlisted uts namespace is ours too" "$(readlink /proc/self/ns/uts)" "$(readlink "/proc/$pid/ns/uts" 2>&1)"
check "a listed pid namespace is still new" test "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)"
expect_eq "its root is the bundle's rootfs" "$B/rootfs" "$(readlink "/proc/$pid/root")"
expect_eq "exec runs in the container's root, not ours" "root:x:0:0:root:/:/bin/sh" \
        "$(oc exec nomnt cat /etc/passwd </dev/null 2>&1)"
expect_eq "exec's cwd is the container's" "/" "$(oc exec --cwd /tmp nomnt sh -c 'cd /; pwd' </dev/null 2>&1)"
expect_eq "nothing was mounted in our namespace" "$mounts_before" "$(wc -l < /proc/self/mountinfo)"
oc delete -f nomnt
assert_clean nomnt "$B"

# Every field that would mount or make a node is refused by name: it would do so on the host.
for field in mounts linux.maskedPaths linux.readonlyPaths linux.rootfsPropagation root.readonly process.terminal linux.devices; do
        cp config.json "$WORK/nomnt.json"
        case $field in
        mounts) set_config "$B" mounts '[{"destination": "/proc", "type": "proc", "source": "proc"}]' ;;
        linux.maskedPaths) set_config "$B" linux.maskedPaths '["/proc/kcore"]' ;;
        linux.readonlyPaths) set_config "$B" linux.readonlyPaths '["/proc/sys"]' ;;
        linux.rootfsPropagation) set_config "$B" linux.rootfsPropagation private ;;
        root.readonly) set_config "$B" root.readonly true ;;
        process.terminal) set_config "$B" process.terminal true ;;
        linux.devices) set_config "$B" linux.devices '[{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229}]' ;;
        esac
        out=$(oc create "nm-$field" </dev/null 2>&1)
        expect_eq "without a mount namespace, $field fails the create" 1 "$?"
        expect_contains "the error names $field" "config.json: $field: needs a mount namespace" "$out"
        assert_clean "nm-$field" "$B"
        cp "$WORK/nomnt.json" config.json
done
expect_eq "no mount was made on the host by the refused configs" "$mounts_before" "$(wc -l < /proc/self/mountinfo)"

# --- No process: created, not startable; exec with its own args works. ---
make_bundle "$WORK/np" true || fail "make bundle"
del_config "$WORK/np" process
oc create -b "$WORK/np" --pid-file "$WORK/np.pid" noproc </dev/null >/dev/null 2>"$WORK/np.err"
expect_eq "create without a process succeeds" 0 "$?"
cat "$WORK/np.err"
expect_contains "it is created" '"status": "created"' "$(oc state noproc 2>&1)"
expect_eq "exec with its own args runs in it" "in-noproc" "$(oc exec noproc echo in-noproc </dev/null 2>&1)"
out=$(oc exec -p /dev/stdin noproc </dev/null 2>&1)
expect_eq "exec with nothing to run fails with runc's exec status" 255 "$?"
expect_contains "and says why" "process.json: empty file" "$out"
out=$(oc start noproc 2>&1)
expect_eq "start without a process fails" 1 "$?"
expect_contains "start says what is missing" "process: missing in config.json" "$out"
for _ in $(seq 50); do oc state noproc 2>/dev/null | grep -q stopped && break; sleep 0.1; done
expect_contains "the container is then stopped" '"status": "stopped"' "$(oc state noproc 2>&1)"
oc delete noproc
expect_eq "delete succeeds" 0 "$?"
assert_clean noproc "$WORK/np"
out=$(oc run -b "$WORK/np" noproc-run </dev/null 2>&1)
expect_eq "run without a process fails" 1 "$?"
expect_contains "run says what is missing" "process: missing in config.json" "$out"
assert_clean noproc-run "$WORK/np"

# runc refuses a config without a process already at create; we follow the spec (docs/errors.md).
finish
