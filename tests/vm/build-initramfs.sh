# Sourced by the VM tests (tests/integration/*-vm.sh, after lib.sh): vm_initramfs DIR [BINARY...]
# fills DIR with busybox, the ocictl binaries, the extra binaries named, and the libraries they
# all link, at the paths the dynamic loader looks in; vm_pack DIR OUT makes the initramfs;
# vm_boot INITRAMFS CONSOLE CMDLINE boots Debian's kernel on it (TCG: KVM is present on these
# machines but hangs) and returns qemu's status (3 when the VM reported through isa-debug-exit).
vm_initramfs() {
        local dir=$1 b lib
        shift
        mkdir -p "$dir/bin" "$dir/usr/bin" "$dir/etc" "$dir/bundles" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/tmp" "$dir/run"
        cp "$BUSYBOX" "$dir/bin/busybox"
        for applet in $("$BUSYBOX" --list); do [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"; done
        echo "root:x:0:0:root:/:/bin/sh" > "$dir/etc/passwd"
        echo "root:x:0:" > "$dir/etc/group"
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
