#!/bin/bash
# clv_bgnbd.sh - `landfall clv --model bgnbd` on the CDNOW sample imported as orders reproduces
# Fader, Hardie & Lee (2005) and Fader & Hardie's Gamma-Gamma note (2013): the calibration
# summaries landfall computes from its orders table equal the independently computed ones of
# tests/data/cdnow (BTYD / lifetimes), the fits match the published parameters, the published
# conditional expectation comes back, the CLV is the documented sum, and the HTTP API answers
# the same document.
source "$(dirname "$0")/../server/server_lib.sh"

# CDNOW_sample.txt: "master_id sample_id YYYYMMDD n_cds dollars", 6,919 lines. Every line becomes
# an order of the customer named by its sample id (the summaries' ID), dated at the start of its
# day in the workspace's zone (UTC): several orders on one day are one transaction to the model,
# as in the paper, so the 6,919 lines make 6,696 transactions.
awk 'BEGIN { print "id,customer_id,ts,amount" }
     { printf "l%d,%d,%s-%s-%s,%s\n", NR, $2 + 0, substr($3, 1, 4), substr($3, 5, 2),
              substr($3, 7, 2), $5 }' "$TESTDATA/cdnow/CDNOW_sample.txt" >"$SCRATCH/orders.csv"
run_lf import orders "$SCRATCH/orders.csv"
check_eq "import orders: exit" 0 "$rc"

# The calibration: the 39 weeks 1997-01-01 .. 1997-09-30; --now 1997-10-01 (excluded) makes
# 1997-09-30 its last day, from which T is counted (T = 38.86 for a first purchase on 01-01).
run_lf clv --model bgnbd --now 1997-10-01 --json
check_eq "fit: exit" 0 "$rc"
f() { jq -r ".rows[0].$1" <<<"$out"; }
sig3() { awk -v v="$1" 'BEGIN { printf "%.3g", v }'; }
check_eq "customers" 2357 "$(f customers)"
check_eq "repeat customers (946 in the paper)" 946 "$(f repeat_customers)"
# FHL 2005, §7: r = 0.2426, α = 4.4135, a = 0.7929, b = 2.4258, LL = −9582.4
check_eq "r to 3 significant digits" 0.243 "$(sig3 "$(f r)")"
check_eq "alpha" 4.41 "$(sig3 "$(f alpha)")"
check_eq "a" 0.793 "$(sig3 "$(f a)")"
check_eq "b" 2.43 "$(sig3 "$(f b)")"
check_eq "log-likelihood" -9.58e+03 "$(sig3 "$(f log_likelihood)")"
# the same maximum as CLVTools' test from the raw transactions (r 0.2425945, α 4.4136019,
# a 0.7929199, b 2.4258881, LL −9582.429), to the optimiser's precision
check_num "r as CLVTools" 0.2425945 "$(f r)" 2e-5
check_num "alpha as CLVTools" 4.4136019 "$(f alpha)" 4e-4
check_num "a as CLVTools" 0.7929199 "$(f a)" 1e-4
check_num "b as CLVTools" 2.4258881 "$(f b)" 4e-4
check_num "log-likelihood as CLVTools" -9582.429 "$(f log_likelihood)" 1e-3
# Fader & Hardie 2013: p = 6.25, q = 3.74, γ = 15.44 over the 946 repeat customers (and the
# log-likelihood −4055.9177 CLVTools' test quotes for it)
check_eq "spend customers" 946 "$(f spend_customers)"
check_eq "p" 6.25 "$(sig3 "$(f p)")"
check_eq "q" 3.74 "$(sig3 "$(f q)")"
check_eq "gamma to 4 digits" 15.44 "$(awk -v v="$(f gamma)" 'BEGIN { printf "%.2f", v }')"
check_num "spend log-likelihood" -4055.9177 "$(f spend_log_likelihood)" 1e-3
check_eq "note: both fitted" null "$(f note)"
# a new customer's mean transaction p γ / (q − 1) = 6.2496 × 15.4435 / 2.7442 = $35.17
check_eq "expected spend of a new customer (cents)" 3517 "$(f expected_spend)"
fit=$out

