#!/usr/bin/env bash
# sizes.sh - `landfall demo --accounts 200`: the counts are in the ranges docs/demo-data.md states,
# the history spans the months asked for, and the rows keep the rules the reports rely on. Every
# figure is recomputed with plain SQL through the sqlite3 CLI.
source "$(dirname "$0")/../lib.sh"
db_short=$(scratch_store short) || exit 1

db=$(scratch_store demo) || exit 1
q() { store_sql "$db" "$1"; }
day=86400000
# date -u -d 2024-06-30 +%s = 1719705600; the default 18 months start at 2022-12-01 = 1669852800
end=1719705600000
start=1669852800000

run_lf demo --db "$db" --accounts 200 --end 2024-06-30
check_eq "exits 0" 0 "$rc"
check_eq "200 accounts" 200 "$(q 'SELECT count(*) FROM accounts')"

# docs/demo-data.md: about 10 contacts and 200 events an account; the ranges allow for the mix of
# plans in a small sample: 7..14 contacts and 120..350 events an account.
contacts=$(q 'SELECT count(*) FROM contacts')
events=$(q 'SELECT count(*) FROM events')
check "contacts $contacts in 1400..2800" test "$contacts" -ge 1400 -a "$contacts" -le 2800
check "events $events in 24000..70000" test "$events" -ge 24000 -a "$events" -le 70000
check "touchpoints: at least 5 an account" test "$(q 'SELECT count(*) FROM touchpoints')" -ge 1000
check "responses: at least 2 an account" test "$(q 'SELECT count(*) FROM responses')" -ge 400

# The history: events from the first month of the window to the day before --end.
check "no event before the window start" test "$(q 'SELECT min(ts) FROM events')" -ge "$start"
check "no event at or after --end" test "$(q 'SELECT max(ts) FROM events')" -lt "$end"
span=$(q "SELECT (max(ts) - min(ts)) / $day FROM events")
check "events span $span days, at least 17 months (517 days)" test "$span" -ge 517
months=$(q "SELECT count(DISTINCT strftime('%Y-%m', ts / 1000, 'unixepoch')) FROM events")
check "events in $months distinct months, at least 18" test "$months" -ge 18

# Plans, segments, seats, owners: every plan and segment occurs; B2B accounts have seats and an
# owner; the B2C slice (segment consumer) has neither, and orders.
check_eq "plans" "business enterprise growth starter" \
    "$(q "SELECT group_concat(plan, ' ') FROM (SELECT DISTINCT plan FROM accounts
          WHERE plan IS NOT NULL ORDER BY plan)")"
check_eq "segments" "consumer enterprise mid-market smb" \
    "$(q "SELECT group_concat(segment, ' ') FROM (SELECT DISTINCT segment FROM accounts
          ORDER BY segment)")"
check_eq "B2B accounts without seats or owner" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE segment != 'consumer'
          AND (seats IS NULL OR seats < 1 OR owner IS NULL)")"
consumers=$(q "SELECT count(*) FROM accounts WHERE segment = 'consumer'")
check "consumers: $consumers, about 15 % of 200" test "$consumers" -ge 15 -a "$consumers" -le 50
check_eq "orders only of consumers" 0 \
    "$(q "SELECT count(*) FROM orders o JOIN accounts a ON a.id = o.account_id
          WHERE a.segment != 'consumer'")"
check_eq "every consumer ordered" "$consumers" "$(q 'SELECT count(DISTINCT account_id) FROM orders')"
once=$(q "SELECT count(*) FROM (SELECT account_id FROM orders GROUP BY 1 HAVING count(*) = 1)")
check "some consumers ordered once ($once), some more than once" \
    test "$once" -gt 0 -a "$once" -lt "$consumers"

# MRR history: every B2B account's starts at its signup with a positive MRR; churn rows (MRR 0)
# carry a reason; the account's MRR is its latest point.
check_eq "B2B accounts without MRR history" 0 \
    "$(q "SELECT count(*) FROM accounts a WHERE segment != 'consumer'
          AND NOT EXISTS (SELECT 1 FROM mrr_changes m WHERE m.account_id = a.id)")"
check_eq "histories not starting at signup with MRR > 0" 0 \
    "$(q "SELECT count(*) FROM mrr_changes m JOIN accounts a ON a.id = m.account_id
          WHERE m.date = (SELECT min(date) FROM mrr_changes WHERE account_id = m.account_id)
          AND (m.mrr <= 0 OR m.date != a.customer_since)")"
