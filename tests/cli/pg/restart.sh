#!/usr/bin/env bash
# restart.sh - PostgreSQL stopped under a running `landfall serve`: every request is answered at
# once with 503 `unavailable`, a JSON body and Retry-After (the server neither dies nor hangs),
# nothing of a refused batch is stored; once PostgreSQL is back the same server answers 200 by
# itself (each request connects again), and the store holds exactly the acknowledged batches.
source "$(dirname "$0")/../server/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
PG_OWN=1 pg_start # it stops and starts its server: never the one the suite's other tests use
export LANDFALL_DB=$(pg_db restart)
sql() { psql_q "$LANDFALL_DB" "$1"; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

w=$(new_key write)
r=$(new_key read)
serve_start --no-snapshot
batch() { # batch N: a Segment batch of two events, message ids rs-N-1 and rs-N-2
    http POST /v1/batch -u "$w:" "${JSON[@]}" -d "{\"batch\": [
        {\"type\": \"track\", \"userId\": \"u1\", \"event\": \"E\", \"messageId\": \"rs-$1-1\", \"context\": {\"groupId\": \"a1\"}},
        {\"type\": \"track\", \"userId\": \"u2\", \"event\": \"E\", \"messageId\": \"rs-$1-2\", \"context\": {\"groupId\": \"a1\"}}]}"
}
batch 1
check_eq "a batch before the stop" 200 "$status"

as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
batch 2
check_eq "a batch while PostgreSQL is away: 503 unavailable" "503 unavailable" "$status $(jfield '$.error.code')"
curl -s -D "$SCRATCH/h" -o /dev/null -u "$w:" "${JSON[@]}" -d '{"batch": []}' "$URL/v1/batch"
check_eq "with Retry-After" 1 "$(awk 'tolower($1) == "retry-after:" { print $2 + 0 }' "$SCRATCH/h")"
http GET /v1/accounts -H "Authorization: Bearer $r"
check_eq "a read while PostgreSQL is away: 503 unavailable" "503 unavailable" "$status $(jfield '$.error.code')"
check "the server is still running" kill -0 "$SERVER_PID"

as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-c listen_addresses='' -k $PG_DIR" >/dev/null
batch 3
check_eq "a batch once PostgreSQL is back, on the same server" 200 "$status"
http GET /v1/accounts/a1 -H "Authorization: Bearer $r"
check_eq "a read once PostgreSQL is back" "200 a1" "$status $(jfield '$.id')"
check_eq "stored: batches 1 and 3 whole, nothing of 2" "rs-1-1 rs-1-2 rs-3-1 rs-3-2" \
    "$(sql "SELECT message_id FROM events ORDER BY message_id" | paste -sd' ')"
serve_stop
check_eq "the server stops cleanly" 0 "$stop_rc"
finish
