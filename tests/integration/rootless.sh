#!/bin/bash
# ocictl run by an unprivileged user, as podman rootless runs its runtime: runc's rootless spec
# (`spec --rootless`: the user's own ids mapped to root in a user namespace), state under
# $XDG_RUNTIME_DIR/ocictl, no cgroup without a delegated subtree (a warning, as runc), and nothing
# of root's within reach: not root's state, not root's files.
. "$(dirname "$0")/lib.sh"

USER_NAME=ocictl-rootless
id "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME" ||
        skip "cannot create the test user"
U=$(id -u "$USER_NAME")
G=$(id -g "$USER_NAME")
XDG="$WORK/xdg"
mkdir -p "$XDG" && chown "$U:$G" "$XDG" && chmod 0700 "$XDG"
chmod 0755 "$WORK"
# as_user CMD...: the command as the test user, in its own runtime directory.
as_user() { setpriv --reuid="$U" --regid="$G" --clear-groups env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" "$@"; }

B="$WORK/bundle"
make_bundle "$B" || fail "make bundle"
rm -f "$B/config.json"
chown -R "$U:$G" "$B"
as_user "$OCICTL" spec --rootless -b "$B"
expect_eq "spec --rootless writes a config as the user" 0 "$?"
(cd "$WORK" && mkdir -p runc-spec && cd runc-spec && runc spec --rootless 2>/dev/null)
rootless_parts() { python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))
print(json.dumps([c["mounts"], c["linux"]["namespaces"], c["linux"].get("resources")], sort_keys=True))' "$1"; }
if [ -f "$WORK/runc-spec/config.json" ]; then
        expect_eq "... with runc's rootless mounts and namespaces" "$(rootless_parts "$WORK/runc-spec/config.json")" "$(rootless_parts "$B/config.json")"
fi
expect_eq "... mapping the user's own uid to root" "[{\"containerID\": 0, \"hostID\": $U, \"size\": 1}]" \
        "$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["linux"]["uidMappings"]))' "$B/config.json")"
set_config "$B" process.terminal false
# No network beyond its own loopback (runc's rootless spec shares the host's).
add_namespace "$B" network
set_args "$B" sh -c 'echo uid=$(id -u); cat /proc/self/uid_map; cat /proc/net/dev | grep -c :'
chown "$U:$G" "$B/config.json"

out=$(as_user "$OCICTL" --debug run -b "$B" r1 </dev/null 2>"$WORK/err")
expect_eq "run as the user" 0 "$?"
expect_contains "... the process is root inside" "uid=0" "$out"
expect_eq "... which is the user outside" "0 $U 1" "$(echo "$out" | sed -n 2p | tr -s ' ' | sed 's/^ //')"
expect_eq "... with only its own loopback" 1 "$(echo "$out" | sed -n 3p)"
expect_contains "... and no cgroup without a delegated subtree (--debug says so)" "no delegated cgroup subtree" "$(cat "$WORK/err")"
expect_eq "... said nowhere else: clients read stderr as the error" "" "$(as_user "$OCICTL" run -b "$B" r1b </dev/null 2>&1 >/dev/null)"
expect_eq "... nothing left in the user's state" "" "$(ls "$XDG/ocictl" 2>/dev/null)"
out=$(as_user "$OCICTL" --rootless false run -b "$B" r2 </dev/null 2>&1)
expect_eq "--rootless false: a cgroup is required" 1 "$?"
expect_contains "... and the refusal is named" "cannot create cgroup" "$out"
expect_eq "--rootless true works as auto does here" 0 "$(as_user "$OCICTL" --rootless true run -b "$B" r3 </dev/null >/dev/null 2>&1; echo $?)"
expect_contains "--rootless takes true, false or auto" "is not true, false or auto" "$(as_user "$OCICTL" --rootless maybe list 2>&1)"

