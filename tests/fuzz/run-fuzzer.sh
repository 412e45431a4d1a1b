#!/bin/bash
# run-fuzzer.sh FUZZER: runs a libFuzzer target for OCICTL_FUZZ_SECONDS (default 30) on a copy of
# the seed corpus: tests/fuzz/seeds, and the configs the integration tests wrote
# (OCICTL_SEED_DIR, filled by lib.sh). A crash, leak or timeout fails the test and leaves the
# input in the build directory.
set -u
fuzzer=$1
name=$(basename "$fuzzer")
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "${OCICTL_SOURCE_DIR:?}"/tests/fuzz/seeds/* "$corpus/" 2>/dev/null
[ -n "${OCICTL_SEED_DIR:-}" ] && cp "$OCICTL_SEED_DIR"/* "$corpus/" 2>/dev/null
echo "$name: $(ls "$corpus" | wc -l) seeds, ${OCICTL_FUZZ_SECONDS:-30} s"
exec "$fuzzer" -max_total_time="${OCICTL_FUZZ_SECONDS:-30}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$(dirname "$fuzzer")/$name-" "$corpus"
