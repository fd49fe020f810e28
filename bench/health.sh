#!/usr/bin/env bash
# health.sh - the health commands' benchmark (not a test): on `landfall demo --accounts N`, the
# CPU time (user + system: the machine may be shared; wall time is printed beside it) of
# `landfall health`, `health explain`, `health snapshot`, `health backtest` (13 month
# starts) and `expansion`, each the median of ROUNDS runs, beside `landfall usage portfolio`: the
# same process start, store open and engine load (from its snapshot) with the engine's per-account
# scan, so that health's own cost is the difference. Runs interleave the commands round by round.
#
#   bench/health.sh [DIR]   data in DIR (default /tmp/landfall-bench-health), generated when
#                           missing and reused
#   env: ACCOUNTS (10000), NOW (2026-11-01: the demo's end), ROUNDS (5), BUILD_DIR (build)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/landfall-bench-health}
ACCOUNTS=${ACCOUNTS:-10000}
NOW=${NOW:-2026-11-01}
ROUNDS=${ROUNDS:-5}
L="$PWD/${BUILD_DIR:-build}/src/cli/landfall"
mkdir -p "$DIR"
db="$DIR/demo-$ACCOUNTS.db"
if [ ! -f "$db" ]; then
    echo "generating $ACCOUNTS accounts into $db" >&2
    "$L" --db "$db" demo --accounts "$ACCOUNTS" --months 18 --end "$NOW" >/dev/null
fi
"$L" --db "$db" engine info >/dev/null # the engine's snapshot, so each command loads it
acc=$("$L" --db "$db" health --now "$NOW" --csv | sed -n 2p | cut -d, -f1)

declare -A cmd=(
    [portfolio]="usage portfolio --now $NOW --csv"
    [health]="health --now $NOW --csv"
    [explain]="health explain $acc --now $NOW --csv"
    [snapshot]="health snapshot --date $NOW"
    [backtest]="health backtest --now $NOW --csv"
    [expansion]="expansion --now $NOW --csv"
)
names=(portfolio health explain snapshot backtest expansion)
declare -A times walls
for r in $(seq "$ROUNDS"); do
    for n in "${names[@]}"; do
        # shellcheck disable=SC2086
        /usr/bin/time -o "$DIR/time" -f "%U %S %e" "$L" --db "$db" ${cmd[$n]} >/dev/null
        read -r u s e <"$DIR/time"
        times[$n]+="$(echo "$u + $s" | bc) "
        walls[$n]+="$e "
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
base=$(median <<<"${times[portfolio]}")
printf '%s accounts, %s rounds: median CPU seconds, minus portfolio (health'"'"'s own), wall\n' \
    "$ACCOUNTS" "$ROUNDS"
for n in "${names[@]}"; do
    m=$(median <<<"${times[$n]}")
    printf '  %-10s %6.2f s  %+6.2f s  (wall %s s)\n' "$n" "$m" "$(echo "$m - $base" | bc)" \
        "$(median <<<"${walls[$n]}")"
done
