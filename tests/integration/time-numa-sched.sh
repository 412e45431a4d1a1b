#!/bin/bash
# The time namespace with timeOffsets, linux.memoryPolicy and SCHED_DEADLINE with scheduler
# flags, each read back from inside the container; bad values named.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
inside() { set_args "$B" sh -c "$1"; oc run -b "$B" "t$RANDOM" </dev/null 2>&1; }
add_namespace() {
        python3 - "$B/config.json" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"].append({"type": sys.argv[2]})
json.dump(c, open(sys.argv[1], "w"))
PY
}

# Time namespace: uptime (CLOCK_BOOTTIME) starts 10 days ahead; the host's does not change.
host_up=$(cut -d. -f1 /proc/uptime)
add_namespace time
set_config "$B" linux.timeOffsets '{"boottime":{"secs":864000,"nanosecs":0},"monotonic":{"secs":86400}}'
out=$(inside 'cut -d. -f1 /proc/uptime; cat /proc/self/timens_offsets; readlink /proc/self/ns/time')
up=$(echo "$out" | sed -n 1p)
if [ "$up" -ge $((host_up + 864000)) ] 2>/dev/null && [ "$up" -lt $((host_up + 864000 + 600)) ]; then
        pass "boottime is offset by 10 days inside ($up s)"
else
        fail "boottime inside: $out (host $host_up)"
fi
expect_contains "monotonic offset" "monotonic 86400 0" "$(echo "$out" | tr -s ' ')"
expect_contains "its own time namespace" "time:[" "$out"
[ "$(echo "$out" | tail -1)" != "$(readlink /proc/self/ns/time)" ] && pass "not the host's time namespace" || fail "host time namespace"
expect_eq "the host's uptime is unchanged" 1 "$(( $(cut -d. -f1 /proc/uptime) - host_up < 600 ))"

# exec joins the time namespace too.
set_args "$B" sleep 30
oc run -d -b "$B" tx </dev/null >/dev/null 2>&1
up=$(oc exec tx cut -d. -f1 /proc/uptime 2>&1)
[ "$up" -ge 864000 ] 2>/dev/null && pass "exec sees the container's clocks" || fail "exec uptime: $up"
oc delete --force tx >/dev/null 2>&1
assert_clean tx "$B"

out=$(set_config "$B" linux.timeOffsets '{"realtime":{"secs":1}}'; oc run -b "$B" tb </dev/null 2>&1)
expect_contains "an unknown clock is named" "linux.timeOffsets.realtime: unknown clock" "$out"
del_config "$B" linux.timeOffsets
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "time"]
c["linux"]["timeOffsets"] = {"boottime": {"secs": 5}}
json.dump(c, open(sys.argv[1], "w"))
PY
out=$(oc run -b "$B" tb2 </dev/null 2>&1)
expect_contains "timeOffsets without a time namespace" "linux.timeOffsets: needs a new time namespace" "$out"
assert_clean tb2 "$B"
del_config "$B" linux.timeOffsets

# Memory policy: numa_maps shows the policy of every mapping without one of its own.
set_config "$B" linux.memoryPolicy '{"mode":"MPOL_INTERLEAVE","nodes":"0","flags":["MPOL_F_STATIC_NODES"]}'
expect_contains "MPOL_INTERLEAVE with static nodes" "interleave=static:0" "$(inside 'head -1 /proc/self/numa_maps')"
set_config "$B" linux.memoryPolicy '{"mode":"MPOL_BIND","nodes":"0"}'
expect_contains "MPOL_BIND" " bind:0 " "$(inside 'head -1 /proc/self/numa_maps')"
set_config "$B" linux.memoryPolicy '{"mode":"MPOL_BIND","nodes":"7"}'
out=$(oc run -b "$B" mp </dev/null 2>&1)
expect_contains "a node the host lacks fails create, naming the field" "linux.memoryPolicy: set_mempolicy" "$out"
assert_clean mp "$B"
set_config "$B" linux.memoryPolicy '{"mode":"MPOL_BIND"}'
out=$(oc run -b "$B" mp2 </dev/null 2>&1)
expect_contains "MPOL_BIND without nodes" "linux.memoryPolicy.nodes: MPOL_BIND needs nodes" "$out"
set_config "$B" linux.memoryPolicy '{"mode":"MPOL_SOMETIMES"}'
out=$(oc run -b "$B" mp3 </dev/null 2>&1)
expect_contains "an unknown mode" 'linux.memoryPolicy.mode: unknown mode "MPOL_SOMETIMES"' "$out"
del_config "$B" linux.memoryPolicy

# SCHED_DEADLINE: policy 6 with the runtime, deadline and period asked for. A deadline task
# may not fork unless reset-on-fork is set, so the probe is a single cat.
set_config "$B" process.scheduler '{"policy":"SCHED_DEADLINE","runtime":2000000,"deadline":10000000,"period":20000000,"flags":["SCHED_FLAG_RESET_ON_FORK"]}'
set_args "$B" cat /proc/self/sched
out=$(oc run -b "$B" dl </dev/null 2>&1 | tr -s ' ')
expect_contains "SCHED_DEADLINE policy" "policy : 6" "$out"
expect_contains "it has a deadline runtime" "dl.runtime :" "$out"
set_config "$B" process.scheduler '{"policy":"SCHED_DEADLINE","runtime":20000000,"deadline":10000000}'
out=$(oc run -b "$B" dl2 </dev/null 2>&1)
expect_contains "a deadline below the runtime" "process.scheduler.deadline: 10000000 is below the runtime" "$out"
set_config "$B" process.scheduler '{"policy":"SCHED_OTHER","flags":["SCHED_FLAG_FASTER"]}'
out=$(oc run -b "$B" dl3 </dev/null 2>&1)
expect_contains "an unknown scheduler flag" 'process.scheduler.flags[0]: unknown flag "SCHED_FLAG_FASTER"' "$out"
set_config "$B" process.scheduler '{"policy":"SCHED_BATCH","runtime":5}'
out=$(oc run -b "$B" dl4 </dev/null 2>&1)
expect_contains "runtime on another policy" "process.scheduler.runtime: only SCHED_DEADLINE takes a runtime" "$out"
set_config "$B" process.scheduler '{"policy":"SCHED_BATCH","nice":7,"flags":["SCHED_FLAG_RESET_ON_FORK"]}'
set_args "$B" cat /proc/self/sched /proc/self/stat
out=$(oc run -b "$B" dl5 </dev/null 2>&1 | tr -s ' ')
expect_contains "SCHED_BATCH via sched_setattr" "policy : 3" "$out"
expect_eq "its nice value" 7 "$(echo "$out" | awk '/^1 \(cat\)/ { print $19 }')"
finish
