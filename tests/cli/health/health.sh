#!/bin/bash
# health.sh - health scores over a hand-made business, as of two dates: the measures, the
# default scorecard's score and its explanation, worked out by hand below; a stored scorecard
# applied, refused, retired; the daily history. Time travel: as of 2026-02-01 only what came
# before it counts.
source "$(dirname "$0")/../lib.sh"

# A: 2 seats, paid 100 then 80 from 2026-01-15 (a contraction), renewal 2026-03-31, two users
#    active in February, three tickets, an old promoter and a recent detractor.
# B: 10 seats, 500, no events, a success check-in on 02-25, a promoter on 02-15.
# C: churned on 2026-02-01 (MRR 0). D: a customer only from 2026-04-01.
cat >"$SCRATCH/accounts.csv" <<'CSV'
id,name,plan,segment,owner,seats,customer_since,renewal_date,currency
A,Alpha,pro,smb,ann,2,2025-06-01,2026-03-31,USD
B,Beta,pro,enterprise,bob,10,2025-06-01,,USD
C,Gamma,pro,smb,ann,5,2025-06-01,,USD
D,Delta,pro,smb,ann,5,2026-04-01,,USD
CSV
cat >"$SCRATCH/mrr_changes.csv" <<'CSV'
account_id,date,mrr,reason
A,2025-06-01,100,
A,2026-01-15,80,
B,2025-06-01,500,
C,2025-06-01,100,
C,2026-02-01,0,price
CSV
# t1 open since 02-10 (stale at 03-01: open 19 days); t2 resolved after 14 days, on 03-06: open
# at 03-01; t3 resolved in 120 minutes on 01-05
cat >"$SCRATCH/touchpoints.csv" <<'CSV'
id,ts,account_id,channel,team,kind,status,duration_minutes
t1,2026-02-10T00:00:00Z,A,email,support,ticket,open,
t2,2026-02-20T00:00:00Z,A,email,support,ticket,resolved,20160
t3,2026-01-05T00:00:00Z,A,email,support,ticket,resolved,120
t4,2026-02-25T00:00:00Z,B,meeting,success,check-in,,
CSV
cat >"$SCRATCH/responses.csv" <<'CSV'
id,ts,account_id,survey,score
r1,2025-10-15T00:00:00Z,A,nps,9
r2,2026-02-01T12:00:00Z,A,nps,3
r3,2026-02-15T00:00:00Z,B,nps,10
CSV
cat >"$SCRATCH/events.csv" <<'CSV'
message_id,ts,account_id,user_id,event,value
e1,2026-02-20T10:00:00Z,A,u1,login,
e2,2026-02-25T10:00:00Z,A,u2,report,
e3,2026-02-21T10:00:00Z,A,u1,plan_limit_reached,
CSV
for kind in accounts mrr_changes touchpoints responses events; do
    run_lf import "$kind" "$SCRATCH/$kind.csv"
    check_eq "import $kind: exit" 0 "$rc"
done
jv() { jq -r "$1" <<<"$out"; }
march=(--now 2026-03-01 --json)

# ---- as of 2026-03-01 (C churned on 02-01, D starts in April: neither is a customer) ----
# A: utilisation 2 users / 2 seats = 1 (healthy, 100 points, weight 20); usage trend: weekly
# users of the 8 weeks before 03-01 are 0,0,0,0,0,0,1,1: slope 6/42 over a mean of 0.25 =
# 0.571428 (healthy: 100, w 15); days since seen 4 (02-25 → 03-01; concerning ≤ 14: 50, w 10);
# stale tickets 1 (concerning: 50, w 15); NPS over 180 days: 9 and 3 → (1 − 1)/2 = 0
# (concerning: 50, w 15); a detractor within 90 days (1: poor, 0, w 10); no success touch (left
# out); MRR trend (80 − 100)/100 = −0.2 (poor: 0, w 5). Weights with data: 90.
# Score = (20·100 + 15·100 + 10·50 + 15·50 + 15·50 + 10·0 + 5·0) / 90 = 5500/90 = 61.1 → 61.
# B: no usage (no event: left out, not zero); stale 0, NPS 100, detractor 0, 4 days since the
# check-in, MRR trend 0: all healthy → 100 of 5 measures.
run_lf health "${march[@]}"
check_eq "health: exit" 0 "$rc"
check_eq "customers at 03-01, lowest first" "A B" "$(jv '[.rows[].account] | join(" ")')"
check_eq "A: 61 yellow, 7 of 8 measures" "61 yellow 7 8" \
    "$(jv '.rows[0] | "\(.score) \(.band) \(.measures_used) \(.measures_total)"')"
