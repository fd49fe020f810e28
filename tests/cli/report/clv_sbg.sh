#!/bin/bash
# clv_sbg.sh - `landfall clv --model sbg` and `landfall survival --project` on subscriptions made
# from the survivors Fader & Hardie (2007) print reproduce the paper's fit and projections; the
# residual value is the series it sums; the lifetimes are those `landfall survival` counts (on
# the demo business); `--model contractual` is `report clv`.
source "$(dirname "$0")/../lib.sh"

# tests/data/retention/fader_hardie_2007_survivors.csv: year,regular_alive,highend_alive for
# years 0..12 of 1,000 customers a segment. Each customer is an account of its segment starting
# 2000-01-01 at 100.00 a month; one that did not renew for year t + 1 (it churned in year t, the
# sBG's T = t) gets MRR 0 from (2000 + t)-01-01. The paper calibrates on years 1–7: --now
# 2007-07-01, inside year 8, sees the churns of years 1–7 and the 241 / 491 renewals for year 8;
# the later churns are dated after now and count as not happened.
awk -F, 'NR > 1 { alive[$1, 0] = $2; alive[$1, 1] = $3 }
    END {
        print "id,segment,mrr,customer_since" >"'"$SCRATCH"'/accounts.csv"
        print "account_id,date,mrr" >"'"$SCRATCH"'/changes.csv"
        for (s = 0; s < 2; s++) {
            seg = s ? "highend" : "regular"; n = 0
            for (t = 1; t <= 12; t++)
                for (k = 0; k < alive[t - 1, s] - alive[t, s]; k++) {
                    id = seg "-" ++n
                    print id "," seg ",100,2000-01-01" >"'"$SCRATCH"'/accounts.csv"
                    print id "," 2000 + t "-01-01,0" >"'"$SCRATCH"'/changes.csv"
                }
            for (k = 0; k < alive[12, s]; k++)
                print seg "-" ++n "," seg ",100,2000-01-01" >"'"$SCRATCH"'/accounts.csv"
        }
    }' "$TESTDATA/retention/fader_hardie_2007_survivors.csv"
run_lf import accounts "$SCRATCH/accounts.csv"
check_eq "import accounts" 0 "$rc"
run_lf import mrr_changes "$SCRATCH/changes.csv"
check_eq "import mrr changes" 0 "$rc"

y=(--period year --by segment --now 2007-07-01)
run_lf clv --model sbg "${y[@]}" --json
check_eq "sbg: exit" 0 "$rc"
g() { jq -r ".rows[] | select(.segment == \"$1\") | .$2" <<<"$out"; }
r3() { awk -v v="$1" -v d="$2" 'BEGIN { printf "%.*f", d, v }'; }
# F&H 2007: regular γ = 0.704, δ = 1.182, LL = −1680.3; high end γ = 0.668, δ = 3.806,
# LL = −1611.2
check_eq "regular: accounts, churned by year 7" "1000 759" "$(g regular accounts) $(g regular churned)"
check_eq "regular: gamma" 0.704 "$(r3 "$(g regular gamma)" 3)"
check_eq "regular: delta" 1.182 "$(r3 "$(g regular delta)" 3)"
check_eq "regular: log-likelihood" -1680.3 "$(r3 "$(g regular log_likelihood)" 1)"
check_eq "high end: gamma" 0.668 "$(r3 "$(g highend gamma)" 3)"
check_eq "high end: delta" 3.806 "$(r3 "$(g highend delta)" 3)"
check_eq "high end: log-likelihood" -1611.2 "$(r3 "$(g highend log_likelihood)" 1)"
# P(T = 1) = γ / (γ + δ); E[T] is infinite for γ < 1 (null)
check_num "regular: churn in the first year = gamma / (gamma + delta)" \
    "$(jq -r '.rows[] | select(.segment == "regular") | .gamma / (.gamma + .delta)' <<<"$out")" \
    "$(g regular churn_first)" 1e-9
check_eq "regular: the mean lifetime is infinite" null "$(g regular mean_lifetime)"
fit=$out

# ---- projected retention per cohort ----
run_lf survival --project "${y[@]}" --periods 5 --json
check_eq "project: exit" 0 "$rc"
p() { jq -r "[.rows[] | select(.segment == \"$1\" and .period >= $2 and .period <= $3) | .$4] | map(if . == null then \"-\" else . end) | join(\" \")" <<<"$out"; }
# the paper's projections of years 8–12: 1,000 × S(t) of the fitted curve
check_eq "regular: survivors years 8–12" "220 204 191 180 170" \
    "$(p regular 8 12 curve | awk '{ for (i = 1; i <= NF; i++) printf "%s%d", (i > 1 ? " " : ""), $i * 1000 + 0.5 }')"
check_eq "high end: survivors years 8–12" "460 436 414 395 378" \
    "$(p highend 8 12 curve | awk '{ for (i = 1; i <= NF; i++) printf "%s%d", (i > 1 ? " " : ""), $i * 1000 + 0.5 }')"
# years 1–7 are observed (the file's survivors), 8–12 not yet
check_eq "regular: retained years 1–7, the paper's data" "631 468 382 326 289 262 241" \
    "$(p regular 1 7 retained)"
