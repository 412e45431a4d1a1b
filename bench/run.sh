#!/bin/bash
# ocictl against runc and crun from Debian, side by side in one run, as issue 15's table asks:
#   run      `RUNTIME run` of /bin/true (run, exit, deleted): wall and CPU time (every process
#            the command waited for, as wait4 counts it)
#   rss      the peak RSS of the largest process of a `run` (from GNU time around it:
#            a child of Python would report Python's own pages)
#   3cmds    create + start + delete as three commands, as the shims call them (the exit is
#            waited for in between through a pidfd, as a shim would)
#   exec     `RUNTIME exec` of /bin/true into a running container
#   system   `ocictl --bus-address run` through services already running on a bus (wall only:
#            the services are not our children)
#   calls    the same calls from a GDBus client, timed one by one (bench/system-calls.py; needs
#            python3-gi): where the system row's time goes
#   burst    100 runs in a row (the last ten against the first ten) and 50 at once (failures)
# Medians of interleaved rounds, and ratios (ocictl's figure divided by the other runtime's).
# Root only. Usage: bench/run.sh [RUNS] [SCENARIO...] (default 100 runs, every scenario).
#
# Same conditions for every runtime: the same bundle and config (ocictl's default, which runc and
# crun accept), the same state root type (tmpfs), and the same cgroup view (bench/cgroup-view.sh).
set -eu
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root"; exit 1; }
. bench/cgroup-view.sh
RUNS=${1:-100}
shift || true
OCICTL=${OCICTL:-$PWD/build/ocictl}
[ -x "$OCICTL" ] || { echo "bench: build first (meson setup build && ninja -C build)"; exit 1; }
for r in runc crun; do command -v $r >/dev/null || { echo "bench: apt-get install $r"; exit 1; }; done
[ -x /usr/bin/time ] || { echo "bench: apt-get install time"; exit 1; }

WORK=$(mktemp -d /tmp/ocictl-bench.XXXXXX)
. bench/private-bus.sh
cleanup() {
        stop_private_bus
        for r in ocictl runc crun; do
                for id in $(ls "$WORK/root-$r" 2>/dev/null); do
                        "$([ $r = ocictl ] && echo "$OCICTL" || echo $r)" --root "$WORK/root-$r" delete --force "$id" 2>/dev/null || true
                done
        done
        umount "$WORK" 2>/dev/null || true
        rm -rf "$WORK"
}
trap cleanup EXIT
. bench/bundle.sh
mount -t tmpfs tmpfs "$WORK"
make_bundle "$WORK/bundle"
cp -a "$WORK/bundle" "$WORK/sleeper"
sed -i 's/"\/bin\/true"$/"\/bin\/sleep", "1000"/' "$WORK/sleeper/config.json"

# The bus for the system scenario: the four services on a private dbus-daemon, up before timing.
BUILD_DIR=$(dirname "$OCICTL") STATE_ROOT="$WORK/root-bus"
start_private_bus

python3 - "$WORK" "$RUNS" "$OCICTL" "$ADDRESS" "$@" <<'PY'
import os, select, statistics, subprocess, sys, time
work, runs, ocictl, address = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
scenarios = sys.argv[5:] or ["run", "rss", "3cmds", "exec", "system", "calls", "burst"]
bundle, sleeper = os.path.join(work, "bundle"), os.path.join(work, "sleeper")
runtimes = {"ocictl": ocictl, "runc": "runc", "crun": "crun"}

def command(name, *args):
    return [runtimes[name], "--root", os.path.join(work, "root-" + name), *args]

def timed(argv, check=True):
    """wall seconds, CPU seconds and peak RSS (KiB) of argv and what it waited for"""
    # stderr to a file: a created container's init holds it open until it runs
    with open(os.path.join(work, "stderr"), "w+b") as err:
        start = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        if check and p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"bench: {' '.join(argv)}: exit {p.returncode}: {err.read().decode().strip()}")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss

def median(xs):
    return statistics.median(xs)

def table(title, rows, unit="ms", scale=1000):
    print(f"\n{title}")
    print(f"{'runtime':8} {'median':>9} {'p10':>9} {'p90':>9}  ({unit})")
    for name, xs in rows.items():
        q = statistics.quantiles([x * scale for x in xs], n=10) if len(xs) > 1 else [xs[0] * scale] * 9
        print(f"{name:8} {median(xs) * scale:9.2f} {q[0]:9.2f} {q[-1]:9.2f}")
    for other in ("runc", "crun"):
        if other in rows and "ocictl" in rows:
            print(f"ratio ocictl/{other}: {median(rows['ocictl']) / median(rows[other]):.2f}")

def rounds(fn, n=runs, warm=3):
    """fn(name, i) -> tuple of figures, interleaved across the runtimes"""
    for name in runtimes:
        for i in range(warm):
            fn(name, f"w{i}")
    out = {name: [] for name in runtimes}
    for i in range(n):
        for name in runtimes:
            out[name].append(fn(name, i))
    return out

