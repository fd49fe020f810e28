# crosscheck.sh - sourced by the report tests that run on generated data: every report's JSON
# against plain SQL over the raw tables (window functions and CTEs, written from DESIGN.md and
# docs/metrics.md, not from the C code), value by value with check_num.
# Needs: lib.sh sourced, $LANDFALL_DB filled, jq and sqlite3.

# ms DATE: milliseconds since the epoch of an ISO date (UTC).
ms() {
    echo "$(($(date -u -d "$1" +%s) * 1000))"
}

# compare WHAT SQL JQ: SQL and the JQ filter over $out each print one tab-separated line per
# row, a key first and then numbers (NULL / null as an empty field). Checks that the row keys
# are the same and every number agrees (check_num; both empty passes too).
compare() {
    local what=$1 sql=$2 filter=$3
    store_sql -separator $'\t' "$LANDFALL_DB" "$sql" | LC_ALL=C sort >"$SCRATCH/sql.tsv"
    jq -r "$filter | map(if . == null then \"\" else . end) | @tsv" <<<"$out" |
        LC_ALL=C sort >"$SCRATCH/lf.tsv"
    check_eq "$what: row keys" "$(cut -f1 "$SCRATCH/sql.tsv")" "$(cut -f1 "$SCRATCH/lf.tsv")"
    check "$what: has rows" test -s "$SCRATCH/sql.tsv"
    # every value in one awk (check_num's test and messages, a check each: a check_num a value
    # forked an awk each, seconds of every pass): rows paired in order, columns by position
    local names=("${@:4}") res e a
    res=$(awk -F'\t' -v what="$what" -v names="${names[*]}" '
        BEGIN { split(names, nm, " ") }
        FILENAME == ARGV[1] { sq[FNR] = $0; nsq = FNR; next }
        FNR <= nsq {
            n = split(sq[FNR], e, "\t")
            for (i = 2; i <= n || i <= NF; i++) {
                ev = i <= n ? e[i] : ""; av = i <= NF ? $i : ""
                if (ev == "" && av == "") { pass++; continue } # both NULL
                d = ev - av; if (d < 0) d = -d
                if (av != "" && d <= 1e-6) { pass++; continue }
                fail++
                printf "FAIL: %s %s %s\n  expected: %s (± 1e-6)\n  actual:   %s\n", what, e[1],
                    ((i - 1) in nm ? nm[i - 1] : "col" (i - 1)), ev, av
            }
        }
        END { printf "%d %d\n", pass, fail }' "$SCRATCH/sql.tsv" "$SCRATCH/lf.tsv")
    [ "$(wc -l <<<"$res")" -gt 1 ] && sed '$d' <<<"$res"
    read -r e a <<<"$(tail -n 1 <<<"$res")"
    _passed=$((_passed + e)) _failed=$((_failed + a))
}

# The shared CTEs. $F and $T are the window in ms; periods(label, p0, p1) is filled by
# periods_month (calendar months cut to the window) or periods_all (the window, label '').
# iv: every MRR change with the date of the account's next change (d1) and its previous MRR.
# ap: per period and account with an MRR history, s / e = the MRR at p0 / p1, i.e. the mrr of the
# latest change dated strictly before the instant (0 when none), and whether it paid before p0.
# (The UNIQUE (account_id, date) index makes those lookups cheap.)
sql_head() {
    local periods
    if [ "$1" = month ]; then
        periods="months(m0, m1) AS (
            SELECT CAST(strftime('%s', $F / 1000, 'unixepoch', 'start of month') AS INTEGER) * 1000,
                   CAST(strftime('%s', $F / 1000, 'unixepoch', 'start of month', '+1 month')
                        AS INTEGER) * 1000
            UNION ALL
            SELECT m1, CAST(strftime('%s', m1 / 1000, 'unixepoch', '+1 month') AS INTEGER) * 1000
            FROM months WHERE m1 < $T),
          periods(label, p0, p1) AS (
            SELECT strftime('%Y-%m', m0 / 1000, 'unixepoch'), MAX(m0, $F), MIN(m1, $T) FROM months)"
    else
        periods="periods(label, p0, p1) AS (SELECT '', $F, $T)"
    fi
    cat <<EOF
WITH RECURSIVE
  ws AS (SELECT id FROM workspaces WHERE ext_id = 'default'),
  acc AS (
    SELECT a.id, a.currency,
           COALESCE(NULLIF(a.segment, ''), '(none)') AS segment,
           COALESCE(NULLIF(a.plan, ''), '(none)') AS plan
    FROM accounts a JOIN ws ON a.workspace_id = ws.id),
  iv AS (
    SELECT m.account_id, m.date AS d0, m.mrr, m.reason,
           LEAD(m.date) OVER (PARTITION BY m.account_id ORDER BY m.date) AS d1,
           LAG(m.mrr) OVER (PARTITION BY m.account_id ORDER BY m.date) AS prev
    FROM mrr_changes m JOIN ws ON m.workspace_id = ws.id),
  $periods,
  ap AS (
    SELECT p.label, p.p0, p.p1, a.id, a.currency, a.segment, a.plan,
           COALESCE((SELECT mrr FROM mrr_changes m WHERE m.account_id = a.id AND m.date < p.p0
                     ORDER BY m.date DESC LIMIT 1), 0) AS s,
           COALESCE((SELECT mrr FROM mrr_changes m WHERE m.account_id = a.id AND m.date < p.p1
                     ORDER BY m.date DESC LIMIT 1), 0) AS e,
           EXISTS (SELECT 1 FROM mrr_changes m WHERE m.account_id = a.id AND m.date < p.p0
                   AND m.mrr > 0) AS paid_before
    FROM periods p CROSS JOIN acc a
    WHERE EXISTS (SELECT 1 FROM mrr_changes m WHERE m.account_id = a.id))
EOF
}

