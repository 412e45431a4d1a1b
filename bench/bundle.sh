# Sourced by the benchmarks: make_bundle DIR makes the bundle every runtime runs, busybox from
# Debian's busybox-static as its rootfs (true, sleep and sh linked to it) and ocictl's default
# config running /bin/true without a terminal (runc and crun accept it as it is).
make_bundle() {
        mkdir -p "$1/rootfs/bin"
        cp "$(command -v busybox)" "$1/rootfs/bin/busybox"
        for a in true sleep sh; do ln -s busybox "$1/rootfs/bin/$a"; done
        (cd "$1" && "$OCICTL" spec)
        sed -i 's/"terminal": true/"terminal": false/; s/"sh"$/"\/bin\/true"/' "$1/config.json"
}
