#!/bin/bash
# Builds the sd-bus that ocictl links statically (meson setup -Dstatic_libsystemd=DIR/libsystemd-ocictl.a):
# libsystemd from Debian's source of the very libsystemd0 installed here, without the compression
# and crypto libraries Debian's libsystemd.so.0 pulls into every process (libgcrypt, libgpg-error,
# liblzma, libzstd, liblz4: sd-journal's, never sd-bus's).
#
# Why: every ocictl process that execs (ocictl itself, the spec parser, the spawner's sealed
# copy) loaded and relocated those six objects, about 0.5 ms of CPU each (issue 15, measured by
# exec'ing an empty main linked with and without -lsystemd). Debian's package stays the default
# for distributions: a binary linked with this archive gets systemd's security fixes only when
# it is rebuilt, so rebuild after Debian updates libsystemd0 (the archive's name records the
# version it came from).
#
# The source comes through apt from the deb-src twins of this machine's own apt sources (a
# private list: nothing under /etc changes), so its checksums are verified against Debian's
# signed Release files. Needs: dpkg-dev gperf python3-jinja2 libmount-dev libcrypt-dev libcap-dev
# meson ninja-build. About 40 s on two cores.
# Usage: tools/static-libsystemd.sh DIR
set -eu
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
OUT="$DIR/libsystemd-ocictl.a"
VERSION=$(dpkg-query -W -f '${source:Version}' libsystemd0)
STAMP="$DIR/version"
if [ -f "$OUT" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
        echo "$OUT: systemd $VERSION, up to date"
        exit 0
fi
for c in dpkg-source gperf meson ninja ld objcopy; do
        command -v $c >/dev/null || { echo "$0: $c is missing (apt-get install dpkg-dev gperf meson ninja-build binutils)" >&2; exit 1; }
done
# systemd's meson finds python3 on PATH; Debian's has jinja2 (python3-jinja2), a pyenv one may not.
export PATH=/usr/bin:/bin:$PATH
python3 -c 'import jinja2' 2>/dev/null || { echo "$0: python3-jinja2 is missing" >&2; exit 1; }

# The deb-src twin of every deb source this machine has, in both of apt's formats.
APT="$DIR/apt"
rm -rf "$APT" "$DIR/src" "$DIR/build"
mkdir -p "$APT/sources.list.d" "$APT/lists/partial"
for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && sed 's/^Types:.*/Types: deb-src/' "$f" > "$APT/sources.list.d/$(basename "$f")"
done
cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -n 's/^deb \(.*\)/deb-src \1/p' > "$APT/sources.list.d/deb-src.list"
apt_src() {
        apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$APT/sources.list.d" \
                -o Dir::State::Lists="$APT/lists" -o Debug::NoLocking=1 "$@"
}
apt_src -qq update
(cd "$DIR" && apt_src -qq source --download-only "systemd=$VERSION" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
dsc=$(ls "$DIR"/systemd_*.dsc)
dpkg-source -x "$dsc" "$DIR/src" >/dev/null 2>&1 || { echo "$0: cannot unpack $dsc" >&2; exit 1; }

# Everything off that sd-bus and sd-event do not use; -Dstatic-libsystemd=pic makes libsystemd.a.
off=""
for o in gcrypt xz lz4 zstd zlib bzip2 openssl gnutls p11kit libcryptsetup libcurl libidn2 libiptc \
        qrencode microhttpd seccomp selinux apparmor polkit acl audit blkid fdisk kmod pam pwquality \
        tpm2 elfutils xkbcommon pcre2 glib dbus bpf-framework man html repart sysupdate homed importd; do
        off="$off -D$o=false"
done
# shellcheck disable=SC2086 # $off is a list of options
meson setup "$DIR/build" "$DIR/src" -Dbuildtype=release -Db_ndebug=false -Dmode=release \
        -Dstatic-libsystemd=pic -Dtests=false -Dtranslations=false -Defi=false -Dhwdb=false \
        -Dsmack=false -Didn=false -Dutmp=false -Dldconfig=false -Danalyze=false \
        -Dkernel-install=false $off >"$DIR/setup.log" 2>&1 ||
        { echo "$0: systemd's meson setup failed, see $DIR/setup.log" >&2; exit 1; }
ninja -C "$DIR/build" version.h libsystemd.a >"$DIR/build.log" 2>&1 ||
        { echo "$0: building libsystemd.a failed, see $DIR/build.log" >&2; exit 1; }

# libsystemd.a exports systemd's internal helpers too (log_setup, strv_env_get, ...), which
# collide with ours: link it into one object and keep only the public sd_* API global.
grep -ohE '^[[:space:]]+sd_[a-z0-9_]+;' "$DIR/src/src/libsystemd/libsystemd.sym" | tr -d ' \t;' |
        sort -u > "$DIR/api.txt"
ld -r --whole-archive "$DIR/build/libsystemd.a" -o "$DIR/libsystemd-all.o"
objcopy --keep-global-symbols="$DIR/api.txt" "$DIR/libsystemd-all.o" "$DIR/libsystemd-api.o"
rm -f "$OUT"
ar rcs "$OUT" "$DIR/libsystemd-api.o"
rm -rf "$DIR/libsystemd-all.o" "$DIR/libsystemd-api.o" "$APT"
echo "$VERSION" > "$STAMP"
echo "$OUT: systemd $VERSION"
