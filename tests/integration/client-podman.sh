#!/bin/bash
# Debian's podman (through conmon) with ocictl as its runtime, as root: the flows a podman user
# runs, each checked on what the container or the host shows, and compared with runc where the
# value is the runtime's own. Private storage, run root and events log under the test's folder;
# no network (netns "none"); cgroupfs (this host has no systemd). The runtimes keep their state in
# their default roots (/run/ocictl, /run/runc): podman passes --runtime-flag to the calls it makes
# itself but not to the `delete` of the cleanup process conmon starts, so a private --root would
# leave every container behind. The test checks that it added nothing there.
. "$(dirname "$0")/lib.sh"

command -v podman >/dev/null || skip "podman not installed (apt-get install podman catatonit)"
RUNC=$(command -v runc || true)
[ -n "$RUNC" ] || skip "runc not installed (the reference)"

make_bundle "$WORK/image" true || fail "make the image's rootfs"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$WORK/image/rootfs/etc/passwd"
cat > "$WORK/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = []
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$WORK/events.log"
tmp_dir = "$WORK/podman-tmp"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"
parent_existed=$(for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do [ -d "$h" ] && echo "$h"; done)
state_before=$(ls /run/ocictl 2>/dev/null)
# pm: podman on ocictl; rc: the same podman on runc.
pm() { podman --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs --runtime "$OCICTL" "$@"; }
rc() { podman --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs --runtime "$RUNC" "$@"; }
# Whatever a failed check left: podman's containers first, then the rest (lib.sh).
trap 'timeout 60 podman --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs rm -af -t 0 >/dev/null 2>&1; cleanup_all' EXIT
IMG=localhost/ocictl-busybox

tar -C "$WORK/image/rootfs" -c . | pm import - "$IMG" >/dev/null 2>&1
check "import a busybox image made from the test rootfs" pm image exists "$IMG"
expect_eq "podman info names the runtime" "$OCICTL" "$(pm info --format '{{.Host.OCIRuntime.Path}}' 2>/dev/null)"

# run --rm: output and exit status, and the two failures docker and podman map by runc's words.
expect_eq "run --rm prints what the container says" "hello" "$(pm run --rm "$IMG" echo hello 2>&1)"
pm run --rm "$IMG" sh -c 'exit 3' >/dev/null 2>&1
expect_eq "run --rm exits with the container's status" 3 "$?"
pm run --rm "$IMG" nosuchcmd >/dev/null 2>"$WORK/err127"
expect_eq "a missing command is 127, as with runc" "$(rc run --rm "$IMG" nosuchcmd >/dev/null 2>&1; echo $?)" "$(pm run --rm "$IMG" nosuchcmd >/dev/null 2>&1; echo $?)"
expect_contains "... podman says why" "executable file not found" "$(cat "$WORK/err127")"
expect_eq "a non-executable command is 126, as with runc" "$(rc run --rm "$IMG" /etc/passwd >/dev/null 2>&1; echo $?)" "$(pm run --rm "$IMG" /etc/passwd >/dev/null 2>&1; echo $?)"

# run -d, then exec in all its forms.
pm run -d --name d1 "$IMG" sleep 1000 >/dev/null 2>&1
expect_eq "run -d: the container is running" "running" "$(pm inspect d1 --format '{{.State.Status}}' 2>&1)"
expect_eq "... on ocictl" "ocictl" "$(basename "$(pm inspect d1 --format '{{.OCIRuntime}}' 2>&1)")"
[ -d "/run/ocictl/$(pm inspect d1 --format '{{.Id}}' 2>/dev/null)" ]
expect_eq "... whose state is in ocictl's root" 0 "$?"
expect_eq "exec" "in-exec" "$(pm exec d1 echo in-exec 2>&1)"
expect_eq "exec -i with piped stdin" "piped" "$(echo piped | pm exec -i d1 cat 2>&1)"
expect_eq "exec -t has a terminal" "/dev/pts/0" "$(pm exec -t d1 tty </dev/null 2>&1 | tr -d '\r')"
expect_eq "exec --user" "65534" "$(pm exec --user nobody d1 id -u 2>&1)"
expect_eq "exec --workdir" "/tmp" "$(pm exec --workdir /tmp d1 pwd 2>&1)"
expect_eq "exec --env" "bar" "$(pm exec --env FOO=bar d1 sh -c 'echo $FOO' 2>&1)"
pm exec d1 sh -c 'exit 7' >/dev/null 2>&1
expect_eq "exec's exit status" 7 "$?"
expect_contains "top lists the container's process" "sleep 1000" "$(pm top d1 2>&1)"

