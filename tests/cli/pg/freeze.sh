#!/usr/bin/env bash
# freeze.sh - PostgreSQL frozen (SIGSTOP on its postmaster and every backend: what a stuck disk or
# a network cut without a reset looks like to a client) under a running `landfall serve` whose
# store URL sets timeout=2 and connect_timeout=1: a read, a metric (the compute pool), an
# ingestion batch and /healthz are each answered 503 `unavailable` with Retry-After and a JSON
# body instead of hanging, a request that needs no store is answered 200, a CLI command exits 4
# naming the database and the timeout; after SIGCONT the same server answers 200 by itself, the
# store holds exactly the acknowledged batches (nothing of the refused one), its follower still
# follows another process's commits, and it stops cleanly.
source "$(dirname "$0")/../server/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
PG_OWN=1 pg_start # it freezes its server: never the one the suite's other tests use
DB=$(pg_db freeze)
sql() { psql_q "$DB" "$1"; } # psql refuses landfall's own URL parameter, timeout
export LANDFALL_DB="$DB&timeout=2&connect_timeout=1"

w=$(new_key write)
r=$(new_key read)
serve_start --no-snapshot
batch() { # batch N: a Segment batch of two events, message ids fz-N-1 and fz-N-2
    http POST /v1/batch -u "$w:" "${JSON[@]}" --max-time 60 -d "{\"batch\": [
        {\"type\": \"track\", \"userId\": \"u1\", \"event\": \"E\", \"messageId\": \"fz-$1-1\", \"context\": {\"groupId\": \"a1\"}},
        {\"type\": \"track\", \"userId\": \"u2\", \"event\": \"E\", \"messageId\": \"fz-$1-2\", \"context\": {\"groupId\": \"a1\"}}]}"
}
batch 1
check_eq "a batch before the freeze" 200 "$status"
http GET /v1/accounts/a1 -H "Authorization: Bearer $r"
check_eq "a read before the freeze (the reader connection is made)" "200 a1" \
    "$status $(jfield '$.id')"

# another writer holding the write lock (a long import) is no frozen server: the batch's wait
# for the lock is ended by PostgreSQL (lock_timeout, below the bound), its connection stays, and
# reads go on meanwhile. The lock is held until the test's batch and read have been answered.
mkfifo "$SCRATCH/hold"
psql -X -q "$DB" -c "BEGIN" -c "SELECT pg_advisory_xact_lock(7809644606330596460)" \
    -c "\\echo locked" -c "\\! read -r _ <$SCRATCH/hold" -c "COMMIT" >"$SCRATCH/psql.out" &
holder=$!
until grep -q locked "$SCRATCH/psql.out" 2>/dev/null; do sleep 0.05; done
batch 2a
check_eq "a batch while another writer holds the lock: 503 naming the lock" "503 1" \
    "$status $(jfield '$.error.message' | grep -c 'write lock')"
http GET /v1/accounts/a1 -H "Authorization: Bearer $r"
check_eq "a read meanwhile: 200" 200 "$status"
echo >"$SCRATCH/hold"
wait "$holder"
batch 2b
check_eq "a batch once the lock is given back" 200 "$status"

# every process of the server: the postmaster (postmaster.pid's first line) and its children
pm=$(head -1 "$PG_DIR/data/postmaster.pid")
frozen="$pm $(pgrep -P "$pm" | paste -sd' ')"
kill -STOP $frozen

# timed: each answer within the bound and a little. A hang would be cut by curl's --max-time
# (60 s, 30 times the bound); the elapsed time is compared to it, never to a tight threshold.
timed() { # timed DESCRIPTION METHOD PATH [CURL ARGS...]: $status, $body, $ms, and the checks
    local what=$1 t0
    shift
    t0=$(date +%s%N)
    http "$@" --max-time 60 -D "$SCRATCH/h"
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "$what during the freeze: $status in $ms ms"
    check_eq "$what during the freeze: 503 unavailable" "503 unavailable" \
        "$status $(jfield '$.error.code')"
    check_eq "$what: Retry-After" 1 "$(awk 'tolower($1) == "retry-after:" { print $2 + 0 }' \
        "$SCRATCH/h")"
    check "$what: answered ($ms ms), not left hanging until curl gave up (60 s)" \
        test "$ms" -lt 30000
}
# the first request waits for the bound (the writer's BEGIN gets no answer); the others, for a
# second after, fail at once: one request at a time tries the server, at most once a second
t0=$(date +%s%N)
batch 2
ms=$((($(date +%s%N) - t0) / 1000000))
echo "an ingestion batch during the freeze: $status in $ms ms"
check_eq "an ingestion batch during the freeze: 503 unavailable" "503 unavailable" \
    "$status $(jfield '$.error.code')"
check_eq "with Retry-After" 1 "$(curl -s -D - -o /dev/null -u "$w:" "${JSON[@]}" -d '{"batch": []}' --max-time 60 "$URL/v1/batch" |
    awk 'tolower($1) == "retry-after:" { print $2 + 0 }')"
check "an ingestion batch: answered ($ms ms)" test "$ms" -lt 30000
timed "a read" GET /v1/accounts/a1 -H "Authorization: Bearer $r"
check_eq "its message names the database" 1 "$(jfield '$.error.message' | grep -c "'freeze'")"
# more reads at once than the server has read connections (4): those queued behind a reader
# that waits fail at once once one got no answer, rather than each waiting a bound in turn
for i in $(seq 12); do
    curl -s -o /dev/null --max-time 60 -w '%{http_code} %{time_total}\n' \
        -H "Authorization: Bearer $r" "$URL/v1/accounts/a1" >"$SCRATCH/par.$i" &
done
wait $(jobs -p | grep -v "^$SERVER_PID\$")
echo "12 reads at once during the freeze: $(cat "$SCRATCH"/par.* | sort -k2 -n | awk '{ s = s $1 " " $2 "s, " } END { print s }')"
check_eq "12 reads at once during the freeze: each 503" "12" \
    "$(cat "$SCRATCH"/par.* | awk '$1 == 503' | wc -l)"
timed "a metric (the compute pool)" GET /v1/metrics/nps -H "Authorization: Bearer $r"
timed "/healthz" GET /healthz
http GET /openapi.json --max-time 60
check_eq "a request that needs no store is answered during the freeze" 200 "$status"

t0=$(date +%s%N)
timeout 60 "$LANDFALL" keys list >"$SCRATCH/out" 2>"$SCRATCH/err"
rc=$?
echo "a CLI command during the freeze: exit $rc in $((($(date +%s%N) - t0) / 1000000)) ms: $(cat "$SCRATCH/err")"
check_eq "a CLI command during the freeze: exit 4 (the store failed)" 4 "$rc"
check_eq "its message names the database and the bound" 1 \
    "$(grep -c "database 'freeze'.*within 1 s.*connect_timeout" "$SCRATCH/err")"
check "the server is still running" kill -0 "$SERVER_PID"

kill -CONT $frozen
# a client honouring Retry-After: the server is tried again at most once a second
for _ in $(seq 30); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$URL/healthz")" = 200 ] && break
    sleep 1
