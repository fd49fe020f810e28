#!/bin/bash
# currencies.sh - the terminal table of `report mrr` and `report churn` shows money in the units of
# each row's currency: yen have no minor unit, Kuwaiti dinars have three decimals (ISO 4217),
# dollars two; --json keeps minor units.
source "$(dirname "$0")/../lib.sh"

cat >"$SCRATCH/accounts.csv" <<'CSV'
id,name,currency
jp,Kyoto KK,JPY
kw,Kuwait Trading,KWD
us,Acme,USD
CSV
# February 2026: jp pays 30000 yen from January and leaves on 02-15; kw pays 12.345 KWD from
# January and expands to 15.5 KWD on 02-10 (+3.155); us pays 99.90 USD throughout.
cat >"$SCRATCH/mrr_changes.csv" <<'CSV'
account_id,date,mrr,reason
jp,2026-01-10,30000,
jp,2026-02-15,0,price
kw,2026-01-05,12.345,
kw,2026-02-10,15.5,
us,2026-01-01,99.90,
CSV
for kind in accounts mrr_changes; do
    run_lf import "$kind" "$SCRATCH/$kind.csv"
    check_eq "import $kind: exit" 0 "$rc"
done
feb=(--from 2026-02-01 --to 2026-03-01)

# cell CURRENCY COLUMN: the cell of the last table output in the row of CURRENCY, under COLUMN
# (the cells hold no spaces, so splitting on blanks finds them).
cell() {
    awk -v cur="$1" -v col="$2" \
        'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
         { for (i = 1; i <= NF; i++) if ($i == cur) { print $(c); exit } }' <<<"$out"
}

run_lf report mrr "${feb[@]}"
check_eq "mrr: exit" 0 "$rc"
check_eq "mrr JPY starting, churn, ending" "30000 30000 0" \
    "$(cell JPY starting_mrr) $(cell JPY churn) $(cell JPY ending_mrr)"
check_eq "mrr KWD starting, expansion, ending" "12.345 3.155 15.500" \
    "$(cell KWD starting_mrr) $(cell KWD expansion) $(cell KWD ending_mrr)"
check_eq "mrr USD starting, ending" "99.90 99.90" "$(cell USD starting_mrr) $(cell USD ending_mrr)"

run_lf report churn "${feb[@]}"
check_eq "churn: exit" 0 "$rc"
check_eq "churn JPY mrr_start, mrr_end" "30000 0" "$(cell JPY mrr_start) $(cell JPY mrr_end)"
check_eq "churn KWD mrr_start, mrr_end" "12.345 15.500" "$(cell KWD mrr_start) $(cell KWD mrr_end)"
check_eq "churn USD mrr_start, mrr_end" "99.90 99.90" "$(cell USD mrr_start) $(cell USD mrr_end)"
# 15.5 / 12.345 = 1.2556: the ratios do not depend on the units.
check_eq "churn KWD nrr" "125.6%" "$(cell KWD nrr)"

# The JSON holds minor units: yen as they are, fils (1/1000 dinar), cents.
run_lf report mrr "${feb[@]}" --json
check_eq "mrr --json minor units" "JPY 30000 KWD 12345 USD 9990" \
    "$(jq -r '[.rows[] | "\(.currency) \(.starting_mrr)"] | join(" ")' <<<"$out")"

finish
