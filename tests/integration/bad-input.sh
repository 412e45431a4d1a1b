#!/bin/bash
# Every bad input: one clear line naming what is wrong, exit status 1, and nothing left behind
# (no state folder, cgroup, process, mount or fifo).
. "$(dirname "$0")/lib.sh"

GOOD="$WORK/good"
make_bundle "$GOOD" true || fail "make bundle"

# bad CASE-NAME EXPECTED-MESSAGE EDIT...: a fresh bundle, EDIT applied, run must fail cleanly.
n=0
bad() {
        local name=$1 expected=$2 dir out status
        shift 2
        n=$((n + 1))
        dir="$WORK/bad$n"
        mkdir -p "$dir"
        cp "$GOOD/config.json" "$dir/"
        ln -s "$GOOD/rootfs" "$dir/rootfs"
        "$@" "$dir"
        out=$(oc run -b "$dir" "bad$n" </dev/null 2>&1)
        status=$?
        expect_eq "$name: exit status" 1 "$status"
        expect_contains "$name: message" "$expected" "$out"
        expect_eq "$name: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
        assert_clean "bad$n" "$dir"
}

no_config() { rm "$1/config.json"; }
broken_json() { printf '{\n  "ociVersion": "1.0.2",\n  "process": {,\n}' > "$1/config.json"; }
wrong_type() { set_config "$1" process.user.uid '"zero"'; }
unknown_ns() { set_config "$1" linux.namespaces '[{"type":"mount"},{"type":"pid"},{"type":"pdi"}]'; }
empty_args() { set_config "$1" process.args '[]'; }
no_root_path() { del_config "$1" root.path; }
missing_rootfs() { set_config "$1" root.path '"nonexistent"'; }
bad_version() { set_config "$1" ociVersion '"0.9.0"'; }
unsupported() { set_config "$1" linux.personality '{"domain":"LINUX","flags":["ADDR_NO_RANDOMIZE"]}'; }
no_binary() { set_config "$1" process.args '["/bin/nonexistent"]'; }
bad_mount_opt() { set_config "$1" mounts '[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/x","type":"tmpfs","source":"tmpfs","options":["nosuchoption=1"]}]'; }
bad_fs_type() { set_config "$1" mounts '[{"destination":"/x","type":"nosuchfs","source":"x"}]'; }
bad_rlimit() { set_config "$1" process.rlimits '[{"type":"RLIMIT_NOFILE","soft":1048576000,"hard":1048576000}]'; }
bad_cap() { set_config "$1" process.capabilities.bounding '["CAP_KILL","CAP_FLY"]'; }
bad_cwd() { set_config "$1" process.cwd '"relative"'; }
bad_ns_path() { set_config "$1" linux.namespaces '[{"type":"mount"},{"type":"uts"},{"type":"network","path":"/nonexistent/ns"}]'; }
bad_memory() { set_config "$1" linux.resources.memory '{"limit":4096}'; }

too_deep() { python3 -c 'import sys; d=200000; open(sys.argv[1] + "/config.json", "w").write("{\"ociVersion\": \"1.0.2\", \"x\": " + "[" * d + "]" * d + "}")' "$1"; }
big_annotations() { python3 - "$1/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["annotations"] = {"a%d" % i: "v" * 1024 for i in range(3500)}
json.dump(c, open(sys.argv[1], "w"))
PY
}
fifo_config() { rm "$1/config.json"; mkfifo "$1/config.json"; }

bad "missing config.json" "config.json: cannot open" no_config
bad "config.json nested 200000 deep" "config.json: nested deeper than 64 levels at line 1, column 93" too_deep
bad "3500 annotations of 1 kB" "config.json: annotations: more than 262144 bytes of keys and values" big_annotations
bad "a FIFO as config.json" "/config.json is not a regular file" fifo_config
bad "invalid JSON" "config.json: invalid JSON at line 3, column" broken_json
bad "wrong type" "config.json: process.user.uid: expected an integer, got a string" wrong_type
bad "unknown namespace" 'config.json: linux.namespaces[2].type: unknown namespace "pdi"' unknown_ns
bad "empty process.args" "config.json: process.args: must not be empty" empty_args
bad "missing root.path" "config.json: root.path: missing" no_root_path
bad "missing rootfs" "root.path:" missing_rootfs
bad "unsupported ociVersion" 'config.json: ociVersion: "0.9.0" is not supported' bad_version
bad "field not implemented yet" "config.json: linux.personality.flags: not supported yet" unsupported
bad "missing executable" 'exec: "/bin/nonexistent": stat /bin/nonexistent: no such file or directory' no_binary
bad "unknown mount option" 'mounts[1]: mount tmpfs on /x: option "nosuchoption=1"' bad_mount_opt
bad "unknown filesystem" "mounts[0]: mount nosuchfs on /x" bad_fs_type
bad "rlimit above the hard limit" "process.rlimits[0]: set RLIMIT_NOFILE" bad_rlimit
bad "unknown capability" 'process.capabilities.bounding[1]: unknown capability "CAP_FLY"' bad_cap
bad "relative cwd" 'process.cwd: "relative" is not an absolute path' bad_cwd
bad "missing namespace path" "linux.namespaces: open network namespace /nonexistent/ns" bad_ns_path
bad "memory limit too small to start" "most likely by the OOM killer (linux.resources.memory.limit is 4096 bytes)" bad_memory

