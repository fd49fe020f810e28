#!/bin/bash
# clv_edges.sh - the lifetime value models where the data cannot carry them: no orders, one
# customer, nobody buying twice, no subscription, a segment without churn; and the command's
# usage errors. An unidentified fit is null with a note, never a made-up number.
source "$(dirname "$0")/../lib.sh"

now=(--now 2026-07-01)
# a store with accounts but no orders and no MRR history
printf 'id,name\nacc-1,One\n' >"$SCRATCH/accounts.csv"
run_lf import accounts "$SCRATCH/accounts.csv"
check_eq "import" 0 "$rc"
for cmd in "clv --model bgnbd" "clv --model bgnbd --customers" "clv --model sbg" \
    "clv --model sbg --customers" "survival --project"; do
    # shellcheck disable=SC2086
    run_lf $cmd "${now[@]}" --json
    check_eq "$cmd, no data: exit 0" 0 "$rc"
    check_eq "$cmd, no data: no rows" 0 "$(jq '.rows | length' <<<"$out")"
done

# one customer with three orders on three days: x = 2, but four parameters from one history
# are not identified (the likelihood grows as r, α → ∞ with r / α = its rate, and a → 0)
printf 'id,customer_id,ts,amount\no1,c1,2026-01-05,10\no2,c1,2026-02-05,20\no3,c1,2026-03-05,30\n' \
    >"$SCRATCH/one.csv"
run_lf import orders "$SCRATCH/one.csv"
check_eq "import one customer" 0 "$rc"
run_lf clv --model bgnbd "${now[@]}" --json
check_eq "one customer: a row" "1 1" "$(jq -r '.rows[0] | "\(.customers) \(.repeat_customers)"' <<<"$out")"
check_eq "one customer: no parameters" "null null null null null" \
    "$(jq -r '.rows[0] | "\(.r) \(.alpha) \(.a) \(.b) \(.log_likelihood)"' <<<"$out")"
check "one customer: the note says BG/NBD is not identified" \
    grep -q 'BG/NBD is not identified' <<<"$(jq -r '.rows[0].note' <<<"$out")"
check "... and Gamma-Gamma neither" \
    grep -q 'Gamma-Gamma is not identified' <<<"$(jq -r '.rows[0].note' <<<"$out")"
run_lf clv --model bgnbd --customers "${now[@]}" --json
# its summary is still shown: x = 2, t_x = 59 days / 7, T = (2026-06-30 − 2026-01-05) / 7 =
# 176 / 7 weeks, mean repeat spend (20 + 30) / 2 = 25.00
check_eq "one customer: its summary" "c1 2 8.428571429 25.14285714 2500" \
    "$(jq -r '.rows[0] | "\(.customer) \(.x) \(.t_x) \(.T) \(.mean_spend)"' <<<"$out")"
check_eq "one customer: no model figures" "null null null null" \
    "$(jq -r '.rows[0] | "\(.p_alive) \(.expected_purchases) \(.expected_spend) \(.clv)"' <<<"$out")"

# a fresh workspace where every customer bought once: x = 0 for all
export LANDFALL_WORKSPACE=once
printf 'id,customer_id,ts,amount\no1,a,2026-01-05,10\no2,b,2026-02-05,20\no3,c,2026-03-05,30\no4,c,2026-03-05,5\n' \
    >"$SCRATCH/once.csv"
run_lf import orders "$SCRATCH/once.csv"
check_eq "import once" 0 "$rc"
run_lf clv --model bgnbd "${now[@]}" --json
check_eq "x = 0 for all (two orders on one day are one transaction)" "3 0" \
    "$(jq -r '.rows[0] | "\(.customers) \(.repeat_customers)"' <<<"$out")"
check_eq "x = 0 for all: no parameters" "null null" "$(jq -r '.rows[0] | "\(.r) \(.p)"' <<<"$out")"
check_eq "x = 0 for all: the note" \
    "no customer made a repeat purchase: BG/NBD is not identified; no repeat transaction with a positive amount: spend is not modelled" \
    "$(jq -r '.rows[0].note' <<<"$out")"
# the orders after now do not count
run_lf clv --model bgnbd --now 2026-02-01 --json
check_eq "as of February: one customer" 1 "$(jq -r '.rows[0].customers' <<<"$out")"
unset LANDFALL_WORKSPACE

# subscriptions without any churn: no sBG, said so; their cohorts are observed, not projected
export LANDFALL_WORKSPACE=loyal
# (k3, a customer since March that never paid, is no subscription)
printf 'id,mrr,customer_since\nk1,50,2026-01-15\nk2,70,2026-02-10\nk3,,2026-03-01\n' >"$SCRATCH/loyal.csv"
run_lf import accounts "$SCRATCH/loyal.csv"
check_eq "import loyal" 0 "$rc"
run_lf clv --model sbg "${now[@]}" --json
check_eq "no churn: counts, no parameters" "2 0 null null" \
    "$(jq -r '.rows[0] | "\(.accounts) \(.churned) \(.gamma) \(.delta)"' <<<"$out")"
check_eq "no churn: the note" "no subscription churned: the sBG is not identified" \
    "$(jq -r '.rows[0].note' <<<"$out")"
run_lf clv --model sbg --customers "${now[@]}" --json
# k1: monthly periods start 01-15, 02-15 … 06-15 before 07-01: 5 renewals; k2 from 02-10: 4
check_eq "no churn: the accounts, their renewals and MRR, no value" \
    "k1 5 5000 null null|k2 4 7000 null null" \
    "$(jq -r '[.rows[] | "\(.account) \(.renewals) \(.mrr) \(.derl) \(.clv)"] | join("|")' <<<"$out")"
run_lf survival --project "${now[@]}" --periods 2 --json
check_eq "no churn: cohort 2026-01 observed through 5 periods, then nothing" \
    "1:1 2:1 3:1 4:1 5:1 6:null 7:null" \
    "$(jq -r '[.rows[] | select(.cohort == "2026-01") | "\(.period):\(.expected)"] | join(" ")' <<<"$out")"
unset LANDFALL_WORKSPACE

# usage errors: exit 2 with a message
run_lf clv "${now[@]}"
check_eq "no --model: exit 2" 2 "$rc"
check "... says which models" grep -q 'bgnbd, sbg or contractual' <<<"$errout"
run_lf clv --model pareto "${now[@]}"
check_eq "an unknown model: exit 2" 2 "$rc"
run_lf clv --model contractual --customers "${now[@]}"
check_eq "contractual has no --customers: exit 2" 2 "$rc"
run_lf clv --model bgnbd --weeks 0 "${now[@]}"
check_eq "weeks out of range: exit 2" 2 "$rc"
check "... naming --weeks" grep -q -- '--weeks' <<<"$errout"
run_lf clv --model sbg --period fortnight "${now[@]}"
check_eq "an unknown period: exit 2" 2 "$rc"
run_lf clv --model bgnbd --by account "${now[@]}"
check_eq "no fit per account: exit 2" 2 "$rc"
run_lf clv --model bgnbd --help
check_eq "help: exit 0" 0 "$rc"
check "help: the model's command and options" grep -q 'usage: landfall clv --model bgnbd ' <<<"$out"
check "help: --weeks" grep -q -- '--weeks X' <<<"$out"
run_lf clv --help
check "clv --help lists the models" grep -q 'contractual' <<<"$out"
run_lf help clv
check "help clv" grep -q 'bgnbd' <<<"$out"
run_lf survival --project --help
check "survival --project --help: its columns" grep -q 'curve' <<<"$out"

finish
