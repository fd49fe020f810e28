#!/bin/bash
# timezone.sh - periods are cut at local midnight in the workspace's time zone (issue 7,
# defect 16), and every result says which zone it used. Worked by hand:
#  - a response at 2026-02-28T23:30Z is on 2026-03-01 in Berlin (UTC+1 in winter): February in
#    UTC, March in Berlin;
#  - an MRR change dated 2026-03-01 is a local date: March in every zone, also in New York,
#    where March starts at 05:00Z;
#  - 2026-03-29 in Berlin has 23 hours (the clocks go forward at 01:00Z), so the week of
#    2026-03-23 ends at 2026-03-29T22:00Z: a response at 22:30Z falls in the next week;
#  - the engine's metrics (dau, recency) cut the same local days.
source "$(dirname "$0")/../lib.sh"

cd "$SCRATCH" || exit 1
cat > accounts.csv <<'CSV'
id,name,customer_since
a1,Acme,2025-01-01
CSV
cat > mrr.csv <<'CSV'
account_id,date,mrr
a1,2025-01-01,100
a1,2026-03-01,0
CSV
cat > responses.csv <<'CSV'
id,ts,account_id,survey,score
r1,2026-02-28T23:30:00Z,a1,nps,10
r2,2026-02-15T12:00:00Z,a1,nps,0
r3,2026-03-29T22:30:00Z,a1,nps,9
CSV
for k in accounts mrr_changes responses; do
    f=$k.csv; [ $k = mrr_changes ] && f=mrr.csv
    "$LANDFALL" import $k $f >/dev/null 2>&1
done
w=(--from 2026-01-01 --to 2026-05-01 --now 2026-05-01 --json)

nps_months() { "$LANDFALL" report nps --by month "${w[@]}" | jq -r '[.rows[] | "\(.month):\(.n)"] | join(" ")'; }
check_eq "UTC: the late response is February's" "2026-01:0 2026-02:2 2026-03:1 2026-04:0" "$(nps_months)"
check_eq "UTC: the JSON says the zone" "UTC" "$("$LANDFALL" report nps "${w[@]}" | jq -r .time_zone)"

run_lf workspace --time-zone Europe/Berlin
check_eq "set the zone" 0 "$rc"
check "workspace shows it" grep -q "time zone  Europe/Berlin" "$SCRATCH/out"
check_eq "Berlin: the late response is March's" "2026-01:0 2026-02:1 2026-03:2 2026-04:0" "$(nps_months)"
check_eq "Berlin: the JSON says the zone" "Europe/Berlin" \
    "$("$LANDFALL" report nps "${w[@]}" | jq -r .time_zone)"
run_lf report nps --by month --from 2026-01-01 --to 2026-05-01
check "the table says the zone" grep -qx "(periods in Europe/Berlin)" "$SCRATCH/out"
check_eq "Berlin: the 23-hour day ends the week of 2026-03-23 at 22:00Z" "2026-03-23:0 2026-03-30:1" \
    "$("$LANDFALL" report nps --by week --from 2026-03-23 --to 2026-04-06 --now 2026-05-01 --json |
       jq -r '[.rows[] | "\(.week):\(.n)"] | join(" ")')"

run_lf workspace --time-zone America/New_York
churned() { "$LANDFALL" report churn --by month "${w[@]}" | jq -r '[.rows[] | select(.churned > 0) | .month] | join(" ")'; }
check_eq "New York: a change dated 2026-03-01 churns in March" "2026-03" "$(churned)"

# the engine's metrics too: an event at 2026-03-29T22:30Z is on 2026-03-30 in Berlin (after
# the 23-hour day), at 2026-03-29T23:30Z on the 30th as well, one at 21:30Z on the 29th; last
# seen is shown in local time with its offset, and days since counts Berlin's calendar days
cat > events.csv <<'CSV'
ts,account_id,user_id,event
2026-03-29T21:30:00Z,a1,u1,login
2026-03-29T22:30:00Z,a1,u2,login
2026-03-29T23:30:00Z,a1,u1,login
CSV
"$LANDFALL" import events events.csv >/dev/null 2>&1
run_lf workspace --time-zone Europe/Berlin
dau() { "$LANDFALL" usage dau --from 2026-03-29 --to 2026-03-31 --now 2026-04-02 --no-snapshot --json |
        jq -r '[.rows[] | "\(.day):\(.users)"] | join(" ")'; }
check_eq "Berlin: dau per local day" "2026-03-29:1 2026-03-30:2" "$(dau)"
check_eq "Berlin: last seen in local time, days since in local days" \
    "2026-03-30T01:30:00+02:00 2" \
    "$("$LANDFALL" usage recency --to 2026-04-01T00:30:00 --now 2026-04-02 --no-snapshot --json |
       jq -r '.rows[0] | "\(.last_seen) \(.days_since)"')"
run_lf workspace --time-zone UTC
check_eq "UTC: the same events on the 29th" "2026-03-29:2 2026-03-30:0" "$(dau)"
check_eq "UTC: the engine's JSON says the zone" "UTC" \
    "$("$LANDFALL" usage dau --from 2026-03-29 --to 2026-03-31 --now 2026-04-02 --json | jq -r .time_zone)"

run_lf workspace --time-zone Mars/Olympus_Mons
check_eq "an unknown zone is a usage error" 2 "$rc"
check "naming it" grep -q "Mars/Olympus_Mons" "$SCRATCH/err"
finish
