#!/bin/bash
# System mode with polkit: ocictl installed, a real dbus-daemon of the system kind, Debian's
# polkitd with ocictl's installed actions and a rules file of the test's. Root may do anything;
# a user without a grant is refused with the named error; a member of the granted group creates
# containers and manages its own, not others'; a config that reaches into the host needs
# org.ocictl.manage, field by field (each one shown to work for a caller who has it); the inner
# services stay out of reach.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/system-bus.sh"
command -v useradd >/dev/null || skip "useradd not installed (apt-get install passwd)"

# Three users: one with no grant, one in the group granted org.ocictl.create, one granted
# org.ocictl.manage.
GROUP=ocsys-users
USERS="ocsys-plain ocsys-member ocsys-admin"
remove_users() {
        for u in $USERS; do userdel "$u" >/dev/null 2>&1; done
        groupdel "$GROUP" >/dev/null 2>&1
}
remove_users
groupadd "$GROUP" || fail "groupadd"
useradd -M -N -g nogroup -s /bin/false ocsys-plain &&
        useradd -M -N -g nogroup -G "$GROUP" -s /bin/false ocsys-member &&
        useradd -M -N -g nogroup -s /bin/false ocsys-admin || fail "useradd"
stop_all() {
        stop_system_bus
        remove_users
}
trap stop_all EXIT

RULES="$WORK/rules"
mkdir -p "$RULES"
cat > "$RULES/50-ocictl-test.rules" <<EOF
polkit.addRule(function(action, subject) {
    if (action.id == "org.ocictl.create" && subject.isInGroup("$GROUP"))
        return polkit.Result.YES;
    if (subject.user == "ocsys-admin" && action.id.indexOf("org.ocictl.") == 0)
        return polkit.Result.YES;
});
EOF

install_ocictl
start_system_bus
start_polkitd "$RULES"

as() { # as USER CMD...: run CMD as USER with its groups
        local u=$1
        shift
        setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$@"
}
ocs() { "$OCICTL" --bus-address "$ADDRESS" "$@"; } # ocictl on the system bus
# user_bundle DIR USER CMD...: a bundle that USER owns
user_bundle() {
        local dir=$1 u=$2
        shift 2
        make_bundle "$dir" "$@" || return 1
        chown -R "$u:" "$dir"
}
owner_of() {
        busctl --address="$ADDRESS" get-property org.ocictl.Registry1 "/org/ocictl/container/$1" org.ocictl.Container1 Owner |
                awk '{ print $2 }'
}

# polkit itself, asked directly: the rules are loaded and the actions known.
out=$(as ocsys-member pkcheck --action-id org.ocictl.create --process $$ 2>&1)
check "polkitd knows org.ocictl.create" pkaction --action-id org.ocictl.create
out=$(DBUS_SYSTEM_BUS_ADDRESS="$ADDRESS" pkaction --action-id org.ocictl.manage --verbose 2>&1)
expect_contains "the installed actions default to auth_admin" "implicit any:      auth_admin" "$out"

# A user without a grant: refused, with the action named; nothing is left.
BP="$WORK/plain"
user_bundle "$BP" ocsys-plain true || fail "bundle"
out=$(cd "$BP" && as ocsys-plain "$OCICTL" --bus-address "$ADDRESS" create -b "$BP" p1 </dev/null 2>&1)
expect_eq "a user without a grant cannot create" 1 "$?"
expect_contains "... the error names the action" "not authorized for org.ocictl.create (uid $(id -u ocsys-plain))" "$out"
assert_clean p1 "$BP"
out=$(cd "$BP" && as ocsys-plain "$OCICTL" --system --no-ask-password create -b "$BP" p1 </dev/null 2>&1)
expect_contains "--system is the system bus (DBUS_SYSTEM_BUS_ADDRESS); --no-ask-password: polkit may not ask" \
        "not authorized for org.ocictl.create (uid $(id -u ocsys-plain)): it needs authentication" "$out"
assert_clean p1 "$BP"

