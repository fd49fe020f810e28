#!/usr/bin/env bash
# fresh-clone.sh - proves the suite needs nothing outside the repository: clones the committed
# tree into DIR/landfall (default /tmp/x/landfall) with nothing beside it, builds it there and runs
# `meson test`. Tests of test-only data (tests/data/README.md) skip there, with their reason.
#
#   tests/fresh-clone.sh [--rev REV] [DIR] [-- MESON-TEST-ARGS...]
#
# REV defaults to HEAD; uncommitted changes are not tested. DIR/landfall is replaced. Exits with
# meson test's status; prints the tests that skipped and why.
set -euo pipefail

rev=HEAD
dir=/tmp/x
if [ "${1:-}" = --rev ]; then
    rev=$2
    shift 2
fi
if [ $# -gt 0 ] && [ "$1" != -- ]; then
    dir=$1
    shift
fi
[ "${1:-}" = -- ] && shift

src=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
sha=$(git -C "$src" rev-parse --verify "$rev^{commit}")
dest=$dir/landfall
mkdir -p "$dir"
if [ -e "$dir/shared" ]; then
    echo "fresh-clone: '$dir/shared' exists; a fresh clone has nothing beside it" >&2
    exit 2
fi
rm -rf "$dest"
git clone -q --no-checkout "$src" "$dest"
git -C "$dest" checkout -q --detach "$sha"
echo "fresh-clone: $(git -C "$dest" log -1 --format='%h %s' | cut -c1-90) in $dest"
ls -A "$dir" | grep -qvx landfall && echo "fresh-clone: note: $dir holds more than landfall:" \
    "$(ls -A "$dir" | tr '\n' ' ')"

cd "$dest"
# Nothing from this shell may point the tests at data outside the clone.
unset LANDFALL_SHARED_DATA LANDFALL_TESTDATA LANDFALL_DB
# as the README's commands do: the Debian packages, and the npm packages of the lockfiles (the
# build embeds ECharts from web/node_modules)
scripts/setup
scripts/build
status=0
meson test -C build --print-errorlogs "$@" || status=$?
# Which tests skipped, and the reason each gave (CLI: a "SKIP:" line; Criterion: its message).
log=build/meson-logs/testlog.txt
echo "fresh-clone: skipped tests and their reasons:"
grep -h '^SKIP: ' "$log" | sort -u | sed 's/^/  /' || echo "  none"
exit $status
