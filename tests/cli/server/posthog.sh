#!/usr/bin/env bash
# posthog.sh - PostHog's capture API as its libraries really send it (read from posthog-js and
# PostHog's own capture): /e/ with gzip bodies, bare (posthog-js now) or flagged
# ?compression=gzip-js (before); forms whose `data` field holds base64 (sendBeacon's fallback)
# or JSON; plain base64 bodies; /engage/ person updates; $set events. And each event checked
# whole: an event whose $set, $set_once, $groups or $group_set is invalid is rejected whole,
# naming its field, nothing of it stored, and the counts are per event (posthog-node's shapes
# are in clients.sh).
source "$(dirname "$0")/server_lib.sh"

w=$(new_key write)
serve_start
# event UUID NAME DISTINCT_ID [MORE]: an event as posthog-js builds it (key and distinct id in
# its properties); MORE is added to the event's top level
event() {
    printf '{"uuid": "%s", "event": "%s", "properties": {"token": "%s", "distinct_id": "%s", "$lib": "web"}, "timestamp": "2026-01-05T10:00:00.000Z"%s}' \
        "$1" "$2" "$w" "$3" "${4:+, $4}"
}
# body EVENT...: posthog-js's envelope
body() {
    local IFS=,
    printf '{"api_key": "%s", "batch": [%s], "sent_at": "2026-01-05T10:00:01.000Z"}' "$w" "$*"
}
stored() { sql "SELECT count(*) FROM events WHERE message_id = '$1'"; }

# posthog-js today: gzip, Content-Type text/plain, no Content-Encoding, nothing in the URL
body "$(event js-1 '$pageview' ann)" | gzip >"$SCRATCH/b.gz"
http POST '/e/?ip=0&_=1767607201000&ver=1.300.0' -H 'Content-Type: text/plain' --data-binary @"$SCRATCH/b.gz"
check_eq "/e/, a bare gzip body (posthog-js): stored" "200 1 1" "$status $(jfield '$.inserted') $(stored js-1)"
body "$(event js-2 '$pageview' ann)" | gzip >"$SCRATCH/b.gz"
http POST '/e/?compression=gzip-js&ver=1.100.0' -H 'Content-Type: text/plain' --data-binary @"$SCRATCH/b.gz"
check_eq "/e/?compression=gzip-js: stored" "200 1" "$status $(stored js-2)"
http POST '/e/?compression=gzip-js' -H 'Content-Type: text/plain' -d "$(body "$(event js-x e ann)")"
check_eq "?compression=gzip-js on a body that is not gzip: 400" "400 compression" "$status $(jfield '$.error.field')"

# sendBeacon's fallback: a form whose data is base64 of the JSON (?compression=base64)
body "$(event js-3 '$pageleave' ann)" | base64 -w0 >"$SCRATCH/b64"
http POST '/e/?compression=base64' --data-urlencode "data@$SCRATCH/b64"
check_eq "a form, data = base64 (?compression=base64): stored" "200 1" "$status $(stored js-3)"
body "$(event js-4 'clicked' ann)" >"$SCRATCH/json"
http POST '/e/' --data-urlencode "data@$SCRATCH/json"
check_eq "a form, data = JSON: stored" "200 1" "$status $(stored js-4)"
http POST '/e/' -d 'compression=base64'
check_eq "a form without data: 400 naming it" "400 data" "$status $(jfield '$.error.field')"
body "$(event js-5 'clicked' ann)" | base64 -w0 >"$SCRATCH/b64"
http POST '/e/' -H 'Content-Type: text/plain' --data-binary @"$SCRATCH/b64"
check_eq "a plain base64 body (older libraries): stored" "200 1" "$status $(stored js-5)"
http POST '/e/?compression=lz64' -H 'Content-Type: text/plain' -d 'N4Ig'
check_eq "lz64 (posthog-js before 2021): 415, said so" "415 compression" "$status $(jfield '$.error.field')"
http POST '/e/' -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' \
    --data-urlencode "data@$SCRATCH/json"
check_eq "a form type with a charset" 200 "$status"

# person updates: /engage/ (posthog-js's people.set before $set events), $set events, a
# top-level $set on an event; none of them is an event but the last
printf '{"$set": {"email": "ann@acme.test", "name": "Ann"}, "$token": "%s", "$distinct_id": "ann"}' "$w" |
    base64 -w0 >"$SCRATCH/b64"