run_results = None
if "run" in scenarios or "burst" in scenarios:
    run_results = rounds(lambda n, i: timed(command(n, "run", "--bundle", bundle, f"run-{n}-{i}")))
    if "run" in scenarios:
        table(f"run /bin/true, {runs} runs: wall", {n: [r[0] for r in rs] for n, rs in run_results.items()})
        table(f"run /bin/true, {runs} runs: CPU, all processes waited for", {n: [r[1] for r in rs] for n, rs in run_results.items()})

if "rss" in scenarios or "run" in scenarios:
    # A child of this Python starts with Python's resident pages, and wait4 reports them (the
    # peak survives exec): the figure comes from GNU time (a small process) around the command
    # instead. Not busybox's time: it takes ru_maxrss for pages and prints four times the KiB.
    def rss(name, i):
        with open(os.path.join(work, "time.out"), "w+") as out:
            subprocess.run(["/usr/bin/time", "-f", "maxrss %M", *command(name, "run", "--bundle", bundle, f"rss-{name}-{i}")],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=out, check=True)
            out.seek(0)
            line = next(l for l in out if l.startswith("maxrss "))
        return (int(line.split()[1]) / 1000,)
    res = rounds(rss, n=min(runs, 20), warm=1)
    table("run /bin/true: peak RSS of the largest process of the command (GNU time)",
          {n: [r[0] for r in rs] for n, rs in res.items()}, "KiB", 1000)

if "3cmds" in scenarios:
    def three(name, i):
        cid = f"three-{name}-{i}"
        pidfile = os.path.join(work, cid + ".pid")
        w1, c1, m1 = timed(command(name, "create", "--bundle", bundle, "--pid-file", pidfile, cid))
        pidfd = os.pidfd_open(int(open(pidfile).read()))
        w2, c2, m2 = timed(command(name, "start", cid))
        select.select([pidfd], [], [], 10)   # the exit, as a shim learns it
        os.close(pidfd)
        w3, c3, m3 = timed(command(name, "delete", cid))
        os.unlink(pidfile)
        return w1 + w2 + w3, c1 + c2 + c3, max(m1, m2, m3)
    res = rounds(three)
    table(f"create + start + delete, {runs} rounds: wall", {n: [r[0] for r in rs] for n, rs in res.items()})
    table("create + start + delete: CPU", {n: [r[1] for r in rs] for n, rs in res.items()})

if "exec" in scenarios:
    for name in runtimes:
        subprocess.run(command(name, "run", "--detach", "--bundle", sleeper, f"exec-{name}"), check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    res = rounds(lambda n, i: timed(command(n, "exec", f"exec-{n}", "/bin/true")))
    table(f"exec /bin/true, {runs} runs: wall", {n: [r[0] for r in rs] for n, rs in res.items()})
    table("exec /bin/true: CPU", {n: [r[1] for r in rs] for n, rs in res.items()})
    for name in runtimes:
        subprocess.run(command(name, "delete", "--force", f"exec-{name}"), stdin=subprocess.DEVNULL)

if "system" in scenarios:
    bus = []
    crun = []
    for i in range(runs + 3):
        w = timed([ocictl, "--bus-address", address, "run", "--bundle", bundle, f"bus-{i}"])[0]
        c = timed(command("crun", "run", "--bundle", bundle, f"busref-{i}"))[0]
        if i >= 3:
            bus.append(w)
            crun.append(c)
    table(f"ocictl --bus-address run (services already running) beside crun run, {runs} runs: wall",
          {"ocictl": bus, "crun": crun})

if "calls" in scenarios:
    print("\nsystem mode, call by call (GDBus client, a connection per container)")
    sys.stdout.flush()
    # Debian's python3 (python3-gi), whatever python3 is first on PATH; the script's cwd is the tree.
    subprocess.run(["/usr/bin/python3", "bench/system-calls.py", address, bundle, str(runs)], check=True)

if "burst" in scenarios:
    print(f"\n{runs} runs in a row: median of the last ten against the first ten")
    for name, rs in run_results.items():
        walls = [r[0] for r in rs]
        print(f"{name:8} first {median(walls[:10]) * 1000:7.2f} ms  last {median(walls[-10:]) * 1000:7.2f} ms  "
              f"ratio {median(walls[-10:]) / median(walls[:10]):.2f}")
    print("\n50 at once")
    for name in runtimes:
        start = time.perf_counter()
        procs = [subprocess.Popen(command(name, "run", "--bundle", bundle, f"par-{name}-{i}"), stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(50)]
        failed = sum(1 for p in procs if p.wait() != 0)
        print(f"{name:8} {time.perf_counter() - start:6.2f} s for 50, {failed} failed")
PY
