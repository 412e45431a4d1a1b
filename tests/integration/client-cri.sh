#!/bin/bash
# containerd's CRI plugin as a Kubernetes node uses it: a runtime handler "ocictl" whose
# BinaryName is ocictl (what a RuntimeClass selects), driven through the CRI gRPC API by a small
# client of our own (tests/helpers/cri) as the kubelet would: RunPodSandbox, CreateContainer,
# StartContainer, ExecSync, ContainerStats, StopContainer, RemoveContainer, StopPodSandbox,
# RemovePodSandbox. The same pod runs on the "runc" handler first, as the reference. The pod has
# a network namespace of its own, and no way out of it: containerd wants an eth0 with an address,
# so CNI's host-device plugin moves in one end of a veth pair whose other end stays down, with no
# address, on the host (TEST-NET-1 address, nothing routed). The pause image is the test's
# busybox running sleep.
. "$(dirname "$0")/lib.sh"

command -v containerd >/dev/null && command -v ctr >/dev/null || skip "containerd not installed (apt-get install containerd)"
command -v protoc >/dev/null || skip "protoc not installed (apt-get install protobuf-compiler)"
/usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null || skip "Debian's python3-grpcio and python3-protobuf are not installed"
[ -x /usr/lib/cni/loopback ] || skip "CNI's loopback plugin is not installed (apt-get install containernetworking-plugins)"
RUNC=$(command -v runc || true)
[ -n "$RUNC" ] || skip "runc not installed (the reference)"

HELPERS="$OCICTL_SOURCE_DIR/tests/helpers"
export CRI_PB_DIR="$WORK/pb"
mkdir -p "$CRI_PB_DIR" "$WORK/cni" "$WORK/logs"
protoc -I "$HELPERS/cri" --python_out="$CRI_PB_DIR" "$HELPERS/cri/cri-subset.proto" || fail "compile the CRI subset"

make_image_tar localhost/ocictl-busybox:latest "$WORK/image.tar" &&
        make_image_tar localhost/ocictl-pause:latest "$WORK/pause.tar" sleep 1000000 || fail "write the image archives"

SOCK="$WORK/containerd.sock"
VETH=ocri$$
ip link add "$VETH" type veth peer name "${VETH}p" || fail "a veth pair for the pod"
cat > "$WORK/cni/10-isolated.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "isolated", "plugins": [
  {"type": "loopback"},
  {"type": "host-device", "device": "$VETH", "ipam": {"type": "static", "addresses": [{"address": "192.0.2.2/24"}]}}
]}
EOF
cat > "$WORK/containerd.toml" <<EOF
version = 2
root = "$WORK/containerd-root"
state = "$WORK/containerd-state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/ocictl-pause:latest"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  # Root on this machine lacks CAP_SYS_RESOURCE: no oom_score_adj below our own (the pause
  # container asks for -998), as on a node whose containerd runs in a user namespace.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$WORK/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUNC"
        Root = "$WORK/runc-root"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocictl]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.ocictl.options]
        BinaryName = "$OCICTL"
        Root = "$ROOT"
EOF
kubepods_existed=$(for h in /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/k8s.io; do [ -d "$h" ] && echo "$h"; done)
containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 &
DAEMON=$!
stop_daemon() {
        for id in $(ctr -a "$SOCK" -n k8s.io task ls -q 2>/dev/null); do ctr -a "$SOCK" -n k8s.io task kill -s KILL "$id" >/dev/null 2>&1; done
        sleep 0.2
        for id in $(ctr -a "$SOCK" -n k8s.io task ls -q 2>/dev/null); do ctr -a "$SOCK" -n k8s.io task delete -f "$id" >/dev/null 2>&1; done
        kill "$DAEMON" 2>/dev/null
        wait "$DAEMON" 2>/dev/null
        grep " $WORK" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount 2>/dev/null
        ip link del "${VETH}p" 2>/dev/null
}
trap 'stop_daemon; cleanup_all' EXIT
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.1; done