http POST '/engage/?compression=base64' --data-urlencode "data@$SCRATCH/b64"
check_eq "/engage/ with \$set: 200, the contact updated" "200 ann@acme.test|Ann" \
    "$status $(sql "SELECT email, name FROM contacts WHERE ext_id = 'ann'")"
http POST /e/ "${JSON[@]}" -d "$(body "$(event js-6 '$set' ann '"$set": {"role": "champion"}')")"
check_eq "a \$set event: the contact updated, no event stored" "200 champion 0" \
    "$status $(sql "SELECT role FROM contacts WHERE ext_id = 'ann'") $(stored js-6)"
http POST /e/ "${JSON[@]}" -d "$(body "$(event js-7 'signed up' bo '"$set": {"email": "bo@acme.test"}, "$set_once": {"first_plan": "team"}')")"
check_eq "an event with a top-level \$set: stored, its person updated" "200 1 bo@acme.test" \
    "$status $(stored js-7) $(sql "SELECT email FROM contacts WHERE ext_id = 'bo'")"

# each event whole: the event and its person update are stored together or not at all
bad_set='{"event": "clicked", "distinct_id": "cy", "uuid": "ph-bad", "properties": {"$set": {"email": "not-an-address"}}}'
http POST /batch/ "${JSON[@]}" -d "{\"api_key\": \"$w\", \"batch\": [$bad_set]}"
check_eq "an event whose \$set is invalid: 422 naming properties.\$set.email" \
    "422 invalid properties.\$set.email" "$status $(jfield '$.error.code') $(jfield '$.error.field')"
check_eq "... in PostHog's words" "properties.\$set.email: 'not-an-address' is not an email address" \
    "$(jfield '$.rejected[0].message')"
check_eq "... and neither the event nor the person stored" "0 0" \
    "$(stored ph-bad) $(sql "SELECT count(*) FROM contacts WHERE ext_id = 'cy'")"
http POST /batch/ "${JSON[@]}" -d "{\"api_key\": \"$w\", \"batch\": [
  {\"event\": \"clicked\", \"distinct_id\": \"cy\", \"uuid\": \"ph-ok\"}, $bad_set]}"
check_eq "a batch of a good event and that one: 2 = 1 accepted + 1 rejected, 1 inserted" "200 2 1 1 1" \
    "$status $(jfield '$.received') $(jfield '$.accepted') $(jlen '$.rejected') $(jfield '$.inserted')"
check_eq "... the bad one by index and field" "1 properties.\$set.email" \
    "$(jfield '$.rejected[0].index') $(jfield '$.rejected[0].field')"
# reject_event DESCRIPTION EVENT FIELD
reject_event() {
    http POST /batch/ "${JSON[@]}" -d "{\"api_key\": \"$w\", \"batch\": [$2]}"
    check_eq "$1: 422 naming $3" "422 $3" "$status $(jfield '$.error.field')"
}
reject_event "a bad \$set_once" '{"event": "e", "distinct_id": "cy", "properties": {"$set_once": {"createdAt": "9999-01-01"}}}' \
    'properties.$set_once.createdAt'
reject_event "a bad top-level \$set" '{"event": "e", "distinct_id": "cy", "$set": {"email": "x"}}' '$set.email'
reject_event "a \$groups entry that is no key" '{"event": "e", "distinct_id": "cy", "properties": {"$groups": {"company": {"id": 1}}}}' \
    'properties.$groups.company'
reject_event "a \$group_set with a bad currency" \
    '{"event": "$groupidentify", "distinct_id": "cy", "properties": {"$group_type": "company", "$group_key": "k", "$group_set": {"currency": "euro"}}}' \
    'properties.$group_set.currency'
reject_event "a distinct_id of 257 bytes" "{\"event\": \"e\", \"distinct_id\": \"$(head -c 257 /dev/zero | tr '\0' d)\"}" distinct_id
reject_event "an event of 9999" '{"event": "e", "distinct_id": "cy", "timestamp": "9999-12-31T00:00:00Z"}' timestamp
check_eq "none of those stored" "0 0" \
    "$(sql "SELECT count(*) FROM events e JOIN contacts c ON c.id = e.contact_id WHERE c.ext_id = 'cy' AND e.message_id != 'ph-ok'") $(sql "SELECT count(*) FROM accounts WHERE ext_id = 'k'")"
serve_stop
check_eq "clean stop" 0 "$stop_rc"
finish
