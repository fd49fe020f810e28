#!/usr/bin/env bash
# validation.sh - every Segment item is checked whole before any of it is stored, against the
# limits docs/api.md states (the store's): ids and event names at most 256 bytes, text traits
# 1 KiB, properties and traits 64 KiB of JSON; times from 1970 to a day after receipt (after the
# clock-skew correction); the traits the store reads (email, currency, MRR, seats, dates) and an
# event's value. A rejected item is a 422 (alone) or listed by index (in a batch), naming the
# field, and nothing of it is stored.
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
serve_start

rep() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# reject DESCRIPTION ENDPOINT BODY FIELD: a single call answered 422, naming FIELD
reject() {
    http POST "$2" -u "$w:" "${JSON[@]}" -d "$3"
    check_eq "$1: 422 naming $4" "422 invalid $4" \
        "$status $(jfield '$.error.code') $(jfield '$.error.field')"
}
# accept DESCRIPTION ENDPOINT BODY: a single call answered 200 and accepted
accept() {
    http POST "$2" -u "$w:" "${JSON[@]}" -d "$3"
    check_eq "$1: accepted" "200 1" "$status $(jfield '$.accepted')"
}
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }

# sizes: the store's limits (model/resource.c), checked before anything is stored
accept "an event name of 256 bytes" /v1/track "{\"userId\": \"u\", \"event\": \"$(rep 256 n)\", \"messageId\": \"v-1\"}"
reject "an event name of 257 bytes" /v1/track "{\"userId\": \"u\", \"event\": \"$(rep 257 n)\"}" event
check_eq "... saying the limit" "'event' is 257 bytes, over its limit of 256" "$(jfield '$.rejected[0].message')"
reject "a userId of 257 bytes" /v1/track "{\"userId\": \"$(rep 257 u)\", \"event\": \"e\"}" userId
reject "a messageId of 257 bytes" /v1/track "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"$(rep 257 m)\"}" messageId
reject "an account (context.groupId) of 257 bytes" /v1/track \
    "{\"userId\": \"u\", \"event\": \"e\", \"context\": {\"groupId\": \"$(rep 257 g)\"}}" context.groupId
reject "an account (properties.account_id) of 257 bytes" /v1/track \
    "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"account_id\": \"$(rep 257 g)\"}}" properties.account_id
reject "a group call's groupId of 257 bytes" /v1/group "{\"userId\": \"u\", \"groupId\": \"$(rep 257 g)\"}" groupId
reject "an identify's account (traits.groupId) of 257 bytes" /v1/identify \
    "{\"userId\": \"u\", \"traits\": {\"groupId\": \"$(rep 257 g)\"}}" traits.groupId
reject "a contact name of 1025 bytes" /v1/identify "{\"userId\": \"u\", \"traits\": {\"name\": \"$(rep 1025 a)\"}}" traits.name
reject "properties of 70 KB" /v1/track \
    "{\"userId\": \"u\", \"event\": \"e\", \"properties\": {\"blob\": \"$(rep 70000 b)\"}}" properties
reject "traits of 70 KB" /v1/identify "{\"userId\": \"u\", \"traits\": {\"blob\": \"$(rep 70000 b)\"}}" traits

# times: 1970-01-01 to a day after receipt, after the clock-skew correction
reject "a timestamp of 9999-12-31" /v1/track '{"userId": "u", "event": "e", "timestamp": "9999-12-31T00:00:00Z"}' timestamp
reject "a timestamp of 0001-01-01" /v1/track '{"userId": "u", "event": "e", "timestamp": "0001-01-01T00:00:00Z"}' timestamp
reject "a second before 1970" /v1/track '{"userId": "u", "event": "e", "timestamp": "1969-12-31T23:59:59Z"}' timestamp
reject "a day and an hour ahead" /v1/track "{\"userId\": \"u\", \"event\": \"e\", \"timestamp\": \"$(iso '+25 hours')\"}" timestamp
accept "23 hours ahead (a clock a little off)" /v1/track \
    "{\"userId\": \"u\", \"event\": \"e\", \"messageId\": \"v-2\", \"timestamp\": \"$(iso '+23 hours')\"}"
# sent at 1970 by the device's clock, happened in 2025 by it: 55 years after receipt
reject "a skew correction that lands decades ahead" /v1/track \
    '{"userId": "u", "event": "e", "timestamp": "2025-01-01T00:00:00Z", "sentAt": "1970-01-01T00:00:00Z"}' timestamp
check "... saying so" grep -q "after the clock-skew correction" <<<"$(jfield '$.error.message')"
reject "originalTimestamp of 9999 (no timestamp)" /v1/track \
    '{"userId": "u", "event": "e", "originalTimestamp": "9999-01-01T00:00:00Z"}' originalTimestamp

