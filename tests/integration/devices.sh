#!/bin/bash
# linux.devices: nodes made in the container's /dev with their type, numbers, mode and owner,
# allowed in the device cgroup (v1 here), bind-mounted from the host inside a user namespace;
# bad entries named.
. "$(dirname "$0")/lib.sh"

B="$WORK/bundle"
make_bundle "$B" true || fail "make bundle"
inside() { set_args "$B" sh -c "$1"; oc run -b "$B" "d$RANDOM" </dev/null 2>&1; }

set_config "$B" linux.devices '[{"path":"/dev/net/tun","type":"c","major":10,"minor":200,"fileMode":432,"uid":1000,"gid":5},{"path":"/dev/null","type":"c","major":1,"minor":3,"fileMode":438},{"path":"/dev/myfifo","type":"p","fileMode":384}]'
out=$(inside 'stat -c "%n %F %t:%T %a %u:%g" /dev/net/tun /dev/myfifo')
expect_eq "a character device in a new directory, with mode and owner" "/dev/net/tun character special file a:c8 660 1000:5" "$(echo "$out" | sed -n 1p)"
expect_eq "a fifo" "/dev/myfifo fifo 0:0 600 0:0" "$(echo "$out" | sed -n 2p)"
# podman sends the whole st_mode (8630 = S_IFCHR | 0666): the type bits are dropped, as runc.
set_config "$B" linux.devices '[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":8630}]'
expect_eq "fileMode with the file-type bits (podman --device)" "character special file 666" "$(inside 'stat -c "%F %a" /dev/fuse')"
# The default capabilities have no CAP_DAC_OVERRIDE: the working node gets the default 0666.
# /dev/fuse, because runc's default rules (which we share) already allow /dev/net/tun. The
# node opens only where linux.resources.devices allows it.
set_config "$B" linux.devices '[{"path":"/dev/fuse","type":"c","major":10,"minor":229},{"path":"/dev/null","type":"c","major":1,"minor":3,"fileMode":438}]'
set_config "$B" linux.resources.devices '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"rwm"}]'
expect_eq "the default mode is 0666" "666" "$(inside 'stat -c %a /dev/fuse')"
expect_eq "the node opens" "ok" "$(inside 'exec 3<>/dev/fuse && echo ok || echo "open failed"')"
expect_eq "a default device given again is replaced, not doubled" "1" "$(inside 'ls /dev | grep -c "^null$"')"
if [ -e /sys/fs/cgroup/devices/devices.allow ]; then
        expect_contains "the device cgroup allows it" "c 10:229 rwm" "$(inside 'cat /sys/fs/cgroup/devices/devices.list')"
        # Without the rule the kernel refuses the open: listing a node does not widen the
        # device cgroup (a peer runtime's test: /dev/kmsg listed, all devices denied).
        set_config "$B" linux.resources.devices '[{"allow":false,"access":"rwm"}]'
        expect_eq "a listed node stays denied when linux.resources.devices denies it" "open failed" \
                "$(inside '(exec 3<>/dev/fuse) 2>/dev/null && echo ok || echo "open failed"')"
        set_config "$B" linux.devices '[{"path":"/dev/kmsg","type":"c","major":1,"minor":11}]'
        expect_eq "/dev/kmsg listed, all devices denied: no write" "denied" \
                "$(inside '(echo x > /dev/kmsg) 2>/dev/null && echo written || echo denied')"
        set_config "$B" linux.resources.devices '[{"allow":false,"access":"rwm"}]'
        del_config "$B" linux.devices
        # CAP_MKNOD, so that only the cgroup can say no (it denies mknod and open alike).
        set_config "$B" process.capabilities '{"bounding":["CAP_MKNOD"],"effective":["CAP_MKNOD"],"permitted":["CAP_MKNOD"]}'
        # runc's default rules allow mknod of any node ("c *:* m"); opening is what the cgroup guards.
        set_args "$B" sh -c 'mknod /dev/zero2 c 1 5 && head -c1 /dev/zero2 >/dev/null && echo opened; mknod /dev/fuse2 c 10 229 && true 3<>/dev/fuse2 && echo opened || echo refused'
        expect_eq "an unlisted device is refused by the cgroup (an allowed one is not)" "opened refused" "$(echo $(oc run -b "$B" dn </dev/null 2>&1 | grep -v Operation))"
        del_config "$B" process.capabilities
else
        skip "no v1 devices controller on this host (the v2 filter is issue 4)"
fi

# Inside a user namespace the host's node is bind-mounted instead (mknod is not allowed there).
chmod 711 "$WORK"
set_config "$B" linux.devices '[{"path":"/dev/net/tun","type":"c","major":10,"minor":200}]'
set_config "$B" linux.namespaces '[{"type":"pid"},{"type":"mount"},{"type":"user"},{"type":"network"},{"type":"uts"},{"type":"ipc"}]'
set_config "$B" linux.uidMappings '[{"containerID":0,"hostID":200000,"size":65536}]'
set_config "$B" linux.gidMappings '[{"containerID":0,"hostID":200000,"size":65536}]'
out=$(inside 'grep -c " /dev/net/tun " /proc/self/mountinfo; stat -c "%t:%T" /dev/net/tun')
expect_eq "in a user namespace the node is a bind mount of the host's" "1 a:c8" "$(echo $out)"

set_config "$B" linux.devices '[{"path":"/dev/nosuch","type":"c","major":10,"minor":250}]'
out=$(oc run -b "$B" dbad </dev/null 2>&1)
expect_contains "a host node that does not exist, in a user namespace" "device /dev/nosuch: bind mount the host's node" "$out"
assert_clean dbad "$B"
finish
