#!/bin/bash
# Every binary links sd-bus and libc the way `ocictl --version` says.
# sd-bus: with -Dstatic_libsystemd (tools/static-libsystemd.sh), no process may load
# libsystemd.so.0 or the compression and crypto libraries it brings (the point of that build,
# issue 15); without it, Debian's libsystemd.so.0.
# libc: with -Dstatic_binaries, ocictl, the parser, the cgroup manager and the registry are static
# (no dynamic loader, no shared object at all) and the spawner is not (its sealed copy stays
# small); without it, all five load libc.so.6.
cd "${OCICTL_BUILD_DIR:?run through meson test}" || exit 1
version=$(./ocictl --version)
sdbus=$(sed -n 's/^sd-bus: //p' <<<"$version")
libc=$(sed -n 's/^libc: //p' <<<"$version")
[ -n "$sdbus" ] || { echo "FAIL - ocictl --version names no sd-bus"; exit 1; }
[ -n "$libc" ] || { echo "FAIL - ocictl --version names no libc"; exit 1; }
status=0
for b in ocictl ocictl-spec ocictl-spawner ocictl-registry ocictl-cgroups; do
        libs=$(ldd "$b" 2>&1 | awk '{print $1}' | tr '\n' ' ')
        case "$sdbus" in
        static,*)
                bad=$(echo "$libs" | grep -oE 'lib(systemd|gcrypt|gpg-error|lzma|zstd|lz4)\.so[.0-9]*' | tr '\n' ' ')
                if [ -n "$bad" ]; then echo "FAIL - $b ($sdbus) loads $bad"; status=1; else echo "ok - $b: $libs"; fi ;;
        *)
                case "$libs" in
                *libsystemd.so.0*) echo "ok - $b loads libsystemd.so.0" ;;
                *) echo "FAIL - $b: --version says $sdbus, but it loads $libs"; status=1 ;;
                esac ;;
        esac
        static=no
        file -L "$b" | grep -q 'static-pie linked\|statically linked' && static=yes
        want=no
        case "$libc" in static,*) [ "$b" = ocictl-spawner ] || want=yes ;; esac
        if [ "$static" = "$want" ]; then
                echo "ok - $b: static $static (libc: $libc)"
        else
                echo "FAIL - $b: static $static, but --version says libc: $libc"; status=1
        fi
done
exit $status
