#!/bin/bash
# cdnow.sh - the repeat purchase rate of the CDNOW sample (Fader, Hardie & Lee 2005) against its
# published calibration figures: 2,357 customers bought in the 39 weeks from 1997-01-01, and 946
# of them made a repeat purchase (the 946 repeaters of tests/data/README.md). As in the paper,
# the purchases of one customer on one day are one transaction.
source "$(dirname "$0")/../lib.sh"

src=$TESTDATA/cdnow/CDNOW_sample.txt
# One order per customer and day, amounts summed: "id,customer_id,ts,amount".
awk '{ k = $1 "," substr($3, 1, 4) "-" substr($3, 5, 2) "-" substr($3, 7, 2); sum[k] += $5 }
     END { print "id,customer_id,ts,amount"
           for (k in sum) { split(k, f, ","); printf "o%s_%s,%s,%s,%.2f\n", f[1], f[2], f[1], f[2], sum[k] } }' \
    "$src" >"$SCRATCH/orders.csv"
run_lf import orders "$SCRATCH/orders.csv"
check_eq "import orders: exit" 0 "$rc"

# Calibration period: 39 weeks = 273 days from 1997-01-01, i.e. up to 1997-10-01 (excluded).
run_lf report repeat --from 1997-01-01 --to 1997-10-01 --json
check_eq "repeat: exit" 0 "$rc"
check_eq "customers" 2357 "$(jq -r '.rows[0].customers' <<<"$out")"
check_eq "repeat customers" 946 "$(jq -r '.rows[0].repeat_customers' <<<"$out")"
check_num "repeat purchase rate = 946 / 2357" 0.4013576580 \
    "$(jq -r '.rows[0].repeat_purchase_rate' <<<"$out")" 1e-9

finish