# ocictl --system run, as a granted user: the container's output on the caller's own stdout,
# and the container's status as the command's.
BS="$WORK/system-run"
user_bundle "$BS" ocsys-member sh -c 'echo "out from $(hostname)"; echo err >&2; exit 6' || fail "bundle"
out=$(as ocsys-member "$OCICTL" --system run -b "$BS" s1 </dev/null 2>"$WORK/s1.err")
expect_eq "ocictl --system run exits with the container's status" 6 "$?"
expect_eq "... relays its stdout" "out from ocictl" "$out"
expect_eq "... and its stderr" "err" "$(cat "$WORK/s1.err")"
assert_clean s1 "$BS"

# A member of the granted group: create, start, state, kill, delete, as the shims call them.
BM="$WORK/member"
user_bundle "$BM" ocsys-member sh -c 'echo member-ran > /tmp/out; sleep 100' || fail "bundle"
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" create -b "$BM" m1 </dev/null >"$WORK/m1.out" 2>&1
expect_eq "a member of the granted group creates a container" 0 "$?"
expect_eq "... which it owns" "$(id -u ocsys-member)" "$(owner_of m1)"
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" start m1 2>"$WORK/err"
expect_eq "... and starts (its own)" 0 "$?"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" state m1 2>&1)
expect_contains "... its state says running" '"status": "running"' "$out"
pid=$(echo "$out" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
check "... and the container's process runs as root in its namespaces" test "$(stat -c %u "/proc/${pid:-none}")" = 0

# Others' containers: the plain user may not touch the member's, the member may not touch root's.
BR="$WORK/rootb"
make_bundle "$BR" sleep 100 || fail "bundle"
ocs create -b "$BR" r1 </dev/null >/dev/null 2>&1 && ocs start r1
expect_eq "root creates and starts a container on the system bus" 0 "$?"
out=$(as ocsys-plain "$OCICTL" --bus-address "$ADDRESS" kill m1 KILL 2>&1)
expect_contains "another user may not kill the member's container" "not authorized for org.ocictl.manage" "$out"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" kill r1 KILL 2>&1)
expect_contains "the member may not kill root's container" "not authorized for org.ocictl.manage" "$out"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" delete -f r1 2>&1)
expect_contains "... nor delete it" "not authorized for org.ocictl.manage" "$out"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" pause r1 2>&1)
expect_contains "... nor pause it" "not authorized for org.ocictl.manage" "$out"
out=$(as ocsys-member busctl --address="$ADDRESS" call org.ocictl.Registry1 /org/ocictl/container/r1 org.ocictl.Container1 \
        Update as 1 '{"pids":{"limit":5}}' 2>&1)
expect_contains "... nor update it (busctl, interactive authorization allowed, no agent)" "not authorized for org.ocictl.manage" "$out"
out=$(as ocsys-member busctl --address="$ADDRESS" --allow-interactive-authorization=no call org.ocictl.Registry1 \
        /org/ocictl/container/r1 org.ocictl.Container1 Kill ib 9 false 2>&1)
expect_contains "... and without interactive authorization the error says it needs authentication" \
        "needs authentication" "$out"
check "root's container survived all of it" test "$(ocs state r1 2>/dev/null | grep -c running)" = 1
out=$(as ocsys-admin "$OCICTL" --bus-address "$ADDRESS" pause r1 2>&1 && as ocsys-admin "$OCICTL" --bus-address "$ADDRESS" resume r1 2>&1)
expect_eq "a user granted org.ocictl.manage pauses and resumes root's container" "" "$out"
as ocsys-admin "$OCICTL" --bus-address "$ADDRESS" delete -f r1
expect_eq "... and deletes it" 0 "$?"
assert_clean r1 "$BR"

# The registry keeps a worker that answered for its caller's next call: root's, idle while root's
# `run` waits, runs as root. Another caller's call must never reach it: the plain user's kill of
# root's container, made while that worker waits, is refused as ever (served by a worker of its
# own, which knows its caller).
RW="$WORK/rootwait"
make_bundle "$RW" sleep 100 || fail "bundle"
registry=$(pgrep -x ocictl-registry | head -1)
workers() { ps --ppid "${registry:-0}" -o pid=,comm= | awk '$2 == "ocictl-reg-work" { print $1 }' | sort | paste -sd' '; }
for _ in $(seq 30); do [ "$(workers | wc -w)" = 1 ] && break; sleep 0.1; done
spare=$(workers)
ocs run -b "$RW" r2 </dev/null >/dev/null 2>&1 &
runner=$!
for _ in $(seq 50); do ocs state r2 2>/dev/null | grep -q running && break; sleep 0.1; done
# The spare took root's create and then its start (not a worker per call, each followed by a
# new spare): it is the one worker now, idle for root's connection.
expect_eq "root's run waits, its create and start served by one worker, kept" "$spare" "$(workers)"
out=$(as ocsys-plain "$OCICTL" --bus-address "$ADDRESS" kill r2 KILL 2>&1)
expect_contains "... the plain user may not kill root's container meanwhile" "not authorized for org.ocictl.manage" "$out"
check "... which still runs" test "$(ocs state r2 2>/dev/null | grep -c running)" = 1
ocs kill r2 KILL
wait "$runner"
expect_eq "root's own kill ends its run (SIGKILL's status)" 137 "$?"
for _ in $(seq 30); do [ "$(workers | wc -w)" = 1 ] && [ "$(workers)" != "$spare" ] && break; sleep 0.1; done
check "once root's run has gone, its worker is gone too, and a new spare is ready" \
        test "$(workers | wc -w)" = 1 -a "$(workers)" != "$spare"
assert_clean r2 "$RW"

out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" kill m1 KILL 2>&1)
expect_eq "the member kills its own container" "" "$out"
for _ in $(seq 50); do ocs state m1 2>/dev/null | grep -q stopped && break; sleep 0.1; done
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" delete m1
expect_eq "... and deletes it" 0 "$?"
assert_clean m1 "$BM"

# The inner services: not for a user, even a granted one (bus policy; the services check too).
for svc in Spec1 Cgroups1 Spawner1; do
        out=$(as ocsys-admin busctl --address="$ADDRESS" call "org.ocictl.$svc" "/org/ocictl/$svc" \
                org.freedesktop.DBus.Introspectable Introspect 2>&1)
        expect_contains "org.ocictl.$svc is out of reach of a granted user" "denied" "$out"
done

# Fields that reach into the host need org.ocictl.manage: the member is refused with the field
# named and nothing left, and the admin (control) gets a container that has it.
privileged_case() { # NAME WANT EDIT...: EDIT is run on a fresh bundle
        local name=$1 want=$2
        shift 2
        local b="$WORK/priv-$name"
        make_bundle "$b" true || return 1
        "$@" "$b"
        chown -R ocsys-member: "$b"
        out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" create -b "$b" "pm-$name" </dev/null 2>&1)
        expect_contains "$name: the member is refused" "config.json: $want: needs org.ocictl.manage" "$out"
        assert_clean "pm-$name" "$b"
        chown -R ocsys-admin: "$b"
        out=$(as ocsys-admin "$OCICTL" --bus-address "$ADDRESS" run -d -b "$b" "pa-$name" </dev/null 2>&1 >/dev/null)
        expect_eq "$name: ... a user granted org.ocictl.manage creates it" "" "$out"
        ocs delete -f "pa-$name" >/dev/null 2>&1
}
host_netns() { python3 - "$1/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(sys.argv[1], "w"))
PY
}
privileged_case host-network "linux.namespaces: the host's network namespace" host_netns
# A uts namespace of root's to join.
unshare -u sleep 1000 &
UTS_HOLDER=$!
join_ns() { python3 - "$1/config.json" "/proc/$UTS_HOLDER/ns/uts" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for n in c["linux"]["namespaces"]:
    if n["type"] == "uts":
        n["path"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"))
PY
}
privileged_case join-namespace "linux.namespaces: joining the uts namespace /proc/$UTS_HOLDER/ns/uts" join_ns
kill $UTS_HOLDER
bind_etc() { set_config "$1" mounts '[{"destination":"/hostetc","type":"bind","source":"/etc","options":["rbind","ro"]}]'; }
privileged_case bind-mount "mounts[0]: a bind mount of the host's /etc" bind_etc
add_hook() { set_config "$1" hooks '{"prestart":[{"path":"/bin/true"}]}'; }
privileged_case hook "hooks.prestart: hooks run on the host as root" add_hook
add_device() { set_config "$1" linux.devices '[{"path":"/dev/sda-test","type":"b","major":8,"minor":0}]'; }
privileged_case device "linux.devices: host devices" add_device
allow_devices() { set_config "$1" linux.resources '{"devices":[{"allow":true,"access":"rwm"}]}'; }
privileged_case device-rule "linux.resources.devices[0]: access to host devices" allow_devices
sys_admin() { set_config "$1" process.capabilities '{"bounding":["CAP_SYS_ADMIN"],"effective":["CAP_SYS_ADMIN"],"permitted":["CAP_SYS_ADMIN"]}'; }
privileged_case capability "process.capabilities.bounding: CAP_SYS_ADMIN" sys_admin
cgroup_path() { set_config "$1" linux.cgroupsPath /ocsys-test-cg; }
privileged_case cgroups-path "linux.cgroupsPath: a cgroup of the caller's choosing" cgroup_path
unmask() { set_config "$1" linux.maskedPaths '[]'; }
privileged_case masked-paths "linux.maskedPaths: /proc/acpi is not masked" unmask
oom() { set_config "$1" process.oomScoreAdj -1; }
# Not for the admin either on this host (root lacks CAP_SYS_RESOURCE, DESIGN.md): the refusal alone.
b="$WORK/priv-oom"
make_bundle "$b" true && oom "$b" && chown -R ocsys-member: "$b"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" create -b "$b" pm-oom </dev/null 2>&1)
expect_contains "oomScoreAdj below 0: the member is refused" "process.oomScoreAdj: -1 protects the container" "$out"
assert_clean pm-oom "$b"

# A rootfs the member does not own (here root's): the container would write someone else's tree.
BRO="$WORK/root-owned"
make_bundle "$BRO" true || fail "bundle"
chown ocsys-member: "$BRO" "$BRO/config.json"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" create -b "$BRO" pm-rootfs </dev/null 2>&1)
expect_contains "a rootfs of another uid: the member is refused" "root.path: $BRO/rootfs belongs to uid 0, not to the caller" "$out"
assert_clean pm-rootfs "$BRO"
chown -R ocsys-member: "$BRO"
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" run -d -b "$BRO" pm-rootfs </dev/null >/dev/null 2>&1
expect_eq "control: the same bundle, once the member owns it, runs" 0 "$?"
ocs delete -f pm-rootfs >/dev/null 2>&1

# exec: the owner may exec into its own container, others need org.ocictl.exec; capabilities
# beyond the default set need org.ocictl.manage even for the owner.
BE="$WORK/exec"
user_bundle "$BE" ocsys-member sleep 100 || fail "bundle"
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" run -d -b "$BE" e1 </dev/null >/dev/null 2>&1
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" exec e1 echo in-e1 </dev/null 2>&1)
expect_eq "the owner execs into its container" "in-e1" "$out"
out=$(as ocsys-plain "$OCICTL" --bus-address "$ADDRESS" exec e1 echo in-e1 </dev/null 2>&1)
expect_contains "another user may not" "not authorized for org.ocictl.exec" "$out"
out=$(as ocsys-member "$OCICTL" --bus-address "$ADDRESS" exec --cap CAP_SYS_ADMIN e1 true </dev/null 2>&1)
expect_contains "the owner's exec with CAP_SYS_ADMIN needs org.ocictl.manage" \
        "process.capabilities.bounding: CAP_SYS_ADMIN: needs org.ocictl.manage" "$out"
out=$(as ocsys-admin "$OCICTL" --bus-address "$ADDRESS" exec e1 echo admin-in-e1 </dev/null 2>&1)
expect_eq "control: a user granted every action execs into it" "admin-in-e1" "$out"
as ocsys-member "$OCICTL" --bus-address "$ADDRESS" delete -f e1
expect_eq "the owner deletes its running container with -f" 0 "$?"
assert_clean e1 "$BE"
finish
