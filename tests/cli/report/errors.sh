#!/bin/bash
# errors.sh - usage errors of `landfall report` exit 2 with a message naming the problem.
source "$(dirname "$0")/../lib.sh"

# an empty store: the reports refuse one that does not exist
"$LANDFALL" workspace --time-zone UTC >/dev/null

# expect_usage DESCRIPTION MESSAGE-PART ARGS...
expect_usage() {
    local what=$1 msg=$2
    shift 2
    run_lf "$@"
    check_eq "$what: exit" 2 "$rc"
    check "$what: says '$msg'" grep -qF -- "$msg" "$SCRATCH/err"
    check_eq "$what: no output" "" "$out"
}

# The messages come from the metric registry's checks and name the parameter as an option.
expect_usage "unknown report" "'retention' is not a report metric" report retention
expect_usage "no report" "which metric?" report
expect_usage "two reports" "unexpected argument 'csat'" report nps csat
expect_usage "--by the report lacks" \
    "--by: 'team' is not a dimension of mrr; by takes day, week, month, quarter, year, account, segment, plan, owner, stage" \
    report mrr --by team
expect_usage "--by clv lacks" "--by: 'month' is not a dimension of clv; by takes account, segment, plan, owner, stage" \
    report clv --by month
expect_usage "three dimensions" "--by: by takes at most 2 dimensions" \
    report churn --by segment,plan,owner
expect_usage "two periods" "--by: 'month,quarter': at most one period dimension" \
    report nps --by month,quarter
expect_usage "unknown --by" "--by: 'weak' is not a dimension of nps" report nps --by weak
expect_usage "bad --from" "--from: 'yesterday'" report nps --from yesterday
expect_usage "bad --to" "--to: '2026-13-01'" report nps --to 2026-13-01
expect_usage "a time out of range" "--now: '9999-12-31' is outside 1970-01-01 .. 2199-12-31" \
    report churn --now 9999-12-31
expect_usage "empty window" "--from: the window is empty: from must be before to" \
    report churn --from 2026-03-01 --to 2026-02-01
expect_usage "--survey on churn" "churn takes no option '--survey'" report churn --survey nps
expect_usage "unknown survey" "--survey: no survey 'pulse' in this workspace" \
    report nps --survey pulse
expect_usage "survey of another kind" "--survey: survey 'csat' is a csat survey, not nps" \
    report nps --survey csat
expect_usage "bad --margin" "--margin: 1.5 is outside 0.0001..1" report clv --margin 1.5
expect_usage "unknown option" "nps takes no option '--bogus'" report nps --bogus
expect_usage "bad --where" "--where: 'colour=red' is not FIELD=VALUE with a field of churn" \
    report churn --where colour=red

# Help, and a good call on an empty store for contrast: one row of nulls.
run_lf help report
check_eq "help: exit" 0 "$rc"
check "help lists churn-reasons" grep -q "churn-reasons" "$SCRATCH/out"
run_lf report nps --now 2026-03-01 --json
check_eq "empty store: exit" 0 "$rc"
check_eq "empty store: nps null, n 0" "null 0" \
    "$(jq -r '.rows[0] | "\(.nps) \(.n)"' <<<"$out")"

# A workspace the store does not hold: not found (4), saying how one is made.
run_lf --workspace acme report nps
check_eq "unknown workspace: exit" 4 "$rc"
check "unknown workspace: says how to make one" grep -qF \
    "no workspace 'acme' in '$LANDFALL_DB' (import, demo or 'landfall workspace --time-zone ZONE' makes one)" \
    "$SCRATCH/err"

finish
