#!/bin/bash
# Each container gets a session keyring of its own, "_ses.<id>", as with runc: the container
# must not see or use the keys of whoever ran ocictl. exec joins the container's keyring;
# --no-new-keyring keeps the caller's (which is also the positive control: there the caller's
# key is seen from inside, so the check that it is not seen otherwise can fail).
. "$(dirname "$0")/lib.sh"
command -v keyctl >/dev/null || skip "keyctl not found (apt-get install keyutils)"

B="$WORK/bundle"
make_bundle "$B" keyctl show @s || fail "make bundle"
# keyctl and the libraries it needs, so that it runs inside the busybox rootfs.
for f in /usr/bin/keyctl $(ldd /usr/bin/keyctl | grep -o '/[^ ]*'); do
        mkdir -p "$B/rootfs$(dirname "$f")"
        cp -L "$f" "$B/rootfs$f"
done

# as_caller NAME COMMAND...: runs the command in a new session keyring NAME holding a key.
as_caller() {
        local name=$1
        shift
        keyctl session "$name" sh -c 'keyctl add user "secret-of-$0" s3cret @s >/dev/null && exec "$@"' "$name" "$@"
}

out=$(as_caller caller-k1 "$OCICTL" --root "$ROOT" run -b "$B" k1 </dev/null 2>&1)
expect_contains "inside: the session keyring is _ses.k1" "keyring: _ses.k1" "$out"
case "$out" in
*caller-k1*) fail "inside: the caller's keyring is reachable: $out" ;;
*) pass "inside: the caller's keyring and key are out of reach" ;;
esac
assert_clean k1 "$B"

out=$(as_caller caller-k2 "$OCICTL" --root "$ROOT" run --no-new-keyring -b "$B" k2 </dev/null 2>&1)
expect_contains "--no-new-keyring: the caller's keyring is kept" "keyring: caller-k2" "$out"
expect_contains "--no-new-keyring: and its key is seen" "secret-of-caller-k2" "$out"
assert_clean k2 "$B"

# exec joins the container's keyring (or, after --no-new-keyring, keeps its own caller's).
set_args "$B" sleep 100
as_caller caller-k3 "$OCICTL" --root "$ROOT" run -d -b "$B" k3 </dev/null >/dev/null 2>&1 || fail "run k3"
out=$(as_caller caller-exec "$OCICTL" --root "$ROOT" exec k3 keyctl show @s </dev/null 2>&1)
expect_contains "exec: joins _ses.k3" "keyring: _ses.k3" "$out"
case "$out" in *caller-*) fail "exec: a caller's keyring is reachable: $out" ;; *) pass "exec: no caller's keyring" ;; esac
oc delete -f k3
assert_clean k3 "$B"
as_caller caller-k4 "$OCICTL" --root "$ROOT" run -d --no-new-keyring -b "$B" k4 </dev/null >/dev/null 2>&1 || fail "run k4"
expect_contains "exec after --no-new-keyring: keeps its caller's" "keyring: caller-exec" \
        "$(as_caller caller-exec "$OCICTL" --root "$ROOT" exec k4 keyctl show @s </dev/null 2>&1)"
oc delete -f k4
assert_clean k4 "$B"
# The kernel frees a keyring nobody holds in its own time (a garbage-collection pass).
for i in $(seq 100); do grep -qE '_ses\.k[13]:' /proc/keys || break; sleep 0.1; done
check "the keyrings made for k1 and k3 are gone with them" sh -c "! grep -qE '_ses\.k[13]:' /proc/keys"
finish