# the costliest: the detractor, 10/90 × 100 = 11.11 points (utilisation costs 0, NPS and stale
# tickets 15/90 × 50 = 8.33 each)
check_eq "A's concern" "detractor_90d" "$(jv '.rows[0].concern')"
check_num "A's concern points" 11.111111 "$(jv '.rows[0].concern_points')" 1e-5
check_eq "B: 100 green, 5 of 8" "100 green 5 8" \
    "$(jv '.rows[1] | "\(.score) \(.band) \(.measures_used) \(.measures_total)"')"
run_lf health --colour green "${march[@]}"
check_eq "--colour green" "B" "$(jv '[.rows[].account] | join(" ")')"
run_lf health --segment smb "${march[@]}"
check_eq "--segment smb" "A" "$(jv '[.rows[].account] | join(" ")')"

# explain A: every measure, the costliest first
run_lf health explain A "${march[@]}"
check_eq "explain: exit" 0 "$rc"
m() { jq -r --arg m "$1" ".rows[] | select(.measure == \$m) | .$2" <<<"$out"; }
check_eq "explain: the costliest first" "detractor_90d" "$(jv '.rows[0].measure')"
check_num "seat utilisation" 1 "$(m seat_utilisation value)"
check_num "usage trend: 6/42 / 0.25" 0.5714285714 "$(m usage_trend value)" 1e-6
check_num "days since seen" 4 "$(m days_since_seen value)"
check_num "active users" 2 "$(m active_users value)"
check_num "open tickets at 03-01: t1 and t2 (resolved only on 03-06)" 2 "$(m open_tickets value)"
check_num "stale: t1" 1 "$(m stale_tickets value)"
check_num "tickets in 30 days: t1, t2" 2 "$(m tickets_30d value)"
check_num "median resolution of the 90 days: t3's 2 hours" 2 "$(m resolution_hours value)"
check_num "nps" 0 "$(m nps value)"
check_num "detractor in 90 days" 1 "$(m detractor_90d value)"
check_num "mrr trend" -0.2 "$(m mrr_trend value)"
check_num "contraction in 90 days" 1 "$(m contraction_90d value)"
check_num "days to renewal: 03-01 → 03-31" 30 "$(m days_to_renewal value)"
check_eq "csat: no data" "null" "$(m csat value)"
check_num "seat utilisation: weight 20/90" 0.2222222 "$(m seat_utilisation weight)" 1e-6
check_num "stale tickets: 50 points" 50 "$(m stale_tickets points)"
check_num "stale tickets cost 15/90 × 50" 8.333333 "$(m stale_tickets pulled_down)" 1e-5
check_eq "no success touch: left out" "no data: left out, weights renormalised" \
    "$(m days_since_csm note)"
run_lf health explain B "${march[@]}"
check_eq "B: no usage data" "null" "$(m active_users value)"
check_num "B: 4 days since the check-in" 4 "$(m days_since_csm value)"
check_num "B: tickets are tracked: none open" 0 "$(m open_tickets value)"

