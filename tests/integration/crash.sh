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

# The kills are spread over how long a create takes on this host (the fastest of three), so that
# they land in its middle however fast it gets: at 1/12, 2/12 ... of it. The wait and the search
# for the victim use only bash builtins: `sleep` and `pgrep` alone take longer than a create's
# first half (about 3 and 7 ms here).
mkfifo "$WORK/never" && exec {never}<>"$WORK/never" || fail "fifo" # lib.sh writes TAP on fd 9
pause() { read -r -t "$1" -u "$never" || true; }
# victim= the live child of PID (all four services are the CLI's children) named NAME, or "".
find_victim() {
        local kid comm kids=()
        victim=""
        # The list has no newline at its end, so read says EOF even when it read it.
        read -r -a kids 2>/dev/null < "/proc/$1/task/$1/children"
        for kid in "${kids[@]}"; do
                read -r comm 2>/dev/null < "/proc/$kid/comm" && [ "$comm" = "$2" ] && { victim=$kid; return 0; }
        done
}
create_us=999999999
for i in 1 2 3; do
        t0=${EPOCHREALTIME/./}
        oc create -b "$B" "probe$i" </dev/null >/dev/null || fail "create probe$i"
        t=$((${EPOCHREALTIME/./} - t0))
        [ "$t" -lt "$create_us" ] && create_us=$t
        oc delete -f "probe$i" >/dev/null || fail "delete probe$i"
done
delays=$(awk -v us="$create_us" 'BEGIN { for (k = 1; k <= 12; k++) printf "%.4f ", us * k / 12 / 1e6 }')
echo "# a create takes $create_us us here; kills after: $delays"

n=0 unnamed="" unlisted="" undeleted="" left="" stuck="" interrupted=0
for target in cli registry spawner spec cgroups; do
        for delay in $delays; do
                n=$((n + 1))
                id="k$n-$target"
                "$OCICTL" --root "$ROOT" create -b "$B" "$id" </dev/null >/dev/null 2>"$WORK/$id.err" &
                cli=$!
                pause "$delay"
                case $target in
                cli) victim=$cli ;;
                *) find_victim "$cli" "ocictl-$target" ;;
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
