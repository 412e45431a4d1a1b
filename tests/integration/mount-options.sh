#!/bin/bash
# Mount options that reach mount_setattr: the recursive attributes ("rro", "rnosuid", …) apply
# to every mount of a bind tree, the plain ones to its top only.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
inside() { set_args "$B" sh -c "$1"; oc run -b "$B" "m$RANDOM" </dev/null 2>&1; }

# A host tree with a submount: $WORK/tree (on /tmp's filesystem) and a tmpfs on tree/sub.
mkdir -p "$WORK/tree/sub"
mount -t tmpfs -o mode=755 tmpfs "$WORK/tree/sub"
mounts() { set_config "$B" mounts "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},$1]"; }
probe='for d in /data /data/sub; do touch $d/f 2>/dev/null && echo rw || echo ro; done | tr "\n" " "'

mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"ro\"]}"
expect_eq "ro on an rbind makes only its top read-only" "ro rw " "$(inside "$probe")"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"rro\"]}"
expect_eq "rro makes the whole tree read-only" "ro ro " "$(inside "$probe")"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"rnosuid\",\"rnodev\",\"rnoexec\"]}"
out=$(inside 'awk "\$5 == \"/data/sub\" { print \$6 }" /proc/self/mountinfo')
expect_contains "rnosuid, rnodev, rnoexec reach the submount" "nosuid,nodev,noexec" "$out"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"rro\",\"rrw\"]}"
expect_eq "a later rrw undoes rro" "rw rw " "$(inside "$probe")"
ln -sf /bin/busybox "$WORK/tree/sub/link"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\"]}"
expect_eq "without it the symlink is followed" "followed" \
        "$(inside 'cat /data/sub/link >/dev/null 2>&1 && echo followed || echo ELOOP-or-denied')"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"rnosymfollow\"]}"
expect_contains "rnosymfollow stops symlinks on the submount" "ELOOP-or-denied" \
        "$(inside 'cat /data/sub/link >/dev/null 2>&1 && echo followed || echo ELOOP-or-denied')"
mounts "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"rro\",\"size=1m\"]}"
expect_eq "rro on a new filesystem" "ro" "$(inside 'touch /t/f 2>/dev/null && echo rw || echo ro')"
# Idmapped bind mounts: on-disk ids seen through the mount's own maps (root's file shows as
# 1234), with or without a user namespace for the container; the host sees no change.
mkdir -p "$WORK/idm"
touch "$WORK/idm/root-file" "$WORK/idm/user-file"
chown 1000:1000 "$WORK/idm/user-file"
idmount() { mounts "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$WORK/idm\",\"options\":[\"rbind\",$1],\"uidMappings\":[{\"containerID\":0,\"hostID\":1234,\"size\":1},{\"containerID\":1000,\"hostID\":0,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1234,\"size\":1},{\"containerID\":1000,\"hostID\":0,\"size\":1}]}"; }
idmount '"idmap"'
expect_eq "an idmapped mount shows the mapped owners" "1234:1234 0:0" "$(inside 'echo $(stat -c %u:%g /idm/root-file) $(stat -c %u:%g /idm/user-file)')"
expect_eq "through the map root may write the file that shows as its own" "ok" "$(inside 'echo x > /idm/user-file && echo ok')"
expect_eq "on the host the file is still 1000's" "1000:1000 x" "$(stat -c %u:%g "$WORK/idm/user-file") $(cat "$WORK/idm/user-file")"
idmount '"ridmap","ro"'
expect_eq "ridmap, with other options" "1234 ro" "$(inside 'echo $(stat -c %u /idm/root-file) $(touch /idm/x 2>/dev/null && echo rw || echo ro)')"
out=$(mounts "{\"destination\":\"/idm\",\"type\":\"bind\",\"source\":\"$WORK/nosuch\",\"options\":[\"rbind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}"; oc run -b "$B" idbad </dev/null 2>&1)
expect_contains "a missing source is named" "mounts[1]: bind source $WORK/nosuch: No such file or directory" "$out"
assert_clean idbad "$B"

# Bind mounts with an atime mode (podman and ctr send them): the mode shows in mountinfo
# (strictatime as the absence of relatime and noatime).
atime_of() {
        mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"bind\",\"$1\"]}"
        inside 'awk "\$5 == \"/data\" { print \$6 }" /proc/self/mountinfo' | tr ',' '\n' | grep -E 'atime$' | paste -sd,
}
expect_eq "a bind mount with noatime" "noatime" "$(atime_of noatime)"
expect_eq "a bind mount with relatime" "relatime" "$(atime_of relatime)"
expect_eq "a bind mount with strictatime" "" "$(atime_of strictatime)"
expect_eq "a bind mount with nodiratime" "nodiratime,relatime" "$(atime_of nodiratime)"