# ---- per customer ----
run_lf clv --model bgnbd --customers --now 1997-10-01 --weeks 39 --csv
check_eq "customers: exit" 0 "$rc"
printf '%s\n' "$out" >"$SCRATCH/customers.csv"
check_eq "a row per customer" 2358 "$(wc -l <"$SCRATCH/customers.csv")"
# Every customer's x, t_x and T (weeks, to the summary's 2 decimals) and mean repeat spend
# (zbar, dollars) against the summaries computed outside landfall; 0 mismatches of 2,357.
mismatches=$(awk -F, '
    FILENAME ~ /with_transactions/ { if (FNR > 1) { x[$1] = $2; tx[$1] = $3; T[$1] = $4; z[$1] = $5 }; next }
    FILENAME ~ /summary.csv/ { if (FNR > 1) { fx[$1] = $2; ftx[$1] = $3; fT[$1] = $4 }; next }
    FNR == 1 { next }
    { id = $2; bad = 0
      if ($3 != x[id] || $3 != fx[id]) bad = 1
      if ((($4 - tx[id]) ^ 2) > 0.005 ^ 2 || (($4 - ftx[id]) ^ 2) > 0.005 ^ 2) bad = 1
      if ((($5 - T[id]) ^ 2) > 0.005 ^ 2 || (($5 - fT[id]) ^ 2) > 0.005 ^ 2) bad = 1
      if ($8 == "" ? z[id] + 0 != 0 : (($8 / 100 - z[id]) ^ 2) > 0.0051 ^ 2) bad = 1
      n += bad; seen++ }
    END { print n + (2357 - seen) }' \
    "$TESTDATA/cdnow/cdnow_customers_summary_with_transactions.csv" \
    "$TESTDATA/cdnow/cdnow_customers_summary.csv" "$SCRATCH/customers.csv")
check_eq "summaries equal the independent ones" 0 "$mismatches"

# FHL 2005, §5: customer 1 (x = 2, t_x = 30.43, T = 38.86) is expected to make 1.226 purchases
# in the next 39 weeks.
row1=$(awk -F, '$2 == "1"' "$SCRATCH/customers.csv")
check_eq "customer 1: x, t_x, T" "2 30.43 38.86" \
    "$(awk -F, '{ printf "%d %.2f %.2f", $3, $4, $5 }' <<<"$row1")"
check_eq "customer 1: E[Y(39)] = 1.226" 1.226 \
    "$(awk -F, '{ printf "%.3f", $7 }' <<<"$row1")"
# P(alive) = 1 / (1 + a / (b + x − 1) ((α + T) / (α + t_x))^(r + x)), from the fit's parameters
check_num "customer 1: P(alive) from the fitted parameters" \
    "$(jq -r '.rows[0] | 1 / (1 + .a / (.b + 1) * pow((.alpha + 272 / 7) / (.alpha + 213 / 7); .r + 2))' <<<"$fit")" \
    "$(awk -F, '{ print $6 }' <<<"$row1")" 1e-9
# E(M) = p (γ + x m) / (p x + q − 1) with m = $22.345 (the mean of 29.73 and 14.96)
check_num "customer 1: expected spend (cents)" \
    "$(jq -r '.rows[0] | .p * (.gamma + 2 * 22.345) / (.p * 2 + .q - 1) * 100' <<<"$fit")" \
    "$(awk -F, '{ print $9 }' <<<"$row1")" 0.5

# CLV = margin × E(M) × Σ_k (E[Y(k w)] − E[Y((k − 1) w)]) / (1 + d)^(k / 12), w = a month in
# weeks. Over one month it is margin × E(M) × E[Y(w)] / (1 + d)^(1/12); without discount the sum
# telescopes to margin × E(M) × E[Y(H w)]. E(M) is printed rounded to the cent, so the product
# may be off by half a cent times E[Y], and the CLV's own rounding by half a cent.
w=$(awk 'BEGIN { printf "%.10f", 365.25 / 12 / 7 }')
clv_of() { # ARGS… → "expected_purchases expected_spend clv" of customer 1
    "$LANDFALL" clv --model bgnbd --customers --now 1997-10-01 --csv "$@" |
        awk -F, '$2 == "1" { print $7, $9, $10 }'
}
read -r ey em clv <<<"$(clv_of --weeks "$w" --horizon 1 --discount 0.1 --margin 0.5)"
check_num "one month, 10 % a year, margin 0.5" \
    "$(awk -v ey="$ey" -v em="$em" 'BEGIN { print 0.5 * em * ey / 1.1 ^ (1 / 12) }')" "$clv" \
    "$(awk -v ey="$ey" 'BEGIN { print 0.25 * ey + 0.5 }')"
read -r ey em clv <<<"$(clv_of --weeks "$(awk -v w="$w" 'BEGIN { print 24 * w }')" \
    --horizon 24 --discount 0 --margin 1)"
check_num "24 months undiscounted: E(M) × E[Y(24 months)]" \
    "$(awk -v ey="$ey" -v em="$em" 'BEGIN { print em * ey }')" "$clv" \
    "$(awk -v ey="$ey" 'BEGIN { print 0.5 * ey + 0.5 }')"

# ---- the HTTP API answers the CLI's document ----
key=$(new_key read)
serve_start
http GET "/v1/metrics/clv-bgnbd?now=1997-10-01" -H "Authorization: Bearer $key"
check_eq "GET /v1/metrics/clv-bgnbd: 200" 200 "$status"
check_eq "... the document of landfall clv --model bgnbd --json" "$fit" "$body"
http GET "/v1/metrics/clv-bgnbd-customers?now=1997-10-01&weeks=39" -H "Authorization: Bearer $key"
check_eq "GET /v1/metrics/clv-bgnbd-customers: 200" 200 "$status"
check_eq "... 2,357 customers" 2357 "$(jlen '$.rows')"
check_num "... customer 1's E[Y(39)]" 1.226 \
    "$(jfield '$.rows[0].expected_purchases')" 0.0005
http GET "/v1/metrics/clv-bgnbd?now=1997-10-01&weeks=-1" -H "Authorization: Bearer $key"
check_eq "a bad parameter: 400" 400 "$status"
serve_stop

finish
