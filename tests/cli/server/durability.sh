#!/usr/bin/env bash
# durability.sh - kill -9 the server while clients are sending: after a restart every batch that
# got a 200 is in the database, whole, and the database passes PRAGMA integrity_check.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
serve_start
: >"$SCRATCH/acks"
node "$(dirname "$0")/../../clients/durability.mjs" "$URL" "$w" "$SERVER_PID" "$SCRATCH/acks" \
    >"$SCRATCH/body" 2>"$SCRATCH/durability.err"
check_eq "the client ran" 0 "$?"
check_eq "the client killed the server mid-stream" 1 "$(jfield '$.killed')"
wait "$SERVER_PID"
check_eq "the server died of SIGKILL" 137 "$?"
acked=$(wc -l <"$SCRATCH/acks")
check "at least 20 batches were acknowledged" test "$acked" -ge 20

# every acknowledged batch is there in full: 50 events each, by message id
check_eq "the database is intact" ok "$(store_intact "$LANDFALL_DB")"
missing=0
while read -r n; do
    got=$(sql "SELECT count(*) FROM events WHERE message_id LIKE 'dur-$n-%'")
    [ "$got" = 50 ] || { missing=$((missing + 1)); echo "batch $n: $got of 50 events"; }
done <"$SCRATCH/acks"
check_eq "every acknowledged batch is stored whole" 0 "$missing"
total=$(sql "SELECT count(*) FROM events")
check_eq "no batch is stored in part" 0 $((total % 50))

# a restart serves again on the same store
serve_start
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [{"type": "track", "userId": "dur-u0", "event": "After", "messageId": "after-1"}]}'
check_eq "after the restart a batch is stored" "200 1" "$status $(jfield '$.inserted')"
check_eq "... next to the others" $((total + 1)) "$(sql "SELECT count(*) FROM events")"
serve_stop
check_eq "the store is intact after all" ok "$(store_intact "$LANDFALL_DB")"
finish
