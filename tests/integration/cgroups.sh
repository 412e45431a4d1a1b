#!/bin/bash
# The container's cgroup on this host's layout: created from linux.cgroupsPath in every
# hierarchy, init inside it before the user's process runs, memory and pids limits and the
# device rules written, and everything removed by delete (also when create fails half-way).
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
add_namespace "$B" cgroup
CG="ocictl-test-$$"
set_config "$B" linux.cgroupsPath "\"/$CG/c1\""
set_config "$B" linux.resources '{"memory":{"limit":67108864},"pids":{"limit":32},"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rw"}]}'

hierarchy_of() { awk -v c="$1" '$3 == "cgroup" && $4 ~ "(^|,)"c"(,|$)" { print $2; exit }' /proc/self/mounts; }
v2_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

oc create -b "$B" --pid-file "$WORK/pid" c1 </dev/null >/dev/null 2>&1
expect_eq "create with limits" 0 "$?"
pid=$(cat "$WORK/pid")
mem=$(hierarchy_of memory)
pids=$(hierarchy_of pids)
if [ -n "$mem" ]; then
        expect_eq "memory limit written" 67108864 "$(cat "$mem/$CG/c1/memory.limit_in_bytes")"
        check "init is in the memory cgroup before start" grep -qx "$pid" "$mem/$CG/c1/cgroup.procs"
elif [ -n "$v2_root" ]; then
        expect_eq "memory.max written" 67108864 "$(cat "$v2_root/$CG/c1/memory.max")"
fi
if [ -n "$pids" ]; then
        expect_eq "pids limit written" 32 "$(cat "$pids/$CG/c1/pids.max")"
fi
devices=$(hierarchy_of devices)
if [ -n "$devices" ]; then
        list=$(cat "$devices/$CG/c1/devices.list")
        expect_contains "the spec's device rule" "c 1:3 rw" "$list"
        expect_contains "runc's default rules follow" "c 136:* rwm" "$list"
        check "deny-all replaced the parent's a *:* rwm" sh -c "! grep -qx 'a \*:\* rwm' '$devices/$CG/c1/devices.list'"
fi
for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts); do
        check "cgroup made in $h" test -d "$h/$CG/c1"
done
oc start c1
set_args "$B" true

# Inside: the device rules hold even for root with every file permission.
set_config "$B" linux.cgroupsPath "\"/$CG/c2\""
set_config "$B" process.capabilities '{"bounding":["CAP_MKNOD","CAP_DAC_OVERRIDE"],"effective":["CAP_MKNOD","CAP_DAC_OVERRIDE"],"permitted":["CAP_MKNOD","CAP_DAC_OVERRIDE"]}'
set_config "$B" root.readonly false
# /dev/console (c 5:1) is in neither the spec's rules nor runc's default ones.
set_args "$B" sh -c 'mknod /tmp/console c 5 1 && { (echo -n > /tmp/console) 2>/dev/null && echo console-opened || echo console-denied; }; echo x > /dev/null && echo null-ok'
out=$(oc run -b "$B" c2 </dev/null 2>&1)
if [ -n "$devices" ]; then
        expect_contains "a device outside the rules cannot be opened" "console-denied" "$out"
fi
expect_contains "an allowed device can be used" "null-ok" "$out"
assert_clean c2 "$B"

# The pids limit is enforced: counted from the host, in the container's cgroup.
set_config "$B" linux.cgroupsPath "\"/$CG/c3\""
set_config "$B" linux.resources '{"pids":{"limit":5}}'
# (busybox sh gives up when a fork fails: the forks happen in a subshell.)
set_args "$B" sh -c '(for i in 1 2 3 4 5 6 7 8; do sleep 100 & done) 2>/dev/null; exec sleep 100'
oc run -d -b "$B" c3 </dev/null >/dev/null 2>&1
sleep 1
if [ -n "$pids" ]; then
        n=$(wc -l < "$pids/$CG/c3/cgroup.procs")
        check "no more than 5 processes ($n)" test "$n" -le 5 -a "$n" -ge 2
        check "the kernel refused forks at the limit" grep -q "^max [1-9]" "$pids/$CG/c3/pids.events"
fi
oc delete --force c3
assert_clean c3 "$B"

