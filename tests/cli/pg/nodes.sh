#!/usr/bin/env bash
# nodes.sh - two `landfall serve` nodes on one PostgreSQL database, both on 127.0.0.1: what one
# writes the other serves, and the other's follower publishes it (LISTEN/NOTIFY) without being
# asked; kill -9 of one node under load loses no acknowledged batch, and the other node goes on
# serving and has followed every stored event exactly once. Then A again: the real Segment
# client (@segment/analytics-node) sends through both nodes at once, and each node's engine counts
# both clients' events; and A is killed with -9 again while B takes batches the whole time: B
# answers every one, before and after, and every batch either node acknowledged is stored whole.
source "$(dirname "$0")/../server/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
pg_start
export LANDFALL_DB=$(pg_db nodes)
sql() { psql_q "$LANDFALL_DB" "$1"; }

w=$(new_key write)
r=$(new_key read)
a=$(new_key admin)
serve_start --no-snapshot
URL_A=$URL PID_A=$SERVER_PID
serve_start --no-snapshot
URL_B=$URL PID_B=$SERVER_PID

# followed NAME: node B's counter landfall_feed_followed_NAME_total
followed() {
    curl -s "$URL_B/metrics" | sed -n "s/^landfall_feed_followed_$1_total //p"
}
# wait_followed NAME N: until node B's follower has published N (bounded: 60 s of looks)
wait_followed() {
    local i
    for ((i = 0; i < 600; i++)); do
        [ "$(followed "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# An account written on A: served by B, and published by B's follower (one change).
URL=$URL_A http POST /v1/accounts -u "$a:" "${JSON[@]}" \
    -d '{"id":"acme","name":"Acme","plan":"growth","mrr":50000,"customer_since":"2025-03-01"}'
check_eq "A creates the account" 201 "$status"
check "B's follower publishes A's change" wait_followed changes 1
URL=$URL_B http GET /v1/accounts/acme -u "$r:"
check_eq "B serves A's account" "200 growth" "$status $(jfield '$.plan')"

# Two users' events through A: B's engine counts them (its feed had them already).
day="now=2026-01-06&from=2026-01-05&to=2026-01-06"
URL=$URL_A http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [
  {"type": "track", "userId": "n-1", "event": "report viewed", "messageId": "n-1",
   "timestamp": "2026-01-05T10:00:00Z", "context": {"groupId": "acme"}},
  {"type": "track", "userId": "n-2", "event": "report viewed", "messageId": "n-2",
   "timestamp": "2026-01-05T11:00:00Z", "context": {"groupId": "acme"}}]}'
check_eq "A stores the batch" "200 2" "$status $(jfield '$.inserted')"
check "B's follower publishes A's two events" wait_followed events 2
URL=$URL_B http GET "/v1/usage/dau?account=acme&$day" -u "$r:"
check_eq "B's engine counts A's two users on 2026-01-05" "200 2" "$status $(jfield '$.rows[0].users')"

# And the other way: B writes, A serves.
URL=$URL_B http PATCH /v1/accounts/acme -u "$a:" "${JSON[@]}" -d '{"plan":"business"}'
check_eq "B updates the account" 200 "$status"
URL=$URL_A http GET /v1/accounts/acme -u "$r:"
check_eq "A serves B's update" "200 business" "$status $(jfield '$.plan')"

# kill -9 of A while four clients send to it: every acknowledged batch is stored whole.
: >"$SCRATCH/acks"
node "$(dirname "$0")/../../clients/durability.mjs" "$URL_A" "$w" "$PID_A" "$SCRATCH/acks" \
    >"$SCRATCH/body" 2>"$SCRATCH/durability.err"
check_eq "the client ran" 0 "$?"
check_eq "the client killed node A mid-stream" 1 "$(jfield '$.killed')"
wait "$PID_A"
check_eq "node A died of SIGKILL" 137 "$?"
acked=$(wc -l <"$SCRATCH/acks")
check "at least 20 batches were acknowledged" test "$acked" -ge 20
missing=0
while read -r n; do
    got=$(sql "SELECT count(*) FROM events WHERE message_id LIKE 'dur-$n-%'")
    [ "$got" = 50 ] || { missing=$((missing + 1)); echo "batch $n: $got of 50 events"; }
done <"$SCRATCH/acks"
check_eq "every acknowledged batch is stored whole" 0 "$missing"
total=$(sql "SELECT count(*) FROM events")
check_eq "no batch is stored in part (2 + 50 a batch)" 0 $(((total - 2) % 50))

# B's follower has published every event A stored, once: B itself has written no event yet
# (what a node writes is published by its writer; its follower might race it for those).
check "B's follower publishes what A committed before it died" wait_followed events "$total"
check_eq "... each event once" "$total" "$(followed events)"

# B goes on after A died. The same message ids through B (a request's events go through COPY):
# n-1 is stored already, d-1 comes twice, d-2 once: 2 new and 2 duplicates, and the stored d-1
# is the first.
URL=$URL_B http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [
  {"type": "track", "userId": "n-1", "event": "report viewed", "messageId": "n-1"},
  {"type": "track", "userId": "n-1", "event": "first", "messageId": "d-1",
   "timestamp": "2026-01-07T10:00:00Z"},
  {"type": "track", "userId": "n-1", "event": "second", "messageId": "d-1",
   "timestamp": "2026-01-08T10:00:00Z"},
  {"type": "track", "userId": "n-2", "event": "report viewed", "messageId": "d-2"}]}'
