#!/bin/bash
# Debian's containerd (containerd-shim-runc-v2) with ocictl as the shim's runc binary, driven by
# ctr as root: each flow checked on what the container or the host shows, against runc where the
# value is the runtime's own. The daemon runs on a private root, state, socket and runtime root
# under the test's folder, without its CRI plugin (client-cri.sh drives that) and without network.
. "$(dirname "$0")/lib.sh"

command -v containerd >/dev/null && command -v ctr >/dev/null || skip "containerd not installed (apt-get install containerd)"
RUNC=$(command -v runc || true)
[ -n "$RUNC" ] || skip "runc not installed (the reference)"

IMG=localhost/ocictl-busybox:latest
make_image_tar "$IMG" "$WORK/image.tar" || fail "write the image archive"

SOCK="$WORK/containerd.sock"
cat > "$WORK/containerd.toml" <<EOF
version = 2
root = "$WORK/containerd-root"
state = "$WORK/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
EOF
default_existed=$(for h in /sys/fs/cgroup/*/default /sys/fs/cgroup/default; do [ -d "$h" ] && echo "$h"; done)
containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 &
DAEMON=$!
stop_daemon() {
        for id in $(ctr -a "$SOCK" task ls -q 2>/dev/null); do ctr -a "$SOCK" task kill -s KILL "$id" >/dev/null 2>&1; done
        sleep 0.2
        for id in $(ctr -a "$SOCK" task ls -q 2>/dev/null); do ctr -a "$SOCK" task delete -f "$id" >/dev/null 2>&1; done
        for id in $(ctr -a "$SOCK" container ls -q 2>/dev/null); do ctr -a "$SOCK" container delete "$id" >/dev/null 2>&1; done
        kill "$DAEMON" 2>/dev/null
        wait "$DAEMON" 2>/dev/null
        # The snapshots containerd mounted, should it have died with some still there.
        grep " $WORK" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount 2>/dev/null
}
trap 'stop_daemon; cleanup_all' EXIT
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done
check "containerd runs on its private socket" ctr -a "$SOCK" version

c() { ctr -a "$SOCK" "$@"; }
# Every container on ocictl through the shim, its state in the test's root; or on runc.
OC="--runc-binary $OCICTL --runc-root $ROOT"
RC="--runc-binary $RUNC --runc-root $WORK/runc-root"
c images import "$WORK/image.tar" >/dev/null 2>&1
check "import the busybox image" c images check name=="$IMG"

# run --rm: output and exit status; the two exec failures, in runc's words.
expect_eq "run --rm prints what the container says" "hello" "$(c run --rm $OC "$IMG" r1 echo hello 2>&1)"
c run --rm $OC "$IMG" r2 sh -c 'exit 3' >/dev/null 2>&1
expect_eq "run --rm exits with the container's status" 3 "$?"
expect_contains "a missing command: runc's words reach ctr" 'exec: "nosuchcmd": executable file not found in $PATH' "$(c run --rm $OC "$IMG" r3 nosuchcmd 2>&1)"
expect_contains "a non-executable command: likewise" 'exec: "/etc/passwd": permission denied' "$(c run --rm $OC "$IMG" r4 /etc/passwd 2>&1)"
expect_eq "... and ctr's status is runc's" "$(c run --rm $RC "$IMG" r5 nosuchcmd >/dev/null 2>&1; echo $?)" "$(c run --rm $OC "$IMG" r6 nosuchcmd >/dev/null 2>&1; echo $?)"

# run -d, then exec.
c run -d $OC --memory-limit 67108864 --cpus 0.5 "$IMG" d1 sleep 1000 >/dev/null 2>&1
expect_eq "run -d: the task runs" "RUNNING" "$(c task ls 2>/dev/null | awk '$1 == "d1" { print $3 }')"
[ -d "$ROOT/default/d1" ]
expect_eq "... with its state in the runtime root given to the shim" 0 "$?"
mem=$(cgroup_dir_of memory)/default/d1
cpu=$(cgroup_dir_of cpu)/default/d1
if [ -f "$mem/memory.max" ]; then got=$(cat "$mem/memory.max"); else got=$(cat "$mem/memory.limit_in_bytes" 2>&1); fi
expect_eq "--memory-limit is on the cgroup" 67108864 "$got"
if [ -f "$cpu/cpu.max" ]; then got=$(cut -d' ' -f1 "$cpu/cpu.max"); else got=$(cat "$cpu/cpu.cfs_quota_us" 2>&1); fi
expect_eq "--cpus 0.5 is a quota of half the period" 50000 "$got"
expect_eq "exec" "in-exec" "$(c task exec --exec-id e1 d1 echo in-exec 2>&1)"
expect_eq "exec with piped stdin" "piped" "$(echo piped | c task exec --exec-id e2 d1 cat 2>&1)"
expect_eq "exec -t has a terminal" "/dev/pts/0" "$(script -qc "ctr -a $SOCK task exec -t --exec-id e3 d1 tty" /dev/null </dev/null 2>/dev/null | tr -d '\r\0' | grep -o '/dev/pts/[0-9]*')"
expect_eq "exec --user" "65534" "$(c task exec --exec-id e4 --user 65534 d1 id -u 2>&1)"
expect_eq "exec --cwd" "/tmp" "$(c task exec --exec-id e5 --cwd /tmp d1 pwd 2>&1)"
c task exec --exec-id e6 d1 sh -c 'exit 7' >/dev/null 2>&1
expect_eq "exec's exit status" 7 "$?"
pid=$(c task ls 2>/dev/null | awk '$1 == "d1" { print $2 }')
expect_contains "task ps lists init" "$pid" "$(c task ps d1 2>&1)"
expect_contains "task metrics reads the cgroup" "memory" "$(c task metrics d1 2>&1)"

# pause and resume.
c task pause d1 >/dev/null 2>&1
expect_eq "pause" "PAUSED" "$(c task ls 2>/dev/null | awk '$1 == "d1" { print $3 }')"
c task resume d1 >/dev/null 2>&1
expect_eq "resume" "RUNNING" "$(c task ls 2>/dev/null | awk '$1 == "d1" { print $3 }')"

# kill: a trapped SIGTERM, then SIGKILL; delete.
c run -d $OC "$IMG" k1 sh -c 'trap "echo got-term > /tmp/term; exit 0" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1
sleep 0.3
c task kill -s SIGTERM k1 >/dev/null 2>&1
for _ in $(seq 50); do [ "$(c task ls 2>/dev/null | awk '$1 == "k1" { print $3 }')" = STOPPED ] && break; sleep 0.1; done
expect_eq "kill -s SIGTERM: a trapped SIGTERM ends the task" "STOPPED" "$(c task ls 2>/dev/null | awk '$1 == "k1" { print $3 }')"
c task kill -s SIGKILL d1 >/dev/null 2>&1
for _ in $(seq 50); do [ "$(c task ls 2>/dev/null | awk '$1 == "d1" { print $3 }')" = STOPPED ] && break; sleep 0.1; done
expect_eq "kill -s SIGKILL" "STOPPED" "$(c task ls 2>/dev/null | awk '$1 == "d1" { print $3 }')"
for id in d1 k1; do c task delete "$id" >/dev/null 2>&1; c container delete "$id" >/dev/null 2>&1; done
expect_eq "task delete removes ocictl's state" "" "$(ls "$ROOT/default" 2>/dev/null)"

# Options that reach the config.
expect_eq "run -t has a terminal" "/dev/pts/0" "$(script -qc "ctr -a $SOCK run --rm -t $OC $IMG t1 tty" /dev/null </dev/null 2>/dev/null | tr -d '\r\0' | grep -o '/dev/pts/[0-9]*')"
expect_contains "--read-only" "Read-only file system" "$(c run --rm $OC --read-only "$IMG" o1 touch /x 2>&1)"
expect_eq "--seccomp (containerd's default profile) is loaded" "Seccomp:	2" "$(c run --rm $OC --seccomp "$IMG" o2 grep Seccomp: /proc/self/status 2>&1)"
expect_eq "--cap-drop, as with runc" "$(c run --rm $RC --cap-drop CAP_CHOWN "$IMG" o3 grep CapEff /proc/self/status 2>&1)" \
        "$(c run --rm $OC --cap-drop CAP_CHOWN "$IMG" o4 grep CapEff /proc/self/status 2>&1)"
expect_eq "--cap-add, as with runc" "$(c run --rm $RC --cap-add CAP_SYS_ADMIN "$IMG" o5 grep CapEff /proc/self/status 2>&1)" \
        "$(c run --rm $OC --cap-add CAP_SYS_ADMIN "$IMG" o6 grep CapEff /proc/self/status 2>&1)"
expect_contains "--device" "10, 229" "$(c run --rm $OC --device /dev/fuse "$IMG" o7 ls -l /dev/fuse 2>&1)"
mkdir -p "$WORK/vol"
echo from-host > "$WORK/vol/f"
expect_contains "an rshared bind mount is shared" "shared:" "$(c run --rm $OC --mount "type=bind,src=$WORK/vol,dst=/vol,options=rbind:rshared" "$IMG" o8 sh -c "grep ' /vol ' /proc/self/mountinfo" 2>&1)"
expect_eq "... and holds the host's file" "from-host" "$(c run --rm $OC --mount "type=bind,src=$WORK/vol,dst=/vol,options=rbind:rshared" "$IMG" o9 cat /vol/f 2>&1)"

# 10 at once.
runs=""
for i in $(seq 10); do
        c run --rm $OC "$IMG" "p$i" sh -c "echo par$i" >"$WORK/par$i" 2>&1 &
        runs="$runs $!"
done
wait $runs # not a bare wait: the daemon is a child too
expect_eq "10 containers in parallel" "par1 par10 par2 par3 par4 par5 par6 par7 par8 par9 " "$(cat "$WORK"/par* | sort | tr '\n' ' ')"

# Nothing left: no task, no state, no container cgroup, no shim; then the daemon stops.
expect_eq "no task left" "" "$(c task ls -q 2>&1)"
expect_eq "ocictl's state folder is empty" "" "$(ls "$ROOT/default" 2>/dev/null)"
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path '*/default/*' 2>/dev/null)
expect_eq "no container cgroup left" "" "$left"
stop_daemon
trap cleanup_all EXIT
expect_eq "no shim or container process left" "" "$(pgrep -af "$WORK" | grep -v '^[0-9]* \[')"
expect_eq "no mount left under the test's folder" "" "$(grep " $WORK" /proc/self/mountinfo)"
if [ -z "$default_existed" ]; then
        for h in /sys/fs/cgroup/*/default /sys/fs/cgroup/default; do [ -d "$h" ] && rmdir "$h" 2>/dev/null; done
fi
finish