# How init gets there: born in its cgroup2 cgroup by clone3(CLONE_INTO_CGROUP), the v1
# hierarchies joined through their tasks files (one thread: no threadgroup lock); where clone3
# is refused (kernels before 5.3, Docker's seccomp profile), cgroup2 is joined through
# cgroup.procs. Exec takes the same path.
if [ -n "$v2_root" ]; then
        set_args "$B" sleep 1000
        for how in clone3 no-clone3; do
                id=j-$how
                set_config "$B" linux.cgroupsPath "\"/$CG/$id\""
                wrap=()
                [ $how = no-clone3 ] && wrap=("$BUILD/tests/without-clone3")
                "${wrap[@]}" "$OCICTL" --root "$ROOT" --debug create -b "$B" --pid-file "$WORK/pid-$id" "$id" \
                        </dev/null >"$WORK/out-$id" 2>&1
                expect_eq "create ($how)" 0 "$?"
                if [ $how = clone3 ]; then
                        expect_contains "init born in its cgroup2 cgroup" "cgroup2 joined at clone (CLONE_INTO_CGROUP)" \
                                "$(cat "$WORK/out-$id")"
                else
                        expect_contains "without clone3: joined through cgroup.procs" \
                                "cgroups joined through cgroup.procs" "$(cat "$WORK/out-$id")"
                fi
                pid=$(cat "$WORK/pid-$id")
                expect_eq "init's cgroup2 cgroup ($how)" "0::/$CG/$id" "$(grep '^0::' "/proc/$pid/cgroup")"
                if [ -n "$mem" ]; then
                        check "init's v1 memory cgroup ($how)" grep -qx "$pid" "$mem/$CG/$id/cgroup.procs"
                fi
                # Inside the cgroup namespace, its own cgroup is the root: "0::/" means exec joined it.
                out=$("${wrap[@]}" "$OCICTL" --root "$ROOT" --debug exec "$id" cat /proc/self/cgroup </dev/null 2>&1)
                check "exec'd process in the cgroup2 cgroup ($how)" grep -qx '0::/' <<<"$out"
                if [ $how = clone3 ]; then
                        expect_contains "exec born there too" "cgroup2 joined at clone" "$out"
                fi
                oc delete --force "$id"
                assert_clean "$id" "$B"
        done
fi

# A cgroup2 cgroup that already hands controllers to children cannot take a process ("no
# internal processes"): clone3 is refused, the cgroup.procs write gives the kernel's reason.
ctrl=$(cut -d' ' -f1 "$v2_root/cgroup.subtree_control" 2>/dev/null)
mkdir -p "$v2_root/$CG/busy/child"
if [ -n "$ctrl" ] && echo "+$ctrl" > "$v2_root/$CG/cgroup.subtree_control" &&
   echo "+$ctrl" > "$v2_root/$CG/busy/cgroup.subtree_control"; then
        set_config "$B" linux.cgroupsPath "\"/$CG/busy\""
        oc create -b "$B" busy </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "create in a cgroup with children's controllers fails" 1 "$?"
        expect_contains "... with the kernel's reason" "join the container's cgroup: Device or resource busy" "$(cat "$WORK/err")"
        check "... and the cgroup it did not make stays" test -d "$v2_root/$CG/busy/child"
fi
rmdir "$v2_root/$CG/busy/child" "$v2_root/$CG/busy"
assert_clean busy "$B"

# As runc: a cgroup that already holds a process (another container's) or is frozen is refused
# before anything is put in it, and the process there lives on.
holder=$(hierarchy_of pids)
[ -n "$holder" ] || holder=$v2_root
mkdir -p "$holder/$CG/taken"
sleep 300 &
stranger=$!
echo "$stranger" > "$holder/$CG/taken/cgroup.procs"
set_config "$B" linux.cgroupsPath "\"/$CG/taken\""
oc create -b "$B" taken </dev/null >/dev/null 2>"$WORK/err"
expect_eq "create in a cgroup that holds a process fails" 1 "$?"
expect_contains "... naming the cgroup and the process" \
        "linux.cgroupsPath: \"/$CG/taken\": the cgroup $holder/$CG/taken already holds processes (pid $stranger)" "$(cat "$WORK/err")"
check "... and that process lives on" kill -0 "$stranger"
check "... in its cgroup" grep -qx "$stranger" "$holder/$CG/taken/cgroup.procs"
kill "$stranger"; wait "$stranger" 2>/dev/null
rmdir "$holder/$CG/taken"
assert_clean taken "$B"
freezer=$(hierarchy_of freezer)
if [ -n "$freezer" ]; then
        mkdir -p "$freezer/$CG/cold"
        echo FROZEN > "$freezer/$CG/cold/freezer.state"
        set_config "$B" linux.cgroupsPath "\"/$CG/cold/c\""
        oc create -b "$B" cold </dev/null >/dev/null 2>"$WORK/err"
        expect_eq "create below a frozen cgroup fails" 1 "$?"
        expect_contains "... saying so" "linux.cgroupsPath: \"/$CG/cold/c\": the cgroup is frozen" "$(cat "$WORK/err")"
        echo THAWED > "$freezer/$CG/cold/freezer.state"
        check "... and made nothing below it" test ! -e "$freezer/$CG/cold/c"
        rmdir "$freezer/$CG/cold"
        assert_clean cold "$B"
fi

# delete kills what is left and removes the cgroup in every hierarchy.
oc kill c1 KILL
for _ in $(seq 50); do oc state c1 | grep -q stopped && break; sleep 0.1; done
oc delete c1
expect_eq "delete" 0 "$?"
for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts); do
        check "cgroup removed from $h" test ! -e "$h/$CG/c1"
        rmdir "$h/$CG" 2>/dev/null
done
assert_clean c1 "$B"

# A create that fails after the cgroup was made (bad mount) removes it again, with the parents it
# made.
set_config "$B" linux.cgroupsPath "\"/$CG/deep/c4\""
set_config "$B" mounts '[{"destination":"/x","type":"nosuchfs","source":"x"}]'
oc create -b "$B" c4 </dev/null >/dev/null 2>&1
expect_eq "create fails on a bad mount" 1 "$?"
for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts); do
        check "no cgroup left in $h after a failed create" test ! -e "$h/$CG"
done
assert_clean c4 "$B"
finish
