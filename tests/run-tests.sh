#!/bin/bash
# The test command (README.md, .ci/run): builds ocictl with -Werror (and first the static sd-bus
# it links, tools/static-libsystemd.sh), runs every suite (unit, root, bus), runs the unit suite
# again in an AddressSanitizer/UndefinedBehaviorSanitizer build, runs the libFuzzer targets for
# a bounded time (OCICTL_FUZZ_SECONDS, 30 s each), and ends with "N passed, N failed, N skipped"
# counted from meson's test log. With CI=true a skipped root or bus test counts as failed:
# nothing may silently stop being tested.
set -u
cd "$(dirname "$0")/.."
BUILD=${OCICTL_TEST_BUILD:-build-tests}
ASAN_BUILD="$BUILD-asan"
FUZZ_BUILD="$BUILD-fuzz"
# The configs the integration tests write become the fuzzers' seeds (lib.sh: seed_config).
export OCICTL_SEED_DIR="$PWD/$BUILD/fuzz-seeds"
rm -rf "$OCICTL_SEED_DIR"
passed=0 failed=0 skipped=0

# count BUILD-DIR PREFIX: adds the results of the last `meson test` in BUILD-DIR.
count() {
        local line
        while read -r line; do
                case "$line" in
                pass*) passed=$((passed + 1)) ;;
                skip-fail*) failed=$((failed + 1)); echo "skipped in CI, counted as failed: ${line#* }" ;;
                skip*) skipped=$((skipped + 1)) ;;
                *) failed=$((failed + 1)); echo "failed: $2${line#* }" ;;
                esac
        done < <(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, os, sys
ci = os.environ.get("CI") == "true"
for line in open(sys.argv[1]):
    t = json.loads(line)
    name, result = t["name"], t["result"]
    if result == "OK":
        print("pass", name)
    elif result == "SKIP":
        print(("skip-fail " if ci and set(t.get("suite", [])) & {"ocictl:root", "ocictl:bus"} else "skip ") + name)
    else:
        print("fail", name, "(" + result + ")")
PY
)
}

build() {
        local dir=$1
        shift
        if [ ! -d "$dir" ]; then
                meson setup "$dir" -Dwerror=true "$@" >/dev/null || return 1
        elif [ $# -gt 0 ]; then
                meson configure "$dir" "$@" >/dev/null || return 1
        fi
        ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

# The suites run the build the README recommends: sd-bus linked statically from Debian's systemd
# source (tools/static-libsystemd.sh), and every binary but the spawner a static PIE. The
# sanitizer and fuzz builds below link Debian's libsystemd.so.0 and libc.so.6, as a
# distribution's package would, so both ways are built and tested.
if ! tools/static-libsystemd.sh "$BUILD-sd" || ! build "$BUILD" -Dstatic_libsystemd="$PWD/$BUILD-sd" -Dstatic_binaries=true; then
        echo "build failed"
        echo "0 passed, 1 failed"
        exit 1
fi
meson test -C "$BUILD" --print-errorlogs
count "$BUILD" ""

if build "$ASAN_BUILD" -Db_sanitize=address,undefined -Db_lundef=false; then
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 meson test -C "$ASAN_BUILD" --suite unit --print-errorlogs
        count "$ASAN_BUILD" "asan: "
else
        echo "sanitizer build failed"
        failed=$((failed + 1))
fi

# The spec parser and the spec's D-Bus decoder under libFuzzer (clang), for a bounded time each.
if CC=clang build "$FUZZ_BUILD" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false; then
        meson test -C "$FUZZ_BUILD" --suite fuzz --print-errorlogs
        count "$FUZZ_BUILD" "fuzz: "
else
        echo "fuzz build failed (clang and libclang-rt-14-dev are needed)"
        failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