# A read-only /dev (podman --read-only, a peer runtime's test): read-only once its submounts and
# device nodes are in place, not before (EROFS).
mkdir -p "$WORK/defspec" && (cd "$WORK/defspec" && "$OCICTL" spec)
set_config "$B" mounts "$(python3 -c '
import json, sys
ms = json.load(open(sys.argv[1]))["mounts"]
for m in ms:
    if m["destination"] == "/dev":
        m["options"] = m.get("options", []) + ["ro"]
print(json.dumps(ms))' "$WORK/defspec/config.json")"
out=$(inside 'touch /dev/x 2>/dev/null && echo rw || echo ro; ls /dev/pts/ptmx /dev/null /dev/shm >/dev/null && echo submounts')
expect_eq "a read-only /dev with /dev/pts, /dev/shm and the device nodes below it" "ro submounts" "$(echo $out)"

# tmpcopyup (podman's --tmpfs, --read-only): the new tmpfs starts with the image's files at its
# destination, modes, owners, links and nodes kept, with runc from the same bundle as reference.
R="$B/rootfs/copied"
mkdir -p "$R/sub/deeper"
echo image-data > "$R/data"
echo private > "$R/file"
chown 1000:1001 "$R/file" && chmod 0640 "$R/file"
cp /bin/busybox "$R/sub/suid" && chmod 4755 "$R/sub/suid"
echo deep > "$R/sub/deeper/f"
chmod 0711 "$R/sub"
ln -s /etc/shadow "$R/host-link" # a link is copied as a link, never followed to the host
listing='cd /copied && find . | sort | while read f; do echo "$f $(stat -c "%A %u:%g" "$f") $(readlink "$f")"; done; cat data sub/deeper/f'
copyup() { mounts "{\"destination\":\"/copied\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[$1]}"; }
copyup '"nosuid","size=4m"'
expect_eq "without tmpcopyup the tmpfs is empty" "0" "$(inside 'ls -A /copied | wc -l')"
copyup '"nosuid","size=4m","tmpcopyup"'
ours=$(inside "$listing; touch /copied/new && echo writable")
expect_contains "tmpcopyup copies the image's files" "image-data" "$ours"
expect_contains "with their owner and mode" "./file -rw-r----- 1000:1001" "$ours"
expect_contains "set-id bits survive the chown" "./sub/suid -rwsr-xr-x 0:0" "$ours"
expect_contains "a link stays a link" "./host-link lrwxrwxrwx 0:0 /etc/shadow" "$ours"
expect_contains "the copy is writable" "writable" "$ours"
check "the image itself is untouched" test ! -e "$R/new"
if command -v runc >/dev/null; then
        set_args "$B" sh -c "$listing; touch /copied/new && echo writable"
        theirs=$(runc --root "$WORK/runc" run -b "$B" rcopy </dev/null 2>&1)
        runc --root "$WORK/runc" delete -f rcopy >/dev/null 2>&1
        expect_eq "tmpcopyup: the same tree as runc's" "$theirs" "$ours"
else
        fail "runc is not installed (the reference for tmpcopyup)"
fi
mkfifo "$R/fifo" # Debian's runc 1.1.5 fails on a fifo (lchown of a node it did not make)
expect_eq "a fifo stays a fifo" "fifo" "$(inside 'stat -c %F /copied/fifo')"
copyup '"ro","tmpcopyup"'
expect_eq "ro with tmpcopyup: copied, then read-only" "image-data ro" \
        "$(inside 'echo $(cat /copied/data) $(touch /copied/x 2>/dev/null && echo rw || echo ro)')"
copyup '"size=4k","tmpcopyup"'
out=$(oc run -b "$B" copyfull </dev/null 2>&1)
expect_eq "a copy that does not fit fails the create" 1 "$?"
expect_contains "naming the mount and the file" "mounts[1]: tmpcopyup: copy /copied/" "$out"
expect_contains "and the reason" "No space left on device" "$out"
assert_clean copyfull "$B"
mounts "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"$WORK/tree\",\"options\":[\"rbind\",\"tmpcopyup\"]}"
expect_contains "tmpcopyup on a bind mount is refused" '"tmpcopyup" is only for a tmpfs' "$(oc run -b "$B" copybind </dev/null 2>&1)"
rm -rf "$R"

umount "$WORK/tree/sub"
expect_eq "the host tree is untouched" "" "$(ls "$WORK/tree/sub")"
finish
