#!/bin/bash
# exec and ps: the new process joins every namespace and the cgroup of the container, gets its
# spec unless a flag says otherwise, sees no host fd, exits with its own status (255 when exec
# itself fails), and ps lists it.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" sleep 1000 || fail "make bundle"
mkdir -p "$B/rootfs/home/u"
set_config "$B" process.noNewPrivileges false
oc run -d --pid-file "$WORK/init.pid" -b "$B" x1 </dev/null >/dev/null 2>&1
init=$(cat "$WORK/init.pid")
ex() { oc exec x1 "$@" </dev/null 2>&1; }

out=$(ex sh -c 'echo $$; readlink /proc/1/exe; hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt; readlink /proc/self/ns/pid')
set -- $out
check "the process is not PID 1 ($1)" test "$1" != 1
expect_eq "it sees the container's init as PID 1" /bin/busybox "$2"
expect_eq "uts namespace" ocictl "$3"
expect_eq "network namespace" "$(readlink /proc/$init/ns/net)" "$4"
expect_eq "mount namespace" "$(readlink /proc/$init/ns/mnt)" "$5"
expect_eq "pid namespace" "$(readlink /proc/$init/ns/pid)" "$6"
expect_eq "cgroup" "$(grep memory /proc/$init/cgroup)" "$(ex grep memory /proc/self/cgroup | sed "s|:/$|:$(grep memory /proc/$init/cgroup | cut -d: -f3)|")"
expect_eq "the rootfs is the container's" ok "$(ex sh -c 'test -x /bin/busybox && test ! -e /usr/lib && echo ok')"

ex sh -c 'exit 42'
expect_eq "exit status of the process" 42 "$?"
out=$(ex /bin/nonexistent)
expect_eq "exec failure exits 255" 255 "$?"
expect_contains "exec failure says why" 'exec: "/bin/nonexistent": stat /bin/nonexistent: no such file or directory' "$out"
out=$(oc exec nosuch true 2>&1)
expect_eq "unknown container exits 255" 255 "$?"
expect_contains "unknown container says why" "container does not exist" "$out"
out=$(oc exec x1 2>&1 </dev/null)
expect_contains "a missing command is an error" "missing the command" "$out"

# The container's process settings, and the flags that change them.
expect_eq "the container's env" "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$(ex sh -c 'echo PATH=$PATH')"
expect_eq "--env adds and overrides" "bar /bin" "$(oc exec --env FOO=bar -e PATH=/bin x1 sh -c 'echo $FOO $PATH' </dev/null 2>&1)"
expect_eq "--cwd" /home/u "$(oc exec --cwd /home/u x1 pwd </dev/null 2>&1)"
expect_eq "--user and --additional-gids" "1000 1001 1001 7" \
        "$(oc exec --user 1000:1001 --additional-gids 7 x1 sh -c 'echo $(id -u) $(id -g) $(id -G)' </dev/null 2>&1)"
caps=$(oc exec --cap CAP_SYS_ADMIN x1 grep -E '^Cap(Eff|Inh)' /proc/self/status </dev/null 2>&1 | tr -s '\t' ' ')
expect_contains "--cap adds to the effective set" "CapEff: 0000000020200420" "$caps"
expect_contains "--cap never touches the inheritable set" "CapInh: 0000000000000000" "$caps"
expect_eq "without --no-new-privs, the container's setting" "NoNewPrivs: 0" "$(ex grep NoNewPrivs /proc/self/status | tr -s '\t' ' ')"
expect_eq "--no-new-privs" "NoNewPrivs: 1" "$(oc exec --no-new-privs x1 grep NoNewPrivs /proc/self/status </dev/null 2>&1 | tr -s '\t' ' ')"
exec 7>"$WORK/leak"
expect_eq "only fds 0-2 (and ls's own)" "0 1 2 3" "$(ex sh -c 'ls /proc/self/fd | sort -n | tr "\n" " " | sed "s/ $//"')"
exec 7>&-
cat > "$WORK/process.json" <<'JSON'
{"args": ["sh", "-c", "echo $GREETING from $(pwd) as $(id -u)"], "env": ["GREETING=hello", "PATH=/bin"],
 "cwd": "/home/u", "user": {"uid": 1000, "gid": 1000}}
