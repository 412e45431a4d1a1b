#!/bin/bash
# The benchmark the README tells people to reproduce (bench/run.sh) works, as a smoke test of a
# few rounds: every scenario prints ocictl, runc and crun side by side with their ratios, no run
# fails, and it leaves nothing behind. Its figures are not checked (speed is the benchmark's to
# measure, never a test's). Also: its cgroup view (bench/cgroup-view.sh) unmounts
# /sys/fs/cgroup/unified in a namespace of its own only, never in the host's.
. "$(dirname "$0")/lib.sh"

SRC=${OCICTL_SOURCE_DIR:?run through meson test}
for c in crun runc /usr/bin/time; do command -v "$c" >/dev/null || skip "$c not installed (apt-get install crun runc time)"; done

unified_before=$(mountpoint -q /sys/fs/cgroup/unified && echo mounted || echo absent)
before_tmp=$(ls -d /tmp/ocictl-bench.* 2>/dev/null | wc -l)

OCICTL="$OCICTL" "$SRC/bench/run.sh" 3 >"$WORK/bench.out" 2>&1
rc=$?
expect_eq "bench/run.sh 3 exits 0" 0 "$rc"
out=$(cat "$WORK/bench.out")
for title in "run /bin/true, 3 runs: wall" "run /bin/true, 3 runs: CPU" "peak RSS" "create + start + delete, 3 rounds: wall" \
        "exec /bin/true, 3 runs: wall" "ocictl --bus-address run" "system mode, call by call" "3 runs in a row" "50 at once"; do
        expect_contains "the table: $title" "$title" "$out"
done
# Eight tables (run wall and CPU, RSS, three commands wall and CPU, exec wall and CPU, system),
# each with its ratio to crun, and to runc too but for system mode (runc has no services).
expect_eq "a ratio to crun in every table" 8 "$(grep -c '^ratio ocictl/crun: [0-9.]*$' <<<"$out")"
expect_eq "a ratio to runc beside it (not in system mode)" 7 "$(grep -c '^ratio ocictl/runc: [0-9.]*$' <<<"$out")"
check "the calls of a system-mode run, timed one by one" grep -qE '^3 containers: median per call \(ms\): create [0-9.]+  start [0-9.]+  wait [0-9.]+  delete [0-9.]+  all [0-9.]+$' "$WORK/bench.out"
expect_eq "50 at once: no runtime failed" 3 "$(grep -cE '^(ocictl|runc|crun) +[0-9.]+ s for 50, 0 failed$' <<<"$out")"
[ "$rc" = 0 ] || echo "$out" | tail -20

expect_eq "the host's /sys/fs/cgroup/unified is as it was" "$unified_before" \
        "$(mountpoint -q /sys/fs/cgroup/unified && echo mounted || echo absent)"
expect_eq "no work folder left" "$before_tmp" "$(ls -d /tmp/ocictl-bench.* 2>/dev/null | wc -l)"
left=$(ps -eo comm= | grep -cE '^(ocictl|crun|runc)' || true)
expect_eq "no runtime or service process left" 0 "$left"
left=$(find /sys/fs/cgroup -maxdepth 3 -type d \( -name 'run-*' -o -name 'three-*' -o -name 'exec-*' -o -name 'par-*' \
        -o -name 'bus-*' -o -name 'rss-*' \) 2>/dev/null | head -3)
expect_eq "no container cgroup left" "" "$left"

# OCICTL_BENCH_VIEW naming the namespace the script starts in (as if the unshare had not
# happened, or the variable came from the caller): it must refuse rather than unmount the unified
# hierarchy of the namespace it was started from.
if [ "$unified_before" = mounted ]; then
        OCICTL_BENCH_VIEW=$(readlink /proc/self/ns/mnt) OCICTL="$OCICTL" "$SRC/bench/run.sh" 1 run >"$WORK/forged.out" 2>&1
        expect_eq "a forged OCICTL_BENCH_VIEW: refused" 1 "$?"
        expect_contains "named in one line" "refusing to unmount /sys/fs/cgroup/unified" "$(cat "$WORK/forged.out")"
        expect_eq "and the unified hierarchy here stays mounted" mounted \
                "$(mountpoint -q /sys/fs/cgroup/unified && echo mounted || echo absent)"
fi
finish