# pause/unpause, seen by podman and by the freezer.
pm pause d1 >/dev/null 2>&1
expect_eq "pause" "paused" "$(pm inspect d1 --format '{{.State.Status}}' 2>&1)"
pm exec d1 true >/dev/null 2>&1
[ $? != 0 ]
expect_eq "... exec into a paused container is refused" 0 "$?"
pm unpause d1 >/dev/null 2>&1
expect_eq "unpause" "running" "$(pm inspect d1 --format '{{.State.Status}}' 2>&1)"

# update (podman 4.3 has no --pids-limit on update: the pids limit is checked at run below),
# read back on the host's cgroup files.
cg=$(pm inspect d1 --format '{{.State.CgroupPath}}' 2>/dev/null)
pm update --memory 100m --cpus 0.5 d1 >/dev/null 2>&1
expect_eq "update --memory --cpus" 0 "$?"
mem=$(cgroup_dir_of memory)$cg
cpu=$(cgroup_dir_of cpu)$cg
if [ -f "$mem/memory.max" ]; then got_mem=$(cat "$mem/memory.max"); else got_mem=$(cat "$mem/memory.limit_in_bytes" 2>&1); fi
expect_eq "... the memory limit is on the cgroup" 104857600 "$got_mem"
if [ -f "$cpu/cpu.max" ]; then got_cpu=$(cut -d' ' -f1 "$cpu/cpu.max"); else got_cpu=$(cat "$cpu/cpu.cfs_quota_us" 2>&1); fi
expect_eq "... and the CPU quota" 50000 "$got_cpu"
pm run -d --name d2 --pids-limit 17 "$IMG" sleep 1000 >/dev/null 2>&1
pids=$(cgroup_dir_of pids)$(pm inspect d2 --format '{{.State.CgroupPath}}' 2>/dev/null)
expect_eq "run --pids-limit" 17 "$(cat "$pids/pids.max" 2>&1)"
pm rm -f d2 >/dev/null 2>&1

# stats and logs.
expect_contains "stats reads the container's cgroup" "d1" "$(pm stats --no-stream --format '{{.Name}} {{.MemUsage}}' d1 2>&1)"
pm run -d --name l1 "$IMG" sh -c 'echo line-one; echo line-two >&2' >/dev/null 2>&1
pm wait l1 >/dev/null 2>&1
expect_eq "logs has stdout and stderr" "line-one line-two" "$(pm logs l1 2>&1 | sort | tr '\n' ' ' | sed 's/ $//')"
pm rm l1 >/dev/null 2>&1

# stop: a trapped SIGTERM ends the container cleanly; an ignored one is killed after the timeout.
pm run -d --name s1 "$IMG" sh -c 'trap "echo got-term; exit 0" TERM; echo started; while :; do sleep 0.1; done' >/dev/null 2>&1
for _ in $(seq 50); do pm logs s1 2>/dev/null | grep -q started && break; sleep 0.1; done
pm stop -t 10 s1 >/dev/null 2>&1
expect_eq "stop: a trapped SIGTERM" "0 exited" "$(pm inspect s1 --format '{{.State.ExitCode}} {{.State.Status}}' 2>&1)"
expect_contains "... the process saw it" "got-term" "$(pm logs s1 2>&1)"
pm run -d --name s2 "$IMG" sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null 2>&1
sleep 0.3
start=$(date +%s)
pm stop -t 1 s2 >/dev/null 2>&1
took=$(($(date +%s) - start))
expect_eq "stop -t 1: an ignored SIGTERM ends in SIGKILL" "137 exited" "$(pm inspect s2 --format '{{.State.ExitCode}} {{.State.Status}}' 2>&1)"
[ "$took" -le 5 ]
expect_eq "... after the timeout, not later (${took}s)" 0 "$?"
pm start s2 >/dev/null 2>&1
expect_eq "start a stopped container again" "running" "$(pm inspect s2 --format '{{.State.Status}}' 2>&1)"
pm kill s2 >/dev/null 2>&1
expect_eq "kill" "137" "$(pm wait s2 2>&1)"
pm rm s1 s2 >/dev/null 2>&1

