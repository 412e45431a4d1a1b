#!/bin/bash
# linux.netDevices: a host interface moves into the container's network namespace under the
# name asked for, and back under its own name on delete. This kernel has no dummy driver, so
# one end of a veth pair stands in for the host interface.
. "$(dirname "$0")/lib.sh"

command -v ip >/dev/null || skip "ip (iproute2) not found"
B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
HOSTIF=ocnd$$
PEER=ocnp$$
cleanup_links() { ip link del "$HOSTIF" 2>/dev/null; ip link del "$PEER" 2>/dev/null; true; }
trap 'cleanup_links; cleanup_all' EXIT
ip link add "$HOSTIF" type veth peer name "$PEER" || skip "cannot make a veth pair"
ip link set "$HOSTIF" address 02:00:00:00:0a:01

set_config "$B" linux.netDevices "{\"$HOSTIF\":{\"name\":\"eth7\"}}"
oc run -d -b "$B" nd </dev/null >"$WORK/nd.out" 2>&1 || cat "$WORK/nd.out"
ex() { oc exec nd "$@" </dev/null 2>&1; }
expect_contains "the interface is inside, renamed" "02:00:00:00:0a:01" "$(ex cat /sys/class/net/eth7/address)"
check "the host no longer has it" bash -c "! ip link show $HOSTIF >/dev/null 2>&1"
oc delete --force nd >/dev/null 2>&1
expect_contains "delete returns it under its own name" "02:00:00:00:0a:01" "$(cat /sys/class/net/$HOSTIF/address 2>&1)"
assert_clean nd "$B"

# A second interface that does not exist: create fails naming it, and the first comes back.
set_config "$B" linux.netDevices "{\"$HOSTIF\":{\"name\":\"eth7\"},\"nosuch0\":{}}"
out=$(oc create -b "$B" nd2 </dev/null 2>&1)
expect_contains "a missing host interface is named" "linux.netDevices.nosuch0: move into the container as nosuch0: No such device" "$out"
check "the one already moved is back on the host" bash -c "ip link show $HOSTIF >/dev/null"
assert_clean nd2 "$B"

# The name defaults to the host's.
set_config "$B" linux.netDevices "{\"$HOSTIF\":{}}"
oc create -b "$B" nd3 </dev/null >/dev/null 2>&1
pid=$(oc state nd3 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
expect_contains "without a name it keeps its own" "$HOSTIF" "$(nsenter -t "$pid" -n ip -o link show)"
oc delete nd3 >/dev/null 2>&1
check "deleting a created container returns it too" bash -c "ip link show $HOSTIF >/dev/null"
assert_clean nd3 "$B"
finish
