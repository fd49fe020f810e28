#!/usr/bin/env bash
# model.sh - `landfall churn train|score|explain|models` on a store: refusals on an empty store,
# a model trained on demo data and stored as versions (the same seed, the same model), scores
# for exactly the accounts paying at the date, explanations whose parts add up to the risk, and
# the features of a hand-made account equal to values worked out by hand below.
source "$(dirname "$0")/../lib.sh"

NOW=2026-11-01
# jq_sql FILE SQL: runs SQL over the JSON document in FILE (as j) with SQLite's JSON functions.
jq_sql() {
    sqlite3 :memory: "WITH d(j) AS (SELECT CAST(readfile('$1') AS TEXT)) $2"
}

# ---- an empty store: nothing to train on, nothing to score, nothing stored ----
run_lf keys create --scope read # creates the store, empty
run_lf churn models --json
check_eq "an empty store has no model" 0 "$(jq_sql "$SCRATCH/out" "SELECT json_array_length(j, '\$.rows') FROM d")"
run_lf churn score --now "$NOW"
check_eq "score without a model: not found (4)" 4 "$rc"
check "score without a model says how to make one" grep -q "no churn model yet: train one" <<<"$errout"
run_lf churn train --now "$NOW"
check_eq "train on an empty store is refused (invalid: 1)" 1 "$rc"
check "and says why" grep -q "split by time needs labelled rows" <<<"$errout"
run_lf churn models --json
check_eq "a refused training stores nothing" 0 "$(jq_sql "$SCRATCH/out" "SELECT json_array_length(j, '\$.rows') FROM d")"

# ---- demo data: 400 accounts over 24 months (on PostgreSQL into a store of its own: store_demo
# copies into an empty one) ----
on_sqlite || { LANDFALL_DB=$(scratch_store demo) || exit 1; }
store_demo --accounts 400 --months 24 --end "$NOW" --seed 3 --replace
check_eq "demo data" 0 "$rc"
run_lf churn train --now "$NOW" --min-churners 100000
check_eq "too few churners for the minimum asked: refused (1)" 1 "$rc"
check "it counts them" grep -q "too few churners to train on" <<<"$errout"

# figure NAME: a figure of the last train's summary
figure() {
    awk -v f="$1" '{ n = $NF; $NF = ""; sub(/ +$/, ""); if ($0 == f) print n }' <<<"$out"
}
run_lf churn train --now "$NOW" --seed 7
check_eq "train" 0 "$rc"
check "version 1 stored" grep -q "churn model version 1 stored" <<<"$errout"
auc1=$(figure "test auc")
trainrows=$(figure "train rows")
run_lf churn train --now "$NOW" --seed 7
check "version 2 stored" grep -q "churn model version 2 stored" <<<"$errout"
check_eq "the same data and seed give the same model (test AUC)" "$auc1" "$(figure "test auc")"
# the model ranks better than chance on snapshots it never saw (measured 0.8220 on this data;
# 0.5 is a coin; 0.75 leaves twice the standard error of an AUC on 77 churners among 806 rows)
check "test AUC above 0.75: $auc1" awk -v a="$auc1" 'BEGIN { exit !(a > 0.75) }'
check "rows to train on: $trainrows" test "$trainrows" -gt 100

run_lf churn models --json
echo "$out" >"$SCRATCH/models.json"
check_eq "models lists both versions, newest first" "2,1" \
    "$(jq_sql "$SCRATCH/models.json" "SELECT group_concat(json_extract(value, '\$.version')) FROM d, json_each(j, '\$.rows')")"
check_num "the stored test AUC is the trained one" "$auc1" \
    "$(jq_sql "$SCRATCH/models.json" "SELECT json_extract(j, '\$.rows[0].test_auc') FROM d")" 1e-4