# The lifecycle, verb by verb, as a client runs it.
set_args "$B" sleep 1000
as_user "$OCICTL" create -b "$B" c1 </dev/null >/dev/null 2>&1
expect_eq "create" "created" "$(as_user "$OCICTL" state c1 2>&1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>&1)"
[ -d "$XDG/ocictl/c1" ]
expect_eq "... the state is under \$XDG_RUNTIME_DIR/ocictl" 0 "$?"
expect_eq "... owned by the user" "$U" "$(stat -c %u "$XDG/ocictl/c1" 2>&1)"
as_user "$OCICTL" start c1 >/dev/null 2>&1
expect_eq "start" "running" "$(as_user "$OCICTL" state c1 2>&1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>&1)"
expect_eq "exec" "0" "$(as_user "$OCICTL" exec c1 id -u 2>&1)"
pid=$(as_user "$OCICTL" state c1 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
expect_eq "init runs as the user on the host" "$U" "$(stat -c %u "/proc/$pid" 2>&1)"
expect_contains "pause without a cgroup is refused by name" "has no cgroup" "$(as_user "$OCICTL" pause c1 2>&1)"

# Nothing of root's: root's containers and state, root's files.
mkdir -p "$WORK/rootroot"
oc run -d -b "$WORK/rootroot" r0 </dev/null >/dev/null 2>&1 || { make_bundle "$WORK/rootroot" sleep 1000 && oc run -d -b "$WORK/rootroot" r0 </dev/null >/dev/null 2>&1; }
expect_eq "root's container runs" "running" "$(oc state r0 2>&1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>&1)"
as_user "$OCICTL" --root "$ROOT" delete -f r0 >/dev/null 2>&1
expect_eq "the user cannot delete root's container" "running" "$(oc state r0 2>&1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>&1)"
as_user "$OCICTL" --root "$ROOT" kill r0 KILL >/dev/null 2>&1
expect_eq "... nor kill it" "running" "$(oc state r0 2>&1 | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>&1)"
oc delete -f r0 >/dev/null 2>&1
# A file only root may read, bound into the container: it is there, and its root, being the user,
# cannot read it. The same bundle as root reads it: the check sees a difference.
echo secret > "$WORK/root-only"
chmod 0600 "$WORK/root-only"
S="$WORK/secret-bundle"
mkdir -p "$S" && ln -s "$B/rootfs" "$S/rootfs" && cp "$B/config.json" "$S/config.json"
set_config "$S" mounts "$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1]))["mounts"]
m.append({"destination": "/secret", "type": "bind", "source": sys.argv[2], "options": ["bind", "ro"]})
print(json.dumps(m))' "$S/config.json" "$WORK/root-only")"
set_args "$S" sh -c 'ls /secret && cat /secret'
chown -R "$U:$G" "$S"
out=$(as_user "$OCICTL" run -b "$S" s1 </dev/null 2>&1)
expect_contains "a root-only file bound in is there" "/secret" "$out"
expect_contains "... and the container's root cannot read it" "Permission denied" "$out"
expect_eq "... which root's container can" "secret" "$(del_config "$S" linux.uidMappings; del_config "$S" linux.gidMappings
        set_config "$S" linux.namespaces '[{"type": "mount"}, {"type": "pid"}, {"type": "uts"}]'; oc run -b "$S" s2 </dev/null 2>&1 | tail -1)"

# A limit needs a cgroup: refused by name, not ignored.
as_user "$OCICTL" kill c1 KILL >/dev/null 2>&1
sleep 0.2
as_user "$OCICTL" delete c1 >/dev/null 2>&1
expect_eq "delete" "" "$(ls "$XDG/ocictl" 2>/dev/null)"
set_config "$B" linux.resources '{"pids": {"limit": 10}}'
chown "$U:$G" "$B/config.json"
out=$(as_user "$OCICTL" run -b "$B" c2 </dev/null 2>&1)
expect_eq "a limit without a delegated cgroup fails" 1 "$?"
expect_contains "... naming why" "Permission denied" "$out"
expect_eq "... and leaves nothing" "" "$(ls "$XDG/ocictl" 2>/dev/null)"
# More than the user's own ids: the ranges of /etc/subuid and /etc/subgid, written by shadow's
# newuidmap and newgidmap (setgroups stays allowed then). Without the ranges, a named failure.
M="$WORK/ranges-bundle"
mkdir -p "$M" && ln -s "$B/rootfs" "$M/rootfs" && cp "$B/config.json" "$M/config.json"
ranges="[{\"containerID\": 0, \"hostID\": $U, \"size\": 1}, {\"containerID\": 1, \"hostID\": 300000, \"size\": 65536}]"
set_config "$M" linux.uidMappings "$ranges"
set_config "$M" linux.gidMappings "$(echo "$ranges" | sed "s/\"hostID\": $U,/\"hostID\": $G,/")"
del_config "$M" linux.resources
set_args "$M" sh -c 'cat /proc/self/uid_map | tr -s " " | sed "s/^ //"; cat /proc/self/setgroups'
chown -R "$U:$G" "$M"
added_subids=""
if ! grep -q "^$USER_NAME:" /etc/subuid 2>/dev/null; then
        out=$(as_user "$OCICTL" run -b "$M" m0 </dev/null 2>&1)
        expect_contains "subordinate ranges the user lacks: named" "newuidmap failed" "$out"
        usermod --add-subuids 300000-365535 --add-subgids 300000-365535 "$USER_NAME" && added_subids=1