JSON
expect_eq "--process FILE" "hello from /home/u as 1000" "$(oc exec --process "$WORK/process.json" x1 </dev/null 2>&1)"
echo '{"args": []}' > "$WORK/bad.json"
expect_eq "--process from a pipe (/dev/fd/N), as runc takes it" "hello from /home/u as 1000" \
        "$(oc exec -p /dev/fd/5 x1 </dev/null 5< <(cat "$WORK/process.json") 2>&1)"
out=$(oc exec -p "$WORK/bad.json" x1 </dev/null 2>&1)
expect_eq "a bad process file exits 255" 255 "$?"
expect_contains "a bad process file says what" "process.json: process.args: must not be empty" "$out"

echo "exec fd" > "$WORK/efd"
expect_eq "exec --preserve-fds" "exec fd" "$(oc exec --preserve-fds 1 x1 sh -c 'cat <&3' </dev/null 3<"$WORK/efd" 2>&1)"

# The spec exec starts from is the parser's answer that create kept (ROOT/ID/spec): an exec
# without --process runs no parser. Shown with a service folder that has every service but the
# parser: exec works, exec --process (which needs it) fails, and so does an exec of a container
# whose kept answer is gone (made by an older ocictl) or damaged, until the parser is back.
check "create kept the parsed spec" test -s "$ROOT/x1/spec"
noparser="$WORK/no-parser"
mkdir -p "$noparser"
for s in "$BUILD"/ocictl-*; do [ "$(basename "$s")" = ocictl-spec ] || ln -sf "$s" "$noparser/"; done
npx() { OCICTL_LIBEXEC_DIR="$noparser" "$OCICTL" --root "$ROOT" exec "$@" </dev/null 2>&1; }
expect_eq "exec without a parser to start" "no parser" "$(npx x1 echo no parser)"
out=$(npx --process "$WORK/process.json" x1)
expect_eq "... exec --process needs one: exits 255" 255 "$?"
expect_contains "... and says which service" "ocictl-spec" "$out"
cp "$ROOT/x1/spec" "$WORK/spec.kept"
rm "$ROOT/x1/spec"
npx x1 true >/dev/null
expect_eq "without the kept answer, exec needs the parser" 255 "$?"
expect_eq "... which parses config.json again" "again" "$(ex echo again)"
printf 'garbage' > "$ROOT/x1/spec"
out=$(ex echo damaged)
expect_contains "a damaged kept answer: parsed again, with a warning" "the saved spec cannot be read" "$out"
expect_contains "... and the exec works" "damaged" "$out"
cp "$WORK/spec.kept" "$ROOT/x1/spec"
expect_eq "the kept answer back: no parser needed again" "back" "$(npx x1 echo back)"

# Detached, and ps.
oc exec -d --pid-file "$WORK/exec.pid" x1 sleep 500 </dev/null >/dev/null 2>&1
expect_eq "exec --detach" 0 "$?"
epid=$(cat "$WORK/exec.pid")
check "the detached process runs sleep" grep -q sleep "/proc/$epid/cmdline"
json=$(oc ps --format json x1)
check "ps --format json lists init and the exec'd process" python3 -c '
import json, sys
pids = json.loads(sys.argv[1])
assert int(sys.argv[2]) in pids and int(sys.argv[3]) in pids, pids' "$json" "$init" "$epid"
table=$(oc ps x1)
expect_contains "ps shows ps's header" "PID" "$(echo "$table" | head -1)"
expect_eq "ps shows the container's processes only" 2 "$(echo "$table" | tail -n +2 | wc -l)"
expect_eq "ps passes ps options" "sleep" "$(oc ps x1 -o pid,comm | tail -n +2 | awk "{ print \$2 }" | sort -u)"

