#!/bin/bash
# clv_pg.sh - the lifetime value models on the PostgreSQL engine: the same data imported into a
# SQLite store and a PostgreSQL database (the suite's server, or a throwaway one of scripts/pg on
# a Unix socket: tests/cli/pg/pg_lib.sh)
# give the same documents byte for byte, and on PostgreSQL the published figures come back:
# Fader, Hardie & Lee (2005) on CDNOW, Fader & Hardie (2007) on their survivors. Both stores
# are in a zone other than UTC, so the local days and dates are those of the workspace's zone
# on both engines. Skipped (77) where PostgreSQL is not installed (scripts/setup installs it).
source "$(dirname "$0")/../pg/pg_lib.sh"
pg_start
newdb() { pg_db "$1"; } # NAME → its URL
# a throwaway server's commits need not wait for the disk (libpq passes PGOPTIONS to the
# session): a commit per imported row is the time of this test (the suite's server has it off)
export PGOPTIONS="-c synchronous_commit=off"

# same TITLE ARGS...: the command's output on PostgreSQL ($PG) equals SQLite's ($SQ); leaves
# PostgreSQL's in $out
same() {
    local what=$1; shift
    local sq
    sq=$("$LANDFALL" --db "$SQ" "$@" 2>&1)
    run_lf --db "$PG" "$@"
    check_eq "$what: exit on PostgreSQL" 0 "$rc"
    check "$what: PostgreSQL's output is SQLite's ($(wc -c <<<"$out") bytes)" \
        test "$out" == "$sq" -a -n "$out"
}

# ---- BG/NBD and Gamma-Gamma: CDNOW in New York ----
# As clv_bgnbd.sh makes its orders, but dated at 12:00 UTC: the same date in New York, whose
# local days are then those of the paper (a bare date would be UTC's midnight, the day before).
awk 'BEGIN { print "id,customer_id,ts,amount" }
     { printf "l%d,%d,%s-%s-%sT12:00:00Z,%s\n", NR, $2 + 0, substr($3, 1, 4), substr($3, 5, 2),
              substr($3, 7, 2), $5 }' "$TESTDATA/cdnow/CDNOW_sample.txt" >"$SCRATCH/orders.csv"
SQ="$SCRATCH/cdnow.db"
PG=$(newdb cdnow)
"$LANDFALL" --db "$SQ" workspace --time-zone America/New_York >/dev/null
run_lf --db "$SQ" import orders "$SCRATCH/orders.csv"
check_eq "import orders (SQLite)" "$SCRATCH/orders.csv: 6919 rows, 6919 inserted, 0 updated, 0 unchanged, 0 rejected, 2357 stub accounts created" "$out"
# PostgreSQL gets SQLite's store, zone and all, by `landfall migrate` (COPY in one transaction,
# every table read back and compared): the import's 9,276 rows one round trip each were a third
# of this test under the sanitizers. The import's write path to PostgreSQL is the sBG part's,
# below (and the PostgreSQL pass's: clv_bgnbd.sh imports CDNOW into its store there).
run_lf migrate --from "$SQ" --to "$PG" --quiet
check_eq "SQLite's store copied to PostgreSQL" 0 "$rc"
check_eq "PostgreSQL: the orders, their accounts, the zone" "6919|2357|America/New_York" \
    "$(psql_q "$PG" "SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM accounts),
        (SELECT timezone FROM workspaces WHERE ext_id = 'default')")"
same "clv --model bgnbd" clv --model bgnbd --now 1997-10-01 --json
f() { jq -r ".rows[0].$1" <<<"$out"; }
sig3() { awk -v v="$1" 'BEGIN { printf "%.3g", v }'; }
check_eq "the zone" America/New_York "$(jq -r .time_zone <<<"$out")"
# FHL 2005, §7: r = 0.2426, α = 4.4135, a = 0.7929, b = 2.4258, LL = −9582.4; Fader & Hardie
# 2013: p = 6.25, q = 3.74, γ = 15.44
check_eq "PostgreSQL: r, alpha, a, b, LL to 3 significant digits" \
    "0.243 4.41 0.793 2.43 -9.58e+03" \
    "$(sig3 "$(f r)") $(sig3 "$(f alpha)") $(sig3 "$(f a)") $(sig3 "$(f b)") $(sig3 "$(f log_likelihood)")"
check_eq "PostgreSQL: p, q, gamma" "6.25 3.74 15.4" \
    "$(sig3 "$(f p)") $(sig3 "$(f q)") $(sig3 "$(f gamma)")"
same "clv --model bgnbd --customers" clv --model bgnbd --customers --now 1997-10-01 --weeks 39 \
    --discount 0.1 --margin 0.3 --csv
# FHL 2005, §5: customer 1 (x = 2, t_x = 30.43, T = 38.86) makes 1.226 purchases in 39 weeks
check_eq "PostgreSQL: customer 1's x, t_x, T, E[Y(39)]" "2 30.43 38.86 1.226" \
    "$(awk -F, '$2 == "1" { printf "%d %.2f %.2f %.3f", $3, $4, $5, $7 }' <<<"$out")"
check_eq "PostgreSQL: 2,357 customers" 2358 "$(wc -l <<<"$out")"
same "clv-bgnbd by segment" clv --model bgnbd --by segment --now 1997-10-01 --json