# churn figures over ap grouped by KEYEXPR (SQL) — endpoint method over accounts with s > 0.
churn_sql() {
    cat <<EOF
SELECT $1, SUM(s > 0), SUM(s > 0 AND e = 0),
       1.0 * SUM(s > 0 AND e = 0) / NULLIF(SUM(s > 0), 0),
       SUM(CASE WHEN s > 0 THEN s ELSE 0 END), SUM(CASE WHEN s > 0 THEN e ELSE 0 END),
       1.0 * SUM(CASE WHEN s > 0 THEN MIN(s, e) ELSE 0 END)
           / NULLIF(SUM(CASE WHEN s > 0 THEN s ELSE 0 END), 0),
       1.0 * SUM(CASE WHEN s > 0 THEN e ELSE 0 END)
           / NULLIF(SUM(CASE WHEN s > 0 THEN s ELSE 0 END), 0)
FROM ap GROUP BY 1;
EOF
}
churn_cols=(accounts_start churned logo_churn_rate mrr_start mrr_end grr nrr)
churn_jq='[.accounts_start, .churned, .logo_churn_rate, .mrr_start, .mrr_end, .grr, .nrr]'

# Survey responses of KIND in the window, with their group values.
resp_sql() {
    cat <<EOF
WITH ws AS (SELECT id FROM workspaces WHERE ext_id = 'default'),
  r AS (
    SELECT r.score, strftime('%Y-%m', r.ts / 1000, 'unixepoch') AS month,
           COALESCE(NULLIF(a.segment, ''), '(none)') AS segment,
           COALESCE(NULLIF(t.team, ''), '(none)') AS team
    FROM responses r JOIN ws ON r.workspace_id = ws.id
    JOIN surveys s ON s.id = r.survey_id
    LEFT JOIN accounts a ON a.id = r.account_id
    LEFT JOIN touchpoints t ON t.id = r.touchpoint_id
    WHERE s.kind = '$1' AND r.ts >= $F AND r.ts < $T)
EOF
}

