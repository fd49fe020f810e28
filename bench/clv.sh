#!/usr/bin/env bash
# clv.sh - the lifetime value benchmark (not a test): the BG/NBD maximum-likelihood fit of
# landfall (src/cs/bgnbd.c: GSL's BFGS with the analytic gradient, identical summaries weighted)
# beside the one a user would write with SciPy (bench/clv_fit.py: the same likelihood and
# gradient vectorised with NumPy, scipy.optimize.minimize's BFGS, every row evaluated, as
# lifetimes does), on CDNOW's 2,357 customers and on 1,000,000 customers drawn from the BG/NBD
# process with known parameters (r 0.25, α 4, a 0.8, b 2.5; each observed for a whole number of
# days, 13 to 52 weeks, as landfall's summaries are). Each times the fit alone, from the same summary
# file; the two run interleaved within each round, and the table gives medians of the per-round
# ratios (the machine's load changes between rounds, less within one), the parameters each
# found, and `landfall clv --model bgnbd` end to end on CDNOW imported as orders.
# Usage: bench/clv.sh [ROUNDS] [CUSTOMERS]  (BUILD_DIR=build; PYTHON=/usr/bin/python3, with
# Debian's python3-scipy)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
customers=${2:-1000000}
dir=${BUILD_DIR:-build}
py=${PYTHON:-/usr/bin/python3}
[ -x "$dir/src/cli/landfall" ] || scripts/build
ninja -C "$dir" >/dev/null
"$py" -c 'import numpy, scipy' 2>/dev/null ||
    { echo "clv.sh: $py has no numpy/scipy (Debian: apt-get install python3-scipy)" >&2; exit 1; }
lf="$dir/src/cli/landfall"
fit="$dir/bench/clv_fit"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# the data: CDNOW's calibration summaries, and the synthetic customers
awk -F, 'NR == 1 { print "x,t_x,T"; next } { print $2 "," $3 "," $4 }' \
    tests/data/cdnow/cdnow_customers_summary.csv >"$work/cdnow.csv"
"$fit" gen "$customers" 1 "$work/synth.csv"
distinct=$(tail -n +2 "$work/synth.csv" | sort -u | wc -l)
# CDNOW as orders in a store, for the command end to end
awk 'BEGIN { print "id,customer_id,ts,amount" }
     { printf "l%d,%d,%s-%s-%s,%s\n", NR, $2 + 0, substr($3, 1, 4), substr($3, 5, 2),
              substr($3, 7, 2), $5 }' tests/data/cdnow/CDNOW_sample.txt >"$work/orders.csv"
export LANDFALL_DB="$work/cdnow.db"
"$lf" import orders "$work/orders.csv" >/dev/null 2>&1

now() { date +%s.%N; }
: >"$work/rounds"
for ((r = 1; r <= rounds; r++)); do
    # each line: seconds r alpha a b ll iterations; the order alternates between rounds
    if ((r % 2)); then
        lc=$("$fit" fit "$work/cdnow.csv"); pc=$("$py" bench/clv_fit.py "$work/cdnow.csv")
        ls=$("$fit" fit "$work/synth.csv"); ps=$("$py" bench/clv_fit.py "$work/synth.csv")
    else
        pc=$("$py" bench/clv_fit.py "$work/cdnow.csv"); lc=$("$fit" fit "$work/cdnow.csv")
        ps=$("$py" bench/clv_fit.py "$work/synth.csv"); ls=$("$fit" fit "$work/synth.csv")
    fi
    t0=$(now)
    "$lf" clv --model bgnbd --now 1997-10-01 --json >"$work/cmd.json"
    t1=$(now)
    echo "$lc | $pc | $ls | $ps | $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" >>"$work/rounds"
done

# fields: landfall CDNOW 1-7, SciPy CDNOW 9-15, landfall synthetic 17-23, SciPy synthetic 25-31,
# the command 33
col() { awk -v c="$1" '{ print $c }' "$work/rounds" | median; }
ratio() { awk -v a="$1" -v b="$2" '{ printf "%.4f\n", $a / $b }' "$work/rounds" | median; }
ms() { awk -v v="$1" 'BEGIN { printf "%.1f", v * 1000 }'; }
last() { tail -1 "$work/rounds" | awk -v f="$1" '{ printf "r %.4f, α %.4f, a %.4f, b %.4f, LL %.3f (%d iterations)", $(f+1), $(f+2), $(f+3), $(f+4), $(f+5), $(f+6) }'; }
echo "landfall CLV benchmark: BG/NBD fits, $(nproc) cores, $rounds rounds (medians)"
printf '| %-64s | %12s |\n' "measure" "value"
printf '|%s|%s|\n' "$(printf -- '-%.0s' {1..66})" "$(printf -- '-%.0s' {1..14})"
printf '| %-64s | %12s |\n' \
    "CDNOW (2,357 customers): landfall fit, ms" "$(ms "$(col 1)")" \
    "CDNOW: SciPy fit, ms" "$(ms "$(col 9)")" \
    "CDNOW: SciPy / landfall (per-round ratio)" "$(ratio 9 1)" \
    "synthetic ($customers customers): landfall fit, ms" "$(ms "$(col 17)")" \
    "synthetic: SciPy fit, ms" "$(ms "$(col 25)")" \
    "synthetic: SciPy / landfall (per-round ratio)" "$(ratio 25 17)" \
    "landfall clv --model bgnbd on CDNOW's orders, whole command, ms" "$(ms "$(col 33)")"
echo
echo "CDNOW, landfall: $(last 1)"
echo "CDNOW, SciPy:    $(last 9)"
echo "  paper (FHL 2005): r 0.2426, α 4.4135, a 0.7929, b 2.4258, LL -9582.4"
echo "synthetic, landfall: $(last 17)"
echo "synthetic, SciPy:    $(last 25)"
echo "  truth: r 0.25, α 4, a 0.8, b 2.5 ($distinct distinct summaries of $customers customers)"
echo "the command's fit: $(jq -r '.rows[0] | "r \(.r), α \(.alpha), a \(.a), b \(.b), LL \(.log_likelihood)"' "$work/cmd.json")"