fi
out=$(as_user "$OCICTL" run -b "$M" m1 </dev/null 2>&1)
expect_eq "the user's subordinate ranges through newuidmap/newgidmap" "0 $U 1 1 300000 65536 allow" "$(echo "$out" | tr '\n' ' ' | sed 's/ $//')"

# podman rootless with ocictl as its runtime: podman runs it as root of podman's own user
# namespace (the user's subordinate ids mapped), where ocictl keeps its state under
# $XDG_RUNTIME_DIR, binds device nodes instead of making them, and goes without a cgroup.
if command -v podman >/dev/null; then
        mkdir -p "$WORK/home" && chown "$U:$G" "$WORK/home"
        printf '[containers]\nnetns = "none"\ndefault_ulimits = []\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nevents_logfile_path = "%s"\n' \
                "$WORK/home/events.log" > "$WORK/podman.conf"
        pu() { as_user env HOME="$WORK/home" CONTAINERS_CONF="$WORK/podman.conf" podman --storage-driver vfs \
                --root "$WORK/home/storage" --runroot "$XDG/podman-run" "$@"; }
        tar -C "$B/rootfs" -c . | pu import - localhost/rootless-busybox >/dev/null 2>&1
        out=$(pu --runtime "$OCICTL" run --rm localhost/rootless-busybox sh -c 'id -u; cat /proc/self/uid_map' 2>&1)
        expect_eq "podman rootless: run --rm on ocictl" "0" "$(echo "$out" | head -1)"
        expect_contains "... in podman's user namespace, the subordinate ids mapped" "300000" "$out"
        expect_eq "... a missing command is 127, as with runc" \
                "$(pu --runtime "$(command -v runc)" run --rm localhost/rootless-busybox nosuchcmd >/dev/null 2>&1; echo $?)" \
                "$(pu --runtime "$OCICTL" run --rm localhost/rootless-busybox nosuchcmd >/dev/null 2>&1; echo $?)"
        pu --runtime "$OCICTL" run -d --name pd1 localhost/rootless-busybox sleep 1000 >/dev/null 2>&1
        expect_eq "... run -d and exec" "in-exec" "$(pu exec pd1 echo in-exec 2>&1)"
        pu stop -t 1 pd1 >/dev/null 2>&1
        expect_eq "... stop" "exited" "$(pu inspect pd1 --format '{{.State.Status}}' 2>&1)"
        pu rm pd1 >/dev/null 2>&1
        expect_eq "... rm: no state left" "" "$(ls "$XDG/ocictl" 2>/dev/null)"
        # podman's pause process holds its user namespace: it goes with the test.
        pkill -u "$U" catatonit 2>/dev/null
        sleep 0.2
else
        fail "podman rootless: podman is not installed (apt-get install podman)"
fi
[ -n "$added_subids" ] && usermod --del-subuids 300000-365535 --del-subgids 300000-365535 "$USER_NAME"

# A killed init is a zombie of PID 1 until PID 1 reaps it (lib.sh): only live ones count.
expect_eq "no process of the user's left" "" "$(ps -u "$U" -o stat=,pid=,comm= | grep -v '^Z')"
finish
