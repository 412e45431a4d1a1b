#!/bin/bash
# linux.seccomp through libseccomp: actions with their errno, argument conditions (EQ and
# MASKED_EQ), KILL_PROCESS, unknown syscall names skipped (as runc), the filter in exec'd
# processes too, with and without noNewPrivileges, and bad profiles refused by field.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
set_config "$B" root.readonly false
PROFILE='{"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
  "flags":["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
  "syscalls":[
    {"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
    {"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":10,"op":"SCMP_CMP_EQ"}]},
    {"names":["openat"],"action":"SCMP_ACT_ERRNO","errnoRet":13,"args":[{"index":2,"value":3,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]},
    {"names":["sync"],"action":"SCMP_ACT_KILL_PROCESS"},
    {"names":["no_such_syscall_anywhere"],"action":"SCMP_ACT_ERRNO"}]}'
set_config "$B" linux.seccomp "$PROFILE"
inside() { set_args "$B" sh -c "$1"; oc run -b "$B" "s$RANDOM" </dev/null 2>&1; }

expect_eq "the filter is on" "Seccomp: 2" "$(inside 'grep ^Seccomp: /proc/self/status' | tr -s '\t' ' ')"
expect_contains "SCMP_ACT_ERRNO with errnoRet" "Function not implemented" "$(inside 'mkdir /x')"
expect_contains "an EQ condition that matches" "Operation not permitted" "$(inside 'kill -USR1 $$')"
expect_eq "an EQ condition that does not match" ok "$(inside 'kill -0 $$ && echo ok')"
expect_contains "a MASKED_EQ condition (open for writing)" "Permission denied" "$(inside 'echo x > /tmp/f')"
expect_eq "reading is still allowed" "root:x:0:0:root:/:/bin/sh" "$(inside 'cat /etc/passwd')"
inside 'sync' >/dev/null
expect_eq "SCMP_ACT_KILL_PROCESS kills with SIGSYS" 159 "$?"

set_args "$B" sleep 1000
oc run -d -b "$B" sx </dev/null >/dev/null 2>&1
expect_contains "an exec'd process is filtered too" "Function not implemented" "$(oc exec sx mkdir /y </dev/null 2>&1)"
oc delete --force sx
assert_clean sx "$B"

# Without noNewPrivileges the filter goes in while init still has CAP_SYS_ADMIN, and holds for a
# non-root user. (It is in force for init's last steps too, so this profile must let init open
# exec.fifo for writing: the openat rule above would not; runc has the same constraint.)
set_config "$B" linux.seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}'
set_config "$B" process.noNewPrivileges false
set_config "$B" process.user '{"uid":1000,"gid":1000}'
expect_eq "without noNewPrivileges, for a non-root user" "0 Function not implemented" \
        "$(inside 'echo $(grep ^NoNewPrivs: /proc/self/status | cut -f2) $(mkdir /tmp/z 2>&1 | sed "s/.*: //")')"
set_config "$B" process.user '{"uid":0,"gid":0}'

