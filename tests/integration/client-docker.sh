#!/bin/bash
# Debian's docker (dockerd, its own containerd and the runc v2 shim) with ocictl registered as a
# runtime in daemon.json and chosen per container (--runtime ocictl): the flows a docker user runs,
# each checked on what the container or the host shows, against runc where the value is the
# runtime's own. A private daemon (data root, exec root, socket, pid file under the test's
# folder), with no network but loopback: --bridge=none, no iptables, --network none.
. "$(dirname "$0")/lib.sh"

command -v dockerd >/dev/null && command -v docker >/dev/null || skip "docker not installed (apt-get install docker.io)"

IMG=localhost/ocictl-busybox:latest
make_image_tar "$IMG" "$WORK/image.tar" || fail "write the image archive"

SOCK="$WORK/docker.sock"
cat > "$WORK/daemon.json" <<EOF
{"runtimes": {"ocictl": {"path": "$OCICTL"}}, "storage-driver": "vfs"}
EOF
parent_existed=$(for h in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do [ -d "$h" ] && echo "$h"; done)
dockerd --data-root "$WORK/docker-data" --exec-root "$WORK/docker-exec" --pidfile "$WORK/docker.pid" \
        -H "unix://$SOCK" --bridge=none --iptables=false --ip6tables=false --config-file "$WORK/daemon.json" \
        >"$WORK/dockerd.log" 2>&1 &
DAEMON=$!
d() { docker -H "unix://$SOCK" "$@"; }
stop_daemon() {
        timeout 60 docker -H "unix://$SOCK" rm -f -t 0 $(docker -H "unix://$SOCK" ps -aq 2>/dev/null) >/dev/null 2>&1
        kill "$DAEMON" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$DAEMON" 2>/dev/null
        wait "$DAEMON" 2>/dev/null
        grep " $WORK" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount 2>/dev/null
}
trap 'stop_daemon; cleanup_all' EXIT
for _ in $(seq 100); do d version >/dev/null 2>&1 && break; sleep 0.1; done
check "dockerd runs on its private socket" d version
d load -i "$WORK/image.tar" >/dev/null 2>&1
check "load a busybox image made from the test rootfs" d image inspect "$IMG"
expect_contains "docker info lists the runtime" "ocictl" "$(d info --format '{{json .Runtimes}}' 2>&1)"

# oc: a container on ocictl; rc: on runc.
oc_run() { d run --runtime ocictl --network none "$@"; }
rc_run() { d run --runtime runc --network none "$@"; }

expect_eq "run --rm prints what the container says" "hello" "$(oc_run --rm "$IMG" echo hello 2>&1)"
oc_run --rm "$IMG" sh -c 'exit 3' >/dev/null 2>&1
expect_eq "run --rm exits with the container's status" 3 "$?"
expect_eq "a missing command is 127, as with runc" "$(rc_run --rm "$IMG" nosuchcmd >/dev/null 2>&1; echo $?)" "$(oc_run --rm "$IMG" nosuchcmd >/dev/null 2>&1; echo $?)"
expect_eq "a non-executable command is 126, as with runc" "$(rc_run --rm "$IMG" /etc/passwd >/dev/null 2>&1; echo $?)" "$(oc_run --rm "$IMG" /etc/passwd >/dev/null 2>&1; echo $?)"

oc_run -d --name d1 "$IMG" sleep 1000 >/dev/null 2>&1
expect_eq "run -d: the container is running" "running" "$(d inspect d1 --format '{{.State.Status}}' 2>&1)"
expect_eq "... on ocictl" "ocictl" "$(d inspect d1 --format '{{.HostConfig.Runtime}}' 2>&1)"
[ -d "$WORK/docker-exec/runtime-runc/moby/$(d inspect d1 --format '{{.Id}}' 2>/dev/null)" ]
expect_eq "... whose state is in the root docker gives ocictl" 0 "$?"
expect_eq "exec" "in-exec" "$(d exec d1 echo in-exec 2>&1)"
expect_eq "exec -i with piped stdin" "piped" "$(echo piped | d exec -i d1 cat 2>&1)"
expect_eq "exec -t has a terminal" "/dev/pts/0" "$(d exec -t d1 tty </dev/null 2>&1 | tr -d '\r')"
expect_eq "exec --user" "65534" "$(d exec --user nobody d1 id -u 2>&1)"
expect_eq "exec --workdir" "/tmp" "$(d exec --workdir /tmp d1 pwd 2>&1)"
expect_eq "exec --env" "bar" "$(d exec --env FOO=bar d1 sh -c 'echo $FOO' 2>&1)"
d exec d1 sh -c 'exit 7' >/dev/null 2>&1
expect_eq "exec's exit status" 7 "$?"
expect_contains "top lists the container's process" "sleep 1000" "$(d top d1 2>&1)"

