#!/bin/bash
# Mount propagation, with runc from the same bundle as the reference: linux.rootfsPropagation of
# every kind (shared needs the root made shared after pivot_root, unbindable after the rootfs
# bind), and a bind mount's own "rshared" surviving the pivot, so that a mount the host makes
# later shows up inside (podman --mount ...,bind-propagation=rshared; ctr --rootfs-propagation).
. "$(dirname "$0")/lib.sh"
command -v runc >/dev/null || { fail "runc is not installed (the reference here)"; finish; }

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
set_config "$B" root.path "\"$B/rootfs\""
# The kinds of propagation of a mount point inside (shared, master, unbindable), numbers dropped.
kinds='awk -v m="$0" '"'"'$5 == m { s = ""; for (i = 7; $i != "-"; i++) s = s " " $i; gsub(/:[0-9]+/, "", s); print (s == "" ? "private" : substr(s, 2)) }'"'"' /proc/self/mountinfo'
both() { # both ID: ours and runc's output for the bundle as it is
        local o r
        o=$(oc run -b "$B" "$1" </dev/null 2>&1)
        r=$(runc --root "$WORK/runc" run -b "$B" "r$1" </dev/null 2>&1 | grep -v 'level=')
        runc --root "$WORK/runc" delete -f "r$1" >/dev/null 2>&1
        echo "ours=[$o] runc=[$r]"
}

for p in private rprivate slave rslave; do
        set_config "$B" linux.rootfsPropagation "\"$p\""
        set_args "$B" sh -c "$kinds" /
        out=$(both "rp-$p")
        ours=${out#ours=[}; ours=${ours%%] runc=*}
        theirs=${out#*runc=[}; theirs=${theirs%]}
        expect_eq "rootfsPropagation $p: / inside as with runc" "$theirs" "$ours"
        assert_clean "rp-$p" "$B"
done
# Debian's runc 1.1.5 cannot be the reference for these: it makes / private for shared and
# fails the rootfs bind for unbindable (fixed in later runc). The spec's meaning is checked.
for p in shared:shared rshared:shared unbindable:unbindable runbindable:unbindable; do
        set_config "$B" linux.rootfsPropagation "\"${p%%:*}\""
        set_args "$B" sh -c "$kinds" /
        expect_eq "rootfsPropagation ${p%%:*}: / inside is ${p##*:}" "${p##*:}" "$(oc run -b "$B" "rp-${p%%:*}" </dev/null 2>&1)"
        assert_clean "rp-${p%%:*}" "$B"
done
del_config "$B" linux.rootfsPropagation

# A shared host folder bound with rshared: shared inside, and a mount made on the host after the
# container started appears in it.
mkdir -p "$WORK/prop" "$B/rootfs/mnt"
mount --bind "$WORK/prop" "$WORK/prop" && mount --make-shared "$WORK/prop" || fail "make $WORK/prop shared"
set_config "$B" mounts "[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/mnt\",\"type\":\"bind\",\"source\":\"$WORK/prop\",\"options\":[\"rbind\",\"rshared\"]}]"
set_args "$B" sh -c "$kinds; while [ ! -e /mnt/sub/ready ]; do sleep 0.1; done; echo seen" /mnt
oc run -d -b "$B" bp </dev/null >"$WORK/bp.out" 2>&1 || fail "run bp"
runc --root "$WORK/runc" run -d -b "$B" rbp </dev/null >"$WORK/rbp.out" 2>&1 || fail "runc run rbp"
mkdir -p "$WORK/prop/sub"
mount -t tmpfs tmpfs "$WORK/prop/sub" && touch "$WORK/prop/sub/ready"
for i in $(seq 50); do grep -q seen "$WORK/bp.out" && grep -q seen "$WORK/rbp.out" && break; sleep 0.1; done
expect_eq "rshared bind: as with runc" "$(cat "$WORK/rbp.out")" "$(cat "$WORK/bp.out")"
expect_contains "rshared bind: shared inside, and the host's later mount reached it" "shared" "$(cat "$WORK/bp.out")"
expect_contains "rshared bind: seen" "seen" "$(cat "$WORK/bp.out")"
oc delete -f bp >/dev/null 2>&1
runc --root "$WORK/runc" delete -f rbp >/dev/null 2>&1
umount "$WORK/prop/sub"
umount "$WORK/prop"
assert_clean bp "$B"
finish
