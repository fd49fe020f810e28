#!/usr/bin/env bash
# server.sh - health over HTTP: GET /v1/health, /v1/accounts/ID/health, /v1/expansion and
# /v1/health/backtest answer the documents the CLI prints; the server writes today's scores into
# the history when it starts; scorecards are stored, refused naming the field, and retired.
source "$(dirname "$0")/../server/server_lib.sh"

run_lf demo --accounts 40 --seed 3 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
r=$(new_key read)
a=$(new_key admin)
serve_start
auth=(-H "Authorization: Bearer $r")
admin=(-H "Authorization: Bearer $a")

"$LANDFALL" health --now 2026-01-01 --json >"$SCRATCH/cli.json"
http GET "/v1/health?now=2026-01-01" "${auth[@]}"
check_eq "GET /v1/health: 200" 200 "$status"
check_eq "... the CLI's document" "$(cat "$SCRATCH/cli.json")" "$body"
acc=$(jq -r '.rows[0].account' "$SCRATCH/cli.json")
"$LANDFALL" health explain "$acc" --now 2026-01-01 --json >"$SCRATCH/cli.json"
http GET "/v1/accounts/$acc/health?now=2026-01-01" "${auth[@]}"
check_eq "GET /v1/accounts/ID/health: the CLI's explain" "$(cat "$SCRATCH/cli.json")" "$body"
http GET "/v1/accounts/nobody/health" "${auth[@]}"
check_eq "an unknown account: 404" 404 "$status"
"$LANDFALL" expansion --now 2026-01-01 --json >"$SCRATCH/cli.json"
http GET "/v1/expansion?now=2026-01-01" "${auth[@]}"
check_eq "GET /v1/expansion: the CLI's document" "$(cat "$SCRATCH/cli.json")" "$body"

# the server wrote today's day of the history before it answered: as many rows as customers
# scored as of today's start (UTC here)
today=$(date -u +%Y-%m-%d)
"$LANDFALL" health --now "$today" --json >"$SCRATCH/cli.json"
scored=$(jq '[.rows[] | select(.score != null)] | length' "$SCRATCH/cli.json")
http GET "/v1/health/history?from=$today" "${auth[@]}"
check_eq "history: 200" 200 "$status"
check_eq "the server's daily snapshot" "$scored" "$(jq '.rows | length' <<<"$body")"
http POST "/v1/health/snapshot?date=2025-12-01" "${auth[@]}"
check_eq "a snapshot needs an admin key" 403 "$status"
http POST "/v1/health/snapshot?date=2025-12-01" "${admin[@]}"
"$LANDFALL" health --now 2025-12-01 --json >"$SCRATCH/cli.json"
check_eq "POST /v1/health/snapshot" \
    "{\"scored\": $(jq '[.rows[] | select(.score != null)] | length' "$SCRATCH/cli.json")}" "$body"

# scorecards
http POST /v1/scorecards "${admin[@]}" -H 'Content-Type: application/json' \
    -d '{"name": "x", "measures": [{"measure": "nps", "weight": 0, "concerning": 0, "healthy": 5}]}'
check_eq "a zero weight: 400 naming the field" "400 measures[0].weight" \
    "$status $(jfield '$.error.field')"
# weights of 1e308 summed to infinity: the score was ∞/∞, null for every account scored
http POST /v1/scorecards "${admin[@]}" -H 'Content-Type: application/json' \
    -d '{"name": "x", "measures": [{"measure": "nps", "weight": 1e308, "concerning": 0, "healthy": 5}, {"measure": "csat", "weight": 1e308, "concerning": 0, "healthy": 5}]}'
check_eq "a weight of 1e308: 400 naming the field" "400 measures[0].weight" \
    "$status $(jfield '$.error.field')"
card='{"name": "x", "measures": [{"measure": "nps", "weight": 1, "concerning": 0, "healthy": 5}]}'
http POST /v1/scorecards "${admin[@]}" -H 'Content-Type: application/json' -d "$card"
check_eq "stored: 201" "201 1 1" "$status $(jfield '$.version') $(jfield '$.changed')"
http POST /v1/scorecards "${admin[@]}" -H 'Content-Type: application/json' -d "$card"
check_eq "the same again: 200, unchanged" "200 1 0" \
    "$status $(jfield '$.version') $(jfield '$.changed')"
http GET /v1/scorecards "${auth[@]}"
check_eq "listed" "x 1 yes" "$(jq -r '.rows[] | select(.name == "x") | "\(.name) \(.version) \(.in_force)"' <<<"$body")"
"$LANDFALL" health backtest --scorecard x --versus default --now 2026-01-01 --json >"$SCRATCH/cli.json"
http GET "/v1/metrics/health-backtest?scorecard=x&versus=default&now=2026-01-01" "${auth[@]}"
check_eq "the backtest: the CLI's document" "$(cat "$SCRATCH/cli.json")" "$body"
http DELETE /v1/scorecards/x "${admin[@]}"
check_eq "retired" 200 "$status"
http DELETE /v1/scorecards/x "${admin[@]}"
check_eq "retired already: 404" 404 "$status"

# west of UTC a date is still that day of the workspace's zone, in the CLI as over HTTP (they
# read "2025-11-15" as UTC midnight, 16:00 on the 14th in Los Angeles, and wrote the 14th)
"$LANDFALL" workspace --time-zone America/Los_Angeles >/dev/null
"$LANDFALL" health snapshot --date 2025-11-15 >/dev/null
http POST "/v1/health/snapshot?date=2025-11-20" "${admin[@]}"
check_eq "POST /v1/health/snapshot in Los Angeles" 200 "$status"
# a history written at once: every day of the range, the 25-hour 2 November (DST ends) once
check_eq "health snapshot --from --to" "3 days written" \
    "$("$LANDFALL" health snapshot --from 2025-11-01 --to 2025-11-03 | cut -d, -f1)"
http GET "/v1/health/history?from=2025-11-01&to=2025-11-30" "${auth[@]}"
check_eq "the days written are the days asked (Los Angeles)" \
    "2025-11-01 2025-11-02 2025-11-03 2025-11-15 2025-11-20" \
    "$(jq -r '[.rows[].day[0:10]] | unique | join(" ")' <<<"$body")"
for d in 2025-11-02 2025-11-03; do
    n=$("$LANDFALL" health --now "$d" --json | jq '[.rows[] | select(.score != null)] | length')
    check_eq "$d: a row for each account scored as of its start" "$n" \
        "$(jq --arg d "$d" '[.rows[] | select(.day[0:10] == $d)] | length' <<<"$body")"
done
# far-off days are refused, as a metric's times are (they wrote a history of the year 9999)
"$LANDFALL" health snapshot --date 9999-12-31 2>"$SCRATCH/err"
check_eq "the year 9999: refused" "2 landfall: --date '9999-12-31' is outside 1970-01-01 .. 2199-12-31" \
    "$? $(head -1 "$SCRATCH/err")"
http POST "/v1/health/snapshot?date=1800-01-01" "${admin[@]}"
check_eq "… over HTTP: 400 naming the field" "400 date" "$status $(jfield '$.error.field')"
"$LANDFALL" health snapshot --from 2025-11-03 --to 2025-11-01 2>"$SCRATCH/err"
check_eq "a range backwards: refused" "1 landfall: the first day is after the last" \
    "$? $(cat "$SCRATCH/err")"
"$LANDFALL" health snapshot --from 2000-01-01 --to 2025-11-01 2>"$SCRATCH/err"
check_eq "a range over ten years: refused" "1 landfall: 9437 days: at most 3660 at once" \
    "$? $(cat "$SCRATCH/err")"
serve_stop
finish