churns=$(q 'SELECT count(*) FROM mrr_changes WHERE mrr = 0')
check "some accounts churned ($churns)" test "$churns" -ge 10
check_eq "churn rows without a reason" 0 \
    "$(q "SELECT count(*) FROM mrr_changes WHERE mrr = 0 AND (reason IS NULL OR reason = '')")"
check_eq "churn reasons from the vocabulary" 0 \
    "$(q "SELECT count(*) FROM mrr_changes WHERE mrr = 0 AND reason NOT IN ('low adoption',
          'poor support', 'champion left', 'price', 'switched to competitor', 'budget cuts',
          'missing features')")"
check_eq "accounts whose MRR is not their latest point" 0 \
    "$(q "SELECT count(*) FROM accounts a WHERE segment != 'consumer' AND mrr != (SELECT mrr
          FROM mrr_changes WHERE account_id = a.id ORDER BY date DESC LIMIT 1)")"
check "expansions happened" test "$(q "SELECT count(*) FROM mrr_changes m WHERE mrr > (SELECT p.mrr
    FROM mrr_changes p WHERE p.account_id = m.account_id AND p.date < m.date
    ORDER BY p.date DESC LIMIT 1)")" -gt 0

# Touchpoints: the closed vocabularies of model.h; tickets have a status, resolved ones a time to
# resolution; CSAT rates tickets, CES rates onboarding touchpoints.
check_eq "channels outside the vocabulary" 0 \
    "$(q "SELECT count(*) FROM touchpoints WHERE channel NOT IN ('email', 'phone', 'chat',
          'in-app', 'meeting', 'web', 'social', 'review', 'sms')")"
check_eq "stages outside the vocabulary" 0 \
    "$(q "SELECT count(*) FROM touchpoints WHERE stage NOT IN ('awareness', 'purchase',
          'onboarding', 'adoption', 'renewal', 'expansion', 'advocacy')")"
check_eq "teams outside the vocabulary" 0 \
    "$(q "SELECT count(*) FROM touchpoints WHERE team NOT IN ('marketing', 'sales', 'onboarding',
          'support', 'success', 'billing', 'product')")"
check_eq "all seven teams appear" 7 "$(q 'SELECT count(DISTINCT team) FROM touchpoints')"
check_eq "all seven stages appear" 7 "$(q 'SELECT count(DISTINCT stage) FROM touchpoints')"
check_eq "statuses only on tickets" 0 \
    "$(q "SELECT count(*) FROM touchpoints WHERE (status IS NULL) != (kind != 'ticket')")"
check_eq "resolved tickets without a positive duration" 0 \
    "$(q "SELECT count(*) FROM touchpoints WHERE status = 'resolved'
          AND NOT (duration_minutes > 0)")"
check "some tickets are open" test "$(q "SELECT count(*) FROM touchpoints WHERE status = 'open'")" -gt 0
check_eq "CSAT rating something else than a ticket" 0 \
    "$(q "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id
          LEFT JOIN touchpoints t ON t.id = r.touchpoint_id
          WHERE s.ext_id = 'csat' AND (t.kind IS NULL OR t.kind != 'ticket')")"
check_eq "CES rating something else than onboarding" 0 \
    "$(q "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id
          LEFT JOIN touchpoints t ON t.id = r.touchpoint_id
          WHERE s.ext_id = 'ces' AND (t.stage IS NULL OR t.stage != 'onboarding')")"
check_eq "scores off their survey's scale" 0 \
    "$(q "SELECT count(*) FROM responses r JOIN surveys s ON s.id = r.survey_id
          WHERE r.score < s.scale_min OR r.score > s.scale_max")"
check_eq "all three surveys answered" 3 "$(q 'SELECT count(DISTINCT survey_id) FROM responses')"
check "proactive check-ins by the success team" \
    test "$(q "SELECT count(*) FROM touchpoints WHERE kind = 'proactive check-in'
               AND team = 'success'")" -gt 0

# Usage: every event's contact belongs to its account; the catalogue's names only.
check_eq "events of a contact of another account" 0 \
    "$(q "SELECT count(*) FROM events e JOIN contacts c ON c.id = e.contact_id
          WHERE c.account_id != e.account_id")"
check "at least 13 event names" test "$(q 'SELECT count(*) FROM event_names')" -ge 13

# --months 12: a 12-month window (from 2023-06-01 = 1685577600).
run_lf demo --db "$db_short" --accounts 50 --months 12 --end 2024-06-30
check_eq "--months 12 exits 0" 0 "$rc"
check "--months 12: nothing before 2023-06-01" \
    test "$(store_sql "$db_short" 'SELECT min(ts) FROM events')" -ge 1685577600000

finish
