#!/bin/bash
# The user namespace: created first by stage 1 while stage 0 writes the maps, or joined by path;
# root inside is an unprivileged uid outside, device nodes are bind mounts, exec joins it.
. "$(dirname "$0")/lib.sh"

# The mapped root must be able to reach the bundle (as with runc): mktemp made WORK 0700.
chmod 711 "$WORK"
B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
set_config "$B" linux.namespaces '[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"user"}]'
set_config "$B" linux.uidMappings '[{"containerID":0,"hostID":200000,"size":65536}]'
set_config "$B" linux.gidMappings '[{"containerID":0,"hostID":300000,"size":1000},{"containerID":1000,"hostID":400000,"size":10}]'

oc run -d --pid-file "$WORK/u1.pid" -b "$B" u1 </dev/null >"$WORK/u1.out" 2>&1 || cat "$WORK/u1.out"
expect_eq "a container with a user namespace runs" 0 "$?"
pid=$(cat "$WORK/u1.pid")
expect_eq "init runs as the mapped uid on the host" 200000 "$(stat -c %u /proc/$pid)"
expect_eq "and the mapped gid" 300000 "$(awk '/^Gid:/ { print $2 }' /proc/$pid/status)"
ex() { oc exec u1 "$@" </dev/null 2>&1; }
expect_eq "uid_map inside" "0 200000 65536" "$(ex cat /proc/self/uid_map | tr -s ' ' | sed 's/^ //')"
expect_eq "gid_map inside" "0 300000 1000|1000 400000 10" "$(ex cat /proc/self/gid_map | tr -s ' ' | sed 's/^ //' | paste -sd'|')"
expect_eq "root inside" "0 0" "$(ex sh -c 'echo $(id -u) $(id -g)')"
expect_eq "host root's files are unmapped inside" 65534 "$(ex stat -c %u /bin/busybox)"
expect_eq "device nodes are bind mounts that work" ok "$(ex sh -c 'echo x > /dev/null && head -c1 /dev/zero | wc -c | grep -q 1 && echo ok')"
expect_eq "the container's own tmpfs belongs to its root" 0 "$(ex stat -c %u /dev/shm)"
out=$(ex sh -c 'echo 1 > /proc/sys/kernel/panic 2>&1 || echo denied')
expect_contains "root inside is not root of the host" denied "$out"
oc exec -d --pid-file "$WORK/e.pid" u1 sleep 100 </dev/null >/dev/null 2>&1
expect_eq "exec joins the user namespace" 200000 "$(stat -c %u /proc/$(cat "$WORK/e.pid"))"
expect_eq "the user namespace is the container's" "$(readlink /proc/$pid/ns/user)" "$(readlink /proc/$(cat "$WORK/e.pid")/ns/user)"

# Joining an existing user namespace by path (with new other namespaces owned by it).
J="$WORK/joiner"
mkdir -p "$J"
ln -s "$B/rootfs" "$J/rootfs"
cp "$B/config.json" "$J/config.json"
del_config "$J" linux.uidMappings
del_config "$J" linux.gidMappings
set_config "$J" linux.namespaces "[{\"type\":\"user\",\"path\":\"/proc/$pid/ns/user\"},{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"ipc\"},{\"type\":\"network\"}]"
del_config "$J" hostname
set_args "$J" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map | tr -s " " | sed "s/^ //"'
out=$(oc run -b "$J" u2 </dev/null 2>&1)
expect_eq "joined the user namespace by path" "$(readlink /proc/$pid/ns/user)" "$(echo "$out" | sed -n 1p)"
expect_eq "with its maps" "0 200000 65536" "$(echo "$out" | sed -n 2p)"
assert_clean u2 "$J"

oc delete --force u1
assert_clean u1 "$B"

# "idmap" without maps of its own takes the container's: host root's files are root's inside.
mkdir -p "$WORK/shared" "$B/rootfs/shared"
touch "$WORK/shared/root-file"
python3 - "$B/config.json" "$WORK/shared" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/shared", "type": "bind", "source": sys.argv[2], "options": ["bind", "idmap"]})
c["process"]["args"] = ["sh", "-c", "stat -c %u:%g /shared/root-file /bin/busybox | tr '\\n' ' '"]
json.dump(c, open(sys.argv[1], "w"))
PY
expect_eq "idmap with the container's maps: root's file is root's inside (the rest is not)" "0:0 65534:65534 " \
        "$(oc run -b "$B" u4 </dev/null 2>&1)"
assert_clean u4 "$B"

# The stages are not dumpable (issue 10), so inside a user namespace their /proc/self is the host
# root's: oomScoreAdj, a time namespace's offsets and a net sysctl are still set.
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/shared"]
c["linux"]["namespaces"].append({"type": "time"})
c["linux"]["timeOffsets"] = {"boottime": {"secs": 864000, "nanosecs": 0}, "monotonic": {"secs": 864000, "nanosecs": 0}}
c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}
c["process"]["oomScoreAdj"] = 234
c["process"]["args"] = ["sh", "-c", "cat /proc/self/oom_score_adj /proc/sys/net/ipv4/ip_forward; cut -d. -f1 /proc/uptime"]
json.dump(c, open(sys.argv[1], "w"))
PY
out=$(oc run -b "$B" u5 </dev/null 2>&1)
expect_eq "user namespace: oomScoreAdj and the sysctl are set" "234 1" "$(echo "$out" | sed -n 1,2p | paste -sd' ')"
check "user namespace: the boottime offset is in place" test "$(echo "$out" | sed -n 3p)" -ge 864000
assert_clean u5 "$B"

# A bind source the mapped root cannot reach (a 0700 folder of the host's root): opened on the
# host before the user namespace, as runc does, so the container gets it all the same.
mkdir -p "$WORK/private/inner" "$B/rootfs/priv"
echo secret-ok > "$WORK/private/inner/file"
chmod 700 "$WORK/private"
python3 - "$B/config.json" "$WORK/private/inner" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["mounts"].append({"destination": "/priv", "type": "bind", "source": sys.argv[2], "options": ["rbind", "ro"]})
c["process"]["args"] = ["cat", "/priv/file"]
json.dump(c, open(sys.argv[1], "w"))
PY
check "the mapped root itself cannot reach the source" sh -c "! setpriv --reuid 200000 --regid 200000 --clear-groups cat '$WORK/private/inner/file' 2>/dev/null"
expect_eq "a bind source only the host's root can reach, in a user namespace" "secret-ok" "$(oc run -b "$B" u6 </dev/null 2>&1)"
assert_clean u6 "$B"

# A map without 0: nobody can be root inside.
set_config "$B" linux.uidMappings '[{"containerID":1,"hostID":200000,"size":10}]'
out=$(oc run -b "$B" u3 </dev/null 2>&1)
expect_eq "a map without root fails" 1 "$?"
expect_contains "and says why" "become root in the user namespace" "$out"
assert_clean u3 "$B"
finish
