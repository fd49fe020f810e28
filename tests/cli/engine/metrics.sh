#!/usr/bin/env bash
# metrics.sh - every usage metric of the engine against plain SQL over the same store (sqlite3),
# on generated demo data: DAU/WAU/MAU by group (a cut first week labelled with its Monday), the
# portfolio (DAU by calendar days, also over a window that cuts days, WAU, MAU, events, features,
# last seen, calendar days since, trend), adoption per account and by segment, seats, adoption
# curves, user cohorts (by first activity, by customer since) and revenue cohorts, Kaplan–Meier
# steps of the accounts that paid (survival recomputed with awk from SQL's counts) and time to
# value.
source "$(dirname "$0")/../lib.sh"

DB=$LANDFALL_DB
NOW=2026-06-01
ms() { echo "$(date -u -d "$1" +%s)000"; }
NOW_MS=$(ms $NOW)
DAY=86400000
sql() { store_sql -separator , "$DB" "$1"; }
lf() { "$LANDFALL" "$@" --now $NOW --csv --no-snapshot 2>"$SCRATCH/err" | tail -n +2; }

store_demo --accounts 200 --seed 5 --end $NOW
check_eq "demo data generated" 0 "$rc"
check "the demo has events" test "$(sql 'SELECT COUNT(*) FROM events')" -gt 10000

