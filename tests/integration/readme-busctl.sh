#!/bin/bash
# The README's bus-mode block, run as written: each line in turn, from a folder with the build
# as build/ and the source's dbus/, /tmp/bundle a busybox bundle, and the paths it names
# (/tmp/ocictl-bus, the registry's default root /run/ocictl) private to this test (a mount
# namespace with its own /tmp and /run/ocictl). Each line must succeed, and the answers must be
# what the README says.
. "$(dirname "$0")/lib.sh"
command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed (apt-get install dbus)"
command -v busctl >/dev/null || skip "busctl not installed (apt-get install systemd)"
SRC=${OCICTL_SOURCE_DIR:?}

python3 - "$SRC/README.md" > "$WORK/block.sh" <<'PY'
import sys
text = open(sys.argv[1]).read()
section = text[text.index("## Bus mode and busctl"):]
block = section[section.index("```sh\n") + 6:]
print(block[:block.index("```")], end="")
PY
check "the README has a bus-mode block with busctl lines" grep -q "^busctl " "$WORK/block.sh"
make_bundle "$WORK/bundle" sleep 1000 || fail "make bundle"
mkdir -p "$WORK/cwd/build" "$WORK/cwd/dbus" "$WORK/out"

# The runner: every line of the block, its output in out/N and its status in out/N.rc; then
# the services it started (its background jobs) and the bus are stopped.
cat > "$WORK/runner.sh" <<'EOF'
n=0
while IFS= read -r line; do
        n=$((n + 1))
        echo "$line" > "out/$n.cmd"
        eval "$line" > "out/$n" 2>&1
        echo $? > "out/$n.rc"
done < block.sh
kill $(jobs -p) 2>/dev/null
pkill -f "address=unix:path=/tmp/ocictl-bus" 2>/dev/null
wait
EOF
cp "$WORK/block.sh" "$WORK/runner.sh" "$WORK/cwd/"
mkdir -p /run/ocictl-readme-test
unshare -m --propagation private sh -c '
        set -e
        mount --bind "$1" /run/ocictl-readme-test
        mount --bind "$2" /run/ocictl-readme-test/cwd/build
        mount --bind "$3" /run/ocictl-readme-test/cwd/dbus
        mount -t tmpfs tmpfs /tmp
        mkdir -p /tmp/bundle /run/ocictl
        mount --bind /run/ocictl-readme-test/bundle /tmp/bundle
        mount -t tmpfs tmpfs /run/ocictl
        mkdir /run/ocictl-readme-test/cwd/out 2>/dev/null || true
        cd /run/ocictl-readme-test/cwd
        exec bash runner.sh' sh "$WORK" "$BUILD" "$SRC/dbus" >"$WORK/runner.log" 2>&1
rmdir /run/ocictl-readme-test 2>/dev/null
O="$WORK/cwd/out"
n=$(ls "$O" | grep -c '\.rc$')
check "every line of the block ran" test "$n" = "$(grep -c . "$WORK/block.sh")"
for rc in "$O"/*.rc; do
        i=$(basename "$rc" .rc)
        expect_eq "README line $i succeeds: $(cat "$O/$i.cmd" | cut -c1-150)" 0 "$(cat "$rc")"
done
# The answers, by the line that asks.
answer() { # the output of the first line containing TEXT
        local f
        f=$(grep -l -F -- "$1" "$O"/*.cmd | sort -t/ -k1 -V | head -1)
        cat "${f%.cmd}"
}
expect_contains "ListContainers lists c1, running, with its object" '"c1" "running"' "$(answer ListContainers)"
expect_contains "... and its path" '"/org/ocictl/container/c1"' "$(answer ListContainers)"
expect_eq "GetContainer names the object" 'o "/org/ocictl/container/c1"' "$(answer "GetContainer s c1")"
expect_contains "the properties: running" 's "running"' "$(answer "Status Pid Owner")"
expect_contains "... owned by root" 'u 0' "$(answer "Status Pid Owner")"
expect_contains "GetCgroup has the paths" '/c1' "$(answer GetCgroup)"
expect_contains "Stats has the pids" 'pids' "$(answer "Container1 Stats")"
expect_eq "Wait u 0 returns 137 after SIGKILL" "i 137" "$(answer "Wait u 0")"
expect_eq "ExitStatus keeps it, and the container is stopped" 's "stopped"
i 137' "$(answer "Status ExitStatus")"
managed=$(answer GetManagedObjects)
expect_contains "the ObjectManager answers" "a{oa{sa{sv}}}" "$managed"
check "... without c1 once it is deleted" sh -c "! echo '$managed' | grep -q container/c1"
finish
