#!/bin/bash
# Times `RUNTIME run` of /bin/true followed by `RUNTIME delete`, for ocictl, runc and crun from
# Debian, side by side in one run, and prints medians and ratios (the time ocictl takes divided
# by the other runtime's). Root only. Usage: bench/run.sh [RUNS] (default 100).
# Memory is not reported yet: wait4()'s peak RSS would count the forking Python process; a fair
# figure needs a memory cgroup per run (planned with the speed issue).
#
# Same conditions for every runtime: the same bundle and config (ocictl's default, which runc and
# crun accept), the same state root type (tmpfs), rounds interleaved so drift hits all alike,
# and every runtime run inside a private mount namespace with /sys/fs/cgroup/unified unmounted:
# crun 1.8 refuses this host's hybrid cgroup layout otherwise (../shared/DESIGN.md).
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-100}
OCICTL=${OCICTL:-$PWD/build/ocictl}
[ "$(id -u)" = 0 ] || { echo "bench: run as root"; exit 1; }
[ -x "$OCICTL" ] || { echo "bench: build first (meson setup build && ninja -C build)"; exit 1; }
for r in runc crun; do command -v $r >/dev/null || { echo "bench: apt-get install $r"; exit 1; }; done

WORK=$(mktemp -d /tmp/ocictl-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bundle/rootfs/bin"
cp "$(command -v busybox)" "$WORK/bundle/rootfs/bin/busybox"
ln -s busybox "$WORK/bundle/rootfs/bin/true"
(cd "$WORK/bundle" && "$OCICTL" spec)
sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/' "$WORK/bundle/config.json"

python3 - "$WORK" "$RUNS" "$OCICTL" <<'PY'
import os, statistics, subprocess, sys, time
work, runs, ocictl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
bundle = os.path.join(work, "bundle")
runtimes = {"ocictl": ocictl, "runc": "runc", "crun": "crun"}
wrapper = 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"'

def once(name, binary, i):
    root = os.path.join(work, "root-" + name)
    cid = f"bench-{name}-{i}"
    start = time.perf_counter()
    subprocess.run(["unshare", "-m", "sh", "-c", wrapper, "sh", binary, "--root", root, "run", "--bundle", bundle, cid],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["unshare", "-m", "sh", "-c", wrapper, "sh", binary, "--root", root, "delete", "--force", cid],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start

times = {n: [] for n in runtimes}
for n, b in runtimes.items():       # warm-up: page cache, first-run costs
    for i in range(5):
        once(n, b, f"w{i}")
for i in range(runs):
    for n, b in runtimes.items():   # interleaved rounds
        times[n].append(once(n, b, i))
med = {n: statistics.median(t) * 1000 for n, t in times.items()}
print(f"run /bin/true + delete, {runs} runs each, interleaved (ms)")
print(f"{'runtime':8} {'median':>8} {'p10':>8} {'p90':>8}")
for n, t in times.items():
    q = statistics.quantiles([x * 1000 for x in t], n=10)
    print(f"{n:8} {med[n]:8.2f} {q[0]:8.2f} {q[-1]:8.2f}")
print(f"ratio ocictl/runc: {med['ocictl'] / med['runc']:.2f}")
print(f"ratio ocictl/crun: {med['ocictl'] / med['crun']:.2f}")
PY
