#!/usr/bin/env bash
# shutdown.sh - SIGTERM: the server stops accepting connections, the request in flight (a body
# still being uploaded when the signal came) is finished and durable, the store closes cleanly.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
serve_start
fifo="$SCRATCH/upload"
mkfifo "$fifo"
# curl streams the body from the FIFO (chunked) as the test writes it
curl -s -o "$SCRATCH/late.out" -w '%{http_code}' -X POST -T "$fifo" -u "$w:" \
    -H 'Content-Type: application/json' "$URL/v1/track" >"$SCRATCH/late.status" &
curl_pid=$!
exec 5>"$fifo"
printf '{"userId": "u-late", ' >&5

# the upload is in flight once the server counts it (with the /metrics request itself: 2);
# polled, bounded
inflight=0
for _ in $(seq 500); do
    inflight=$(curl -s "$URL/metrics" | sed -n 's/^landfall_http_requests_in_flight //p')
    [ "$inflight" = 2 ] && break
done
check_eq "the upload is in flight" 2 "$inflight"

kill -TERM "$SERVER_PID"
# the server stops accepting: a new connection is refused (polled, bounded)
refused=no
for _ in $(seq 500); do
    if ! curl -s -o /dev/null "$URL/healthz"; then refused=yes; break; fi
done
check_eq "after SIGTERM new connections are refused" yes "$refused"
check "... while the server still runs" kill -0 "$SERVER_PID"

printf '"event": "Finished Late", "messageId": "late-1"}' >&5
exec 5>&-
wait "$curl_pid"
check_eq "the request in flight was answered 200" 200 "$(cat "$SCRATCH/late.status")"
wait "$SERVER_PID"
check_eq "the server exits 0" 0 "$?"
check_eq "its event is durable" "Finished Late" \
    "$(sql "SELECT n.name FROM events e JOIN event_names n ON n.id = e.name_id WHERE e.message_id = 'late-1'")"
check_eq "the store is intact" ok "$(store_intact "$LANDFALL_DB")"
on_sqlite && check "the WAL was checkpointed away on close" test ! -s "$LANDFALL_DB-wal"
finish
