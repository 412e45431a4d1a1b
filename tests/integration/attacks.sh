#!/bin/bash
# The attack shapes of issue 3: none may touch or expose a host path.
#  - a mount destination that is a symlink to / in the rootfs;
#  - process.cwd (and exec --cwd) set to /proc/self/fd/N for N in 3..20 (runc's CVE-2024-21626);
#  - a rootfs whose /dev/null is a symlink to a file under /proc/sys;
#  - a rootfs whose /dev is a symlink to a host folder.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
set_config "$B" root.readonly false
touch "$WORK/HOST-MARKER" "$ROOT/../ROOT-MARKER" 2>/dev/null
mounts_before=$(grep -c . /proc/self/mountinfo)

# Every case first shows that the container ran and made its attempt (so a runtime that refused
# every config could not pass), then that the host was not reached.

# 1. A mount destination that is a symlink to /: the mount lands on the container's root.
ln -s / "$B/rootfs/escape"
set_config "$B" mounts '[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/escape","type":"tmpfs","source":"tmpfs","options":["mode=711"]}]'
set_args "$B" /bin/busybox true
out=$(oc run -b "$B" a1 </dev/null 2>&1)
# The tmpfs covered the container's own root, so its busybox is gone from view.
expect_contains "the mount landed on the container's root" 'exec: "/bin/busybox": stat /bin/busybox: no such file or directory' "$out"
check "the host's / is not covered" test "$(stat -f -c %T /)" != tmpfs
expect_eq "the host's mount table is unchanged" "$mounts_before" "$(grep -c . /proc/self/mountinfo)"
rm "$B/rootfs/escape"
assert_clean a1 "$B"
# The same with a link to /tmp: the container runs and finds the tmpfs on its own /tmp.
mkdir -p "$WORK/tmp-before"
ln -s /tmp "$B/rootfs/escape"
set_args "$B" sh -c 'stat -f -c %T /tmp; stat -c %a /tmp'
out=$(oc run -b "$B" a2 </dev/null 2>&1)
expect_eq "the container ran, with the tmpfs on its own /tmp" "tmpfs 711" "$(echo $out)"
check "the host's /tmp is not covered" test "$(stat -f -c %T /tmp)" != tmpfs -o "$(stat -c %a /tmp)" != 711
expect_eq "the host's mount table is unchanged" "$mounts_before" "$(grep -c . /proc/self/mountinfo)"
rm "$B/rootfs/escape"
assert_clean a2 "$B"

# 2. cwd through a leftover file descriptor, for create and for exec.
set_config "$B" mounts '[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs"}]'
set_args "$B" sh -c 'pwd; ls .. ../.. ../../.. 2>&1'
leaked="" ran=0 refused=0
for n in $(seq 3 20); do
        set_config "$B" process.cwd "\"/proc/self/fd/$n\""
        out=$(oc run -b "$B" "c$n" </dev/null 2>&1)
        case "$out" in
        *MARKER*) leaked="$leaked $n" ;;
        *"process.cwd"*) refused=$((refused + 1)) ;;
        *) ran=$((ran + 1)) ;;
        esac
        oc delete -f "c$n" >/dev/null 2>&1
done
expect_eq "process.cwd=/proc/self/fd/N never reaches the host (N=3..20)" "" "$leaked"
check "each such cwd was tried: refused by name or run inside ($refused refused, $ran ran)" test $((refused + ran)) = 18
# The control: a cwd that is a real directory of the rootfs is entered, and ls shows its files.
set_config "$B" process.cwd '"/bin"'
expect_contains "control: a real cwd is entered" "/bin" "$(oc run -b "$B" c0 </dev/null 2>&1)"
set_config "$B" process.cwd '"/"'
set_args "$B" sleep 1000
oc run -d -b "$B" cx </dev/null >/dev/null 2>&1
leaked=""
for n in $(seq 3 20); do
        out=$(oc exec --cwd "/proc/self/fd/$n" cx sh -c 'pwd; ls .. ../.. ../../..' </dev/null 2>&1)
        case "$out" in *MARKER*) leaked="$leaked $n" ;; esac
done
expect_eq "exec --cwd /proc/self/fd/N never reaches the host (N=3..20)" "" "$leaked"
expect_eq "control: exec with a real cwd runs there" "/bin" "$(oc exec --cwd /bin cx pwd </dev/null 2>&1)"
oc delete -f cx
assert_clean cx "$B"

# 3. /dev/null a symlink to a /proc/sys file, with and without a /dev tmpfs.
core=$(cat /proc/sys/kernel/core_pattern)
mkdir -p "$B/rootfs/dev"
ln -sf /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
set_config "$B" linux.maskedPaths '["/proc/kcore","/proc/keys","/proc/timer_list"]'
set_args "$B" sh -c 'echo attack > /dev/null; stat -c "%F %t,%T" /dev/null; cat /proc/sys/kernel/core_pattern'
for m in with-tmpfs no-dev-mount; do
        [ $m = no-dev-mount ] && set_config "$B" mounts '[{"destination":"/proc","type":"proc","source":"proc"}]'
        ln -sf /proc/sys/kernel/core_pattern "$B/rootfs/dev/null"
        out=$(oc run -b "$B" "n-$m" </dev/null 2>&1)
        expect_contains "$m: /dev/null inside is the null device" "character special file 1,3" "$out"
        expect_eq "$m: the host's core_pattern is untouched" "$core" "$(cat /proc/sys/kernel/core_pattern)"
        assert_clean "n-$m" "$B"
done
rm -rf "$B/rootfs/dev"

# 4. /dev a symlink to a host folder: everything stays inside the rootfs.
mkdir -p "$WORK/hostdev"
ln -s "$WORK/hostdev" "$B/rootfs/dev"
set_config "$B" mounts '[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs"}]'
set_args "$B" sh -c 'echo x > /dev/null && echo ok'
out=$(oc run -b "$B" d1 </dev/null 2>&1)
# The link leads nowhere inside the rootfs: refused by name (the mount never reaches the host).
expect_contains "the /dev mount through the link is refused by name" "mounts[1]: destination /dev: No such file or directory" "$out"
expect_eq "the host folder stays empty" "" "$(ls -A "$WORK/hostdev")"
expect_eq "the host's mount table is unchanged" "$mounts_before" "$(grep -c . /proc/self/mountinfo)"
check "nothing was mounted on the host folder" sh -c "! grep -q ' $WORK/hostdev ' /proc/self/mountinfo"
assert_clean d1 "$B"
finish