# ---- the model beside the default scorecard on the same backtest: the observations are the
# model's test rows (the latest labelled month starts, none of which its training saw) that the
# scorecard scores, so both sides count the same rows and churners; the model's AUC is the one
# train reported (the same split, seed and trees). Which ranks better is not asserted here: on
# 400 accounts (82 churners) the two differ by less than a split's noise, and the scorecard
# reads the signals the demo's churn shows (docs/demo-data.md); tests/cli/churn/goal.sh asserts
# the model ranks better on 1,000 accounts ----
run_lf churn backtest --now "$NOW" --seed 7 --json
check_eq "backtest" 0 "$rc"
echo "$out" >"$SCRATCH/bt.json"
bt() { jq_sql "$SCRATCH/bt.json" "SELECT json_extract(j, '\$.rows[$1].$2') FROM d"; }
check_eq "the two methods" "churn model|scorecard default" "$(bt 0 method)|$(bt 1 method)"
check_eq "the same observations" "$(bt 0 observations) $(bt 0 churned)" "$(bt 1 observations) $(bt 1 churned)"
check "observations: $(bt 0 observations)" test "$(bt 0 observations)" -gt 100
BT_MODEL_AUC=$(bt 0 auc)
BT_CARD_AUC=$(bt 1 auc)
check_num "the backtest's model AUC is train's" "$auc1" "$BT_MODEL_AUC" 1e-4
# the figures measured on this data and seed (deterministic: the same data and seed give the same
# trees; a margin for another platform's floating point): model 0.8220, scorecard 0.8505 on 806
# observations of 4 month starts, 77 churned. (Before the demo's closed loop (its follow-ups of
# the last 120 days save some accounts about to leave) 0.8046 and 0.8264, 82 churned; before the
# demo's churn was decided weeks ahead (2026-11-30) 0.7166 and 0.6654 on 775 observations, 85
# churned.)
check_num "the model's backtest AUC" 0.8220 "$BT_MODEL_AUC" 0.005
check_num "the scorecard's backtest AUC" 0.8505 "$BT_CARD_AUC" 0.005
# and counted from the store: the test rows are the accounts paying at the latest month starts
# whose 90 days have passed by NOW (05-01..08-01: 08-01 + 90 days is 10-30; 09-01's horizon ends
# after NOW, so its rows are unknown, churned or not), the churners those whose MRR went to 0
# within the 90 days
rows=0 churners=0
for m in 05 06 07 08; do
    d=$(date -u -d "2026-$m-01" +%s)000
    paying_at="(SELECT m.mrr FROM mrr_changes m WHERE m.account_id = a.id AND m.date < $d ORDER BY m.date DESC, m.id DESC LIMIT 1) > 0 AND (a.customer_since IS NULL OR a.customer_since < $d)"
    rows=$((rows + $(store_sql "$LANDFALL_DB" "SELECT count(*) FROM accounts a WHERE $paying_at")))
    churners=$((churners + $(store_sql "$LANDFALL_DB" "SELECT count(*) FROM accounts a WHERE $paying_at AND EXISTS (SELECT 1 FROM mrr_changes m WHERE m.account_id = a.id AND m.mrr = 0 AND m.date >= $d AND m.date < $d + 7776000000)")))
done
check_eq "observations and churners, counted from the store" "$rows $churners" \
    "$(bt 0 observations) $(bt 0 churned)"
check_eq "as measured" "806 77" "$rows $churners"
run_lf churn backtest --now "$NOW" --scorecard nosuch
check_eq "an unknown scorecard is refused (1)" 1 "$rc"
check "and named" grep -q "no scorecard 'nosuch'" <<<"$errout"

# ---- scores: exactly the accounts paying just before NOW (their last MRR change before it is
# above 0, and they started before it), computed here from the store itself ----
ms=$(date -u -d "$NOW" +%s)000
paying=$(store_sql "$LANDFALL_DB" "SELECT count(*) FROM accounts a WHERE (SELECT m.mrr FROM mrr_changes m WHERE m.account_id = a.id AND m.date < $ms ORDER BY m.date DESC, m.id DESC LIMIT 1) > 0 AND (a.customer_since IS NULL OR a.customer_since < $ms)")
run_lf churn score --now "$NOW" --json
check_eq "score" 0 "$rc"
echo "$out" >"$SCRATCH/scores.json"
check_eq "one score per paying account" "$paying" \
    "$(jq_sql "$SCRATCH/scores.json" "SELECT json_array_length(j, '\$.rows') FROM d")"
check_eq "riskiest first" 0 \
    "$(jq_sql "$SCRATCH/scores.json" "SELECT count(*) FROM d, json_each(j, '\$.rows') a, json_each(j, '\$.rows') b WHERE b.key = a.key + 1 AND json_extract(b.value, '\$.risk') > json_extract(a.value, '\$.risk')")"
check_eq "every score by the latest model" "2" \
    "$(jq_sql "$SCRATCH/scores.json" "SELECT group_concat(DISTINCT json_extract(value, '\$.model')) FROM d, json_each(j, '\$.rows')")"
run_lf churn score --now "$NOW" --limit 3 --model 1 --json
echo "$out" >"$SCRATCH/top3.json"
check_eq "--limit 3 --model 1" "3 1" \
    "$(jq_sql "$SCRATCH/top3.json" "SELECT json_array_length(j, '\$.rows') || ' ' || json_extract(j, '\$.rows[2].model') FROM d")"