check_eq "B counts 2 new and 2 duplicates" "200 2 2" \
    "$status $(jfield '$.inserted') $(jfield '$.duplicates')"
check_eq "the first d-1 is stored" "first" "$(sql "SELECT n.name FROM events e JOIN event_names n
    ON n.id = e.name_id WHERE e.message_id = 'd-1'")"

check_eq "the store holds A's events and B's two" $((total + 2)) "$(sql "SELECT count(*) FROM events")"

# ---- node A again, and the real Segment client through both nodes at once ----
serve_start --no-snapshot
URL_A=$URL PID_A=$SERVER_PID
clients=$(cd "$(dirname "$0")/../../clients" && pwd)
if [ ! -d "$clients/node_modules/@segment/analytics-node" ]; then
    (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/clients failed"; exit 1; }
fi
# ingested URL: the node's landfall_events_ingested_total (events it stored itself)
ingested() {
    curl -s "$1/metrics" | sed -n 's/^landfall_events_ingested_total //p'
}
b0=$(ingested "$URL_B")
node "$clients/segment_nodes.mjs" "$URL_A" "$URL_B" "$w" >"$SCRATCH/body" 2>"$SCRATCH/segment.err"
check_eq "the Segment clients ran" 0 "$?"
check_eq "each had every event answered: 120 through A, 80 through B, no error" "120 80 0" \
    "$(jfield '$.a') $(jfield '$.b') $(jlen '$.errors')"
check_eq "A stored its client's 120 (a new process: its counter starts at 0)" 120 "$(ingested "$URL_A")"
check_eq "B stored its client's 80" 80 $(($(ingested "$URL_B") - b0))
check_eq "the store holds the 200 events of 10 users" "200|10" "$(sql "SELECT count(*),
    count(DISTINCT c.ext_id) FROM events e JOIN contacts c ON c.id = e.contact_id
    WHERE e.message_id LIKE 'sn-%'")"
# each node's engine counts both clients' events: its own and the other node's (6 users and 120
# events through A, 4 and 80 through B, all on 2026-02-03)
sn_day="account=sn-acme&now=2026-02-04&from=2026-02-03&to=2026-02-04"
for node in A B; do
    [ $node = A ] && URL=$URL_A || URL=$URL_B
    http GET "/v1/usage/dau?$sn_day" -u "$r:"
    check_eq "node $node's engine: 10 users and 200 events on 2026-02-03" "200 10 200" \
        "$status $(jfield '$.rows[0].users') $(jfield '$.rows[0].events')"
done

# kill -9 of A under load while B takes batches the whole time: every batch acknowledged by either
# node is stored whole, and B answers every one of its own, before and after A's death.
: >"$SCRATCH/acks2"
DUR_PREFIX=kill2 node "$clients/durability.mjs" "$URL_A" "$w" "$PID_A" "$SCRATCH/acks2" "$URL_B" \
    >"$SCRATCH/body" 2>"$SCRATCH/durability2.err"
check_eq "the client ran" 0 "$?"
check_eq "it killed A, and B answered every batch, 10 or more of them after the kill" "1 0 1" \
    "$(jfield '$.killed') $(jfield '$.other_failed') $(($(jfield '$.other_after_kill') >= 10))"
wait "$PID_A"
check_eq "node A died of SIGKILL" 137 "$?"
check "at least 20 of A's batches were acknowledged" test "$(grep -vc '^o' "$SCRATCH/acks2")" -ge 20
# the batches stored whole (50 events), in one query: every acknowledged one is among them
sql "SELECT split_part(message_id, '-', 2) FROM events WHERE message_id LIKE 'kill2-%'
     GROUP BY 1 HAVING count(*) = 50" | LC_ALL=C sort >"$SCRATCH/whole2"
check_eq "every acknowledged batch, A's and B's, is stored whole" "" \
    "$(LC_ALL=C sort "$SCRATCH/acks2" | LC_ALL=C comm -23 - "$SCRATCH/whole2")"
check_eq "no batch is stored in part" 0 \
    $(($(sql "SELECT count(*) FROM events WHERE message_id LIKE 'kill2-%'") % 50))
check_eq "B stored every batch it acknowledged" "$(grep -c '^o' "$SCRATCH/acks2")" \
    "$(sql "SELECT count(DISTINCT split_part(message_id, '-', 2)) FROM events
            WHERE message_id LIKE 'kill2-o%'")"
URL=$URL_B http GET /v1/accounts/acme -u "$r:"
check_eq "B goes on serving" "200 business" "$status $(jfield '$.plan')"

SERVER_PID=$PID_B
serve_stop
check_eq "B stops cleanly" 0 "$stop_rc"
finish
