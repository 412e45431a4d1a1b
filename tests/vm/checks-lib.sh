# Sourced by the checks that run inside the test VMs (busybox sh): the same check words as the
# host's lib.sh, printed as "ok - …" / "FAIL - …" lines on the console for the host to count.
CG=/sys/fs/cgroup
oc() { /usr/bin/ocictl --root /run/ocictl "$@"; }
pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; }
expect_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }
expect_contains() {
        case "$3" in
        *"$2"*) pass "$1" ;;
        *) fail "$1: [$2] not in [$3]" ;;
        esac
}
check() {
        what=$1
        shift
        if "$@"; then pass "$what"; else fail "$what"; fi
}