# ---- explain: the parts (features and base) add up to the risk's log-odds (TreeSHAP), and the
# risk is the score's ----
top=$(jq_sql "$SCRATCH/scores.json" "SELECT json_extract(j, '\$.rows[0].account') FROM d")
risk=$(jq_sql "$SCRATCH/scores.json" "SELECT json_extract(j, '\$.rows[0].risk') FROM d")
run_lf churn explain "$top" --now "$NOW" --json
check_eq "explain" 0 "$rc"
echo "$out" >"$SCRATCH/explain.json"
sum=$(jq_sql "$SCRATCH/explain.json" "SELECT sum(json_extract(value, '\$.contribution')) FROM d, json_each(j, '\$.rows')")
check_num "the parts sum to logit(risk)" "$(awk -v p="$risk" 'BEGIN { printf "%.6f", log(p / (1 - p)) }')" "$sum" 1e-4
run_lf churn explain "$top" --now "$NOW"
check "the table says the risk" grep -q "^$top: churn risk .* % within the model's horizon (model 2)" <<<"$out"
run_lf churn explain nobody --now "$NOW"
check "an unknown account" grep -q "no account 'nobody'" <<<"$errout"
churned=$(store_sql "$LANDFALL_DB" "SELECT a.ext_id FROM accounts a WHERE (SELECT m.mrr FROM mrr_changes m WHERE m.account_id = a.id AND m.date < $ms ORDER BY m.date DESC, m.id DESC LIMIT 1) = 0 LIMIT 1")
run_lf churn explain "$churned" --now "$NOW"
check "a churned account has no risk, not a made-up one" grep -q "is not a paying customer on 2026-11-01" <<<"$errout"

# ---- a hand-made account: its features as of NOW, worked out by hand ----
cat >"$SCRATCH/acc.csv" <<'CSV'
id,name,plan,segment,seats,customer_since
hand-1,Hand,growth,nowhere,10,2025-11-01
CSV
cat >"$SCRATCH/mrr.csv" <<'CSV'
account_id,date,mrr
hand-1,2025-11-01,100
hand-1,2026-09-01,80
CSV
cat >"$SCRATCH/ev.csv" <<'CSV'
message_id,ts,account_id,user_id,event
h1,2026-09-15T10:00:00Z,hand-1,hu1,login
h2,2026-10-20T10:00:00Z,hand-1,hu1,login
h3,2026-10-21T10:00:00Z,hand-1,hu2,login
h4,2026-10-25T10:00:00Z,hand-1,hu3,report viewed
CSV
cat >"$SCRATCH/tp.csv" <<'CSV'
id,ts,account_id,kind,team,channel,status,duration_minutes
ht1,2026-10-10T09:00:00Z,hand-1,ticket,support,email,open,
ht2,2026-08-10T09:00:00Z,hand-1,ticket,support,email,resolved,120
hc1,2026-10-01T09:00:00Z,hand-1,proactive check-in,success,meeting,,30
CSV
cat >"$SCRATCH/resp.csv" <<'CSV'
id,ts,account_id,survey,score
hr1,2026-07-01T09:00:00Z,hand-1,nps,9
hr2,2026-10-01T09:00:00Z,hand-1,nps,4
CSV
cat >>"$SCRATCH/resp.csv" <<'CSV'
hr3,2025-12-15T09:00:00Z,hand-1,ces,3
CSV
# the people: a champion who left on 09-20 (an extra column is an attribute: {"left_at": ...}),
# two end users present at NOW
cat >"$SCRATCH/people.csv" <<'CSV'
id,account_id,name,role,created_at,left_at
hp1,hand-1,Ann,champion,2025-11-01,2026-09-20
hp2,hand-1,Bob,end user,2026-01-10,
hp3,hand-1,Cy,end user,2026-10-25,
CSV
for k in accounts:acc contacts:people mrr_changes:mrr events:ev touchpoints:tp responses:resp; do
    run_lf import "${k%%:*}" "$SCRATCH/${k#*:}.csv" --quiet
    check_eq "import ${k%%:*}" 0 "$rc"
