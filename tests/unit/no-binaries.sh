#!/bin/bash
# The repository holds source and text only: a tracked file that is binary (a .deb, an object, a
# built program) is a defect. Reads the index of the git checkout the tests run from.
cd "${OCICTL_SOURCE_DIR:?run through meson test}" || exit 1
command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || { echo "SKIP: not a git checkout"; exit 77; }
binary=""
while IFS= read -r -d '' f; do
        [ -f "$f" ] || continue
        # grep -I treats a file with a NUL byte as binary and does not match it.
        if [ -s "$f" ] && ! grep -qI . "$f"; then binary="$binary $f"; fi
done < <(git ls-files -z)
if [ -n "$binary" ]; then
        echo "FAIL - binary files are tracked:$binary"
        exit 1
fi
echo "ok - no tracked file is binary ($(git ls-files | wc -l) files)"