# SCMP_ACT_NOTIFY: the listener gets the notify fd with the container process state during
# create, and its answer (ENAMETOOLONG) is what mkdir sees. Exec'd processes send theirs too.
set_config "$B" process.noNewPrivileges true
python3 "$(dirname "$0")/seccomp-listener.py" "$WORK/listener.sock" "$WORK/listener.out" >"$WORK/listener.log" 2>&1 &
LISTENER=$!
for _ in $(seq 50); do [ -S "$WORK/listener.sock" ] && break; sleep 0.1; done
set_config "$B" linux.seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$WORK/listener.sock\",\"listenerMetadata\":\"hello listener\",\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
set_args "$B" sh -c 'mkdir /tmp/n 2>&1; sleep 1000'
oc create -b "$B" sn </dev/null >"$WORK/sn.out" 2>&1 || cat "$WORK/sn.out"
state=$(head -1 "$WORK/listener.out" 2>/dev/null)
read_state() { python3 -c 'import json,sys; s=json.loads(sys.argv[1]); v=eval(sys.argv[2]); print(*v) if isinstance(v, tuple) else print(v)' "$state" "$1" 2>&1; }
pid=$(oc state sn | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
expect_eq "the listener got the fd during create" 1 "$(read_state 's["received_fds"]')"
expect_eq "with fds, pid and metadata" "['seccompFd'] $pid hello listener" "$(read_state 's["fds"], s["pid"], s["metadata"]')"
expect_eq "and the container's state" "sn creating $pid $B" "$(read_state 's["state"]["id"], s["state"]["status"], s["state"]["pid"], s["state"]["bundle"]')"
oc start sn
sleep 0.5
expect_contains "the listener's answer reaches the container" "File name too long" "$(cat "$WORK/sn.out")"
expect_eq "the container runs on after it (sh exec'd its sleep)" sleep "$(cat /proc/$pid/comm)"
expect_contains "an exec'd process sends its own fd, and is answered" "File name too long" "$(oc exec sn mkdir /tmp/e </dev/null 2>&1)"
state=$(sed -n 2p "$WORK/listener.out" 2>/dev/null)
expect_eq "its state says running, with the container's pid" "running $pid" "$(read_state 's["state"]["status"], s["state"]["pid"]')"
oc delete --force sn >/dev/null 2>&1
assert_clean sn "$B"
kill $LISTENER 2>/dev/null
out=$(oc run -b "$B" sn2 </dev/null 2>&1)
expect_contains "no listener: create fails, naming listenerPath" "linux.seccomp.listenerPath: connect to $WORK/listener.sock" "$out"
assert_clean sn2 "$B"

# startContainer hooks run under the container's filter, as runc, with and without
# noNewPrivileges: the hook's mkdir is refused, while the same hook without the rule makes it.
set_args "$B" cat /tmp/hookres
set_config "$B" root.readonly false
set_config "$B" hooks '{"startContainer":[{"path":"/bin/sh","args":["sh","-c","mkdir /tmp/hookdir 2>/dev/null && echo made > /tmp/hookres || echo denied > /tmp/hookres"]}]}'
for nnp in false true; do
        set_config "$B" process.noNewPrivileges $nnp
        rm -rf "$B/rootfs/tmp/hookdir" "$B/rootfs/tmp/hookres"
        set_config "$B" linux.seccomp '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
        expect_eq "startContainer hook under the filter (noNewPrivileges=$nnp)" "denied" "$(oc run -b "$B" "sh-$nnp" </dev/null 2>&1)"
        assert_clean "sh-$nnp" "$B"
        rm -rf "$B/rootfs/tmp/hookdir" "$B/rootfs/tmp/hookres"
        del_config "$B" linux.seccomp
        expect_eq "control: the same hook without the filter (noNewPrivileges=$nnp)" "made" "$(oc run -b "$B" "sc-$nnp" </dev/null 2>&1)"
        assert_clean "sc-$nnp" "$B"
done
rm -rf "$B/rootfs/tmp/hookdir" "$B/rootfs/tmp/hookres"
del_config "$B" hooks

# A listenerPath with no SCMP_ACT_NOTIFY rule: nothing to hand on, so the container runs as if
# it were not there (as runc; the listener is not even contacted).
set_config "$B" linux.seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$WORK/nobody-listens.sock\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\"}]}"
set_args "$B" sh -c 'echo runs'
expect_eq "listenerPath without a notify rule: the container runs" "runs" "$(oc run -b "$B" sl1 </dev/null 2>&1)"
assert_clean sl1 "$B"

# Bad profiles: refused by field, nothing left.
bad_profile() {
        set_config "$B" linux.seccomp "$2"
        out=$(oc run -b "$B" sb </dev/null 2>&1)
        expect_eq "$1: exit status" 1 "$?"
        expect_contains "$1: message" "$3" "$out"
        assert_clean sb "$B"
}
bad_profile "unknown action" '{"defaultAction":"SCMP_ACT_MAYBE"}' 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_MAYBE"'
bad_profile "unknown architecture" '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_PDP11"]}' 'linux.seccomp.architectures[0]: unknown architecture'
bad_profile "unknown operator" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_ABOUT"}]}]}' 'linux.seccomp.syscalls[0].args[0].op: unknown operator'
bad_profile "argument index" '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}' 'linux.seccomp.syscalls[0].args[0].index: 6 is out of range'
bad_profile "notify as default" '{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/x"}' 'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
bad_profile "unknown flag" '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_MAGIC"]}' 'linux.seccomp.flags[0]: unknown flag'
# An allow-list profile (default ERRNO) with only what busybox's sh needs, plus what a runtime
# must do after loading a filter without noNewPrivileges (the same as runc: prctl, setgroups,
# setres[ug]id, capset, stat/access, openat, write, execve). No close_range, no getcwd, no
# sendto: ocictl must not need them after the load. With and without noNewPrivileges, for
# create/start and for exec.
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
sh = "wait4 clone clone3 fork vfork write read readv writev mprotect openat open close dup dup2 dup3 rt_sigreturn rt_sigaction rt_sigprocmask sigaltstack getuid geteuid getgid getegid getpid getppid getpgrp setpgid gettid mmap munmap brk access faccessat faccessat2 execve execveat uname fcntl ioctl arch_prctl futex set_tid_address set_robust_list rseq newfstatat fstat stat lstat statx lseek pread64 readlink getrandom prlimit64 exit exit_group kill tgkill nanosleep clock_nanosleep getdents64 pipe pipe2"
runtime = "prctl setgroups setresgid setresuid capget capset"
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                         "syscalls": [{"names": (sh + " " + runtime).split(), "action": "SCMP_ACT_ALLOW"}]}
c["process"]["args"] = ["sh", "-c", "echo allowed-only; sleep 100"]
json.dump(c, open(sys.argv[1], "w"))
PY
for nnp in false true; do
        set_config "$B" process.noNewPrivileges $nnp
        oc create -b "$B" "al-$nnp" </dev/null >"$WORK/al-$nnp.out" 2>&1
        expect_eq "allow-list, noNewPrivileges=$nnp: create" 0 "$?"
        oc start "al-$nnp" 2>>"$WORK/al-$nnp.out"
        expect_eq "allow-list, noNewPrivileges=$nnp: start" 0 "$?"
        out=$(oc exec "al-$nnp" sh -c 'echo exec-ok' </dev/null 2>&1)
        expect_eq "allow-list, noNewPrivileges=$nnp: exec" "exec-ok" "$out"
        for i in $(seq 30); do grep -q allowed-only "$WORK/al-$nnp.out" && break; sleep 0.1; done
        expect_contains "allow-list, noNewPrivileges=$nnp: the process ran" "allowed-only" "$(cat "$WORK/al-$nnp.out")"
        # The filter is on and narrow: mkdir is not on the list.
        expect_contains "allow-list, noNewPrivileges=$nnp: an unlisted syscall fails" "Operation not permitted" \
                "$(oc exec "al-$nnp" mkdir /tmp/x </dev/null 2>&1)"
        oc delete -f "al-$nnp"
        assert_clean "al-$nnp" "$B"
