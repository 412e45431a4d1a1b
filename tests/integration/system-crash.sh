#!/bin/bash
# System mode, nothing lost: on the installed, bus-activated services, SIGKILL each service while
# containers run, while one exits, while a foreground `run` waits and while a create is in
# flight. Afterwards every container is listed with the right status, its exit status can be
# waited for (also one that exited while the spawner or the registry was dead), it can be killed
# and deleted, and nothing is left: no state folder, cgroup, process, monitor or mount.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/system-bus.sh"

install_ocictl
start_system_bus
trap stop_system_bus EXIT
ocb() { "$OCICTL" --bus-address "$ADDRESS" "$@"; }
REG="org.ocictl.Registry1 /org/ocictl/Registry1 org.ocictl.Registry1"
service_pid() { busctl --address="$ADDRESS" status "org.ocictl.$1" 2>/dev/null | sed -n 's/^PID=//p'; }
# kill_service NAME: SIGKILL the service that owns the name, and wait until the bus saw it go.
kill_service() {
        local pid
        pid=$(service_pid "$1")
        [ -n "$pid" ] || { fail "org.ocictl.$1 was not running to be killed"; return 1; }
        kill -KILL "$pid"
        for _ in $(seq 100); do
                [ -d "/proc/$pid" ] || ! busctl --address="$ADDRESS" list --no-legend | grep -q "^org.ocictl.$1 *$pid " && break
                sleep 0.05
        done
        pass "SIGKILLed org.ocictl.$1 (pid $pid)"
}
status_of() { ocb state "$1" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])' 2>/dev/null; }
wait_status() { # ID: Container1.Wait(0)'s answer
        local path
        path=$(busctl --address="$ADDRESS" call $REG GetContainer s "$1" | awk '{ print $2 }' | tr -d '"')
        busctl --address="$ADDRESS" --timeout=30 call org.ocictl.Registry1 "$path" org.ocictl.Container1 Wait u 0 2>&1
}
listed() { busctl --address="$ADDRESS" --json=short call $REG ListContainers | python3 -c '
import json, sys
print(" ".join(sorted("%s:%s" % (c[0], c[1]) for c in json.load(sys.stdin)["data"][0])))'; }

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
ocb create -b "$B" long </dev/null && ocb start long || fail "start long"
cp -a "$B" "$WORK/b7" && set_args "$WORK/b7" sh -c 'sleep 1.5; exit 7'
ocb create -b "$WORK/b7" seven </dev/null && ocb start seven || fail "start seven"
expect_eq "two containers run" "long:running seven:running" "$(listed)"

# The spawner dies; seven exits while it is dead: its monitor records the status.
kill_service Spawner1
sleep 2.5
expect_eq "with the spawner dead, seven's exit is seen" "long:running seven:stopped" "$(listed)"
expect_eq "... and its status can be waited for" "i 7" "$(wait_status seven)"
expect_eq "... and read as ExitStatus" "i 7" "$(busctl --address="$ADDRESS" get-property org.ocictl.Registry1 \
        /org/ocictl/container/seven org.ocictl.Container1 ExitStatus 2>&1)"
check "... and it is deleted" ocb delete seven
check "... and a new container runs (the spawner is activated again)" \
        sh -c "'$OCICTL' --bus-address '$ADDRESS' run -b '$WORK/b7' again </dev/null; [ \$? = 7 ]"
check "the spawner came back" test -n "$(service_pid Spawner1)"

# The registry dies; a container exits while it is dead.
cp -a "$B" "$WORK/b9" && set_args "$WORK/b9" sh -c 'sleep 1; exit 9'
ocb create -b "$WORK/b9" nine </dev/null && ocb start nine || fail "start nine"
kill_service Registry1
sleep 1.5
expect_eq "the restarted registry lists every container" "long:running nine:stopped" "$(listed)"
expect_eq "... nine's status, recorded while no registry ran" "i 9" "$(wait_status nine)"
check "... and it is deleted" ocb delete nine

# Wait outlives the registry that was asked: the answer comes from the one that follows.
cp -a "$B" "$WORK/b4" && set_args "$WORK/b4" sh -c 'sleep 2; exit 4'
ocb create -b "$WORK/b4" four </dev/null && ocb start four || fail "start four"
(wait_status four > "$WORK/four.wait") &
waiter=$!
sleep 0.5
kill_service Registry1
wait $waiter
# busctl does not call again: its call fails, and a new one is answered.
check "a Wait whose registry died fails (busctl does not retry)" test -s "$WORK/four.wait"
expect_eq "... and a new Wait is answered by the next registry" "i 4" "$(wait_status four)"
check "... four is deleted" ocb delete four

# A foreground run outlives the death of each service: it relays the output and exits with the
# container's status, and the container is deleted.
for victim in Registry1 Spawner1 Cgroups1 Spec1; do
        set_args "$WORK/b4" sh -c 'echo before; sleep 2; echo after; exit 4'
        ocb run -b "$WORK/b4" fg </dev/null >"$WORK/fg.out" 2>"$WORK/fg.err" &
        runner=$!
        for _ in $(seq 50); do grep -q before "$WORK/fg.out" 2>/dev/null && break; sleep 0.1; done
        if [ -n "$(service_pid "$victim")" ]; then kill_service "$victim"; else pass "org.ocictl.$victim already gone"; fi
        wait $runner
        expect_eq "run survives the death of $victim: its status" 4 "$?"
        expect_eq "... its output" "before after" "$(tr '\n' ' ' < "$WORK/fg.out" | sed 's/ $//')"
        expect_eq "... no error" "" "$(cat "$WORK/fg.err")"
        assert_clean fg "$WORK/b4"
done

# The worker the registry keeps ready for the next call (registry-worker.c): one, its child; a
# spare SIGKILLed while it waits is reaped and the next call forks its own worker; a registry
# SIGKILLed takes its spare with it (PR_SET_PDEATHSIG).
spares() { # the registry's idle workers: ocictl-reg-work children of REGISTRY_PID
        ps -eo ppid=,stat=,comm= | awk -v p="$1" '$1 == p && $3 == "ocictl-reg-work" { print $2 }'
}
wait_spares() { # PID COUNT: until the registry PID has COUNT workers (2 s at most)
        for _ in $(seq 40); do [ "$(spares "$1" | wc -l)" = "$2" ] && return 0; sleep 0.05; done
        return 1
}
spare_of() { ps -eo pid=,ppid=,stat=,comm= | awk -v p="$1" '$2 == p && $3 !~ /^Z/ && $4 == "ocictl-reg-work" { print $1 }'; }
reg=$(service_pid Registry1)
check "the registry keeps one worker ready" wait_spares "$reg" 1
# Killed just before a call, before the registry saw it die: the call gets a worker forked for it.
kill -KILL "$(spare_of "$reg")"
check "a run right after its spare was SIGKILLed works" \
        sh -c "'$OCICTL' --bus-address '$ADDRESS' run -b '$WORK/b7' sparegone </dev/null; [ \$? = 7 ]"
assert_clean sparegone "$WORK/b7"
check "... then one worker is ready again" wait_spares "$reg" 1
spare=$(spare_of "$reg")
kill -KILL "$spare"
check "a SIGKILLed spare is reaped (no zombie, no worker)" wait_spares "$reg" 0
check "... and a run still works" sh -c "'$OCICTL' --bus-address '$ADDRESS' run -b '$WORK/b7' nospare </dev/null; [ \$? = 7 ]"
check "... after which one worker is ready again" wait_spares "$reg" 1
assert_clean nospare "$WORK/b7"
kill_service Registry1
check "a SIGKILLed registry leaves no worker behind" \
        sh -c "for i in \$(seq 40); do ! pgrep -x ocictl-reg-work >/dev/null && exit 0; sleep 0.05; done; exit 1"
check "... and the next registry works" ocb list

# A create in flight: a createRuntime hook holds it while a service is killed. A create whose
# spawner or registry died fails, says so in one line, and is either undone or left "creating"
# for delete -f; nothing else of it stays.
cp -a "$B" "$WORK/bh"
# A create held by its hook stalls no other caller: while the hook runs, another container is
# run from start to end and the list is read (each call that changes a container has a worker
# of its own, registry-worker.c).
set_config "$WORK/bh" hooks "{\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"touch $WORK/slow-ran; sleep 3; touch $WORK/slow-done\"]}]}"
ocb create -b "$WORK/bh" slow </dev/null >/dev/null 2>"$WORK/slow.err" &
creator=$!
for _ in $(seq 100); do [ -e "$WORK/slow-ran" ] && break; sleep 0.05; done
check "the create of slow is in its hook" test -e "$WORK/slow-ran"
check "meanwhile another container runs to its end" \
        sh -c "'$OCICTL' --bus-address '$ADDRESS' run -b '$WORK/b7' quick </dev/null; [ \$? = 7 ]"
expect_eq "... and the list is read, slow still creating" "long:running slow:creating" "$(listed)"
check "... all before slow's hook was done" test ! -e "$WORK/slow-done"
wait $creator
expect_eq "then slow's create succeeds" 0 "$?"
expect_eq "... and it is created" "long:running slow:created" "$(listed)"
check "... and deleted" ocb delete slow
assert_clean quick "$WORK/b7"

set_config "$WORK/bh" hooks "{\"createRuntime\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"touch $WORK/hook-ran; sleep 2\"]}]}"
for victim in Spawner1 Registry1; do
        rm -f "$WORK/hook-ran"
        ocb create -b "$WORK/bh" inflight </dev/null >/dev/null 2>"$WORK/inflight.err" &
        creator=$!
        for _ in $(seq 100); do [ -e "$WORK/hook-ran" ] && break; sleep 0.05; done
        check "the create of inflight is in its hook" test -e "$WORK/hook-ran"
        kill_service "$victim"
        wait $creator
        expect_eq "a create whose $victim died fails" 1 "$?"
        expect_contains "... naming the service" "org.ocictl.${victim%1}" "$(cat "$WORK/inflight.err")"
        expect_eq "... in one line" 1 "$(wc -l < "$WORK/inflight.err")"
        st=$(listed)
        case "$st" in
        "inflight:creating long:running") pass "... inflight is left creating, and listed" ;;
        "long:running") pass "... inflight was undone" ;;
        *) fail "... the containers after a killed create: $st" ;;
        esac
        ocb delete -f inflight >/dev/null 2>&1
        assert_clean inflight "$WORK/bh"
