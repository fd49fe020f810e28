#!/usr/bin/env bash
# run.sh FUZZER SEEDS SCRATCH SECONDS [FLAG...] - runs one libFuzzer target for SECONDS on its seed
# corpus and on SCRATCH, where the inputs it finds are kept (created if missing); a crash, a leak,
# a UBSan finding or a broken invariant is saved under SCRATCH/../../crashes/ and fails the run.
set -euo pipefail
fuzzer=$1 seeds=$2 scratch=$3 seconds=$4
shift 4
name=$(basename "$scratch")
crashes="$(dirname "$(dirname "$scratch")")/crashes/$name"
mkdir -p "$scratch" "$crashes"
dict="$(dirname "$0")/dict/$name.dict"
flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
       -artifact_prefix="$crashes/")
[ -f "$dict" ] && flags+=(-dict="$dict")
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
# the new inputs go to the first directory; the seeds are only read
exec "$fuzzer" "${flags[@]}" "$@" "$scratch" "$seeds"