check_eq "high end: retained years 1–7" "869 743 653 593 551 517 491" "$(p highend 1 7 retained)"
check_eq "regular: years 8–12 not observed yet" "- - - - -" "$(p regular 8 12 retained)"
# expected = 241 × S(t) / S(7): the 241 still there, each surviving as the curve says
check_num "regular: expected in year 8 = 241 S(8) / S(7)" \
    "$(jq -r '[.rows[] | select(.segment == "regular" and (.period == 7 or .period == 8)) | .curve] | 241 * .[1] / .[0]' <<<"$out")" \
    "$(p regular 8 8 expected)" 1e-6
check_eq "cohort and size" "2000 1000" \
    "$(jq -r '.rows[0] | "\(.cohort) \(.size)"' <<<"$out")"
check_eq "rows: 7 observed + 5 projected a segment" 24 "$(jq '.rows | length' <<<"$out")"
# as of mid-2012 the later churns have happened: years 8–12 are the file's survivors
run_lf survival --project --period year --by segment --now 2012-07-01 --periods 1 --json
check_eq "regular: retained years 8–12 as of 2012, the file's" "223 207 194 183 173" \
    "$(p regular 8 12 retained)"

# ---- residual value per account ----
run_lf clv --model sbg --customers "${y[@]}" --discount 0.1 --margin 0.5 --json
check_eq "customers: exit" 0 "$rc"
check_eq "paying accounts: the 241 + 491 renewed for year 8" 732 "$(jq '.rows | length' <<<"$out")"
acct=$(jq -c '[.rows[] | select(.segment == "highend")][0]' <<<"$out")
check_eq "a high-end account: 7 renewals, MRR 100.00" "7 10000 2000" \
    "$(jq -r '"\(.renewals) \(.mrr) \(.cohort)"' <<<"$acct")"
# DERL(d | 7 renewals) = Σ_{t > 7} S(t) / S(7) / 1.1^(t − 8), summed term by term with
# S(t) / S(t − 1) = (δ + t − 1) / (γ + δ + t − 1) from the fitted γ, δ (F&H 2010, eq. 6)
derl=$(jq -r '.rows[] | select(.segment == "highend") | "\(.gamma) \(.delta)"' <<<"$fit" |
    awk '{ g = $1; d = $2; r = 1; disc = 1
           for (t = 8; t < 200000; t++) { r *= (d + t - 1) / (g + d + t - 1); s += r * disc; disc /= 1.1 }
           printf "%.10f", s }')
check_num "DERL: the series" "$derl" "$(jq -r '.derl' <<<"$acct")" 1e-8
check_num "renewal: (delta + 7) / (gamma + delta + 7)" \
    "$(jq -r '.rows[] | select(.segment == "highend") | (.delta + 7) / (.gamma + .delta + 7)' <<<"$fit")" \
    "$(jq -r '.renewal' <<<"$acct")" 1e-9
check_num "CLV = 10000 × 12 months × 0.5 × DERL (cents)" \
    "$(awk -v d="$derl" 'BEGIN { print 10000 * 12 * 0.5 * d }')" "$(jq -r '.clv' <<<"$acct")" 0.5

# ---- the lifetimes are survival's: the demo business ----
LANDFALL_DB=$(scratch_store demo) || exit 1 # a new store (a database on PostgreSQL)
export LANDFALL_DB
store_demo --accounts 300 --seed 7 --end 2026-06-30
check_eq "demo" 0 "$rc"
run_lf clv --model sbg --by segment --now 2026-06-30 --csv
sbg=$(tail -n +2 <<<"$out" | cut -d, -f1,3,4 | sort)
run_lf survival --median --by segment --now 2026-06-30 --csv
# survival's rows for the segments with subscriptions (an engine that counts the accounts that
# never paid lists them with no churn; those are no subscriptions, and have no sBG row)
km=$(tail -n +2 <<<"$out" | cut -d, -f1-3 | sort | join -t, - <(cut -d, -f1 <<<"$sbg"))
check_eq "per segment: the subscriptions and churns Kaplan–Meier counts" "$km" "$sbg"
check_eq "four segments, three with subscriptions" "enterprise mid-market smb" \
    "$(cut -d, -f1 <<<"$sbg" | xargs)"
# the demo's churn is one hazard for all: the fit is the sBG's geometric limit, said so
run_lf clv --model sbg --now 2026-06-30 --json
check "no heterogeneity: the geometric limit, said so" \
    grep -q '"gamma": null, "delta": null.*"note": "no heterogeneity' <<<"$out"
# every cohort is projected by the fit of everyone, those without churn too
run_lf survival --project --now 2026-06-30 --periods 3 --json
check "every cohort projected" \
    test "$(jq '[.rows[] | select(.expected == null)] | length' <<<"$out")" = 0
check "some cohorts without churn among them" \
    test "$(jq '[.rows | group_by(.cohort)[] | select(all(.retained == null or .retained == .size))] | length' <<<"$out")" -gt 0

# `--model contractual` is `report clv`
a=$("$LANDFALL" clv --model contractual --from 2025-07-01 --to 2026-07-01 --now 2026-06-30 --json)
b=$("$LANDFALL" report clv --from 2025-07-01 --to 2026-07-01 --now 2026-06-30 --json)
check_eq "clv --model contractual = report clv" "$b" "$a"

finish