done

# Syscalls newer than the profile: ENOSYS, not the default errno, so that glibc's fallbacks
# work under older profiles (as runc, from the same bundle, is the reference). The allow-list
# above names nothing past faccessat2 (439): mkdir (83) is below and unlisted, so it gets the
# default EPERM; futex_waitv (449) and 1000 are above. A default of allow, or of ENOSYS itself,
# needs no stub.
# runc's Go init needs a few more syscalls after the load; both get every x86 architecture
# (runc 1.1.5 makes a stub only for the architectures listed, today's runc adds the native one,
# as ocictl does).
cp "$BUILD/tests/syscall-errno" "$B/rootfs/bin/syscall-errno" || fail "copy syscall-errno"
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
sc = c["linux"]["seccomp"]
sc["syscalls"][0]["names"] += "fstatfs statfs sched_yield madvise epoll_create1 epoll_ctl epoll_pwait sched_getaffinity mincore".split()
sc["architectures"] = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
json.dump(c, open(sys.argv[1], "w"))
PY
set_args "$B" /bin/syscall-errno 83 449 1000
set_config "$B" process.noNewPrivileges true
ours=$(oc run -b "$B" enosys </dev/null 2>&1 | tr '\n' ' ')
expect_eq "a syscall above the profile's highest gets ENOSYS, one below the default" "83=1 449=38 1000=38 " "$ours"
if command -v runc >/dev/null; then
        theirs=$(runc --root "$WORK/runc" run -b "$B" renosys </dev/null 2>&1 | tr '\n' ' ')
        runc --root "$WORK/runc" delete -f renosys >/dev/null 2>&1
        expect_eq "... as with runc" "$theirs" "$ours"
else
        fail "runc is not installed (the reference for the ENOSYS stub)"
fi
set_config "$B" process.noNewPrivileges false
expect_eq "... also when the filter loads before the uid change" "83=1 449=38 1000=38 " \
        "$(oc run -b "$B" enosys2 </dev/null 2>&1 | tr '\n' ' ')"
set_config "$B" linux.seccomp.defaultErrnoRet 13
expect_eq "the default errno is whatever the profile says below its highest" "83=13 449=38 1000=38 " \
        "$(oc run -b "$B" enosys3 </dev/null 2>&1 | tr '\n' ' ')"
set_config "$B" linux.seccomp.defaultAction SCMP_ACT_LOG
out=$(oc run -b "$B" enosys4 </dev/null 2>&1 | tr '\n' ' ')
expect_eq "a permissive default gets no stub: the kernel's own answers" "83=14 449=22 1000=38 " "$out"
for id in enosys enosys2 enosys3 enosys4; do assert_clean "$id" "$B"; done
finish