cri() { /usr/bin/python3 "$HELPERS/cri/cri-client.py" "$SOCK" "$@"; }
# field JSON KEY.KEY…: one value of a reply.
field() { /usr/bin/python3 -c 'import json, sys; v = json.loads(sys.argv[1])
for k in sys.argv[2].split("."): v = v.get(k, "") if isinstance(v, dict) else ""
print(v)' "$1" "$2"; }
b64() { /usr/bin/python3 -c 'import base64, sys; print(base64.b64decode(sys.argv[1]).decode(), end="")' "$1"; }

expect_eq "the CRI answers: containerd" "containerd" "$(field "$(cri Version '{}')" runtime_name)"
ctr -a "$SOCK" -n k8s.io images import "$WORK/image.tar" >/dev/null 2>&1 &&
        ctr -a "$SOCK" -n k8s.io images import "$WORK/pause.tar" >/dev/null 2>&1
check "import the busybox and pause images into the CRI's namespace" ctr -a "$SOCK" -n k8s.io images check name==localhost/ocictl-pause:latest

# start_pod HANDLER: the kubelet's calls for one pod with one container, up to its stats; the
# results go into variables named after the handler for the checks below.
start_pod() {
        local h=$1 pod_config pod cid status stats exec
        pod_config='{"metadata": {"name": "pod-'$h'", "uid": "uid-'$h'", "namespace": "test", "attempt": 0},
                     "hostname": "pod-'$h'", "log_directory": "'$WORK/logs/$h'",
                     "linux": {"security_context": {"namespace_options": {"network": 0, "pid": 1, "ipc": 0}}}}'
        mkdir -p "$WORK/logs/$h"
        local reply; reply=$(cri RunPodSandbox '{"config": '"$pod_config"', "runtime_handler": "'$h'"}')
        echo "RunPodSandbox on $h: $reply" >&2 # the reason, in the log, when it fails
        pod=$(field "$reply" pod_sandbox_id)
        eval "pod_$h=\$pod"
        cid=$(field "$(cri CreateContainer '{"pod_sandbox_id": "'$pod'", "sandbox_config": '"$pod_config"',
                "config": {"metadata": {"name": "c1"}, "image": {"image": "localhost/ocictl-busybox:latest"},
                           "command": ["sh", "-c", "echo started; exec sleep 1000"], "log_path": "c1.log",
                           "envs": [{"key": "GREETING", "value": "hello-from-cri"}],
                           "linux": {"resources": {"memory_limit_in_bytes": 67108864, "cpu_period": 100000,
                                                   "cpu_quota": 50000}}}}')" container_id)
        eval "cid_$h=\$cid"
        cri StartContainer '{"container_id": "'$cid'"}' >/dev/null
        status=$(cri ContainerStatus '{"container_id": "'$cid'"}')
        eval "running_$h=\$(field \"\$status\" status.state)"
        exec=$(cri ExecSync '{"container_id": "'$cid'", "cmd": ["sh", "-c", "echo $GREETING; echo err >&2; exit 3"], "timeout": 30}')
        eval "exec_out_$h=\$(b64 \"\$(field \"\$exec\" stdout)\")"
        eval "exec_err_$h=\$(b64 \"\$(field \"\$exec\" stderr)\")"
        eval "exec_code_$h=\$(field \"\$exec\" exit_code)"
        stats=$(cri ContainerStats '{"container_id": "'$cid'"}')
        eval "stats_mem_$h=\$(field \"\$stats\" stats.memory.working_set_bytes.value)"
        eval "stats_cpu_$h=\$(field \"\$stats\" stats.cpu.usage_core_nano_seconds.value)"
}

# end_pod HANDLER: the container stopped and removed, then the pod.
end_pod() {
        local h=$1 cid pod
        eval "cid=\$cid_$h pod=\$pod_$h"
        cri StopContainer '{"container_id": "'$cid'", "timeout": 2}' >/dev/null
        eval "stopped_$h=\$(field \"\$(cri ContainerStatus '{\"container_id\": \"'\$cid'\"}')\" status.exit_code)"
        cri RemoveContainer '{"container_id": "'$cid'"}' >/dev/null
        eval "removed_$h=\$(field \"\$(cri ContainerStatus '{\"container_id\": \"'\$cid'\"}')\" code)"
        cri StopPodSandbox '{"pod_sandbox_id": "'$pod'"}' >/dev/null
        eval "pod_stopped_$h=\$?"
        cri RemovePodSandbox '{"pod_sandbox_id": "'$pod'"}' >/dev/null
        eval "pod_removed_$h=\$?"
}