# crosscheck FROM TO: every report over the window [FROM, TO) (ISO dates) against the SQL.
crosscheck() {
    F=$(ms "$1") T=$(ms "$2")
    local w=(--from "$1" --to "$2" --json) k

    # churn: by month (cut months) and by segment over the window.
    run_lf report churn --by month "${w[@]}"
    check_eq "churn --by month exit" 0 "$rc"
    compare "churn by month" "$(sql_head month) $(churn_sql "label || '|' || currency")" \
        ".rows[] | [.month + \"|\" + .currency] + $churn_jq" "${churn_cols[@]}"
    run_lf report churn --by segment "${w[@]}"
    compare "churn by segment" "$(sql_head all) $(churn_sql "segment || '|' || currency")" \
        ".rows[] | [.segment + \"|\" + .currency] + $churn_jq" "${churn_cols[@]}"
    run_lf report churn --by plan "${w[@]}"
    compare "churn by plan" "$(sql_head all) $(churn_sql "plan || '|' || currency")" \
        ".rows[] | [.plan + \"|\" + .currency] + $churn_jq" "${churn_cols[@]}"

    # mrr: the movement classes of docs/metrics.md, and the identity on every row.
    run_lf report mrr "${w[@]}"
    check_eq "mrr exit" 0 "$rc"
    compare "mrr" "$(sql_head month)
SELECT label || '|' || currency, SUM(s),
       SUM(CASE WHEN s = 0 AND e > 0 AND NOT paid_before THEN e ELSE 0 END),
       SUM(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END),
       SUM(CASE WHEN e > 0 AND e < s THEN s - e ELSE 0 END),
       SUM(CASE WHEN s > 0 AND e = 0 THEN s ELSE 0 END),
       SUM(CASE WHEN s = 0 AND e > 0 AND paid_before THEN e ELSE 0 END), SUM(e),
       SUM(s = 0 AND e > 0 AND NOT paid_before), SUM(s > 0 AND e > s), SUM(e > 0 AND e < s),
       SUM(s > 0 AND e = 0), SUM(s = 0 AND e > 0 AND paid_before)
FROM ap GROUP BY 1;" \
        '.rows[] | [(.month // .quarter // "") + "|" + .currency, .starting_mrr, .new, .expansion, .contraction,
                    .churn, .reactivation, .ending_mrr, .new_accounts, .expanded, .contracted,
                    .churned_accounts, .reactivated]' \
        starting_mrr new expansion contraction churn reactivation ending_mrr new_accounts \
        expanded contracted churned_accounts reactivated
    check_eq "mrr: ending = starting + new + expansion + reactivation - contraction - churn" "" \
        "$(jq -r '.rows[] | select(.ending_mrr != .starting_mrr + .new + .expansion
                  + .reactivation - .contraction - .churn) | (.month // .quarter // "")' <<<"$out")"
    check_eq "mrr: a month starts where the previous one ended" "" \
        "$(jq -r '[.rows[]] | group_by(.currency)[] | . as $r | range(1; length)
                  | select($r[.].starting_mrr != $r[. - 1].ending_mrr) | $r[.].month' <<<"$out")"

    # churn-reasons: changes to 0 from > 0 inside the window, by currency and reason.
    run_lf report churn-reasons "${w[@]}"
    compare "churn-reasons" "$(sql_head all)
SELECT a.currency || '|' || COALESCE(NULLIF(iv.reason, ''), '(none)'), COUNT(*), SUM(iv.prev),
       1.0 * COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY a.currency)
FROM iv JOIN acc a ON a.id = iv.account_id
WHERE iv.mrr = 0 AND iv.prev > 0 AND iv.d0 >= $F AND iv.d0 < $T
GROUP BY a.currency, COALESCE(NULLIF(iv.reason, ''), '(none)');" \
        '.rows[] | [.currency + "|" + .reason, .churned_accounts, .lost_mrr, .share]' \
        churned_accounts lost_mrr share

    # clv: paying at TO, ARPA, monthly churn over the months of the window, margin 0.8.
    run_lf report clv "${w[@]}"
    compare "clv" "$(sql_head month),
  pay AS (
    SELECT currency, COUNT(*) AS paying, AVG(x) AS arpa
    FROM (SELECT a.currency, (SELECT mrr FROM iv WHERE iv.account_id = a.id AND iv.d0 < $T
                              AND (iv.d1 IS NULL OR iv.d1 >= $T)) AS x FROM acc a)
    WHERE x > 0 GROUP BY currency),
  mon AS (SELECT currency, SUM(s > 0 AND e = 0) AS churned, SUM(s > 0) AS months
          FROM ap GROUP BY currency)
SELECT mon.currency, COALESCE(pay.paying, 0), ROUND(pay.arpa), mon.churned, mon.months,
       1.0 * mon.churned / NULLIF(mon.months, 0), 0.8,
       CASE WHEN mon.churned > 0 AND pay.paying > 0
            THEN ROUND(pay.arpa * 0.8 * mon.months / mon.churned) END
FROM mon LEFT JOIN pay ON pay.currency = mon.currency;" \
        '.rows[] | [.currency, .paying_accounts, .arpa, .churned, .account_months,
                    .monthly_churn_rate, .margin, .clv]' \
        paying_accounts arpa churned account_months monthly_churn_rate margin clv

    # repeat: customer = contact when the order has one, else account.
    run_lf report repeat --by month "${w[@]}"
    compare "repeat by month" "$(sql_head month),
  o AS (
    SELECT p.label,
           CASE WHEN COALESCE(o.contact_id, 0) > 0 THEN 'c' || o.contact_id
                ELSE 'a' || o.account_id END AS cust
    FROM orders o JOIN ws ON o.workspace_id = ws.id
    JOIN periods p ON o.ts >= p.p0 AND o.ts < p.p1),
  c AS (SELECT label, cust, COUNT(*) AS k FROM o GROUP BY label, cust)
