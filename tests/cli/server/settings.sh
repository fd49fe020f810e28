#!/usr/bin/env bash
# settings.sh - a workspace's time zone set by another process reaches a running server at its
# next request (the change feed carries workspace updates), and the engine then takes stored
# dates as local dates. Worked by hand: account a1 became a customer on 2026-01-05; its
# milestone event is at 2026-01-04T20:00Z. In UTC that is before its start (00:00Z on the 5th):
# a milestone reached before the start counts as 0 days. In Tokyo (UTC+9) the 5th starts at 2026-01-04T15:00Z, so the milestone came
# 5 hours after the start: 0.2083 days. Its daily users: the event is on the 4th in UTC, on the
# 5th in Tokyo.
source "$(dirname "$0")/server_lib.sh"

cd "$SCRATCH" || exit 1
printf 'id,customer_since\na1,2026-01-05\n' >accounts.csv
printf 'account_id,date,mrr\na1,2026-01-05,1000\n' >mrr.csv
printf 'ts,account_id,user_id,event\n2026-01-04T20:00:00Z,a1,u1,activated\n' >events.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import mrr_changes mrr.csv >/dev/null 2>&1
"$LANDFALL" import events events.csv >/dev/null 2>&1
r=$(new_key read)
auth=(-H "Authorization: Bearer $r")
serve_start

ttv() {
    http GET "/v1/metrics/ttv-accounts?milestone=activated&now=2026-02-01" "${auth[@]}"
    echo "$(jfield '$.time_zone') $(jfield '$.rows[0].days')"
}
dau() {
    http GET "/v1/metrics/dau?from=2026-01-04&to=2026-01-06&now=2026-02-01" "${auth[@]}"
    echo "$(jfield '$.rows[0].users') $(jfield '$.rows[1].users')"
}
check_eq "UTC: the milestone came before the start" "UTC 0" "$(ttv)"
check_eq "UTC: a user on the 4th" "1 0" "$(dau)"

"$LANDFALL" workspace --time-zone Asia/Tokyo >/dev/null
check_eq "Tokyo, set by the CLI while the server runs: 5 hours after the start" \
    "Asia/Tokyo 0.2083333333" "$(ttv)"
check_eq "Tokyo: a user on the 5th" "0 1" "$(dau)"
check_eq "the CLI agrees" "0.2083333333" \
    "$("$LANDFALL" usage ttv-accounts --milestone activated --now 2026-02-01 --json | jq -r '.rows[0].days')"
serve_stop
finish
