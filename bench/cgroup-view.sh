# Sourced first by the benchmarks (SELF: the script's absolute path): run the rest of the script
# in a private mount namespace with /sys/fs/cgroup/unified unmounted, the one cgroup view every
# runtime is measured under (crun 1.8 refuses this host's hybrid layout otherwise;
# ../shared/DESIGN.md). Entered once for the whole script rather than per command: an `unshare`
# + `sh` + `umount` around each command costs about 4.5 ms of wall and CPU time, the same for
# every runtime, and that constant pulled every ratio towards 1. Where there is no unified mount
# (pure v2) nothing is unmounted.
# OCICTL_BENCH_VIEW names the mount namespace the script was started in: the re-executed script
# runs in another one, or refuses, so that the umount below never reaches the namespace it came
# from (nor init's): not when the unshare did not happen, nor when the variable came from the
# caller's environment.
here=$(readlink /proc/self/ns/mnt)
case "${OCICTL_BENCH_VIEW:-}" in
mnt:*) ;;
*) OCICTL_BENCH_VIEW=$here exec unshare --mount --propagation private "$SELF" "$@" ;;
esac
if [ -z "$here" ] || [ "$here" = "$OCICTL_BENCH_VIEW" ] || [ "$here" = "$(readlink /proc/1/ns/mnt 2>/dev/null)" ]; then
        echo "bench: not in a mount namespace of its own (OCICTL_BENCH_VIEW=$OCICTL_BENCH_VIEW from outside?): refusing to unmount /sys/fs/cgroup/unified"
        exit 1
fi
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
        umount /sys/fs/cgroup/unified
fi