done

# The cgroup manager and the parser die while containers run: delete (the cgroup manager's
# work) and create (the parser's) call them again.
kill_service Cgroups1
kill_service Spec1
expect_eq "after the cgroup manager and the parser died, long runs" "long:running" "$(listed)"
check "kill long" ocb kill long KILL
for _ in $(seq 50); do [ "$(status_of long)" = stopped ] && break; sleep 0.1; done
expect_eq "long was killed: status" "i 137" "$(wait_status long)"
check "delete long (the cgroup manager activated again)" ocb delete long
assert_clean long "$B"
check "a new container runs (the parser activated again)" \
        sh -c "'$OCICTL' --bus-address '$ADDRESS' run -b '$WORK/b7' last </dev/null; [ \$? = 7 ]"
expect_eq "no container is left" "" "$(listed)"
# The last run's monitor exits with its init and the spawner reaps it as it can, which may be
# just after run returned (run waits for the container, not for its monitor): 2 s for that.
for _ in $(seq 40); do pgrep -x ocictl-monitor >/dev/null || break; sleep 0.05; done
expect_eq "no monitor is left" "" "$(pgrep -x ocictl-monitor | tr '\n' ' ')"
check "no ocictl stage is left" sh -c "! ps -eo stat=,comm= | grep -v '^Z' | grep -q 'ocictl:\['"
finish
