#!/bin/bash
# book.sh - the portfolio's (book metric's) health and churn columns on the demo business: the
# churn risk is the latest churn model's, the same figure to the last digit as `landfall churn
# score` for every paying account (null for the rest, and for all before a model exists); the
# health columns are the daily history's (`landfall health history`), its band filter counts
# what the history holds. Runs on SQLite and PostgreSQL.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../../.." && pwd)

export LANDFALL_DB
LANDFALL_DB=$(scratch_store book)
NOW=2026-06-01
# the demo business; on PostgreSQL made in SQLite and copied (landfall migrate: COPY), ten times
# faster than the demo writing to PostgreSQL row by row
if on_sqlite; then
    run_lf demo --accounts 300 --seed 1 --end "$NOW"
else
    LANDFALL_DB="$SCRATCH/demo.db" run_lf demo --accounts 300 --seed 1 --end "$NOW" &&
        run_lf migrate --from "$SCRATCH/demo.db" --to "$LANDFALL_DB" --quiet
fi
check_eq "demo" 0 "$rc"

# the engine kept between commands (a PostgreSQL store has no snapshot unless told)
snap=(--snapshot "$SCRATCH/book.engine")
# book [ARGS...]: every row of the book as of NOW, as JSON
book() { "$LANDFALL" metric book "${snap[@]}" --now "$NOW" --limit 0 --json "$@"; }

book >"$SCRATCH/before.json"
check_eq "no model yet: no account has a churn risk" 0 \
    "$(jq '[.rows[] | select(.churn_risk != null)] | length' "$SCRATCH/before.json")"
check_eq "no history yet: no account has a health score" 0 \
    "$(jq '[.rows[] | select(.health != null)] | length' "$SCRATCH/before.json")"

run_lf churn train "${snap[@]}" --now "$NOW"
check_eq "a model trained" 0 "$rc"
run_lf churn score "${snap[@]}" --now "$NOW" --json
echo "$out" >"$SCRATCH/scores.json"
book >"$SCRATCH/book.json"
# account → risk of both, joined: every scored account has the same risk in the book, and no
# other account has one
check_eq "every paying account's risk is the model's" "" \
    "$(jq -r --slurpfile s "$SCRATCH/scores.json" '
        ($s[0].rows | map({(.account): .risk}) | add) as $r
        | .rows[] | select(.churn_risk != $r[.account]) | .account' "$SCRATCH/book.json")"
check "some accounts are scored" test "$(jq '.rows | length' "$SCRATCH/scores.json")" -gt 50
check_eq "sorted by risk, riskiest first: the model's riskiest" \
    "$(jq -r '.rows[0].account' "$SCRATCH/scores.json")" \
    "$("$LANDFALL" metric book "${snap[@]}" --now "$NOW" --sort=-churn_risk --limit 1 --json |
        jq -r '.rows[0].account')"
check_eq "risk_min=0.3: the accounts the model gives 30 % or more" \
    "$(jq '[.rows[] | select(.risk >= 0.3)] | length' "$SCRATCH/scores.json")" \
    "$(book --risk_min 0.3 | jq '.total')"

# the history of two days a week apart
run_lf health snapshot --date 2026-05-25
check_eq "snapshot of 2026-05-25" 0 "$rc"
run_lf health snapshot --date "$NOW"
check_eq "snapshot of $NOW" 0 "$rc"
"$LANDFALL" health history --from 2026-05-25 --to 2026-06-02 --json >"$SCRATCH/history.json"
book >"$SCRATCH/book.json"
check_eq "health, band and change over 7 days are the history's" "" \
    "$(jq -r --slurpfile h "$SCRATCH/history.json" '
        ($h[0].rows | map(select(.day == "2026-06-01")) | map({(.account): .}) | add) as $d
        | ($h[0].rows | map(select(.day == "2026-05-25")) | map({(.account): .score}) | add) as $w
        | .rows[] | select(.health != $d[.account].score or .health_band != $d[.account].band
            or .health_change_7d != (if $d[.account] and $w[.account] then
                $d[.account].score - $w[.account] else null end)) | .account' "$SCRATCH/book.json")"
check "some scores changed in the week" test \
    "$(jq '[.rows[] | select(.health_change_7d != null and .health_change_7d != 0)] | length' \
        "$SCRATCH/book.json")" -gt 0
for band in red yellow green; do
    check_eq "colour=$band: the history's $band accounts of $NOW" \
        "$(jq "[.rows[] | select(.day == \"$NOW\" and .band == \"$band\")] | length" "$SCRATCH/history.json")" \
        "$(book --colour "$band" | jq '.total')"
done

# the measures a scorecard may use (what the scorecard editor offers): the 19 of
# docs/metrics.md's table, every measure of the built-in scorecards among them
"$LANDFALL" metric health-measures --json >"$SCRATCH/measures.json"
check_eq "19 measures" 19 "$(jq '.rows | length' "$SCRATCH/measures.json")"
documented=$(sed -n '/^| measure | definition |/,/^$/p' "$root/docs/metrics.md" |
    cut -d'|' -f2 | grep -o '`[a-z_0-9]*`' | tr -d '`' | sort -u)
check_eq "the measures are those documented" "$documented" \
    "$(jq -r '.rows[].measure' "$SCRATCH/measures.json" | sort)"
"$LANDFALL" health scorecard list --json >"$SCRATCH/cards.json"
check_eq "the built-in scorecards use listed measures" "" \
    "$(jq -r --slurpfile m "$SCRATCH/measures.json" '($m[0].rows | map(.measure)) as $ok
        | .rows[].definition | fromjson | .measures[].measure | select(. as $x | $ok | index($x) | not)' \
        "$SCRATCH/cards.json")"
finish