# run-style signal forwarding for exec.
"$OCICTL" --root "$ROOT" exec x1 sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.1; done' </dev/null >"$WORK/sig.out" 2>&1 &
runner=$!
for _ in $(seq 50); do grep -q ready "$WORK/sig.out" && break; sleep 0.1; done
kill -TERM $runner
wait $runner
expect_eq "exec forwards SIGTERM to the process" 9 "$?"

# exec --cgroup (runc's format): into existing sub-cgroups of the container's, per controller
# on v1; the sub-cgroup must exist (runc does not make it either) and stay below the container's.
init=$(cat "$WORK/init.pid")
cg_of() { awk -F: -v c="$1" '$2 == c { print $3 }' "/proc/$init/cgroup"; }
mnt_of() { awk -v c="$1" '$3 == "cgroup" && $4 ~ "(^|,)"c"(,|$)" { print $2; exit }' /proc/self/mounts; }
cpu_dir="$(mnt_of cpu)$(cg_of cpu)" pids_dir="$(mnt_of pids)$(cg_of pids)"
if [ -d "$cpu_dir" ] && [ -d "$pids_dir" ]; then
        mkdir "$cpu_dir/sub" "$pids_dir/sub"
        out=$(oc exec --cgroup cpu:sub --cgroup pids:/sub x1 cat /proc/self/cgroup </dev/null 2>&1)
        expect_contains "exec --cgroup cpu:sub runs in the cpu sub-cgroup" ":cpu:$(cg_of cpu)/sub" "$out"
        expect_contains "... and pids:/sub in the pids one" ":pids:$(cg_of pids)/sub" "$out"
        expect_contains "... and the other hierarchies in the container's own" ":memory:$(cg_of memory)" "$out"
        out=$(oc exec --cgroup cpu,pids:sub x1 cat /proc/self/cgroup </dev/null 2>&1)
        expect_contains "a controller list shares one path" ":pids:$(cg_of pids)/sub" "$out"
        expect_contains "exec --cgroup of a missing sub-cgroup is refused" "does not exist" \
                "$(oc exec --cgroup cpu:nosub x1 true </dev/null 2>&1)"
        expect_contains "exec --cgroup cannot leave the container's cgroup" '"../.." is not a sub-cgroup path' \
                "$(oc exec --cgroup cpu:../.. x1 true </dev/null 2>&1)"
        expect_contains "exec --cgroup of a controller it has no cgroup for" 'no cgroup for the controller "nosuch"' \
                "$(oc exec --cgroup nosuch:sub x1 true </dev/null 2>&1)"
        expect_contains "a path for all after one per controller is refused, as runc" "missing the <controller>: prefix" \
                "$(oc exec --cgroup cpu:sub --cgroup sub x1 true </dev/null 2>&1)"
        expect_contains "a controller twice is refused" "controller cpu given more than once" \
                "$(oc exec --cgroup cpu:a --cgroup cpu,pids:b x1 true </dev/null 2>&1)"
        for _ in $(seq 20); do [ -z "$(cat "$cpu_dir/sub/cgroup.procs")" ] && break; sleep 0.1; done
        rmdir "$cpu_dir/sub" "$pids_dir/sub"
else
        fail "no cpu and pids cgroup v1 hierarchies here for exec --cgroup (the VM test covers v2)"
fi

oc kill x1 KILL
for _ in $(seq 50); do oc state x1 | grep -q stopped && break; sleep 0.1; done
out=$(ex true)
expect_eq "exec in a stopped container exits 255" 255 "$?"
expect_contains "exec in a stopped container says why" "cannot exec in a stopped container" "$out"
expect_eq "ps of a stopped container is empty" "[]" "$(oc ps --format json x1)"
oc delete x1
assert_clean x1 "$B"
finish