# ---- time travel: as of 2026-02-01, before A's events, tickets t1/t2 and its detractor ----
# C is still a customer (its churn is dated 02-01: from that day on). A: stale 0 (100, w 15),
# NPS of r1 alone = 100 (100, w 15), no detractor within 90 days (r2 is later: left out), MRR
# trend −0.2 (0, w 5): (1500 + 1500) / 35 = 85.7 → 86. C: stale 0 and MRR trend 0 → 100.
run_lf health --now 2026-02-01 --json --sort account
check_eq "customers at 02-01" "A B C" "$(jv '[.rows[].account] | join(" ")')"
check_eq "A at 02-01" "86 green 3" "$(jv '.rows[0] | "\(.score) \(.band) \(.measures_used)"')"
check_eq "C at 02-01" "100 2" "$(jv '.rows[2] | "\(.score) \(.measures_used)"')"

# ---- expansion signals at 03-01 ----
# A: seats 2/2 used (3 points), weekly users growing 57 % a week (2), a plan-limit event on 02-21,
# 265 days after its start on 2025-06-01 (3): 8 points, 3 signals; no breadth change (no event
# 30 days before), NPS 0. B: NPS 100, a promoter (2). C and D are not customers.
run_lf expansion "${march[@]}"
check_eq "expansion: exit" 0 "$rc"
check_eq "expansion: ranked" "A 8 3|B 2 1" \
    "$(jv '[.rows[] | "\(.account) \(.points) \(.signals)"] | join("|")')"
check_eq "expansion: A's reasons" \
    "seats 100% used; weekly users growing 57% a week; hit a plan limit (265 days after starting)" \
    "$(jv '.rows[0].reasons')"
check_eq "expansion: B's reason" "promoter: NPS 100" "$(jv '.rows[1].reasons')"

# ---- the history ----
run_lf health snapshot --date 2026-02-01
check_eq "snapshot 02-01" "3 accounts scored" "$out"
run_lf health snapshot --date 2026-03-01
check_eq "snapshot 03-01" "2 accounts scored" "$out"
run_lf health snapshot --date 2026-03-01
check_eq "a day written twice holds the second write" "2 accounts scored" "$out"
run_lf health history A --from 2026-01-01 --to 2026-03-02 --json
check_eq "A's history" "2026-02-01 86 null|2026-03-01 61 -25" \
    "$(jv '[.rows[] | "\(.day) \(.score) \(.change)"] | join("|")')"
check_eq "A moved" "green to yellow" "$(jv '.rows[1].moved')"
run_lf health history --from 2026-01-01 --to 2026-03-02 --json
check_eq "every account's history: A×2, B×2, C×1" 5 "$(jv '.rows | length')"

# ---- the backtest: one snapshot, 2026-01-01, horizon 45 days: C churns on 02-01, inside ----
# At 01-01 A has NPS 100 (r1), no detractor among its 90-day responses (r1 is a 9), MRR trend 0:
# 100; B and C have only an MRR trend of 0: 100. Every score equal: AUC 0.5; all green, 1 of 3
# churned; the bottom decile is 1 observation (the first of the ties: A, a stayer).
run_lf health backtest --from 2026-01-01 --to 2026-01-02 --horizon 45 --now 2026-03-01 --json
check_eq "backtest: exit" 0 "$rc"
check_eq "backtest: 1 snapshot, 3 observations, 1 churn" "1 3 1" \
    "$(jv '.rows[0] | "\(.snapshots) \(.observations) \(.churned)"')"
check_num "backtest: ties are chance" 0.5 "$(jv '.rows[0].auc')"
check_num "backtest: green churn 1/3" 0.3333333 "$(jv '.rows[0].green_churn')" 1e-6
check_eq "backtest: no red" "0 null" "$(jv '.rows[0] | "\(.red) \(.red_churn)"')"
# a horizon that has not passed by now: no snapshot
run_lf health backtest --from 2026-02-01 --to 2026-02-02 --horizon 45 --now 2026-03-01 --json
check_eq "backtest: outcome unknown, nothing scored" "0 0" \
    "$(jv '.rows[0] | "\(.snapshots) \(.observations)"')"

