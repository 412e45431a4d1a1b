#!/bin/bash
# SIGKILL in the middle of `create`, of ocictl itself and of each service (all four are ocictl's
# children: the registry and the cgroup manager forked, the parser and the spawner exec'd), at many
# moments: afterwards `list` shows whatever was left half-made, and `delete -f` removes all
# of it: no state folder, cgroup, process or mount remains, every time.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
services='ocictl-(spec|cgroups|spawner|registry)'
# Live ones only: pid 1 here reaps its adopted zombies slowly (lib.sh's assert_clean).
services_alive() { ps -eo stat=,comm= | grep -v '^Z' | grep -qE " $services\$"; }

# A service that was not killed finishes its call and exits once its connection closes.
wait_services_gone() {
        for i in $(seq 100); do services_alive || return 0; sleep 0.05; done
        return 1
}

n=0 unnamed="" unlisted="" undeleted="" left="" stuck="" interrupted=0
for target in cli registry spawner spec cgroups; do
        for delay in 0.001 0.002 0.003 0.004 0.005 0.006 0.007 0.008 0.009 0.01 0.012 0.014; do
                n=$((n + 1))
                id="k$n-$target"
                "$OCICTL" --root "$ROOT" create -b "$B" "$id" </dev/null >/dev/null 2>"$WORK/$id.err" &
                cli=$!
                sleep "$delay"
                case $target in
                cli) victim=$cli ;;
                registry | spawner) victim=$(pgrep -P "$cli" -x "ocictl-$target") ;;
                *) victim=$(pgrep -n -x "ocictl-$target") ;; # tests run one at a time
                esac
                [ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null && interrupted=$((interrupted + 1))
                wait "$cli" 2>/dev/null
                # A create that failed because a service died says which, in one line.
                if [ -s "$WORK/$id.err" ] && [ "$target" != cli ]; then
                        case "$(cat "$WORK/$id.err")" in
                        *"org.ocictl."*"stopped answering"* | *"cannot reach org.ocictl."*) [ "$(wc -l < "$WORK/$id.err")" = 1 ] || unnamed="$unnamed $id" ;;
                        *"stopped answering"* | *"Connection reset"* | *"not connected"* | *"Broken pipe"*) unnamed="$unnamed $id" ;;
                        esac
                fi
                wait_services_gone || stuck="$stuck $id"
                if [ -e "$ROOT/$id" ] && ! oc list -q | grep -qx "$id"; then unlisted="$unlisted $id"; fi
                oc delete -f "$id" >/dev/null 2>&1 || undeleted="$undeleted $id"
                out=$(what_is_left "$id" "$B")
                [ -z "$out" ] || left="$left $id:$out"
        done
done
check "the kills landed in the middle of creates ($interrupted of $n)" test "$interrupted" -ge $((n / 2))
expect_eq "no service outlived its command for long" "" "$stuck"
expect_eq "a dead service is named, in one line" "" "$unnamed"
expect_eq "list shows every container a killed create left" "" "$unlisted"
expect_eq "delete -f succeeds on whatever was left" "" "$undeleted"
expect_eq "and leaves nothing behind" "" "$left"
check "no ocictl stage is left anywhere" sh -c "! ps -eo stat=,comm= | grep -v '^Z' | grep -q 'ocictl:\['"
finish
