# Sourced first by the benchmarks (SELF: the script's absolute path): run the rest of the script in a private mount namespace with
# /sys/fs/cgroup/unified unmounted, the one cgroup view every runtime is measured under (crun 1.8
# refuses this host's hybrid layout otherwise; ../shared/DESIGN.md). Entered once for the whole
# script rather than per command: an `unshare` + `sh` + `umount` around each command costs about
# 4.5 ms of wall and CPU time, the same for every runtime, and that constant pulled every ratio
# towards 1. Where there is no unified mount (pure v2) nothing is unmounted.
if [ -z "${OCICTL_BENCH_VIEW:-}" ]; then
        OCICTL_BENCH_VIEW=1 exec unshare --mount --propagation private "$SELF" "$@"
fi
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
        umount /sys/fs/cgroup/unified
fi
