#!/bin/bash
# fixture.sh - every report over the hand-made business of tests/data/report, imported with
# `landfall import`; the expected figures are worked out by hand below (amounts in the CSVs are
# whole currency units, so the JSON's minor units are × 100).
source "$(dirname "$0")/../lib.sh"

cp "$TESTDATA"/report/*.csv "$SCRATCH/"
for kind in accounts contacts mrr_changes orders touchpoints responses; do
    run_lf import "$kind" "$SCRATCH/$kind.csv"
    check_eq "import $kind: exit" 0 "$rc"
done

# jv FILTER: a value of the last JSON output ("null" for null).
jv() { jq -r "$1" <<<"$out"; }
feb=(--from 2026-02-01 --to 2026-03-01 --json)

# ---- nps: February holds n1..n10 (n11 is on 01-31 23:59:59, n12 on 03-01: outside).
# 10, 9, 9 promoters; 8, 7, 7, 8, 7 passives; 6, 0 detractors: NPS 100 × (3 − 2) / 10 = 10,
# MoE = 196 × √((0.3 + 0.2 − 0.01) / 10) = 43.386449497510164.
run_lf report nps "${feb[@]}"
check_eq "nps: exit" 0 "$rc"
check_eq "nps: one row" 1 "$(jv '.rows | length')"
check_num "nps" 10 "$(jv '.rows[0].nps')"
check_eq "nps n" 10 "$(jv '.rows[0].n')"
check_eq "nps promoters/passives/detractors" "3 5 2" \
    "$(jv '.rows[0] | "\(.promoters) \(.passives) \(.detractors)"')"
check_num "nps margin of error" 43.386449497510164 "$(jv '.rows[0].margin_of_error')"

# By team: support rates t1 (n1 10, n2 9, n4 8, n9 6) → (2 − 1) / 4 = 25; success rates t2
# (n3 9, n5 7, n6 7) → 1 / 3 = 33.33; the rest rate no touchpoint (n7 8, n8 7, n10 0) → −33.33.
run_lf report nps --by team "${feb[@]}"
check_eq "nps by team: groups" "(none) success support" "$(jv '[.rows[].team] | join(" ")')"
check_num "nps (none)" -33.333333333 "$(jv '.rows[0].nps')" 1e-6
check_num "nps success" 33.333333333 "$(jv '.rows[1].nps')" 1e-6
check_num "nps support" 25 "$(jv '.rows[2].nps')"
check_eq "nps support n" 4 "$(jv '.rows[2].n')"
# MoE support: p⁺ 0.5, p⁻ 0.25: 196 × √((0.75 − 0.0625) / 4) = 81.25730736...
check_num "nps support margin" 81.2573073601 "$(jv '.rows[2].margin_of_error')" 1e-6

# By segment: smb = A (10, 9, 8, 6) and B (9, 7, 7): 3 promoters, 1 detractor of 7 → 28.571;
# enterprise = C 8, D 7 → 0; G has no segment: 0 → −100.
run_lf report nps --by segment "${feb[@]}"
check_eq "nps by segment: groups" "(none) enterprise smb" "$(jv '[.rows[].segment] | join(" ")')"
check_num "nps (none) segment" -100 "$(jv '.rows[0].nps')"
check_num "nps enterprise" 0 "$(jv '.rows[1].nps')"
check_num "nps smb" 28.5714285714 "$(jv '.rows[2].nps')" 1e-6

# By month over January and February: January has n11 alone (0: NPS −100, MoE
# 196 × √((0 + 1 − 1) / 1) = 0), February the ten above.
run_lf report nps --by month --from 2026-01-01 --to 2026-03-01 --json
check_eq "nps by month: periods" "2026-01 2026-02" "$(jv '[.rows[].month] | join(" ")')"
check_num "nps january" -100 "$(jv '.rows[0].nps')"
check_num "nps january margin" 0 "$(jv '.rows[0].margin_of_error')"
check_num "nps february" 10 "$(jv '.rows[1].nps')"
# A month without responses: n 0 and null figures.
run_lf report nps --by month --from 2025-12-01 --to 2026-01-01 --json
check_eq "nps empty month" "0 null null" "$(jv '.rows[0] | "\(.n) \(.nps) \(.margin_of_error)"')"
# --survey nps: the same responses.
run_lf report nps --survey nps "${feb[@]}"
check_num "nps --survey nps" 10 "$(jv '.rows[0].nps')"

# ---- csat: 5, 4, 4 satisfied, 3, 1 not: 60; MoE 196 × √(0.6 × 0.4 / 5) = 42.94144850840504.
run_lf report csat "${feb[@]}"
check_num "csat" 60 "$(jv '.rows[0].csat')"
check_eq "csat n/satisfied" "5 3" "$(jv '.rows[0] | "\(.n) \(.satisfied)"')"
check_num "csat margin" 42.94144850840504 "$(jv '.rows[0].margin_of_error')"

# ---- ces: 7, 5, 6, 2: mean 5, sample variance 14/3, MoE 1.96 × √(14/3) / 2 = 2.11704196148.
run_lf report ces "${feb[@]}"
check_num "ces" 5 "$(jv '.rows[0].ces')"
check_eq "ces n" 4 "$(jv '.rows[0].n')"
check_num "ces margin" 2.1170419614799013 "$(jv '.rows[0].margin_of_error')"

# ---- churn, February. USD accounts paying on 02-01 (changes before it): A 100, B 200, D 300,
# F 40 (C, G start later, E left in December, H in January). On 03-01: A 150, B 0, D 250, F 0.
# logo churn 2/4; NRR (150 + 250) / 640 = 0.625; GRR (100 + 0 + 250 + 0) / 640 = 0.546875.
# EUR: K pays 500 and leaves on 02-10: 1 of 1, GRR = NRR = 0.
run_lf report churn "${feb[@]}"
check_eq "churn: currencies" "EUR USD" "$(jv '[.rows[].currency] | join(" ")')"
check_eq "churn USD counts and money" "4 2 64000 40000" \
    "$(jv '.rows[1] | "\(.accounts_start) \(.churned) \(.mrr_start) \(.mrr_end)"')"
check_num "churn USD logo churn rate" 0.5 "$(jv '.rows[1].logo_churn_rate')"
check_num "churn USD grr" 0.546875 "$(jv '.rows[1].grr')"
check_num "churn USD nrr" 0.625 "$(jv '.rows[1].nrr')"
check_eq "churn EUR" "1 1 50000 0 1 0 0" \
    "$(jv '.rows[0] | "\(.accounts_start) \(.churned) \(.mrr_start) \(.mrr_end) \(.logo_churn_rate) \(.grr) \(.nrr)"')"

# By segment: smb USD = A, B, F paying (E at 0): 340 → 150 (A), churned B and F: 2/3,
# GRR 100/340, NRR 150/340; enterprise USD = D 300 → 250: 0 churn, GRR = NRR = 250/300;
# G (no segment) never paid at 02-01: no account at the start, null ratios.
run_lf report churn --by segment "${feb[@]}"
check_eq "churn by segment: groups" "(none)/USD enterprise/EUR enterprise/USD smb/USD" \
    "$(jv '[.rows[] | .segment + "/" + .currency] | join(" ")')"
check_eq "churn (none): undefined" "0 null null null" \
    "$(jv '.rows[0] | "\(.accounts_start) \(.logo_churn_rate) \(.grr) \(.nrr)"')"
check_num "churn enterprise USD grr" 0.8333333333 "$(jv '.rows[2].grr')" 1e-9
check_num "churn enterprise USD logo" 0 "$(jv '.rows[2].logo_churn_rate')"
check_num "churn smb logo" 0.6666666667 "$(jv '.rows[3].logo_churn_rate')" 1e-9
check_num "churn smb grr" 0.2941176471 "$(jv '.rows[3].grr')" 1e-9
check_num "churn smb nrr" 0.4411764706 "$(jv '.rows[3].nrr')" 1e-9

# ---- mrr, February: USD A +50 expansion, B −200 churn, C +50 new, D −50 contraction,
# E +90 reactivation (paid 80 until December), F −40 churn, G comes and goes (nothing):
# 640 + 50 + 50 + 90 − 50 − 240 = 540. EUR: K churns 500.
run_lf report mrr "${feb[@]}"
check_eq "mrr: rows" "2026-02/EUR 2026-02/USD" \
    "$(jv '[.rows[] | (.month // .quarter // "") + "/" + .currency] | join(" ")')"
check_eq "mrr USD money" "64000 5000 5000 5000 24000 9000 54000" \
    "$(jv '.rows[1] | "\(.starting_mrr) \(.new) \(.expansion) \(.contraction) \(.churn) \(.reactivation) \(.ending_mrr)"')"
check_eq "mrr USD counts" "1 1 1 2 1" \
    "$(jv '.rows[1] | "\(.new_accounts) \(.expanded) \(.contracted) \(.churned_accounts) \(.reactivated)"')"
check_eq "mrr EUR" "50000 50000 0 1" \
    "$(jv '.rows[0] | "\(.starting_mrr) \(.churn) \(.ending_mrr) \(.churned_accounts)"')"
# Twelve months to --now: March 2025 .. February 2026, two currencies each; December USD:
# B new 200, E churns 80: 600 → 720.
run_lf report mrr --now 2026-03-01 --json
check_eq "mrr: 12 months × 2 currencies" 24 "$(jv '.rows | length')"
check_eq "mrr December USD" "60000 20000 8000 72000" \
    "$(jv '.rows[] | select((.month // .quarter // "") == "2025-12" and .currency == "USD") | "\(.starting_mrr) \(.new) \(.churn) \(.ending_mrr)"')"
check_eq "mrr identity on every row" "" \
    "$(jv '.rows[] | select(.ending_mrr != .starting_mrr + .new + .expansion + .reactivation - .contraction - .churn) | (.month // .quarter // "")')"
run_lf report mrr --by quarter --from 2025-10-01 --to 2026-04-01 --json
# Q4 2025 USD: 80 (E) at 10-01 → A 100, B 200, D 300, H 120 at 01-01: new 720, churn 80.
check_eq "mrr Q4 USD" "2025-Q4 8000 72000 8000 72000" \
    "$(jv '.rows[] | select((.month // .quarter // "") == "2025-Q4" and .currency == "USD") | "\((.month // .quarter // "")) \(.starting_mrr) \(.new) \(.churn) \(.ending_mrr)"')"

# ---- churn-reasons, February: B "price" 200, G "fraud" 60, F without reason 40 (one each,
# share 1/3), EUR K "price" 500. December..February adds E "budget" 80 and H "price" 120.
run_lf report churn-reasons "${feb[@]}"
check_eq "churn-reasons rows" "EUR/price/1/50000 USD/price/1/20000 USD/fraud/1/6000 USD/(none)/1/4000" \
    "$(jv '[.rows[] | "\(.currency)/\(.reason)/\(.churned_accounts)/\(.lost_mrr)"] | join(" ")')"
check_num "churn-reasons USD share" 0.3333333333 "$(jv '.rows[1].share')" 1e-9
check_num "churn-reasons EUR share" 1 "$(jv '.rows[0].share')"
run_lf report churn-reasons --from 2025-12-01 --to 2026-03-01 --json
check_eq "churn-reasons USD Dec..Feb" "price/2/32000 budget/1/8000 fraud/1/6000 (none)/1/4000" \
    "$(jv '[.rows[] | select(.currency == "USD") | "\(.reason)/\(.churned_accounts)/\(.lost_mrr)"] | join(" ")')"
check_num "churn-reasons price share" 0.4 "$(jv '.rows[] | select(.currency == "USD" and .reason == "price") | .share')"

# ---- clv over December..February. USD paying on 03-01: A 150, C 50, D 250, E 90: ARPA 135.
# Months: Dec A, D, E, H paying at 12-01, E leaves (1); Jan A, B, D, H, H leaves (1);
# Feb A, B, D, F, B and F leave (2): 4 / 12; CLV = 135 × 0.8 × 3 = 324.
# EUR: K pays from 12-01: at risk in January and February, leaves in February: 1 / 2; nobody
# pays on 03-01, so ARPA and CLV are undefined.
run_lf report clv --from 2025-12-01 --to 2026-03-01 --json
check_eq "clv USD" "USD 4 13500 4 12 32400" \
    "$(jv '.rows[1] | "\(.currency) \(.paying_accounts) \(.arpa) \(.churned) \(.account_months) \(.clv)"')"
check_num "clv USD monthly churn" 0.3333333333 "$(jv '.rows[1].monthly_churn_rate')" 1e-9
check_num "clv margin" 0.8 "$(jv '.rows[1].margin')"
check_eq "clv EUR" "EUR 0 null 1 2 null" \
    "$(jv '.rows[0] | "\(.currency) \(.paying_accounts) \(.arpa) \(.churned) \(.account_months) \(.clv)"')"
# --margin 0.5: 135 × 0.5 × 3 = 202.5 → 20250 minor units.
run_lf report clv --from 2025-12-01 --to 2026-03-01 --margin 0.5 --json
check_eq "clv margin 0.5" 20250 "$(jv '.rows[1].clv')"

# ---- repeat, February: I twice (o1, o2), J once (o4), contact c1 once (o5), account A once
# (o6; not the same customer as its contact c1): 4 customers, 1 repeat → 0.25.
run_lf report repeat "${feb[@]}"
check_eq "repeat" "5 4 1" "$(jv '.rows[0] | "\(.orders) \(.customers) \(.repeat_customers)"')"
check_num "repeat rate" 0.25 "$(jv '.rows[0].repeat_purchase_rate')"

# ---- acquisition, February: new = C (MRR 02-10), G (MRR 02-03), I (first order 02-10) = 3;
# at the start: paying A, B, D, F, K, and J (ordered 2025-06-01) = 6 → 0.5.
# By segment: smb new I, start A, B, F, J → 0.25; enterprise new C, start D, K → 0.5;
# (none) new G, nobody at the start → null.
run_lf report acquisition "${feb[@]}"
check_eq "acquisition" "6 3" "$(jv '.rows[0] | "\(.customers_start) \(.new_customers)"')"
check_num "acquisition rate" 0.5 "$(jv '.rows[0].acquisition_rate')"
run_lf report acquisition --by segment "${feb[@]}"
check_eq "acquisition by segment" "(none)/0/1/null enterprise/2/1/0.5 smb/4/1/0.25" \
    "$(jv '[.rows[] | "\(.segment)/\(.customers_start)/\(.new_customers)/\(.acquisition_rate)"] | join(" ")')"

# ---- the other formats: CSV header and cells, the terminal table's percent and money.
run_lf report churn --from 2026-02-01 --to 2026-03-01 --csv
check_eq "csv header" "currency,accounts_start,churned,logo_churn_rate,mrr_start,mrr_end,grr,nrr" \
    "$(head -1 <<<"$out")"
check_eq "csv USD row" "USD,4,2,0.5,64000,40000,0.546875,0.625" "$(sed -n 3p <<<"$out")"
run_lf report churn --from 2026-02-01 --to 2026-03-01
check "table shows percent" grep -q "USD  *4  *2  *50.0%  *640.00  *400.00  *54.7%  *62.5%" \
    "$SCRATCH/out"
run_lf report churn --by segment --from 2026-02-01 --to 2026-03-01
check "table shows undefined as -" grep -qE '^\(none\) +USD +0 +0 +- +0.00 +0.00 +- +-$' \
    "$SCRATCH/out"

finish
