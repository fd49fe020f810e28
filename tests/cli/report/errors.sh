#!/bin/bash
# errors.sh - usage errors of `landfall report` exit 2 with a message naming the problem.
source "$(dirname "$0")/../lib.sh"

# expect_usage DESCRIPTION MESSAGE-PART ARGS...
expect_usage() {
    local what=$1 msg=$2
    shift 2
    run_lf "$@"
    check_eq "$what: exit" 2 "$rc"
    check "$what: says '$msg'" grep -qF -- "$msg" "$SCRATCH/err"
    check_eq "$what: no output" "" "$out"
}

expect_usage "unknown report" "'retention' is not a report" report retention
expect_usage "no report" "which report?" report
expect_usage "two reports" "'csat' is extra" report nps csat
expect_usage "--by the report lacks" \
    "report 'mrr' cannot be grouped by 'segment'; --by takes month, quarter" \
    report mrr --by segment
expect_usage "--by clv lacks" "report 'clv' cannot be grouped by 'month'; --by takes segment, plan" \
    report clv --by month
expect_usage "--by churn lacks" "--by takes month, quarter, segment, plan" report churn --by team
expect_usage "unknown --by" "cannot be grouped by 'week'" report nps --by week
expect_usage "bad --from" "--from 'yesterday'" report nps --from yesterday
expect_usage "bad --to" "--to '2026-13-01'" report nps --to 2026-13-01
expect_usage "empty window" "the window is empty: --from 2026-03-01T00:00:00Z is not before --to 2026-02-01T00:00:00Z" \
    report churn --from 2026-03-01 --to 2026-02-01
expect_usage "--survey on churn" "--survey applies to the nps, csat and ces reports only" \
    report churn --survey nps
expect_usage "unknown survey" "no survey 'pulse' in this workspace" report nps --survey pulse
expect_usage "survey of another kind" "survey 'csat' is a csat survey, not nps" \
    report nps --survey csat
expect_usage "bad --margin" "--margin '1.5' is not a fraction" report clv --margin 1.5
expect_usage "unknown option" "unknown option" report nps --bogus

# Help, and a good call on an empty store for contrast: one row of nulls.
run_lf help report
check_eq "help: exit" 0 "$rc"
check "help lists churn-reasons" grep -q "churn-reasons" "$SCRATCH/out"
run_lf report nps --now 2026-03-01 --json
check_eq "empty store: exit" 0 "$rc"
check_eq "empty store: nps null, n 0" "null 0" \
    "$(jq -r '.rows[0] | "\(.nps) \(.n)"' <<<"$out")"

finish
