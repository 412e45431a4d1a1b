#!/bin/bash
# Where a `run` of /bin/true spends its CPU, process by process, for ocictl and crun side by side:
# the scheduler's own accounting (`perf sched record` of every CPU, `perf sched timehist -s`),
# summed per process name and divided by the number of runs. perf's tracing adds its own overhead
# to every figure alike: compare rows and runtimes, not these figures with bench/run.sh's.
# Root only; needs perf (apt-get install linux-perf) and crun.
# Usage: bench/where.sh [RUNS] (default 20)
set -eu
SELF=$(realpath "$0")
cd "$(dirname "$SELF")/.."
[ "$(id -u)" = 0 ] || { echo "where: run as root"; exit 1; }
. bench/cgroup-view.sh
RUNS=${1:-20}
OCICTL=${OCICTL:-$PWD/build/ocictl}
[ -x "$OCICTL" ] || { echo "where: build first (meson setup build && ninja -C build)"; exit 1; }
for c in perf crun; do command -v $c >/dev/null || { echo "where: apt-get install ${c/perf/linux-perf}"; exit 1; }; done

WORK=$(mktemp -d /tmp/ocictl-where.XXXXXX)
cleanup() {
        umount "$WORK" 2>/dev/null || true
        rm -rf "$WORK"
}
trap cleanup EXIT
. bench/bundle.sh
mount -t tmpfs tmpfs "$WORK"
make_bundle "$WORK/bundle"

cat > "$WORK/runs.sh" <<'EOF'
#!/bin/sh
runtime=$1 root=$2 bundle=$3 runs=$4
i=0
while [ $i -lt "$runs" ]; do
        "$runtime" --root "$root" run -b "$bundle" "where$i" >/dev/null
        i=$((i + 1))
done
EOF
chmod +x "$WORK/runs.sh"

for r in "$OCICTL" crun; do
        name=$(basename "$r")
        "$WORK/runs.sh" "$r" "$WORK/root-$name" "$WORK/bundle" 3 # warm the page cache
        perf sched record -q -o "$WORK/sched.$name" "$WORK/runs.sh" "$r" "$WORK/root-$name" "$WORK/bundle" "$RUNS" \
                >/dev/null 2>&1
        echo
        echo "$name run /bin/true, $RUNS runs: CPU per run, by process name (ms)"
        # timehist -s: "comm[pid]  parent  sched-in  run-time ...": sum run-time per comm; a
        # stage's name ("ocictl:[2:INIT]") counts under the name it exec'd as, as perf shows it.
        perf sched timehist -i "$WORK/sched.$name" -s 2>/dev/null |
                awk -v runs="$RUNS" -v me="$name" '
                        /Runtime summary/ { on = 1; next }
                        on && NF >= 9 && $1 ~ /\[[0-9]+\]$/ {
                                n = $1; sub(/\[[0-9]+\]$/, "", n)
                                if (n ~ "^(" me "|ocictl|memfd:ocictl|true$)") { t[n] += $4; c[n]++ }
                        }
                        END {
                                sort = "sort -k2 -n -r"
                                for (k in t) {
                                        printf "  %-20s %7.2f  (%d processes)\n", k, t[k] / runs, c[k] | sort
                                        s += t[k]
                                }
                                close(sort)
                                printf "  %-20s %7.2f\n", "all of the above", s / runs
                        }'
done