# restart keeps the container, with a new process.
old_pid=$(pm inspect d1 --format '{{.State.Pid}}' 2>/dev/null)
pm restart -t 1 d1 >/dev/null 2>&1
new_pid=$(pm inspect d1 --format '{{.State.Pid}}' 2>/dev/null)
expect_eq "restart" "running" "$(pm inspect d1 --format '{{.State.Status}}' 2>&1)"
[ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && [ "$new_pid" != 0 ]
expect_eq "... with a new init ($old_pid → $new_pid)" 0 "$?"

# Options that reach the config.
expect_eq "run -t has a terminal" "/dev/pts/0" "$(script -qc "podman --root $WORK/storage --runroot $WORK/runroot --storage-driver vfs --runtime $OCICTL run --rm -t $IMG tty" /dev/null </dev/null | tr -d '\r')"
expect_contains "--read-only" "Read-only file system" "$(pm run --rm --read-only "$IMG" touch /x 2>&1)"
expect_eq "--tmpfs with a size" "1024" "$(pm run --rm --read-only --tmpfs /scratch:size=1m "$IMG" sh -c 'touch /scratch/x && df -k /scratch | tail -1' 2>&1 | awk '{print $2}')"
expect_eq "--cap-drop all --cap-add NET_RAW, as with runc" \
        "$(rc run --rm --cap-drop all --cap-add NET_RAW "$IMG" grep CapEff /proc/self/status 2>&1)" \
        "$(pm run --rm --cap-drop all --cap-add NET_RAW "$IMG" grep CapEff /proc/self/status 2>&1)"
expect_contains "--device" "10, 229" "$(pm run --rm --device /dev/fuse "$IMG" ls -l /dev/fuse 2>&1)"
mkdir -p "$WORK/vol"
echo from-host > "$WORK/vol/f"
expect_contains "a bind volume with rshared propagation is shared" "shared:" "$(pm run --rm -v "$WORK/vol:/vol:rshared" "$IMG" sh -c "grep ' /vol ' /proc/self/mountinfo" 2>&1)"
expect_eq "... and holds the host's file" "from-host" "$(pm run --rm -v "$WORK/vol:/vol:rshared" "$IMG" cat /vol/f 2>&1)"
if [ -x /usr/libexec/podman/catatonit ]; then
        expect_contains "--init: podman's init is PID 1" "1 root     /run/podman-init" "$(pm run --rm --init "$IMG" ps 2>&1)"
else
        fail "--init needs catatonit (apt-get install catatonit)"
fi

# 10 containers at once.
for i in $(seq 10); do pm run --name "p$i" "$IMG" sh -c "echo par$i" >/dev/null 2>&1 & done
wait
said=$(for i in $(seq 10); do pm logs "p$i" 2>/dev/null; done | sort | tr '\n' ' ')
expect_eq "10 containers in parallel" "par1 par10 par2 par3 par4 par5 par6 par7 par8 par9 " "$said"
pm rm $(for i in $(seq 10); do echo "p$i"; done) >/dev/null 2>&1

# rm, and what is left: nothing of ours.
pm rm -f -t 1 d1 >/dev/null 2>&1
expect_eq "rm: podman has no container left" "" "$(pm ps -aq 2>&1)"
expect_eq "ocictl's state folder has none of the test's containers" "$state_before" "$(ls /run/ocictl 2>/dev/null)"
expect_eq "no mount left under the test's folder" "" "$(grep " $WORK" /proc/self/mountinfo)"
# conmon outlives `rm` by as long as podman's exit command (`container cleanup`) takes to run:
# give it 5 s to go, then nothing may be left.
for _ in $(seq 50); do [ -z "$(pgrep -af "$WORK" | grep -v "^$$ ")" ] && break; sleep 0.1; done
expect_eq "no conmon or container process left" "" "$(pgrep -af "$WORK" | grep -v "^$$ ")"
# Ours carry ocictl's mark (trusted.ocictl.container); runc's, from the comparisons, may still be
# on their way out through podman's cleanup process and are not this test's business.
left_cgroups=$(find /sys/fs/cgroup -maxdepth 3 -type d -name 'libpod-*' 2>/dev/null | python3 -c '
import os, sys
for d in sys.stdin.read().split():
    try:
        os.getxattr(d, "trusted.ocictl.container")
        print(d)
    except OSError:
        pass')
expect_eq "no cgroup of ocictl's left" "" "$left_cgroups"
for id in $(echo "$left_cgroups" | sed -n 's/.*libpod-\([0-9a-f]*\)$/\1/p' | sort -u); do
        echo "podman's events for the container whose cgroup is left:" >&2
        grep "$id" "$WORK/events.log" >&2
done
# podman's own parent cgroup, if this test made it.
if [ -z "$parent_existed" ]; then
        for h in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
                [ -d "$h" ] && rmdir "$h/conmon" "$h" 2>/dev/null
        done
fi
rm -rf "$WORK/storage" 2>/dev/null
finish
