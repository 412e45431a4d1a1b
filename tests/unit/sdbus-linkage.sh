#!/bin/bash
# Every binary links sd-bus the way `ocictl --version` says: with -Dstatic_libsystemd
# (tools/static-libsystemd.sh), no process may load libsystemd.so.0 or the compression and crypto
# libraries it brings (the point of that build, issue 15); without it, Debian's libsystemd.so.0.
cd "${OCICTL_BUILD_DIR:?run through meson test}" || exit 1
origin=$(./ocictl --version | sed -n 's/^sd-bus: //p')
[ -n "$origin" ] || { echo "FAIL - ocictl --version names no sd-bus"; exit 1; }
status=0
for b in ocictl ocictl-spec ocictl-spawner ocictl-registry ocictl-cgroups; do
        libs=$(ldd "$b" | awk '{print $1}' | tr '\n' ' ')
        case "$origin" in
        static,*)
                bad=$(echo "$libs" | grep -oE 'lib(systemd|gcrypt|gpg-error|lzma|zstd|lz4)\.so[.0-9]*' | tr '\n' ' ')
                if [ -n "$bad" ]; then echo "FAIL - $b ($origin) loads $bad"; status=1; else echo "ok - $b: $libs"; fi ;;
        *)
                case "$libs" in
                *libsystemd.so.0*) echo "ok - $b loads libsystemd.so.0" ;;
                *) echo "FAIL - $b: --version says $origin, but it loads $libs"; status=1 ;;
                esac ;;
        esac
done
exit $status
