#!/usr/bin/env bash
# valgrind_models.sh - the model and score commands leak nothing and touch no uninitialised
# memory under valgrind: health (scores, explain, snapshot and history, backtest, scorecards),
# expansion, churn (train, score, explain, models, calibration, fit-csv: XGBoost), clv (BG/NBD:
# GSL's maximiser), survival (Kaplan–Meier), cohorts; and one error path per command.
# valgrind.sh runs the other commands, and in its server the sBG models' metrics (the same CLI
# paths as clv and survival here, another metric). A store of 6 demo accounts
# over 12 months, made without valgrind (the demo's own run is valgrind.sh's): every check is
# the smallest run that takes its path (valgrind runs landfall 20-50 times slower). Each
# answer under valgrind is compared with the same command's answer without it (valgrind must
# not change a result), or with what the command wrote. Skipped in the sanitizer build.
source "$(dirname "$0")/valgrind_lib.sh"

NOW=2026-01-01
# the smallest demo whose history takes every path below (a search of seeds with 5-10 accounts):
# seed 21's 6 accounts hold one churner in the 8 snapshots' labels (a model trains with
# --min-churners 1; the backtest's default of 10 refuses: its error path) and two in the health
# backtest's window (its AUC is computed, not "-"); acc-000001 is paying (churn explains it)
store_demo --accounts 6 --seed 21 --months 12 --end "$NOW"
check_eq "demo: exit" 0 "$rc"

# health: scores, one account's explanation, a snapshot read back, a backtest, scorecards
same health health --now "$NOW" --json
same health-explain health explain acc-000001 --now "$NOW"
vg health-snapshot 0 health snapshot --date 2025-12-01
same health-history health history --from 2025-11-01 --to 2026-01-01 --json
check_eq "the snapshot's accounts are the history's rows of its day" \
    "$(sed -n 's/^\([0-9]*\) accounts scored$/\1/p' "$SCRATCH/vg-health-snapshot.err" \
        "$SCRATCH/vg-health-snapshot.out")" \
    "$(jq '[.rows[] | select(.day == "2025-12-01")] | length' "$SCRATCH/vg-health-history.out")"
same health-backtest health backtest --from 2025-09-01 --to 2025-12-01 --horizon 60 \
    --versus engagement
check "the health backtest computed an AUC (a churner in its window)" \
    grep -qE '^default +[0-9]+ +[0-9]+ +[0-9]+ +[1-9][0-9]* +[0-9.]+% +[01]\.[0-9]+ ' \
    "$SCRATCH/vg-health-backtest.out"
printf '%s' '{"name": "lean", "bands": {"yellow": 40, "green": 70}, "measures": [
    {"measure": "nps", "weight": 50, "concerning": 0, "healthy": 50},
    {"measure": "seat_utilisation", "weight": 50, "concerning": 0.35, "healthy": 0.6}]}' \
    >"$SCRATCH/lean.json"
vg scorecard-apply 0 health scorecard apply "$SCRATCH/lean.json"
run_lf health scorecard list --json
check_eq "the applied scorecard is stored as version 1" 1 \
    "$(jq '[.rows[] | select(.name == "lean")][0].version' <<<"$out")"
printf '%s' '{"name": "bad", "measures": [{"measure": "nope", "weight": 5}]}' >"$SCRATCH/bad.json"
vg scorecard-bad 2 health scorecard apply "$SCRATCH/bad.json"
check "a bad scorecard is refused naming its measure" grep -q "nope" "$SCRATCH/vg-scorecard-bad.err"

# expansion and its error path (an option it does not take: a usage error)
same expansion expansion --now "$NOW" --json
vg expansion-bad 2 expansion --now "$NOW" --bogus

# churn: XGBoost trains, stores, loads, scores and explains; the refusal of too few churners
# (6 accounts hold one: --min-churners 1 and a 30-day horizon make a model of it)
vg churn-train 0 churn train --now "$NOW" --snapshots 8 --horizon 30 --min-churners 1
run_lf churn models --json
check_eq "the trained model is stored as version 1" 1 "$(jq '.rows[0].version' <<<"$out")"
same churn-score churn score --now "$NOW" --drivers 3 --limit 5 --json
same churn-explain churn explain acc-000001 --now "$NOW" --json
same churn-calibration churn calibration --model 1 --json
vg churn-backtest-few 1 churn backtest --now "$NOW" --snapshots 8 --horizon 30
check "backtest refuses too few churners" grep -q "too few churners" \
    "$SCRATCH/vg-churn-backtest-few.err"
# fit-csv on a file: 120 rows, every 7th-ish churned (i*13 mod 7 < 2), dated by month, so the
# time split and the drivers' dates (days of the file, UTC) are taken
{
    echo "id,date,tenure,spend,plan,label"
    for i in $(seq 1 120); do
        echo "c$i,2025-0$((i % 9 + 1))-01,$((i % 37)),$((i * 7 % 101)).5,p$((i % 3)),$(((i * 13 % 7) < 2 ? 1 : 0))"
    done
} >"$SCRATCH/fit.csv"
same fit-csv churn fit-csv "$SCRATCH/fit.csv" --label label --id id --date date --horizon 30 --json
check "fit-csv's drivers are dated with the file's days" \
    grep -q '"date": *"2025-0[1-9]-01"' "$SCRATCH/vg-fit-csv.out"
vg fit-csv-label 1 churn fit-csv "$SCRATCH/fit.csv" --label nope
check "fit-csv names a missing label column" grep -q "nope" "$SCRATCH/vg-fit-csv-label.err"

# clv: BG/NBD and Gamma-Gamma fitted by GSL on the first 200 customers of the CDNOW sample
# (a workspace of their own), an unknown model
awk 'BEGIN { print "id,customer_id,ts,amount" } $2 + 0 <= 200 {
         printf "l%d,%d,%s-%s-%s,%s\n", NR, $2 + 0, substr($3, 1, 4), substr($3, 5, 2),
                substr($3, 7, 2), $5 }' "$TESTDATA/cdnow/CDNOW_sample.txt" >"$SCRATCH/orders.csv"
run_lf --workspace cdnow import orders "$SCRATCH/orders.csv"
check_eq "cdnow orders: exit" 0 "$rc"
same clv-bgnbd --workspace cdnow clv --model bgnbd --now 1997-10-01 --json
check_eq "BG/NBD is fitted on the 200 customers" 200 "$(jq '.rows[0].customers' \
    "$SCRATCH/vg-clv-bgnbd.out")"
check "BG/NBD has an r" jq -e '.rows[0].r > 0' "$SCRATCH/vg-clv-bgnbd.out"
# (the sBG per account, `clv --model sbg --customers`, is the same CLI path with another metric:
# valgrind.sh's server computes it under valgrind)
vg clv-bad 2 clv --model nope

# survival, cohorts; a dimension survival does not have
same survival survival --now "$NOW" --by segment --json
# (`survival --project`, the same CLI path with the sBG projection's metric: valgrind.sh's server)
same cohorts cohorts --now "$NOW" --from 2025-07-01 --basis revenue --level account --json
vg survival-bad 2 survival --now "$NOW" --by nope
finish