# ---- stored scorecards ----
cat >"$SCRATCH/ent.json" <<'JSON'
{"name": "ent", "segment": "enterprise",
 "measures": [{"measure": "nps", "weight": 1, "concerning": 0, "healthy": 50},
              {"measure": "days_since_csm", "weight": 1, "linear": {"zero": 8, "full": 0}}]}
JSON
run_lf health scorecard apply "$SCRATCH/ent.json"
check_eq "apply" "scorecard 'ent' version 1 stored, in force" "$out"
run_lf health scorecard apply "$SCRATCH/ent.json"
check_eq "apply again: unchanged" "scorecard 'ent' version 1 unchanged (already in force)" "$out"
# B by 'ent': NPS 100 → 100; 4 days on the linear band 8 → 0 days: 100 × (4 − 8)/(0 − 8) = 50
# → (100 + 50) / 2 = 75
run_lf health "${march[@]}" --sort account
check_eq "B by its segment's scorecard" "ent 1 75" \
    "$(jv '.rows[1] | "\(.scorecard) \(.version) \(.score)"')"
check_eq "A still by default" "default 0" "$(jv '.rows[0] | "\(.scorecard) \(.version)"')"
sed -i 's/"zero": 8/"zero": 16/' "$SCRATCH/ent.json"
run_lf health scorecard apply "$SCRATCH/ent.json"
check_eq "a changed definition is version 2" "scorecard 'ent' version 2 stored, in force" "$out"
# 100 × (4 − 16)/(0 − 16) = 75 → (100 + 75) / 2 = 87.5 → 88
run_lf health "${march[@]}" --sort account
check_eq "B by version 2" "2 88" "$(jv '.rows[1] | "\(.version) \(.score)"')"
run_lf health scorecard list --json
check_eq "list: built-in and both versions, v2 in force" \
    "default 0 yes|engagement 0 yes|ent 1 no|ent 2 yes" \
    "$(jv '[.rows[] | "\(.name) \(.version) \(.in_force)"] | join("|")')"
# --scorecard scores everyone by one
run_lf health --scorecard engagement "${march[@]}" --sort account
check_eq "--scorecard engagement" "engagement engagement" "$(jv '[.rows[].scorecard] | join(" ")')"
run_lf health --scorecard nope "${march[@]}"
check_eq "unknown scorecard: usage error" 2 "$rc"

# refusals name the field
echo '{"name": "x", "measures": [{"measure": "nps", "weight": 1, "concerning": 5, "healthy": 5}]}' \
    >"$SCRATCH/bad.json"
run_lf health scorecard apply "$SCRATCH/bad.json"
check_eq "overlapping thresholds: exit 2" 2 "$rc"
check_eq "the field named" "landfall: '$SCRATCH/bad.json': 'measures[0].healthy' equals 'concerning': the thresholds overlap" "$errout"
echo '{"name": "x", "measures": [{"measure": "mood", "weight": 1, "concerning": 1, "healthy": 5}]}' \
    >"$SCRATCH/bad.json"
run_lf health scorecard apply "$SCRATCH/bad.json"
check "unknown measure named" grep -q "measures\[0\].measure': 'mood' is not a health measure" \
    "$SCRATCH/err"

run_lf health scorecard retire ent
check_eq "retire" 0 "$rc"
run_lf health "${march[@]}" --sort account
check_eq "B back on default" "default 100" "$(jv '.rows[1] | "\(.scorecard) \(.score)"')"
run_lf health scorecard retire ent
check_eq "retire again: not in force" "landfall: no scorecard 'ent' in force" "$errout"

# an empty store: no rows, no error
LANDFALL_DB=$(scratch_store empty) || exit 1
echo "id,name" >"$SCRATCH/none.csv"
run_lf import accounts "$SCRATCH/none.csv"
run_lf health --json
check_eq "empty store: exit" 0 "$rc"
check_eq "empty store: no rows" 0 "$(jv '.rows | length')"
run_lf health scorecard list --json
check_eq "empty store: the built-in scorecards" 2 "$(jv '.rows | length')"
finish