# An executable that cannot be run, in runc's words, which docker matches to choose 127 or 126:
# runc itself, from the same bundle, is the reference.
if command -v runc >/dev/null; then
        R="$WORK/runc-ref"
        mkdir -p "$R"
        cp "$GOOD/config.json" "$R/"
        set_config "$R" root.path "\"$GOOD/rootfs\"" # runc refuses a rootfs that is a symlink
        echo text > "$GOOD/rootfs/etc/not-executable"
        for cmd in /bin/nonexistent /etc/not-executable nosuchcommand; do
                set_args "$R" "$cmd"
                theirs=$(runc --root "$WORK/runc-state" run -b "$R" "r$n" </dev/null 2>&1 | sed -n 's/.*\(exec: .*\)"$/\1/p' | sed 's/\\"/"/g')
                ours=$(oc run -b "$R" "o$n" </dev/null 2>&1)
                expect_eq "exec of $cmd fails in runc's words" "ocictl: $theirs" "$ours"
                assert_clean "o$n" "$R"
                runc --root "$WORK/runc-state" delete -f "r$n" >/dev/null 2>&1
                n=$((n + 1))
        done
else
        fail "runc is not installed (the reference for exec's error strings; apt-get install runc)"
fi

# Arguments.
out=$(oc run -b "$WORK/nonexistent" x1 2>&1 </dev/null)
expect_eq "missing bundle: exit status" 1 "$?"
expect_contains "missing bundle: message" "bundle $WORK/nonexistent: No such file or directory" "$out"
for id in "a/b" ".." "" "x y"; do
        out=$(oc run -b "$GOOD" "$id" 2>&1 </dev/null)
        expect_eq "invalid id [$id]: exit status" 1 "$?"
        expect_contains "invalid id [$id]: message" "invalid container id" "$out"
done
out=$(oc run -b "$GOOD" 2>&1 </dev/null)
expect_eq "no id: exit status" 1 "$?"
expect_contains "no id: message" "missing the container id" "$out"
out=$(oc frobnicate 2>&1)
expect_eq "unknown command: exit status" 1 "$?"
expect_contains "unknown command: message" 'unknown command "frobnicate"' "$out"
out=$("$OCICTL" --root relative list 2>&1)
expect_eq "relative --root: exit status" 1 "$?"
out=$(oc --log-format xml list 2>&1)
expect_eq "unknown log format: exit status" 1 "$?"
expect_contains "unknown log format: message" 'unknown format "xml"' "$out"

# A pid file that cannot be written: the container is created, then removed again.
out=$(oc create -b "$GOOD" --pid-file "$WORK/no/such/dir/pid" pf 2>&1 </dev/null)
expect_eq "unwritable pid file: exit status" 1 "$?"
expect_contains "unwritable pid file: message" "--pid-file" "$out"
assert_clean pf "$GOOD"

# A pid file over something that is not a regular file is refused, and /dev/full stays a device.
out=$(oc create -b "$GOOD" --pid-file /dev/full pf2 2>&1 </dev/null)
expect_eq "pid file over a device: exit status" 1 "$?"
expect_contains "pid file over a device: message" "--pid-file: /dev/full exists and is not a regular file" "$out"
check "/dev/full is still a character device" test -c /dev/full
assert_clean pf2 "$GOOD"

# Annotations just under the budget: create, state and delete -f all work.
A="$WORK/annotated"
mkdir -p "$A"
ln -s "$GOOD/rootfs" "$A/rootfs"
python3 - "$GOOD/config.json" "$A/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["annotations"] = {"a%03d" % i: "\n" * 1000 for i in range(250)}
c["process"]["args"] = ["sleep", "100"]
json.dump(c, open(sys.argv[2], "w"))
PY
oc create -b "$A" an1 </dev/null >/dev/null 2>&1
expect_eq "250 kB of annotations (escaped to 500 kB in the state): create" 0 "$?"
expect_eq "their state reads back" 250 "$(oc state an1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["annotations"]))')"
oc delete -f an1
expect_eq "and delete -f removes it" 0 "$?"
assert_clean an1 "$A"

# Commands in the wrong state or on unknown containers.
for verb in start state kill; do
        out=$(oc $verb nosuch 2>&1)
        expect_eq "$verb on an unknown container: exit status" 1 "$?"
        expect_contains "$verb on an unknown container: message" "container does not exist" "$out"
done
[ -z "$(ls "$ROOT" 2>/dev/null)" ] && pass "the state root is empty" || fail "the state root holds: $(ls "$ROOT")"
# runc's verbs and flags that ocictl has no use for: checkpoint/restore refused by name (with
# --help too, which is how podman asks), --criu accepted.
out=$(oc checkpoint --help 2>&1)
expect_eq "checkpoint --help fails: podman reads that as no checkpoint support" 1 "$?"
expect_contains "... and says why" "checkpoint: not supported" "$out"
out=$(oc restore c1 2>&1)
expect_contains "restore is refused by name" "restore: not supported" "$out"
check "--criu is accepted, as runc's global option" oc --criu /usr/sbin/criu list
# --systemd-cgroup where systemd does not run (this host): refused by name before anything is
# made, as runc refuses it; the VM test (systemd-vm.sh) runs the driver against systemd.
if [ ! -d /run/systemd/system ]; then
        SB="$WORK/systemd-bundle"
        make_bundle "$SB" true
        out=$(oc --systemd-cgroup run -b "$SB" sd1 </dev/null 2>&1)
        expect_eq "--systemd-cgroup without systemd: exit status" 1 "$?"
        expect_eq "... one line naming the flag and the reason" \
                "ocictl: --systemd-cgroup: systemd does not run this host (no /run/systemd/system)" "$out"
        assert_clean sd1 "$SB"
fi
finish