done
batch 3
check_eq "a batch after SIGCONT, on the same server" 200 "$status"
http GET /v1/accounts/a1 -H "Authorization: Bearer $r"
check_eq "a read after SIGCONT" "200 a1" "$status $(jfield '$.id')"
http GET /healthz
check_eq "/healthz after SIGCONT" 200 "$status"
http GET /v1/metrics/nps -H "Authorization: Bearer $r"
check_eq "a metric after SIGCONT (the compute pool went on)" 200 "$status"
check_eq "stored: batches 1, 2b and 3 whole, nothing of the refused 2a and 2" \
    "fz-1-1 fz-1-2 fz-2b-1 fz-2b-2 fz-3-1 fz-3-2" \
    "$(sql "SELECT message_id FROM events ORDER BY message_id" | paste -sd' ')"

# the follower lived through its failed looks: another process's commit reaches the server.
# Its count may include this server's own events when it looked before the writer published
# them, so it is read before the CLI's commit, once every batch here has been answered.
followed() { curl -s --max-time 10 "$URL/metrics" |
    awk '$1 == "landfall_feed_followed_events_total" { print $2 }'; }
before=$(followed)
printf '{"type": "track", "userId": "u3", "event": "E", "messageId": "fz-cli-1", "timestamp": "%s", "context": {"groupId": "a1"}}\n' "$(date -u +%FT%TZ)" \
    >"$SCRATCH/ev.ndjson"
run_lf import events "$SCRATCH/ev.ndjson"
check_eq "the CLI imports after the freeze" 0 "$rc"
after=$before
for _ in $(seq 100); do # the follower looks at least every 500 ms
    after=$(followed)
    [ "$after" -gt "$before" ] && break
    sleep 0.1
done
check_eq "the follower published the CLI's one event after the freeze" 1 "$((after - before))"

LANDFALL_DB="$DB&timeout=soon" run_lf keys list
check_eq "a timeout that is no number of seconds: usage error (2), named" "2 1" \
    "$rc $(grep -c "timeout 'soon' is not a number of seconds" <<<"$errout")"

serve_stop
check_eq "the server stops cleanly" 0 "$stop_rc"
finish