d pause d1 >/dev/null 2>&1
expect_eq "pause" "paused" "$(d inspect d1 --format '{{.State.Status}}' 2>&1)"
freezer=$(cgroup_dir_of freezer)
id=$(d inspect d1 --format '{{.Id}}' 2>/dev/null)
if [ -f "$freezer/docker/$id/freezer.state" ]; then got=$(cat "$freezer/docker/$id/freezer.state"); else got=$(grep frozen "$freezer/docker/$id/cgroup.events" 2>&1); fi
expect_contains "... the cgroup is frozen" "FROZEN" "$(echo "$got" | sed 's/frozen 1/FROZEN/')"
d unpause d1 >/dev/null 2>&1
expect_eq "unpause" "running" "$(d inspect d1 --format '{{.State.Status}}' 2>&1)"

d update --memory 100m --memory-swap 200m --cpus 0.5 --pids-limit 50 d1 >/dev/null 2>&1
expect_eq "update --memory --cpus --pids-limit" 0 "$?"
mem=$(cgroup_dir_of memory)/docker/$id
cpu=$(cgroup_dir_of cpu)/docker/$id
pids=$(cgroup_dir_of pids)/docker/$id
if [ -f "$mem/memory.max" ]; then got=$(cat "$mem/memory.max"); else got=$(cat "$mem/memory.limit_in_bytes" 2>&1); fi
expect_eq "... the memory limit is on the cgroup" 104857600 "$got"
if [ -f "$cpu/cpu.max" ]; then got=$(cut -d' ' -f1 "$cpu/cpu.max"); else got=$(cat "$cpu/cpu.cfs_quota_us" 2>&1); fi
expect_eq "... the CPU quota" 50000 "$got"
expect_eq "... the pids limit" 50 "$(cat "$pids/pids.max" 2>&1)"
expect_contains "stats reads the new limit" "100MiB" "$(d stats --no-stream --format '{{.MemUsage}}' d1 2>&1)"

oc_run -d --name l1 "$IMG" sh -c 'echo line-one; echo line-two >&2' >/dev/null 2>&1
d wait l1 >/dev/null 2>&1
expect_eq "logs has stdout and stderr" "line-one line-two" "$(d logs l1 2>&1 | sort | tr '\n' ' ' | sed 's/ $//')"