start_pod runc
end_pod runc
start_pod ocictl
expect_eq "RunPodSandbox on the ocictl handler" 64 "${#pod_ocictl}"
sandbox_state=$(ls "$ROOT/k8s.io" 2>/dev/null)
expect_contains "... the pause container is ocictl's" "$pod_ocictl" "$sandbox_state"
expect_eq "CreateContainer" 64 "${#cid_ocictl}"
expect_contains "... on ocictl too" "$cid_ocictl" "$sandbox_state"
expect_eq "StartContainer: running" "$running_runc" "$running_ocictl"
expect_eq "... CONTAINER_RUNNING" 1 "$running_ocictl"
expect_eq "ExecSync: stdout, with the container's env, as with runc" "$exec_out_runc" "$exec_out_ocictl"
expect_eq "... hello-from-cri" "hello-from-cri" "$(echo "$exec_out_ocictl" | tr -d '\n')"
expect_eq "... stderr" "err" "$(echo "$exec_err_ocictl" | tr -d '\n')"
expect_eq "... the exit code, as with runc" "$exec_code_runc" "$exec_code_ocictl"
expect_eq "... 3" 3 "$exec_code_ocictl"
[ -n "$stats_mem_ocictl" ] && [ "$stats_mem_ocictl" -gt 0 ]
expect_eq "ContainerStats: memory ($stats_mem_ocictl bytes)" 0 "$?"
[ -n "$stats_cpu_ocictl" ] && [ "$stats_cpu_ocictl" -gt 0 ]
expect_eq "... and CPU ($stats_cpu_ocictl ns)" 0 "$?"
expect_contains "the container's log" "started" "$(cat "$WORK/logs/ocictl/c1.log" 2>&1)"

# What ocictl made of the pod: the container in the pause container's network namespace with
# only loopback, its limits on its cgroup.
pause_pid=$("$OCICTL" --root "$ROOT/k8s.io" state "$pod_ocictl" 2>/dev/null | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
c_pid=$("$OCICTL" --root "$ROOT/k8s.io" state "$cid_ocictl" 2>/dev/null | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
expect_eq "the container joins the pod's network namespace" "$(readlink "/proc/$pause_pid/ns/net")" "$(readlink "/proc/$c_pid/ns/net")"
[ "$(readlink "/proc/$c_pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
expect_eq "... which is not the host's" 0 "$?"
expect_eq "... with loopback and the isolated eth0" "eth0 lo" "$(nsenter -t "$c_pid" -n ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_contains "... whose peer is down on the host" "state DOWN" "$(ip -o link show "${VETH}p" 2>&1)"
mem_dir=$(cgroup_dir_of memory)$(awk -F: '$2 ~ /(^|,)memory(,|$)/ || ($1 == 0 && $2 == "") { print $3; exit }' "/proc/$c_pid/cgroup")
if [ -f "$mem_dir/memory.max" ]; then got=$(cat "$mem_dir/memory.max"); else got=$(cat "$mem_dir/memory.limit_in_bytes" 2>&1); fi
expect_eq "the memory limit is on the container's cgroup" 67108864 "$got"

end_pod ocictl
expect_eq "StopContainer: the exit code, as with runc" "$stopped_runc" "$stopped_ocictl"
expect_eq "RemoveContainer: the container is gone" "StatusCode.NOT_FOUND" "$removed_ocictl"
expect_eq "StopPodSandbox" 0 "$pod_stopped_ocictl"
expect_eq "RemovePodSandbox" 0 "$pod_removed_ocictl"
expect_eq "ocictl's state folder is empty" "" "$(ls "$ROOT/k8s.io" 2>/dev/null)"
left=$(find /sys/fs/cgroup -maxdepth 4 -type d \( -name "$pod_ocictl" -o -name "$cid_ocictl" \) 2>/dev/null)
expect_eq "no cgroup of the pod left" "" "$left"
stop_daemon
trap cleanup_all EXIT
expect_eq "no shim or container process left" "" "$(pgrep -af "$WORK" | grep -v '^[0-9]* \[')"
expect_eq "no mount left under the test's folder" "" "$(grep " $WORK" /proc/self/mountinfo)"
if [ -z "$kubepods_existed" ]; then
        for h in /sys/fs/cgroup/*/k8s.io /sys/fs/cgroup/k8s.io; do [ -d "$h" ] && rmdir "$h" 2>/dev/null; done
fi
finish