SELECT p.label, COALESCE(SUM(c.k), 0), COUNT(c.cust), COALESCE(SUM(c.k >= 2), 0),
       1.0 * SUM(c.k >= 2) / NULLIF(COUNT(c.cust), 0)
FROM periods p LEFT JOIN c ON c.label = p.label GROUP BY p.label;" \
        '.rows[] | [(.month // .quarter // ""), .orders, .customers, .repeat_customers, .repeat_purchase_rate]' \
        orders customers repeat_customers repeat_purchase_rate

    # acquisition: customer since = first MRR > 0 or first order, whichever is first.
    run_lf report acquisition --by month "${w[@]}"
    compare "acquisition by month" "$(sql_head month),
  since AS (
    SELECT a.id, MIN(COALESCE((SELECT MIN(date) FROM mrr_changes m
                                WHERE m.account_id = a.id AND m.mrr > 0), 9e18),
                     COALESCE((SELECT MIN(ts) FROM orders o WHERE o.account_id = a.id), 9e18))
                 AS t,
           (SELECT MIN(ts) FROM orders o WHERE o.account_id = a.id) AS fo
    FROM acc a),
  cp AS (
    SELECT p.label, p.p0, p.p1, x.t, x.fo,
           COALESCE((SELECT mrr FROM mrr_changes m WHERE m.account_id = x.id
                     AND m.date < p.p0 ORDER BY m.date DESC LIMIT 1), 0) AS s
    FROM periods p CROSS JOIN since x WHERE x.t < 9e18)
SELECT label, SUM(NOT (t >= p0 AND t < p1) AND (s > 0 OR fo < p0)), SUM(t >= p0 AND t < p1),
       1.0 * SUM(t >= p0 AND t < p1) / NULLIF(SUM(NOT (t >= p0 AND t < p1)
                                                  AND (s > 0 OR fo < p0)), 0)
FROM cp GROUP BY label;" \
        '.rows[] | [(.month // .quarter // ""), .customers_start, .new_customers, .acquisition_rate]' \
        customers_start new_customers acquisition_rate

    # nps by team, csat by segment, ces by month, on the built-in 0..10, 1..5, 1..7 scales.
    run_lf report nps --by team "${w[@]}"
    compare "nps by team" "$(resp_sql nps),
  g AS (SELECT team AS k, COUNT(*) AS n, 1.0 * SUM(score >= 9) / COUNT(*) AS pp,
               1.0 * SUM(score <= 6) / COUNT(*) AS pd, SUM(score >= 9) AS pro,
               SUM(score BETWEEN 7 AND 8) AS pas, SUM(score <= 6) AS det FROM r GROUP BY team)
SELECT k, 100 * (pp - pd), n, pro, pas, det, 1.96 * 100 * sqrt((pp + pd - (pp - pd) * (pp - pd)) / n)
FROM g;" \
        '.rows[] | [.team, .nps, .n, .promoters, .passives, .detractors, .margin_of_error]' \
        nps n promoters passives detractors margin_of_error
    run_lf report csat --by segment "${w[@]}"
    compare "csat by segment" "$(resp_sql csat)
SELECT segment, 100.0 * SUM(score >= 4) / COUNT(*), COUNT(*), SUM(score >= 4),
       1.96 * 100 * sqrt((1.0 * SUM(score >= 4) / COUNT(*)) * (1 - 1.0 * SUM(score >= 4) / COUNT(*))
                         / COUNT(*))
FROM r GROUP BY segment;" \
        '.rows[] | [.segment, .csat, .n, .satisfied, .margin_of_error]' \
        csat n satisfied margin_of_error
    run_lf report ces --by month "${w[@]}"
    compare "ces by month" "$(resp_sql ces)
SELECT month, AVG(score), COUNT(*),
       CASE WHEN COUNT(*) > 1 THEN 1.96 * sqrt((SUM(score * score) - COUNT(*) * AVG(score) * AVG(score))
                                               / (COUNT(*) - 1)) / sqrt(COUNT(*)) END
FROM r GROUP BY month;" \
        '.rows[] | select(.n > 0) | [(.month // .quarter // ""), .ces, .n, .margin_of_error]' ces n margin_of_error
}