# ---- DAU over May, all accounts: per UTC day, distinct users, accounts, events
F=$(ms 2026-05-01)
expected=$(sql "SELECT date(ts/1000,'unixepoch'), COUNT(DISTINCT contact_id),
    COUNT(DISTINCT account_id), COUNT(*) FROM events WHERE ts >= $F AND ts < $NOW_MS
    GROUP BY 1 ORDER BY 1")
check_eq "dau = SQL" "$expected" "$(lf usage dau --from 2026-05-01 --to $NOW)"

# ---- DAU of one account
A=$(sql "SELECT account_id FROM events WHERE ts >= $F GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
AEXT=$(sql "SELECT ext_id FROM accounts WHERE id = $A")
expected=$(sql "SELECT date(ts/1000,'unixepoch'), COUNT(DISTINCT contact_id), 1, COUNT(*)
    FROM events WHERE ts >= $F AND ts < $NOW_MS AND account_id = $A GROUP BY 1 ORDER BY 1")
actual=$(lf usage dau --from 2026-05-01 --to $NOW --account "$AEXT" | awk -F, '$4 > 0')
check_eq "dau of account $AEXT = SQL" "$expected" "$actual"

# ---- WAU by segment over 13 whole weeks (2026-03-02 is a Monday); weeks start on Monday
F=$(ms 2026-03-02)
expected=$(sql "SELECT COALESCE(a.segment, '(none)') s,
    date(e.ts/1000, 'unixepoch', '-6 days', 'weekday 1') w, COUNT(DISTINCT e.contact_id),
    COUNT(DISTINCT e.account_id), COUNT(*) FROM events e JOIN accounts a ON a.id = e.account_id
    WHERE e.ts >= $F AND e.ts < $NOW_MS GROUP BY s, w ORDER BY s, w")
# (landfall lists every week of a segment with activity, SQL only those with events)
check_eq "wau by segment = SQL" "$expected" \
    "$(lf usage wau --from 2026-03-02 --to $NOW --by segment | awk -F, '$5 > 0')"

# ---- a window that starts on a Sunday (2026-03-01) cuts its first week: that week is labelled
# with its Monday (2026-02-23) and counts the Sunday's events only
expected=$(sql "SELECT '2026-02-23', COUNT(DISTINCT contact_id), COUNT(DISTINCT account_id), COUNT(*)
    FROM events WHERE ts >= $(ms 2026-03-01) AND ts < $(ms 2026-03-02)")
check_eq "a cut first week is labelled with its Monday" "$expected" \
    "$(lf usage wau --from 2026-03-01 --to $NOW | head -1)"

# ---- MAU by plan over twelve months
F=$(ms 2025-06-01)
expected=$(sql "SELECT COALESCE(a.plan, '(none)') p, strftime('%Y-%m', e.ts/1000, 'unixepoch') m,
    COUNT(DISTINCT e.contact_id), COUNT(DISTINCT e.account_id), COUNT(*)
    FROM events e JOIN accounts a ON a.id = e.account_id
    WHERE e.ts >= $F AND e.ts < $NOW_MS GROUP BY p, m ORDER BY p, m")
check_eq "mau by plan = SQL" "$expected" "$(lf usage mau --from 2025-06-01 --to $NOW --by plan)"

# ---- the portfolio over the 30 days before now: per account (by id) distinct user-days
# (dau × 30), wau (last 7 days), mau, events, features used, last seen, days since
F30=$((NOW_MS - 30 * DAY)); F7=$((NOW_MS - 7 * DAY))
expected=$(sql "WITH w AS (SELECT account_id, contact_id, ts, name_id FROM events
      WHERE ts >= $F30 AND ts < $NOW_MS),
    p AS (SELECT account_id, COUNT(*) n FROM (SELECT DISTINCT account_id, contact_id,
      ts / $DAY FROM w WHERE contact_id IS NOT NULL) GROUP BY account_id),
    m AS (SELECT account_id, COUNT(DISTINCT contact_id) mau, COUNT(*) ev,
      COUNT(DISTINCT name_id) feat, COUNT(DISTINCT CASE WHEN ts >= $F7 THEN contact_id END) wau
      FROM w GROUP BY account_id),
    l AS (SELECT account_id, max(ts) last FROM events WHERE ts < $NOW_MS GROUP BY account_id)
    SELECT a.ext_id, COALESCE(p.n, 0), COALESCE(m.wau, 0), COALESCE(m.mau, 0), COALESCE(m.ev, 0),
      COALESCE(m.feat, 0), COALESCE(strftime('%Y-%m-%dT%H:%M:%SZ', l.last / 1000, 'unixepoch'), ''),
      COALESCE($NOW_MS / $DAY - l.last / $DAY, '')
    FROM accounts a LEFT JOIN p ON p.account_id = a.id LEFT JOIN m ON m.account_id = a.id
      LEFT JOIN l ON l.account_id = a.id ORDER BY a.id")
lf usage portfolio >"$SCRATCH/portfolio.csv"
actual=$(awk -F, '{ printf "%s,%d,%s,%s,%s,%s,%s,%s\n", $1, $4 * 30 + 0.5, $5, $6, $10, $11, $14, $15 }' \
    "$SCRATCH/portfolio.csv")
check_eq "portfolio activity, adoption and recency = SQL" "$expected" "$actual"

# days since counts calendar days: last seen yesterday (2026-05-31) is 1
check_eq "last seen the day before now is 1 day ago" "$(sql "SELECT COUNT(*) FROM (SELECT account_id,
      max(ts) m FROM events WHERE ts < $NOW_MS GROUP BY 1) WHERE m >= $NOW_MS - $DAY")" \
    "$(awk -F, '$15 == 1' "$SCRATCH/portfolio.csv" | wc -l)"

# DAU over a window that cuts days: 2026-05-01 12:00 to 2026-05-31 12:00 meets 31 calendar days,
# two of them half in it: distinct (user, calendar day) pairs of the window / 30
F=$(($(ms 2026-05-01) + DAY / 2)); T=$(($(ms 2026-05-31) + DAY / 2))
expected=$(sql "SELECT a.ext_id, COALESCE(p.n, 0) FROM accounts a LEFT JOIN (SELECT account_id,
      COUNT(*) n FROM (SELECT DISTINCT account_id, contact_id, ts / $DAY FROM events
      WHERE ts >= $F AND ts < $T AND contact_id IS NOT NULL) GROUP BY 1) p ON p.account_id = a.id
    ORDER BY a.id")
actual=$(lf usage portfolio --from 2026-05-01T12:00:00Z --to 2026-05-31T12:00:00Z |
    awk -F, '{ printf "%s,%d\n", $1, $4 * 30 + 0.5 }')
check_eq "dau over a window cutting days = calendar-day pairs / 30" "$expected" "$actual"

# trend: least squares of the distinct users of 8 blocks of 7 days, the last one the 7 days
# before now (not calendar weeks: the current one would be partial), x = 0..7,
# Σ(x − 3.5)² = 42, as % of the mean per week (the CSV holds it as a fraction)
S=$((NOW_MS - 56 * DAY))
sql "WITH t AS (SELECT account_id, (ts - $S) / (7 * $DAY) wk, COUNT(DISTINCT contact_id) y
      FROM events WHERE ts >= $S AND ts < $NOW_MS AND contact_id IS NOT NULL
      GROUP BY account_id, wk)
    SELECT a.ext_id, COALESCE(100.0 * (SUM((t.wk - 3.5) * t.y) / 42.0) / (SUM(t.y) / 8.0), '')
    FROM accounts a LEFT JOIN t ON t.account_id = a.id GROUP BY a.id ORDER BY a.id" \
    >"$SCRATCH/trend.csv"
bad=$(awk -F, 'NR == FNR { want[$1] = $2; next }
    { got = ($16 == "") ? "" : $16 * 100; w = want[$1]
      if ((w == "") != (got == "")) { print $1; next }
      if (w != "" && (w - got > 1e-6 || got - w > 1e-6)) print $1 }' \
    "$SCRATCH/trend.csv" "$SCRATCH/portfolio.csv" | head -3)
check_eq "trend = SQL least squares" "" "$bad"
check "some accounts have a trend" test "$(awk -F, '$16 != ""' "$SCRATCH/portfolio.csv" | wc -l)" -gt 10

# ---- adoption per account: users (active in the window), events, features, as the portfolio
check_eq "adoption per account = the portfolio's users, events, features" \
    "$(awk -F, '{ print $1 "," $6 "," $10 "," $11 }' "$SCRATCH/portfolio.csv")" \
    "$(lf usage adoption | cut -d, -f1,3-5)"
# and by segment: active accounts, their users, events, events per user
expected=$(sql "WITH m AS (SELECT account_id, COUNT(DISTINCT contact_id) u, COUNT(*) ev FROM events
      WHERE ts >= $F30 AND ts < $NOW_MS GROUP BY account_id)
    SELECT COALESCE(a.segment, '(none)') s, COUNT(m.account_id), COALESCE(SUM(m.u), 0),
      COALESCE(SUM(m.ev), 0), COALESCE(printf('%.6f', 1.0 * SUM(m.ev) / SUM(m.u)), '')
    FROM accounts a LEFT JOIN m ON m.account_id = a.id GROUP BY s ORDER BY s")
actual=$(lf usage adoption --by segment |
    awk -F, '{ printf "%s,%s,%s,%s,%s\n", $1, $2, $3, $4, ($7 == "") ? "" : sprintf("%.6f", $7) }')
check_eq "adoption by segment = SQL (users and depth)" "$expected" "$actual"
check "adoption by segment counts users" test "$(echo "$actual" | awk -F, '{ s += $3 } END { print s }')" -gt 0

# ---- seats by plan: users active in 30 days / seats, over accounts with seats
expected=$(sql "WITH m AS (SELECT account_id, COUNT(DISTINCT contact_id) mau FROM events
      WHERE ts >= $F30 AND ts < $NOW_MS GROUP BY account_id)
    SELECT COALESCE(a.plan, '(none)') p, SUM(a.seats), SUM(COALESCE(m.mau, 0))
    FROM accounts a LEFT JOIN m ON m.account_id = a.id WHERE a.seats > 0 GROUP BY p ORDER BY p")
actual=$(lf usage seats --by plan | awk -F, '$2 > 0 { print $1 "," $2 "," $3 }')
check_eq "seats by plan = SQL" "$expected" "$actual"

# ---- adoption curves at 7 and 30 days: a customer (customer_since, else its first paid MRR
# change) is eligible for k when it started k days before now; adopted when its first event of
# the feature (to the second) came less than k days after its start
STARTS="s AS (SELECT a.id, COALESCE(a.customer_since, (SELECT min(date) FROM mrr_changes m
      WHERE m.account_id = a.id AND m.mrr > 0)) st FROM accounts a)"
expected=$(sql "WITH $STARTS,
    f AS (SELECT e.account_id id, n.name, min(e.ts) / 1000 * 1000 first FROM events e
      JOIN event_names n ON n.id = e.name_id WHERE e.ts < $NOW_MS GROUP BY 1, 2),
    k(d) AS (VALUES (7), (30)),
    names AS (SELECT DISTINCT name FROM event_names)
    SELECT names.name, k.d,
      (SELECT COUNT(*) FROM s WHERE st IS NOT NULL AND st + k.d * $DAY <= $NOW_MS),
      (SELECT COUNT(*) FROM f JOIN s USING (id) WHERE f.name = names.name AND st IS NOT NULL
        AND st + k.d * $DAY <= $NOW_MS AND f.first - st < k.d * $DAY)
    FROM names, k ORDER BY names.name, k.d")
check_eq "adoption curves = SQL" "$expected" \
    "$(lf usage features --days 30,7 | awk -F, '{ print $1 "," $2 "," $3 "," $4 }')"

# ---- monthly user cohorts by first activity: rows with someone retained
expected=$(sql "WITH ua AS (SELECT DISTINCT contact_id u,
      CAST(strftime('%Y', ts / 1000, 'unixepoch') AS INT) * 12
      + CAST(strftime('%m', ts / 1000, 'unixepoch') AS INT) - 1 mi
      FROM events WHERE contact_id IS NOT NULL AND account_id IS NOT NULL AND ts < $NOW_MS),
    c AS (SELECT u, min(mi) ci FROM ua GROUP BY u),
    sz AS (SELECT ci, COUNT(*) n FROM c GROUP BY ci)
    SELECT printf('%04d-%02d', c.ci / 12, c.ci % 12 + 1), ua.mi - c.ci, sz.n, COUNT(*)
    FROM ua JOIN c USING (u) JOIN sz USING (ci) GROUP BY c.ci, ua.mi ORDER BY c.ci, ua.mi")
actual=$(lf cohorts --by month | awk -F, '$4 > 0 { print $1 "," $2 "," $3 "," $4 }')
check_eq "user cohorts by month = SQL" "$expected" "$actual"
check "user cohort rates are retained / size" test -z \
    "$(lf cohorts --by month | awk -F, '{ d = $4 / $3 - $5; if (d > 1e-9 || d < -1e-9) print }')"

# ---- monthly user cohorts by customer since: a user belongs to the account it was first seen in
# (with an account) and counts once it has an event before now
expected=$(sql "WITH $STARTS,
    fe AS (SELECT contact_id u, account_id a FROM (SELECT contact_id, account_id, ROW_NUMBER()
      OVER (PARTITION BY contact_id ORDER BY ts, id) r FROM events WHERE contact_id IS NOT NULL
      AND account_id IS NOT NULL) WHERE r = 1),
    c AS (SELECT fe.u, CAST(strftime('%Y', s.st / 1000, 'unixepoch') AS INT) * 12
      + CAST(strftime('%m', s.st / 1000, 'unixepoch') AS INT) - 1 ci FROM fe JOIN s ON s.id = fe.a
      WHERE s.st IS NOT NULL AND s.st < $NOW_MS
      AND EXISTS (SELECT 1 FROM events e WHERE e.contact_id = fe.u AND e.account_id IS NOT NULL
        AND e.ts < $NOW_MS)),
    ua AS (SELECT DISTINCT contact_id u, CAST(strftime('%Y', ts / 1000, 'unixepoch') AS INT) * 12
      + CAST(strftime('%m', ts / 1000, 'unixepoch') AS INT) - 1 mi
      FROM events WHERE contact_id IS NOT NULL AND account_id IS NOT NULL AND ts < $NOW_MS),
    sz AS (SELECT ci, COUNT(*) n FROM c GROUP BY ci)
    SELECT printf('%04d-%02d', c.ci / 12, c.ci % 12 + 1), ua.mi - c.ci, sz.n, COUNT(*)
    FROM c JOIN ua USING (u) JOIN sz USING (ci) WHERE ua.mi >= c.ci
    GROUP BY c.ci, ua.mi ORDER BY c.ci, ua.mi")
actual=$(lf cohorts --by month --start customer-since | awk -F, '$4 > 0 { print $1 "," $2 "," $3 "," $4 }')
check_eq "user cohorts by customer since = SQL" "$expected" "$actual"

# ---- monthly revenue cohorts of accounts: paying (MRR > 0) after the last change of each
# month since the month they started; the last month ends at now
expected=$(sql "WITH RECURSIVE $STARTS,
    s2 AS (SELECT id, st, CAST(strftime('%Y', st / 1000, 'unixepoch') AS INT) * 12
      + CAST(strftime('%m', st / 1000, 'unixepoch') AS INT) - 1 ci FROM s
      WHERE st IS NOT NULL AND st < $NOW_MS),
    ni(n) AS (SELECT CAST(strftime('%Y', ($NOW_MS - 1) / 1000, 'unixepoch') AS INT) * 12
      + CAST(strftime('%m', ($NOW_MS - 1) / 1000, 'unixepoch') AS INT) - 1),
    ks(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM ks WHERE k < 240),
    sz AS (SELECT ci, COUNT(*) n FROM s2 GROUP BY ci),
    cells AS (SELECT s2.id, s2.ci, ks.k, min($NOW_MS, CAST(strftime('%s', printf('%04d-%02d-01',
      (s2.ci + ks.k + 1) / 12, (s2.ci + ks.k + 1) % 12 + 1)) AS INT) * 1000) e
      FROM s2, ks, ni WHERE s2.ci + ks.k <= ni.n)
    SELECT printf('%04d-%02d', cells.ci / 12, cells.ci % 12 + 1), cells.k, sz.n,
      SUM(COALESCE((SELECT mrr FROM mrr_changes m WHERE m.account_id = cells.id AND m.date < cells.e
        ORDER BY m.date DESC LIMIT 1), 0) > 0)
    FROM cells JOIN sz USING (ci) GROUP BY cells.ci, cells.k ORDER BY cells.ci, cells.k")
actual=$(lf cohorts --by month --basis revenue | awk -F, '{ print $1 "," $2 "," $3 "," $4 }')
check_eq "revenue cohorts by month = SQL" "$expected" "$actual"

# ---- Kaplan–Meier of subscription lifetimes: accounts that had a paid MRR change before now (the
# consumer accounts of the demo never pay and cannot churn), from their start to the first change
# to MRR 0 after a paid MRR, at or after the start, before now; censored at now. SQL gives the
# observations; awk the product S = Π (1 − d/n) and Greenwood's se = S √Σ d / (n (n − d))
OBS="$STARTS,
    ch AS (SELECT m.account_id id, min(m.date) c FROM mrr_changes m JOIN s ON s.id = m.account_id
      WHERE m.mrr = 0 AND m.date >= s.st AND m.date < $NOW_MS
      AND (SELECT p.mrr FROM mrr_changes p WHERE p.account_id = m.account_id AND p.date < m.date
           ORDER BY p.date DESC LIMIT 1) > 0 GROUP BY m.account_id),
    obs AS (SELECT s.id, (COALESCE(ch.c, $NOW_MS) - s.st) / ($DAY * 1.0) t, ch.c IS NOT NULL ev
      FROM s LEFT JOIN ch USING (id) WHERE s.st IS NOT NULL AND s.st < $NOW_MS)"
PAID="paid AS (SELECT * FROM obs WHERE EXISTS (SELECT 1 FROM mrr_changes m
      WHERE m.account_id = obs.id AND m.mrr > 0 AND m.date < $NOW_MS))"
sql "WITH $OBS, $PAID SELECT t, (SELECT COUNT(*) FROM paid o WHERE o.t >= paid.t), SUM(ev)
    FROM paid GROUP BY t HAVING SUM(ev) > 0 ORDER BY t" |
    awk -F, 'BEGIN { s = 1; g = 0 }
        { s *= 1 - $3 / $2; if ($3 < $2) g += $3 / ($2 * ($2 - $3))
          printf "%g,%d,%d,%.7f,%.7f\n", $1, $2, $3, s, ($3 < $2) ? s * sqrt(g) : -1 }' \
    >"$SCRATCH/km-sql.csv"
lf survival | awk -F, '{ printf "%g,%d,%d,%.7f,%.7f\n", $1, $2, $3, $5, ($6 == "") ? -1 : $6 }' \
    >"$SCRATCH/km.csv"
check "survival has steps" test "$(wc -l <"$SCRATCH/km.csv")" -gt 5
check_eq "Kaplan–Meier = SQL + awk" "$(cat "$SCRATCH/km-sql.csv")" "$(cat "$SCRATCH/km.csv")"
churned=$(sql "WITH $OBS, $PAID SELECT COUNT(*) || ',' || SUM(ev) FROM paid")
check "some started accounts never paid (they are left out)" \
    test "$(sql "WITH $OBS, $PAID SELECT (SELECT COUNT(*) FROM obs) - (SELECT COUNT(*) FROM paid)")" -gt 0
check_eq "survival median table counts accounts and churns" "$churned" \
    "$(lf survival --median | cut -d, -f1,2)"

# ---- time to value of report_shared per start month: accounts, reached, churned of each kind,
# mean days (an event before the start counts as 0)
expected=$(sql "WITH $OBS,
    f AS (SELECT e.account_id id, min(e.ts) / 1000 * 1000 ft FROM events e
      JOIN event_names n ON n.id = e.name_id WHERE n.name = 'report_shared' AND e.ts < $NOW_MS
      GROUP BY 1),
    r AS (SELECT strftime('%Y-%m', s.st / 1000, 'unixepoch') cm, f.ft, obs.ev,
      CASE WHEN f.ft IS NULL THEN NULL WHEN f.ft > s.st THEN (f.ft - s.st) / ($DAY * 1.0)
        ELSE 0 END d FROM obs JOIN s USING (id) LEFT JOIN f USING (id))
    SELECT cm, COUNT(*), COUNT(ft), SUM(ft IS NOT NULL AND ev), SUM(ft IS NULL AND ev),
      printf('%.4f', COALESCE(AVG(d), -1)) FROM r GROUP BY cm
    UNION ALL SELECT 'all', COUNT(*), COUNT(ft), SUM(ft IS NOT NULL AND ev),
      SUM(ft IS NULL AND ev), printf('%.4f', COALESCE(AVG(d), -1)) FROM r ORDER BY 1")
actual=$(lf usage ttv --milestone report_shared |
    awk -F, '{ printf "%s,%s,%s,%s,%s,%.4f\n", $1, $2, $3, $7, $9, ($6 == "") ? -1 : $6 }' |
    sort)
check_eq "time to value by cohort = SQL" "$expected" "$actual"
# one account's time to value (the engine reads its events alone) is its row of everyone's
all_ttv=$(lf usage ttv-accounts --milestone report_shared)
for a in $(cut -d, -f1 <<<"$all_ttv" | sed -n '1p;7p'); do
    check_eq "ttv-accounts where account=$a = its row of every account's" \
        "$(grep "^$a," <<<"$all_ttv")" \
        "$(lf usage ttv-accounts --milestone report_shared --where "account=$a")"
done

# ---- usage errors
run_lf usage nosuch --now $NOW
check_eq "an unknown metric is a usage error" 2 "$rc"
run_lf usage ttv --now $NOW
check_eq "ttv without --milestone is a usage error" 2 "$rc"
run_lf usage portfolio --by segment --now $NOW
check_eq "portfolio takes no --by segment" 2 "$rc"
run_lf cohorts --basis revenue --level user --now $NOW
check_eq "revenue cohorts of users are refused" 2 "$rc"
run_lf usage dau --account nosuch --now $NOW
check_eq "an unknown account fails" 4 "$rc"

finish
