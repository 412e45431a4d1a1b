#!/bin/bash
# 20 containers created, run and deleted at the same time: each sees its own hostname, the
# registry's locks keep the state consistent, and nothing is left.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sh -c 'echo "$(hostname) $$"' || fail "make bundle"
for i in $(seq 1 20); do
        mkdir -p "$WORK/b$i"
        sed "s/\"hostname\": \"ocictl\"/\"hostname\": \"p$i\"/" "$B/config.json" > "$WORK/b$i/config.json"
        ln -s "$B/rootfs" "$WORK/b$i/rootfs"
done
for i in $(seq 1 20); do
        oc run -b "$WORK/b$i" "p$i" </dev/null >"$WORK/out$i" 2>&1 &
done
wait
ok=0
for i in $(seq 1 20); do
        [ "$(cat "$WORK/out$i")" = "p$i 1" ] && ok=$((ok + 1)) || echo "p$i said: $(cat "$WORK/out$i")"
done
expect_eq "20 parallel runs, each with its own hostname as PID 1" 20 "$ok"
expect_eq "no container is left listed" "" "$(oc list -q)"
for i in $(seq 1 20); do assert_clean "p$i" "$WORK/b$i"; done

# Parallel create, then parallel state/start/delete on the same containers.
set_args "$B" sleep 1000
for i in $(seq 1 20); do oc create -b "$B" "q$i" </dev/null >/dev/null 2>&1 & done
wait
expect_eq "20 parallel creates" 20 "$(oc list -q | wc -l)"
for i in $(seq 1 20); do oc start "q$i" & oc state "q$i" >/dev/null & done
wait
expect_eq "20 running after parallel starts" 20 "$(oc list | grep -c running)"
for i in $(seq 1 20); do oc delete --force "q$i" & done
wait
expect_eq "all deleted" "" "$(oc list -q)"
for i in $(seq 1 20); do assert_clean "q$i" "$B"; done
finish
