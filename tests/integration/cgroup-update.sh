#!/bin/bash
# update (runc's flags, -r FILE and -r -), pause and resume, events (--stats, the stream, oom)
# and delete of a paused container, on this host's cgroups.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sh -c 'while :; do :; done' || fail "make bundle"
TEST_CGROUP="ocictl-upd-$$"
set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/c1\""
set_config "$B" linux.resources '{"memory":{"limit":67108864,"checkBeforeUpdate":true},"cpu":{"quota":50000,"period":100000},"pids":{"limit":32}}'
mem=$(cgroup_dir_of memory)/$TEST_CGROUP/c1
cpu=$(cgroup_dir_of cpu)/$TEST_CGROUP/c1
pids=$(cgroup_dir_of pids)/$TEST_CGROUP/c1
v2root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ "$(cgroup_dir_of memory)" = "$v2root" ]; then mem_limit=memory.max; else mem_limit=memory.limit_in_bytes; fi
if [ "$(cgroup_dir_of cpu)" = "$v2root" ]; then cpu_v2=1; else cpu_v2=""; fi
quota() { if [ -n "$cpu_v2" ]; then cut -d' ' -f1 "$cpu/cpu.max"; else cat "$cpu/cpu.cfs_quota_us"; fi; }

oc run -d -b "$B" c1 </dev/null >/dev/null 2>&1
expect_eq "run a busy container" 0 "$?"

# Flags, with runc's units.
oc update --memory 100m --cpu-quota 20000 --pids-limit 64 c1
expect_eq "update with flags" 0 "$?"
expect_eq "--memory 100m" 104857600 "$(cat "$mem/$mem_limit")"
expect_eq "--cpu-quota" 20000 "$(quota)"
expect_eq "--pids-limit" 64 "$(cat "$pids/pids.max")"

# -r FILE, and a flag given with it wins over the file.
echo '{"memory":{"limit":134217728},"pids":{"limit":100}}' > "$WORK/res.json"
oc update -r "$WORK/res.json" --pids-limit 90 c1
expect_eq "update -r FILE" 134217728 "$(cat "$mem/$mem_limit")"
expect_eq "a flag wins over the file" 90 "$(cat "$pids/pids.max")"
echo '{"cpu":{"quota":30000}}' | oc update -r - c1
expect_eq "update -r - (stdin)" 30000 "$(quota)"

# What update did is what the registry keeps, typed (busctl reads it as Registry1.GetCgroup; here
# the state folder): a later update builds on it.
expect_contains "the state keeps the updated resources" 'resource memory.limit 134217728' "$(grep ^resource "$ROOT/c1/state")"
expect_contains "... and the untouched ones" 'resource cpu.period 100000' "$(grep ^resource "$ROOT/c1/state")"
# A state written before resources were typed holds them as one JSON line: update reads it
# (through the parser) and writes them typed. The test writes such a state by hand.
grep -v '^resource' "$ROOT/c1/state" > "$WORK/old-state"
echo 'resources {"memory":{"limit":134217728,"checkBeforeUpdate":true},"cpu":{"quota":30000,"period":100000},"pids":{"limit":80}}' >> "$WORK/old-state"
cp "$WORK/old-state" "$ROOT/c1/state"
oc update --pids-limit 90 c1
expect_eq "update a container whose state keeps resources as JSON" 0 "$?"
expect_contains "... its resources are typed now" 'resource memory.limit 134217728' "$(grep ^resource "$ROOT/c1/state")"
expect_eq "... and the JSON line is gone" "" "$(grep '^resources ' "$ROOT/c1/state")"
expect_eq "... the pids limit is written" 90 "$(cat "$pids/pids.max")"

# A limit below what the container uses (checkBeforeUpdate), a malformed cpuset, a bad value:
# refused by name, and the previous settings stay.
oc update --memory 4096 c1 2>"$WORK/err"
expect_eq "a limit below the usage fails" 1 "$?"
expect_contains "... naming the field" "memory.limit: 4096 is below the current usage" "$(cat "$WORK/err")"
expect_eq "... and the limit stays" 134217728 "$(cat "$mem/$mem_limit")"
oc update --cpuset-cpus 0-4096 --pids-limit 7 c1 2>"$WORK/err"
expect_eq "a cpuset the host lacks fails" 1 "$?"
expect_contains "... naming the field" "cpu.cpus: cannot write \"0-4096\"" "$(cat "$WORK/err")"
expect_eq "... and the pids limit written before it is put back" 90 "$(cat "$pids/pids.max")"
oc update --cpu-shares 1 c1 2>"$WORK/err"
expect_eq "an out-of-range value fails" 1 "$?"
expect_contains "... naming the field" "cpu.shares: 1 is out of range" "$(cat "$WORK/err")"
oc update --memory lots c1 2>"$WORK/err"
expect_contains "a bad flag value is named" "update: --memory: \"lots\" is not a size" "$(cat "$WORK/err")"
oc update c1 2>"$WORK/err"
expect_eq "update without changes succeeds, as runc (docker update --restart)" "0:" "$?:$(cat "$WORK/err")"
echo '{"memory":{"limit":"1G"}}' > "$WORK/bad.json"
oc update -r "$WORK/bad.json" c1 2>"$WORK/err"
expect_contains "a bad -r file is named" "memory.limit: expected an integer" "$(cat "$WORK/err")"

