#!/usr/bin/env bash
# reports.sh - GET /v1/reports/NAME answers the very document `landfall report NAME --json`
# prints, for every report, with and without --by; and the parameters are checked.
source "$(dirname "$0")/server_lib.sh"

run_lf demo --accounts 40 --seed 3 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
r=$(new_key read)
a=$(new_key admin)
serve_start
auth=(-H "Authorization: Bearer $r")

http GET /v1/reports "${auth[@]}"
check_eq "the list" 200 "$status"
names=$(sqlite3 :memory: "SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(CAST(readfile('$SCRATCH/body') AS TEXT), '$.reports')")
check "the list names nps … clv" grep -q '^nps csat ces churn .*clv$' <<<"$names"
window="from=2025-01-01&to=2026-01-01&now=2026-01-01"
for name in $names; do
    "$LANDFALL" report "$name" --from 2025-01-01 --to 2026-01-01 --now 2026-01-01 --json \
        >"$SCRATCH/cli.json" 2>/dev/null
    http GET "/v1/reports/$name?$window" "${auth[@]}"
    check_eq "$name: 200" 200 "$status"
    check_eq "$name: the CLI's --json document" "$(cat "$SCRATCH/cli.json")" "$body"
done
"$LANDFALL" report nps --by quarter --from 2025-01-01 --to 2026-01-01 --now 2026-01-01 --json >"$SCRATCH/cli.json"
http GET "/v1/reports/nps?by=quarter&$window" -H "Authorization: Bearer $a"
check_eq "nps by quarter (an admin key reads too)" "$(cat "$SCRATCH/cli.json")" "$body"
check_eq "... four quarters" 4 "$(jlen '$.rows')"

http GET "/v1/reports/nps?by=galaxy" "${auth[@]}"
check_eq "an unknown --by: 400 on field by" "400 bad_request by" "$status $(jfield '$.error.code') $(jfield '$.error.field')"
http GET "/v1/reports/nps?from=yesterday" "${auth[@]}"
check_eq "a bad date: 400 on field from" "400 from" "$status $(jfield '$.error.field')"
http GET "/v1/reports/clv?margin=2" "${auth[@]}"
check_eq "a margin over 1: 400" "400 margin" "$status $(jfield '$.error.field')"
serve_stop
finish
