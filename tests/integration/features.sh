#!/bin/bash
# `ocictl features` (runc's JSON): well-formed, and true: what it lists is accepted, and what
# the host lacks is not claimed.
. "$(dirname "$0")/lib.sh"

out=$("$OCICTL" features 2>&1)
get() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=eval(sys.argv[2]); print(" ".join(v) if isinstance(v, list) else v)' "$out" "$1" 2>&1; }
expect_eq "valid JSON with runc's version keys" "1.0.0 1.3.0" "$(get 'd["ociVersionMin"] + " " + d["ociVersionMax"]')"
expect_eq "all six hooks" "prestart createRuntime createContainer startContainer poststart poststop" "$(get 'd["hooks"]')"
ns=$(get 'd["linux"]["namespaces"]')
if [ -e /proc/self/ns/time ]; then expect_contains "time namespace where the kernel has it" "time" "$ns"; fi
expect_contains "the recursive mount options" "ro rro rw rrw" "$(get 'd["mountOptions"]')"
expect_eq "idmapped mounts" True "$(get 'd["linux"]["mountExtensions"]["idmap"]["enabled"]')"
expect_eq "no AppArmor or SELinux labels are claimed" "False False" "$(get 'str(d["linux"]["apparmor"]["enabled"]) + " " + str(d["linux"]["selinux"]["enabled"])')"
expect_contains "the libseccomp version" "$(dpkg-query -W -f '${Version}' libseccomp2 2>/dev/null | cut -d- -f1)" "$(get 'd["annotations"]["io.github.seccomp.libseccomp.version"]')"
expect_contains "this CPU's seccomp architecture" "SCMP_ARCH_X86_64" "$(get 'd["linux"]["seccomp"]["archs"]')"

# Every listed seccomp action and namespace is accepted by create.
B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
bad=""
for action in $(get 'd["linux"]["seccomp"]["actions"]'); do
        profile="{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$WORK/l.sock\",\"syscalls\":[{\"names\":[\"getcpu\"],\"action\":\"$action\"}]}"
        [ "$action" = SCMP_ACT_NOTIFY ] || profile="{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getcpu\"],\"action\":\"$action\"}]}"
        set_config "$B" linux.seccomp "$profile"
        # NOTIFY needs a listener to create; the parser's verdict is what counts here.
        oc create -b "$B" f1 </dev/null >"$WORK/f1.out" 2>&1
        msg=$(cat "$WORK/f1.out")
        oc delete --force f1 >/dev/null 2>&1
        case "$msg" in *"config.json"*) bad="$bad $action" ;; esac
done
expect_eq "each listed seccomp action is accepted" "" "$bad"
del_config "$B" linux.seccomp
list=$(python3 -c 'import sys, json; print(json.dumps([{"type": t} for t in sys.argv[1:]]))' $ns)
set_config "$B" linux.namespaces "$list"
set_config "$B" linux.uidMappings '[{"containerID":0,"hostID":0,"size":65536}]'
set_config "$B" linux.gidMappings '[{"containerID":0,"hostID":0,"size":65536}]'
expect_eq "every listed namespace at once" "" "$(oc run -b "$B" f2 </dev/null 2>&1)"
assert_clean f2 "$B"
expect_contains "features takes no arguments" "features: takes no arguments" "$("$OCICTL" features x 2>&1)"
finish