# events --stats: runc's stats event; the busy loop's CPU time grows between two of them.
oc events --stats c1 > "$WORK/stats1"
expect_eq "events --stats" 0 "$?"
python3 - "$WORK/stats1" <<'PY' || fail "stats event shape"
import json, sys
e = json.load(open(sys.argv[1]))
assert e["type"] == "stats" and e["id"] == "c1", e
d = e["data"]
assert d["memory"]["usage"]["limit"] == 134217728, d["memory"]["usage"]
assert d["pids"]["current"] >= 1 and d["pids"]["limit"] == 90, d["pids"]
assert d["cpu"]["usage"]["total"] > 0, d["cpu"]
PY
sleep 0.5
oc events --stats c1 > "$WORK/stats2"
cpu1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["cpu"]["usage"]["total"])' "$WORK/stats1")
cpu2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["cpu"]["usage"]["total"])' "$WORK/stats2")
check "CPU usage grows while the container works ($cpu1 → $cpu2)" test "$cpu2" -gt "$cpu1"

# pause: every process frozen, status paused; exec and a plain delete refused; resume thaws.
oc pause c1
expect_eq "pause" 0 "$?"
expect_contains "status paused" '"status": "paused"' "$(oc state c1)"
if [ -e "$(cgroup_dir_of freezer)/$TEST_CGROUP/c1/freezer.state" ]; then
        expect_eq "the freezer says FROZEN" FROZEN "$(cat "$(cgroup_dir_of freezer)/$TEST_CGROUP/c1/freezer.state")"
else
        expect_contains "cgroup.events says frozen" "frozen 1" "$(cat "$v2root/$TEST_CGROUP/c1/cgroup.events")"
fi
pid=$(oc state c1 | sed -n 's/.*"pid": \([0-9]*\).*/\1/p')
t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
sleep 0.5
t2=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
expect_eq "a frozen process uses no CPU" "$t1" "$t2"
oc exec c1 true 2>"$WORK/err"
expect_contains "exec refused while paused" "paused" "$(cat "$WORK/err")"
oc delete c1 2>"$WORK/err"
expect_contains "delete refused while paused" "not stopped: paused" "$(cat "$WORK/err")"
oc pause c1 2>"$WORK/err"
expect_contains "pause of a paused container refused" "it is paused" "$(cat "$WORK/err")"
oc resume c1
expect_eq "resume" 0 "$?"
expect_contains "status running again" '"status": "running"' "$(oc state c1)"
sleep 0.3
t3=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
check "the process runs again ($t2 → $t3)" test "$t3" -gt "$t2"
oc resume c1 2>"$WORK/err"
expect_contains "resume of a running container refused" "it is running" "$(cat "$WORK/err")"

# SIGKILL to a paused container thaws it, so the kill takes effect (ctr task kill -s SIGKILL).
oc pause c1
oc kill c1 KILL
for i in $(seq 50); do oc state c1 | grep -q '"stopped"' && break; sleep 0.1; done
expect_contains "SIGKILL of a paused container: it dies" '"status": "stopped"' "$(oc state c1)"
oc delete c1
assert_clean c1 "$B"
oc run -d -b "$B" c1 </dev/null >/dev/null 2>&1 || fail "run c1 again"

# delete --force of a paused container kills, thaws and removes everything.
oc pause c1
oc delete --force c1
expect_eq "delete --force of a paused container" 0 "$?"
assert_clean c1 "$B"

# OOM: a process that outgrows the memory limit is killed, and events reports it; the stream
# prints stats at --interval meanwhile.
set_config "$B" linux.cgroupsPath "\"/$TEST_CGROUP/c2\""
set_config "$B" linux.resources '{"memory":{"limit":16777216,"swap":16777216}}'
set_args "$B" sh -c 'while sleep 0.3; do dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; done'
oc run -d -b "$B" c2 </dev/null >/dev/null 2>&1
expect_eq "run the memory hog" 0 "$?"
oc events --interval 300ms c2 > "$WORK/events" 2>&1 &
events_pid=$!
for _ in $(seq 50); do grep -q '"type":"oom"' "$WORK/events" && break; sleep 0.1; done
expect_contains "an oom event" '{"type":"oom","id":"c2"}' "$(cat "$WORK/events")"
check "stats events in the stream" grep -q '"type":"stats","id":"c2"' "$WORK/events"
oc delete --force c2
wait "$events_pid"
expect_eq "events ends when the container is gone" 0 "$?"
assert_clean c2 "$B"

oc events --stats nosuch 2>"$WORK/err"
expect_contains "events of a missing container" "does not exist" "$(cat "$WORK/err")"
finish
