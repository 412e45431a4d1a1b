# Sourced by the VM tests (tests/integration/*-vm.sh, after lib.sh): vm_initramfs DIR [BINARY...]
# fills DIR with busybox, the ocictl binaries, the extra binaries named, and the libraries they
# all link, at the paths the dynamic loader looks in; vm_pack DIR OUT makes the initramfs;
# vm_boot INITRAMFS CONSOLE CMDLINE boots Debian's kernel on it (TCG: KVM is present on these
# machines but hangs) and returns qemu's status (3 when the VM reported through isa-debug-exit);
# vm_rootless_bundle DIR CGROUPS_PATH makes the rootless checks' bundle for the VM's test user.
vm_initramfs() {
        local dir=$1 b lib
        shift
        mkdir -p "$dir/bin" "$dir/usr/bin" "$dir/etc" "$dir/bundles" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/run"
        cp "$BUSYBOX" "$dir/bin/busybox"
        for applet in $("$BUSYBOX" --list); do [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"; done
        echo "root:x:0:0:root:/:/bin/sh" > "$dir/etc/passwd"
        echo "root:x:0:" > "$dir/etc/group"
        # The rootless checks' user.
        echo "ocuser:x:1001:1001::/tmp:/bin/sh" >> "$dir/etc/passwd"
        echo "ocuser:x:1001:" >> "$dir/etc/group"
        cp "$OCICTL_SOURCE_DIR/tests/vm/checks-lib.sh" "$dir/checks-lib.sh"
        for b in "$BUILD/ocictl" "$BUILD/ocictl-spec" "$BUILD/ocictl-cgroups" "$BUILD/ocictl-spawner" "$BUILD/ocictl-registry" \
                "$BUILD/tests/without-clone3" "$@"; do
                case "$b" in
                "$BUILD"/*) cp "$b" "$dir/usr/bin/" ;;
                *) mkdir -p "$dir$(dirname "$b")" && cp "$b" "$dir$b" ;;
                esac
                for lib in $(ldd "$b" | grep -o '/[^ ]*'); do
                        mkdir -p "$dir$(dirname "$lib")"
                        cp -L "$lib" "$dir$lib"
                done
        done
}

vm_pack() {
        (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) > "$2"
}

vm_boot() {
        local initramfs=$1 console=$2 cmdline=$3
        # Bounded: 10 minutes.
        timeout 600 "$QEMU" -accel tcg -m 768M -smp 1 -no-reboot -display none -monitor none \
                -kernel "$KERNEL" -initrd "$initramfs" -append "console=ttyS0 panic=-1 $cmdline" \
                -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$console" </dev/null
}

# vm_report CONSOLE PREFIX: the VM's "ok - " and "FAIL - " lines as this test's checks.
vm_report() {
        local line
        grep -q "^VM-DONE" "$1" || { fail "the VM did not finish; console:"; tail -30 "$1" >&2; }
        while IFS= read -r line; do
                line=${line%$'\r'}
                case "$line" in
                "ok - "*) pass "$2${line#ok - }" ;;
                "FAIL - "*) fail "$2${line#FAIL - }" ;;
                esac
        done < "$1"
        check "the VM reported its checks" grep -q "^ok - " "$1"
}

# runc's rootless spec (`ocictl spec --rootless`) with the VM's test user (1001) mapped, running
# sleep in CGROUPS_PATH with a pids limit of 16.
vm_rootless_bundle() {
        local dir=$1 cgroups_path=$2 spec="$WORK/rootless-spec"
        mkdir -p "$spec" && rm -f "$spec/config.json" && "$BUILD/ocictl" spec --rootless -b "$spec" || return 1
        make_bundle "$dir" sleep 1000 || return 1
        python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
for m in c["linux"]["uidMappings"] + c["linux"]["gidMappings"]:
    m["hostID"] = 1001
c["process"]["args"] = ["sleep", "1000"]
c["process"]["terminal"] = False
c["linux"]["cgroupsPath"] = sys.argv[3]
c["linux"]["resources"] = {"pids": {"limit": 16}}
json.dump(c, open(sys.argv[2], "w"), indent=1)' "$spec/config.json" "$dir/config.json" "$cgroups_path"
}
