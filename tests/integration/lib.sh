# Shared by the integration tests: a busybox bundle, a private state root, checks that count,
# and the "nothing left behind" check. Each test script sources this, runs its checks and calls
# finish. The output is TAP (meson reads it: protocol 'tap'): each check an "ok N - …" or
# "not ok N - …" line, the plan at the end, on meson's stdout kept as fd 9 (fds 3 and up are the
# tests' own, for --preserve-fds and LISTEN_FDS); whatever else a script or the commands it runs
# print goes to stderr, which meson logs beside it.
set -u
exec 9>&1 1>&2

BUILD=${OCICTL_BUILD_DIR:?run through meson test}
# OCICTL_UNDER_TEST replaces the runtime (a client test must fail against one that breaks a flow).
OCICTL=${OCICTL_UNDER_TEST:-$BUILD/ocictl}
FAILED=0
CHECKS=0
TEST_NAME=$(basename "$0" .sh)
WORK=""
ROOT=""

# The rest of the script cannot run here: nothing checked yet is a skip (counted as a failure
# with CI=true, tests/run-tests.sh), later on a skipped check.
skip() {
        if [ "$CHECKS" = 0 ]; then
                echo "1..0 # SKIP $*" >&9
        else
                CHECKS=$((CHECKS + 1))
                echo "ok $CHECKS - the rest # SKIP $*" >&9
                echo "1..$CHECKS" >&9
        fi
        exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (real namespaces, mounts and cgroups)"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || skip "busybox not found (apt-get install busybox-static)"
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" || skip "$BUSYBOX is not static (install busybox-static)"

WORK=$(mktemp -d /tmp/ocictl-test.XXXXXX)
ROOT="$WORK/state"
oc() { "$OCICTL" --root "$ROOT" "$@"; }

# A test that puts containers below /$TEST_CGROUP (linux.cgroupsPath) sets it; whatever a failed
# test left there is removed on exit.
TEST_CGROUP=""

cleanup_all() {
        # Whatever a failed test left: containers first, then the folder.
        if [ -d "$ROOT" ]; then
                for id in $(ls "$ROOT" 2>/dev/null); do oc delete --force "$id" >/dev/null 2>&1; done
        fi
        if [ -n "$TEST_CGROUP" ]; then
                for h in $(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts); do
                        [ -d "$h/$TEST_CGROUP" ] && find "$h/$TEST_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null
                done
        fi
        rm -rf "$WORK"
}

# The mount point of the v1 hierarchy holding a controller, or of cgroup2 if it is there.
cgroup_dir_of() {
        local h
        h=$(awk -v c="$1" '$3 == "cgroup" && $4 ~ "(^|,)"c"(,|$)" { print $2; exit }' /proc/self/mounts)
        if [ -z "$h" ]; then
                h=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
                [ -n "$h" ] && grep -qw "$1" "$h/cgroup.controllers" 2>/dev/null || h=""
        fi
        echo "$h"
}
trap cleanup_all EXIT

pass() { CHECKS=$((CHECKS + 1)); echo "ok $CHECKS - $*" >&9; }
fail() { CHECKS=$((CHECKS + 1)); FAILED=$((FAILED + 1)); echo "not ok $CHECKS - $*" >&9; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
        local what=$1
        shift
        if "$@"; then pass "$what"; else fail "$what"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
        if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi
}

# expect_contains DESCRIPTION NEEDLE HAYSTACK
expect_contains() {
        case "$3" in
        *"$2"*) pass "$1" ;;
        *) fail "$1: [$2] not in [$3]" ;;
        esac
}

