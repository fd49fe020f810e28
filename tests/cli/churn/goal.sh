#!/usr/bin/env bash
# goal.sh - issue 10's goal on demo data: the churn model's test AUC for 90-day churn is at least
# 0.80, and in `churn backtest` it ranks the same observations better than the default health
# scorecard. 1,000 accounts over 24 months (seed 1) are the smallest demo that shows both with a
# margin on every seed tried (test AUC 0.81-0.83 on seeds 1-7, the scorecard 0.04-0.06 below);
# the documented figures (3,000 accounts x 36 months) are in docs/churn.md.
source "$(dirname "$0")/../lib.sh"
if ! on_sqlite; then
    # its subject is the model's quality on the generator's data, which does not depend on the
    # store: model.sh trains and backtests on PostgreSQL and gets the figures measured on SQLite
    # (AUCs, observations, churners), and the copy of these 1,000 accounts into PostgreSQL was
    # two thirds of this test's time there (16 s of CPU of the PostgreSQL pass)
    echo "SKIP: goal.sh measures the churn model on demo data, not the store: it runs on SQLite only"
    exit 77
fi

NOW=2026-11-01
store_demo --accounts 1000 --months 24 --end "$NOW" --seed 1 --replace
check_eq "demo data" 0 "$rc"

run_lf churn train --now "$NOW"
check_eq "train" 0 "$rc"
auc=$(awk '/^test auc / { print $NF }' <<<"$out")
# measured 0.8127 (deterministic for this data and seed; a margin for another platform's floating
# point; 0.8202 before the demo's closed loop saved some accounts about to leave); the goal is 0.80
check "test AUC at least 0.80: $auc" awk -v a="$auc" 'BEGIN { exit !(a >= 0.80) }'
check_num "test AUC as measured" 0.8127 "$auc" 0.005

run_lf churn backtest --now "$NOW" --json
check_eq "backtest" 0 "$rc"
echo "$out" >"$SCRATCH/bt.json"
bt() {
    sqlite3 :memory: "SELECT json_extract(CAST(readfile('$SCRATCH/bt.json') AS TEXT), '\$.rows[$1].$2')"
}
check_eq "the two methods" "churn model|scorecard default" "$(bt 0 method)|$(bt 1 method)"
check_eq "on the same observations" "$(bt 0 observations) $(bt 0 churned)" \
    "$(bt 1 observations) $(bt 1 churned)"
model=$(bt 0 auc) card=$(bt 1 auc)
check_num "the backtest's model is train's" "$auc" "$model" 1e-4
check "the model ranks better than the default scorecard: $model vs $card" \
    awk -v a="$model" -v b="$card" 'BEGIN { exit !(a > b) }'
# measured: the model 0.8127, the scorecard 0.7448 on 2,027 observations of 4 month starts, 254
# churned (before the demo's closed loop: 0.8202, 0.7559, 2,025 and 278)
check_num "the scorecard's AUC as measured" 0.7448 "$card" 0.005
check_eq "observations and churners as measured" "2027 254" "$(bt 0 observations) $(bt 0 churned)"
finish