done
run_lf churn explain hand-1 --now "$NOW" --json
check_eq "explain the hand-made account" 0 "$rc"
echo "$out" >"$SCRATCH/hand.json"
feature() {
    jq_sql "$SCRATCH/hand.json" "SELECT ifnull(json_extract(value, '\$.value'), 'null') FROM d, json_each(j, '\$.rows') WHERE json_extract(value, '\$.feature') = '$1'"
}
# NOW is 2026-11-01; the 30-day window is [10-02, 11-01), the 90-day one from 08-03.
# a customer since 2025-11-01: 365 days; paying 80 (100 until 09-01: -20 % in 90 days, a
# contraction); 3 users and 3 events in the window, against 1 user and 1 event in the 30 days
# to 10-02 (09-15): +200 %; none 90 days before that (no change defined); 10 seats: 30 % used,
# 0.3 events a seat; last seen 10-25, 7 days before; tickets: 10-10 (open, older than 14 days)
# and 08-10 (resolved in 2 hours): 1 in 30 days, 2 in 90; NPS 4 on 10-01 after 9 on 07-01: last
# 4, a detractor; 1 answer in 90 days; a check-in on 10-01, within 45 days (30 days and 15 hours
# before NOW: 30 whole days). The last NPS wave is the 10-01 answer alone (07-01 is more than 28
# days before it): 4, no promoter; the last CES answer 3. People present at NOW: Bob and Cy (Ann
# left on 09-20): 2, so 3 active users and 3 events are 1.5 per person; the champion left and
# nobody took over: no_champion 1; nobody was active in the 30 days ending 90 days before NOW, so
# the share's change is not defined.
for fv in tenure_days=365 mrr=80 mrr_change_90d=-0.2 contraction_90d=1 seats=10 \
    active_users_30d=3 events_30d=3 active_users_change_30d=2 events_change_30d=2 \
    active_users_change_90d=null seat_utilisation=0.3 events_per_seat_30d=0.3 \
    days_since_seen=7 tickets_30d=1 tickets_90d=2 open_tickets=1 open_tickets_14d=1 \
    resolution_hours_90d=2 nps_last_180d=4 detractor_180d=1 responses_90d=1 checkins_45d=1 \
    champion_changes_90d=0 csat_90d=null contacts_present=2 active_share_30d=1.5 \
    events_per_contact_30d=1.5 active_share_change_90d=null no_champion=1 nps_wave_180d=4 \
    promoter_180d=0 ces_last=3 days_since_checkin=30; do
    if [ "${fv#*=}" = null ]; then
        check_eq "hand-1 ${fv%%=*}" null "$(feature "${fv%%=*}")"
    else
        check_num "hand-1 ${fv%%=*}" "${fv#*=}" "$(feature "${fv%%=*}")" 1e-6
    fi
done
# what happens at or after NOW is not read: an event, a ticket, an NPS answer and a churn dated
# NOW or later change no feature and no risk
cp "$SCRATCH/hand.json" "$SCRATCH/hand-before.json"
printf 'message_id,ts,account_id,user_id,event\nh9,2026-11-01T00:00:00Z,hand-1,hu9,login\nh10,2026-11-03T00:00:00Z,hand-1,hu1,login\n' >"$SCRATCH/ev2.csv"
printf 'id,ts,account_id,kind,team,channel,status\nht9,2026-11-02T09:00:00Z,hand-1,ticket,support,email,open\n' >"$SCRATCH/tp2.csv"
printf 'id,ts,account_id,survey,score\nhr9,2026-11-01T00:00:00Z,hand-1,nps,0\n' >"$SCRATCH/resp2.csv"
printf 'account_id,date,mrr\nhand-1,2026-11-01,0\n' >"$SCRATCH/mrr2.csv"
printf 'hr8,2026-11-01T00:00:00Z,hand-1,ces,7\n' >>"$SCRATCH/resp2.csv"
printf 'id,account_id,name,role,created_at\nhp9,hand-1,Dee,champion,2026-11-01\n' >"$SCRATCH/people2.csv"
for k in events:ev2 touchpoints:tp2 responses:resp2 mrr_changes:mrr2 contacts:people2; do
    run_lf import "${k%%:*}" "$SCRATCH/${k#*:}.csv" --quiet
    check_eq "import ${k%%:*} at or after NOW" 0 "$rc"
done
run_lf churn explain hand-1 --now "$NOW" --json
check_eq "the future changes nothing" "$(cat "$SCRATCH/hand-before.json")" "$out"
# a segment no account had when the model was trained: no column of its own, 0 in each known one
check_eq "hand-1 segment=nowhere is not a feature" "" "$(feature 'segment=nowhere')"
check_eq "hand-1 segment=smb is 0" 0 "$(feature 'segment=smb')"
check_eq "hand-1 plan=growth is 1" 1 "$(feature 'plan=growth')"
finish
