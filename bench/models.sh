#!/usr/bin/env bash
# models.sh - the models benchmark (not a test): landfall's churn model and BG/NBD fit beside the
# peer a user would reach for, in the same run, on the same data:
#   - churn, train: gradient-boosted trees (depth 3, eta 0.05, 200 rounds, 80 % samples) on
#     ACCOUNTS × SNAPSHOTS rows of a synthetic matrix in the churn model's shape (40 features,
#     some missing; bench/churn_bench.c), through liblandfall's gbm.h vs Debian's
#     python3-xgboost (bench/churn_bench.py), the fit alone;
#   - churn, score + explain: the risk and every feature's TreeSHAP contribution of the last
#     snapshot's ACCOUNTS rows, each side with the model it trained (landfall from its own
#     tables, src/cs/treeshap.c; the peer with XGBoost's pred_contribs);
#   - BG/NBD: bench/clv.sh's fits on CDNOW and on CUSTOMERS synthetic customers (landfall's GSL
#     fit vs NumPy/SciPy), run by that script.
# Rounds interleave the two sides (the order alternates); the table gives medians of each side's
# seconds and of the per-round ratios peer / landfall. Both churn sides train with the same
# libxgboost, so the training ratio is the cost of the path around it.
# Usage: bench/models.sh   env: ACCOUNTS (100000), SNAPSHOTS (12), CUSTOMERS (1000000),
#        ROUNDS (5), BUILD_DIR (build), PYTHON (/usr/bin/python3, with python3-xgboost and
#        python3-scipy: scripts/setup installs them for the benchmarks only).
#        A quick run: ACCOUNTS=5000 SNAPSHOTS=3 CUSTOMERS=10000 ROUNDS=1 bench/models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-100000}
SNAPSHOTS=${SNAPSHOTS:-12}
CUSTOMERS=${CUSTOMERS:-1000000}
ROUNDS=${ROUNDS:-5}
dir=${BUILD_DIR:-build}
py=${PYTHON:-/usr/bin/python3}
[ -x "$dir/bench/churn_bench" ] || scripts/build
ninja -C "$dir" >/dev/null
"$py" -c 'import numpy, xgboost' 2>/dev/null ||
    { echo "models.sh: $py has no numpy/xgboost (Debian: apt-get install python3-xgboost)" >&2; exit 1; }
cb="$dir/bench/churn_bench"
work=$(mktemp -d "${TMPDIR:-/tmp}/landfall-models.XXXXXX")
trap 'rm -rf "$work"' EXIT
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

"$cb" gen "$ACCOUNTS" "$SNAPSHOTS" 1 "$work/m.bin"
: >"$work/rounds"
for ((r = 1; r <= ROUNDS; r++)); do
    # each line: lf_train trees | py_train trees | lf_score rows mean | py_score rows mean
    if ((r % 2)); then
        lt=$("$cb" train "$work/m.bin" "$work/lf.ubj"); pt=$("$py" bench/churn_bench.py train "$work/m.bin" "$work/py.json")
        ls=$("$cb" score "$work/m.bin" "$work/lf.ubj"); ps=$("$py" bench/churn_bench.py score "$work/m.bin" "$work/py.json")
    else
        pt=$("$py" bench/churn_bench.py train "$work/m.bin" "$work/py.json"); lt=$("$cb" train "$work/m.bin" "$work/lf.ubj")
        ps=$("$py" bench/churn_bench.py score "$work/m.bin" "$work/py.json"); ls=$("$cb" score "$work/m.bin" "$work/lf.ubj")
    fi
    echo "$lt | $pt | $ls | $ps" >>"$work/rounds"
done
# fields: landfall train 1, python train 4, landfall score 7 (rows 8, mean 9), python score 11
col() { awk -v c="$1" '{ print $c }' "$work/rounds" | median; }
ratio() { awk -v a="$1" -v b="$2" '{ printf "%.4f\n", $a / $b }' "$work/rounds" | median; }
echo "landfall models benchmark: $(nproc) cores, $ROUNDS rounds (medians)"
printf '| %-62s | %10s |\n' "measure" "value"
printf '|%s|%s|\n' "$(printf -- '-%.0s' {1..64})" "$(printf -- '-%.0s' {1..12})"
printf '| %-62s | %10s |\n' \
    "churn train, $ACCOUNTS accounts × $SNAPSHOTS snapshots: landfall, s" "$(col 1)" \
    "churn train: python3-xgboost, s" "$(col 4)" \
    "churn train: python / landfall (per-round ratio)" "$(ratio 4 1)" \
    "churn score + explain, $(tail -1 "$work/rounds" | awk '{ print $8 }') accounts: landfall, s" "$(col 7)" \
    "churn score + explain: python3-xgboost, s" "$(col 11)" \
    "churn score + explain: python / landfall (per-round ratio)" "$(ratio 11 7)"
echo "mean risk of the last snapshot: landfall $(tail -1 "$work/rounds" | awk '{ print $9 }'), python $(tail -1 "$work/rounds" | awk '{ print $13 }')"
echo
bench/clv.sh "$ROUNDS" "$CUSTOMERS"