# make_bundle DIR [ARGS...]: a busybox rootfs and ocictl's default config, with terminal off
# and the given process args.
make_bundle() {
        local dir=$1
        shift
        # The mount points every image has (a mapped root could not create them).
        mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/tmp" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/sys"
        cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
        for applet in $("$BUSYBOX" --list); do
                [ -e "$dir/rootfs/bin/$applet" ] || ln -s busybox "$dir/rootfs/bin/$applet"
        done
        echo "root:x:0:0:root:/:/bin/sh" > "$dir/rootfs/etc/passwd"
        (cd "$dir" && "$OCICTL" spec) || return 1
        set_config "$dir" process.terminal false
        [ $# -gt 0 ] && set_args "$dir" "$@"
        return 0
}

# make_image_tar NAME:TAG OUT.tar [CMD...]: the clients' image, made from the test's busybox
# rootfs (with a nobody user) in $WORK/image, as an OCI and docker archive (tests/helpers).
make_image_tar() {
        local ref=$1 out=$2
        shift 2
        if [ ! -d "$WORK/image/rootfs" ]; then
                make_bundle "$WORK/image" true || return 1
                echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$WORK/image/rootfs/etc/passwd"
        fi
        python3 "$OCICTL_SOURCE_DIR/tests/helpers/oci-image-tar.py" "$WORK/image/rootfs" "$ref" "$out" "$@"
}

# Every config a test writes is a seed for the spec parser's fuzzer (tests/fuzz/run-fuzzer.sh).
seed_config() {
        [ -n "${OCICTL_SEED_DIR:-}" ] && mkdir -p "$OCICTL_SEED_DIR" &&
                cp "$1/config.json" "$OCICTL_SEED_DIR/$(md5sum < "$1/config.json" | cut -c1-16).json" 2>/dev/null
        return 0
}

# set_config DIR JSON.PATH JSON-VALUE: edits config.json (python3 is on every Debian image).
set_config() {
        python3 - "$1/config.json" "$2" "$3" <<'PY'
import json, sys
path, key, value = sys.argv[1], sys.argv[2], sys.argv[3]
c = json.load(open(path))
node = c
parts = key.split(".")
for p in parts[:-1]:
    node = node.setdefault(p, {})
try:
    node[parts[-1]] = json.loads(value)
except json.JSONDecodeError:
    node[parts[-1]] = value
json.dump(c, open(path, "w"), indent=1)
PY
        seed_config "$1"
}

# del_config DIR JSON.PATH
del_config() {
        python3 - "$1/config.json" "$2" <<'PY'
import json, sys
path, key = sys.argv[1], sys.argv[2]
c = json.load(open(path))
node = c
parts = key.split(".")
for p in parts[:-1]:
    node = node[p]
del node[parts[-1]]
json.dump(c, open(path, "w"), indent=1)
PY
        seed_config "$1"
}

# add_namespace DIR TYPE: a new namespace of that type (ocictl spec, like runc's, has a cgroup
# namespace only on a pure cgroup v2 host).
add_namespace() {
        python3 - "$1/config.json" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
ns = c["linux"]["namespaces"]
if not any(n["type"] == sys.argv[2] for n in ns):
    ns.append({"type": sys.argv[2]})
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
        seed_config "$1"
}

set_args() {
        local dir=$1
        shift
        set_config "$dir" process.args "$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")"
}

# assert_clean ID BUNDLE: no state folder, fifo, cgroup, container process or mount is left.
assert_clean() {
        local left
        left=$(what_is_left "$@")
        if [ -z "$left" ]; then pass "nothing left behind by $1"; else fail "left behind by $1:$left"; fi
}

# what_is_left ID BUNDLE: what assert_clean looks for, as a list ("" when nothing).
what_is_left() {
        local id=$1 bundle=${2:-} left=""
        [ -e "$ROOT/$id" ] && left="$left state-folder"
        if find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null | grep -q .; then
                left="$left cgroup($(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" | head -3 | tr '\n' ' '))"
        fi
        if [ -n "$bundle" ] && grep -q " $bundle" /proc/self/mountinfo; then left="$left mount"; fi
        # A killed init whose `ocictl create` has exited is a zombie of PID 1 until PID 1 reaps
        # it (this VM's init does so slowly): only live processes count as left behind.
        if ps -eo stat=,comm= | grep -v '^Z' | grep -q 'ocictl:\['; then left="$left nsexec-process"; fi
        if [ -n "$bundle" ] && pgrep -f "$bundle" >/dev/null 2>&1; then left="$left process"; fi
        echo "$left"
}


finish() {
        echo "$TEST_NAME: $CHECKS checks, $FAILED failed"
        echo "1..$CHECKS" >&9
        exit 0 # the "not ok" lines fail the test
}