oc_run -d --name s1 "$IMG" sh -c 'trap "echo got-term; exit 0" TERM; echo started; while :; do sleep 0.1; done' >/dev/null 2>&1
for _ in $(seq 50); do d logs s1 2>/dev/null | grep -q started && break; sleep 0.1; done
d stop -t 10 s1 >/dev/null 2>&1
expect_eq "stop: a trapped SIGTERM" "0 exited" "$(d inspect s1 --format '{{.State.ExitCode}} {{.State.Status}}' 2>&1)"
expect_contains "... the process saw it" "got-term" "$(d logs s1 2>&1)"
oc_run -d --name s2 "$IMG" sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1
sleep 0.3
start=$(date +%s)
d stop -t 1 s2 >/dev/null 2>&1
took=$(($(date +%s) - start))
expect_eq "stop -t 1: an ignored SIGTERM ends in SIGKILL" "137 exited" "$(d inspect s2 --format '{{.State.ExitCode}} {{.State.Status}}' 2>&1)"
[ "$took" -le 5 ]
expect_eq "... after the timeout, not later (${took}s)" 0 "$?"
d start s2 >/dev/null 2>&1
expect_eq "start a stopped container again" "running" "$(d inspect s2 --format '{{.State.Status}}' 2>&1)"
d kill s2 >/dev/null 2>&1
expect_eq "kill" "137" "$(d wait s2 2>&1)"
old_pid=$(d inspect d1 --format '{{.State.Pid}}' 2>/dev/null)
d restart -t 1 d1 >/dev/null 2>&1
new_pid=$(d inspect d1 --format '{{.State.Pid}}' 2>/dev/null)
expect_eq "restart" "running" "$(d inspect d1 --format '{{.State.Status}}' 2>&1)"
[ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && [ "$new_pid" != 0 ]
expect_eq "... with a new init ($old_pid → $new_pid)" 0 "$?"
d rm -f l1 s1 s2 >/dev/null 2>&1

expect_eq "run -t has a terminal" "/dev/pts/0" "$(script -qc "docker -H unix://$SOCK run --rm -t --runtime ocictl --network none $IMG tty" /dev/null </dev/null | tr -d '\r')"
expect_contains "--read-only" "Read-only file system" "$(oc_run --rm --read-only "$IMG" touch /x 2>&1)"
expect_eq "--tmpfs with a size" "1024" "$(oc_run --rm --read-only --tmpfs /scratch:size=1m "$IMG" sh -c 'touch /scratch/x && df -k /scratch | tail -1' 2>&1 | awk '{print $2}')"
expect_eq "--cap-drop all --cap-add NET_RAW, as with runc" \
        "$(rc_run --rm --cap-drop all --cap-add NET_RAW "$IMG" grep CapEff /proc/self/status 2>&1)" \
        "$(oc_run --rm --cap-drop all --cap-add NET_RAW "$IMG" grep CapEff /proc/self/status 2>&1)"
expect_eq "docker's default seccomp profile is loaded" "Seccomp:	2" "$(oc_run --rm "$IMG" grep Seccomp: /proc/self/status 2>&1)"
expect_contains "--device" "10, 229" "$(oc_run --rm --device /dev/fuse "$IMG" ls -l /dev/fuse 2>&1)"
# docker wants the source of an rshared volume on a shared mount.
mkdir -p "$WORK/vol"
echo from-host > "$WORK/vol/f"
mount --bind "$WORK/vol" "$WORK/vol" && mount --make-shared "$WORK/vol"
expect_contains "a bind volume with rshared propagation is shared" "shared:" "$(oc_run --rm -v "$WORK/vol:/vol:rshared" "$IMG" sh -c "grep ' /vol ' /proc/self/mountinfo" 2>&1)"
expect_eq "... and holds the host's file" "from-host" "$(oc_run --rm -v "$WORK/vol:/vol:rshared" "$IMG" cat /vol/f 2>&1)"
umount "$WORK/vol"
expect_contains "--init: docker-init is PID 1" "1 root     /sbin/docker-init" "$(oc_run --rm --init "$IMG" ps 2>&1)"

runs=""
for i in $(seq 10); do
        oc_run --name "p$i" "$IMG" sh -c "echo par$i" >/dev/null 2>&1 &
        runs="$runs $!"
done
wait $runs # not a bare wait: the daemon is a child too
said=$(for i in $(seq 10); do d logs "p$i" 2>/dev/null; done | sort | tr '\n' ' ')
expect_eq "10 containers in parallel" "par1 par10 par2 par3 par4 par5 par6 par7 par8 par9 " "$said"
d rm $(for i in $(seq 10); do echo "p$i"; done) >/dev/null 2>&1

d rm -f d1 >/dev/null 2>&1
expect_eq "rm: docker has no container left" "" "$(d ps -aq 2>&1)"
expect_eq "ocictl's state folder (the root dockerd gives the shim) is empty" "" "$(ls "$WORK/docker-exec/runtime-runc/moby" 2>/dev/null)"
left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path '*/docker/*' 2>/dev/null)
expect_eq "no container cgroup left" "" "$left"
stop_daemon
trap cleanup_all EXIT
expect_eq "no daemon, shim or container process left" "" "$(pgrep -af "$WORK" | grep -v '^[0-9]* \[')"
expect_eq "no mount left under the test's folder" "" "$(grep " $WORK" /proc/self/mountinfo)"
if [ -z "$parent_existed" ]; then
        for h in /sys/fs/cgroup/*/docker /sys/fs/cgroup/docker; do [ -d "$h" ] && rmdir "$h" 2>/dev/null; done
fi
finish
