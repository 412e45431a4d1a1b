#!/bin/bash
# Start-up of a sandbox: `ocictl sandbox -- /bin/true` through warm system services (a private
# dbus-daemon with the four services on it, already running) beside Debian's bubblewrap running
# the same command with the same view (all namespaces new, the system paths read-only, its own
# /proc, /dev and /tmp), interleaved, medians and the ratio. Root only (bwrap runs as root here,
# and the sandbox's caller is root: the same work, no polkit question). Usage: bench/sandbox.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-100}
BUILD=${BUILD:-$PWD/build}
[ "$(id -u)" = 0 ] || { echo "bench: run as root"; exit 1; }
[ -x "$BUILD/ocictl" ] || { echo "bench: build first (meson setup build && ninja -C build)"; exit 1; }
command -v bwrap >/dev/null || { echo "bench: apt-get install bubblewrap"; exit 1; }

WORK=$(mktemp -d /tmp/ocictl-bench.XXXXXX)
. bench/private-bus.sh
trap 'stop_private_bus; sleep 0.2; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
BUILD_DIR=$BUILD STATE_ROOT="$WORK/state"
start_private_bus

binds=""
for p in /usr /bin /sbin /lib /lib64 /etc; do [ -e "$p" ] && binds="$binds --ro-bind $p $p"; done
python3 - "$RUNS" "$BUILD/ocictl" "$ADDRESS" $binds <<'PY'
import statistics, subprocess, sys, time
runs, ocictl, address, binds = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
commands = {
    "ocictl sandbox": [ocictl, "--bus-address", address, "sandbox", "--", "/bin/true"],
    "bwrap": ["bwrap", "--unshare-all", "--die-with-parent", *binds, "--proc", "/proc", "--dev", "/dev",
              "--tmpfs", "/tmp", "--", "/bin/true"],
}
times = {name: [] for name in commands}
for name, cmd in commands.items():  # warm-up, and a check that both work
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
for i in range(runs):
    for name, cmd in commands.items():
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
        times[name].append(time.perf_counter() - start)
med = {name: statistics.median(t) * 1000 for name, t in times.items()}
for name in commands:
    print(f"{name:16} median {med[name]:7.2f} ms over {runs} runs")
print(f"ratio ocictl sandbox / bwrap: {med['ocictl sandbox'] / med['bwrap']:.2f}")
PY