# what the store reads from traits and properties
reject "an email that is none" /v1/identify '{"userId": "u", "traits": {"email": "not-an-address"}}' traits.email
check_eq "... saying why" "traits.email: 'not-an-address' is not an email address" "$(jfield '$.rejected[0].message')"
reject "an email that is an object" /v1/identify '{"userId": "u", "traits": {"email": {"a": 1}}}' traits.email
reject "a contact created in 9999" /v1/identify '{"userId": "u", "traits": {"createdAt": "9999-12-31"}}' traits.createdAt
reject "an identify without a userId" /v1/identify '{"anonymousId": "a", "traits": {"name": "Anon"}}' userId
reject "a currency in lower case" /v1/group '{"userId": "u", "groupId": "g", "traits": {"currency": "usd"}}' traits.currency
reject "an MRR with 3 decimals (USD has 2)" /v1/group '{"userId": "u", "groupId": "g", "traits": {"mrr": "12.345"}}' traits.mrr
reject "an MRR with decimals in JPY" /v1/group '{"userId": "u", "groupId": "g", "traits": {"mrr": 12.5, "currency": "JPY"}}' traits.mrr
reject "a negative MRR" /v1/group '{"userId": "u", "groupId": "g", "traits": {"mrr": -5}}' traits.mrr
reject "2.5 seats" /v1/group '{"userId": "u", "groupId": "g", "traits": {"seats": 2.5}}' traits.seats
reject "a customer since 0001-01-01" /v1/group '{"userId": "u", "groupId": "g", "traits": {"customer_since": "0001-01-01"}}' traits.customer_since
reject "a renewal in 9999" /v1/group '{"userId": "u", "groupId": "g", "traits": {"renewal_date": "9999-12-31"}}' traits.renewal_date
reject "an event value that is no number" /v1/track '{"userId": "u", "event": "e", "properties": {"value": "abc"}}' properties.value
reject "an event value that is true" /v1/track '{"userId": "u", "event": "e", "properties": {"revenue": true}}' properties.revenue
check_eq "nothing of the rejected items was stored: the 2 accepted events only" "2 0 0" \
    "$(sql "SELECT count(*) FROM events") $(sql "SELECT count(*) FROM accounts") $(sql "SELECT count(*) FROM contacts WHERE ext_id != 'u'")"
accept "a renewal two years ahead, MRR 1200.50 in EUR, 25 seats" /v1/group \
    "{\"userId\": \"u\", \"groupId\": \"g\", \"traits\": {\"renewal_date\": \"$(date -u -d '+2 years' +%F)\", \"mrr\": \"1200.50\", \"currency\": \"EUR\", \"seats\": 25}}"
check_eq "... stored as written (MRR in cents)" "120050|EUR|25" "$(sql "SELECT mrr, currency, seats FROM accounts WHERE ext_id = 'g'")"

# a batch: the counts are per item, received = accepted + rejected
http POST /v1/batch -u "$w:" "${JSON[@]}" -d '{"batch": [
  {"type": "track", "userId": "u", "event": "e", "messageId": "b-0", "timestamp": "2026-01-01T00:00:00Z"},
  {"type": "track", "userId": "u", "event": "e", "messageId": "b-1", "timestamp": "9999-12-31T00:00:00Z"},
  {"type": "identify", "userId": "u", "traits": {"email": "nope"}},
  {"type": "track", "userId": "u", "event": "e", "messageId": "b-3", "timestamp": "2026-01-02T00:00:00Z"}]}'
check_eq "a batch with 2 bad items of 4: 200, 4 = 2 + 2" "200 4 2 2 2" \
    "$status $(jfield '$.received') $(jfield '$.accepted') $(jlen '$.rejected') $(jfield '$.inserted')"
check_eq "... each by index and field" "1 timestamp 2 traits.email" \
    "$(jfield '$.rejected[0].index') $(jfield '$.rejected[0].field') $(jfield '$.rejected[1].index') $(jfield '$.rejected[1].field')"
check_eq "... only the good ones stored" "b-0 b-3" \
    "$(sql "SELECT group_concat(message_id, ' ') FROM (SELECT message_id FROM events WHERE message_id LIKE 'b-%' ORDER BY 1)")"

# money: at most 10^13 minor units (model.h), on every path. The REST API took an MRR of
# 9223372036854775807 cents, and the MRR report summed two of them into -9223372036853020109
a=$(new_key admin)
admin=(-H "Authorization: Bearer $a" "${JSON[@]}")
http POST /v1/accounts "${admin[@]}" -d '{"id": "huge", "mrr": 9223372036854775807}'
check_eq "REST: an MRR of INT64_MAX cents: 422 naming it" "422 mrr" "$status $(jfield '$.error.field')"
check_eq "... saying the limit" "'mrr' is 9223372036854775807 minor units, over the largest amount, 10000000000000" \
    "$(jfield '$.error.message')"
http POST /v1/accounts "${admin[@]}" -d '{"id": "most", "mrr": 10000000000000}'
check_eq "REST: an MRR of 10^13 cents is taken" "201 10000000000000" "$status $(jfield '$.mrr')"
http POST /v1/mrr_changes "${admin[@]}" -d '{"account_id": "most", "date": "2025-01-01", "mrr": 10000000000001}'
check_eq "REST: an MRR change of 10^13 + 1 cents: 422" "422 mrr" "$status $(jfield '$.error.field')"
http POST /v1/orders "${admin[@]}" -d '{"id": "o-huge", "account_id": "most", "ts": "2025-01-01", "amount": -10000000000001}'
check_eq "REST: an order of -(10^13 + 1) cents: 422" "422 amount" "$status $(jfield '$.error.field')"
reject "Segment: an MRR of 10^11 dollars and a cent (10^13 + 1 cents)" /v1/group \
    '{"userId": "u", "groupId": "g2", "traits": {"mrr": "100000000000.01"}}' traits.mrr
printf 'id,mrr\nc-huge,100000000000.01\nc-most,100000000000\n' >"$SCRATCH/huge.csv"
"$LANDFALL" import accounts "$SCRATCH/huge.csv" >/dev/null 2>"$SCRATCH/import.err"
check_eq "import: the same bound (rows rejected: exit 1)" 1 "$?"
check_eq "... the amount over it rejected, the one at it taken" "c-most|10000000000000" \
    "$(sql "SELECT ext_id, mrr FROM accounts WHERE ext_id LIKE 'c-%'")"
serve_stop
check_eq "clean stop" 0 "$stop_rc"
finish