# ---- sBG: Fader & Hardie 2007 in Tokyo ----
# As clv_sbg.sh makes its accounts: 1,000 a segment from 2000-01-01, those churned in year t
# with MRR 0 from (2000 + t)-01-01. Those are stored dates, local dates of the zone: the paper's
# years whatever the zone.
awk -F, -v dir="$SCRATCH" 'NR > 1 { alive[$1, 0] = $2; alive[$1, 1] = $3 }
    END {
        print "id,segment,mrr,customer_since" >(dir "/accounts.csv")
        print "account_id,date,mrr" >(dir "/changes.csv")
        for (s = 0; s < 2; s++) {
            seg = s ? "highend" : "regular"; n = 0
            for (t = 1; t <= 12; t++)
                for (k = 0; k < alive[t - 1, s] - alive[t, s]; k++) {
                    id = seg "-" ++n
                    print id "," seg ",100,2000-01-01" >(dir "/accounts.csv")
                    print id "," 2000 + t "-01-01,0" >(dir "/changes.csv")
                }
            for (k = 0; k < alive[12, s]; k++)
                print seg "-" ++n "," seg ",100,2000-01-01" >(dir "/accounts.csv")
        }
    }' "$TESTDATA/retention/fader_hardie_2007_survivors.csv"
SQ="$SCRATCH/sbg.db"
PG=$(newdb sbg)
for db in "$SQ" "$PG"; do
    "$LANDFALL" --db "$db" workspace --time-zone Asia/Tokyo >/dev/null
    run_lf --db "$db" import accounts "$SCRATCH/accounts.csv"
    check_eq "import accounts ($db)" 0 "$rc"
    run_lf --db "$db" import mrr_changes "$SCRATCH/changes.csv"
    check_eq "import mrr changes ($db)" 0 "$rc"
done
y=(--period year --by segment --now 2007-07-01)
same "clv --model sbg" clv --model sbg "${y[@]}" --json
g() { jq -r ".rows[] | select(.segment == \"$1\") | .$2" <<<"$out"; }
r3() { awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
# F&H 2007: regular γ = 0.704, δ = 1.182, LL = −1680.3; high end γ = 0.668, δ = 3.806,
# LL = −1611.2
check_eq "PostgreSQL: regular gamma, delta, LL" "0.704 1.182 -1680.3" \
    "$(r3 "$(g regular gamma)") $(r3 "$(g regular delta)") $(awk -v v="$(g regular log_likelihood)" 'BEGIN { printf "%.1f", v }')"
check_eq "PostgreSQL: high end gamma, delta, LL" "0.668 3.806 -1611.2" \
    "$(r3 "$(g highend gamma)") $(r3 "$(g highend delta)") $(awk -v v="$(g highend log_likelihood)" 'BEGIN { printf "%.1f", v }')"
same "survival --project" survival --project "${y[@]}" --periods 5 --json
# the paper's projected survivors of years 8–12, 1,000 × S(t)
check_eq "PostgreSQL: regular survivors years 8–12" "220 204 191 180 170" \
    "$(jq -r '[.rows[] | select(.segment == "regular" and .period >= 8) | .curve * 1000 + 0.5 | floor] | join(" ")' <<<"$out")"
check_eq "PostgreSQL: high end survivors years 8–12" "460 436 414 395 378" \
    "$(jq -r '[.rows[] | select(.segment == "highend" and .period >= 8) | .curve * 1000 + 0.5 | floor] | join(" ")' <<<"$out")"
same "clv --model sbg --customers" clv --model sbg --customers "${y[@]}" --discount 0.1 --json
check_eq "PostgreSQL: the 241 + 491 accounts renewed for year 8" 732 "$(jq '.rows | length' <<<"$out")"

# ---- the demo business: every model on both engines ----
SQ="$SCRATCH/demo.db"
PG=$(newdb demo)
for db in "$SQ" "$PG"; do
    run_lf --db "$db" demo --accounts 60 --seed 7 --end 2026-06-30
    check_eq "demo ($db)" 0 "$rc"
done
same "demo: clv --model sbg" clv --model sbg --by segment --now 2026-06-30 --json
check "demo: a fit per segment with subscriptions" test "$(jq '.rows | length' <<<"$out")" -ge 1
same "demo: clv --model sbg --customers" clv --model sbg --customers --now 2026-06-30 --csv
same "demo: clv --model bgnbd --customers" clv --model bgnbd --customers --now 2026-06-30 --csv
same "demo: survival --project" survival --project --now 2026-06-30 --periods 3 --json
same "demo: clv --model contractual" clv --model contractual --from 2025-07-01 --to 2026-07-01 \
    --now 2026-06-30 --json

# ---- a database with an account and nothing else ----
SQ="$SCRATCH/empty.db"
PG=$(newdb empty)
printf 'id,name\nacc-1,One\n' >"$SCRATCH/one.csv"
for db in "$SQ" "$PG"; do "$LANDFALL" --db "$db" import accounts "$SCRATCH/one.csv" >/dev/null; done
same "no orders: clv --model bgnbd" clv --model bgnbd --now 2026-07-01 --json
check_eq "no data: no rows" 0 "$(jq '.rows | length' <<<"$out")"
same "no subscriptions: clv --model sbg --customers" clv --model sbg --customers --now 2026-07-01 --json
check_eq "no data: no rows" 0 "$(jq '.rows | length' <<<"$out")"

finish
