#!/usr/bin/env bash
# clients.sh - the real tracking libraries, @segment/analytics-node and posthog-node from npm,
# unchanged and pointed at a landfall server on 127.0.0.1: identify, group and track arrive with
# the right accounts and contacts; a batch retried after a dropped connection is stored once.
source "$(dirname "$0")/server_lib.sh"

clients=$(cd "$(dirname "$0")/../../clients" && pwd)
if [ ! -d "$clients/node_modules/posthog-node" ]; then
    (cd "$clients" && npm ci --no-audit --no-fund --loglevel=error) >/dev/null ||
        { echo "FAIL: npm ci in tests/clients failed"; exit 1; }
fi
w=$(new_key write)
serve_start

node "$clients/segment.mjs" "$URL" "$w" >"$SCRATCH/segment.json" 2>"$SCRATCH/segment.err"
check_eq "segment client exits 0" 0 "$?"
cp "$SCRATCH/segment.json" "$SCRATCH/body"
check_eq "segment: the proxy dropped one answer" 1 "$(jfield '$.dropped')"
check_eq "segment: so the client connected again to retry" 2 "$(jfield '$.connections')"
check_eq "segment: the client saw no failure" 0 "$(jlen '$.errors')"
check_eq "segment: identify made the contact, group the account and the link" \
    "seg-u1|ann@acme.test|Ann Lee|champion|seg-acme|Acme|enterprise|40" \
    "$(sql "SELECT c.ext_id, c.email, c.name, c.role, a.ext_id, a.name, a.plan, a.seats
            FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'seg-u1'")"
check_eq "segment: events with their accounts and contacts" \
    "Invited Teammate|seg-acme|seg-u2|1
Report Built|seg-acme|seg-u1|2
Retried 1|seg-acme|seg-u1|1
Retried 2|seg-acme|seg-u1|1
Retried 3|seg-acme|seg-u1|1
page|seg-acme|seg-u2|1" \
    "$(sql "SELECT n.name, a.ext_id, c.ext_id, count(*) FROM events e JOIN event_names n ON n.id = e.name_id
            JOIN accounts a ON a.id = e.account_id JOIN contacts c ON c.id = e.contact_id
            WHERE c.ext_id LIKE 'seg-%' GROUP BY 1, 2, 3 ORDER BY 1")"
check_eq "segment: the retried batch's messages are stored once each" 3 \
    "$(sql "SELECT count(DISTINCT message_id) FROM events WHERE message_id LIKE 'seg-retry-%'")"
check_eq "segment: the server answered the retry with 3 duplicates, nothing new" 1 \
    "$(grep '"/v1/batch"' "$SCRATCH/access.log" | grep -c '"items": 3, "inserted": 0')"
check_eq "segment: u2 joined seg-acme through context.groupId" seg-acme \
    "$(sql "SELECT a.ext_id FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'seg-u2'")"

node "$clients/posthog.mjs" "$URL" "$w" >"$SCRATCH/posthog.json" 2>"$SCRATCH/posthog.err"
check_eq "posthog client exits 0" 0 "$?"
cp "$SCRATCH/posthog.json" "$SCRATCH/body"
check_eq "posthog: the proxy dropped one answer" 1 "$(jfield '$.dropped')"
check_eq "posthog: the client saw no failure" 0 "$(jlen '$.errors')"
check "posthog: the client posted to /batch/" grep -q '"path": "/batch/"' "$SCRATCH/access.log"
check_eq "posthog: identify, groupIdentify, setPersonProperties" \
    "ph-u1|bo@globex.test|Bo Chen|admin|ph-globex|Globex|team" \
    "$(sql "SELECT c.ext_id, c.email, c.name, c.role, a.ext_id, a.name, a.plan
            FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'ph-u1'")"
check_eq "posthog: the \$set event is a person update, not an event" 0 \
    "$(sql "SELECT count(*) FROM events e JOIN event_names n ON n.id = e.name_id WHERE n.name LIKE '\$%'")"
check_eq "posthog: the event with an invalid \$set is stored neither as event nor as person" "0 0" \
    "$(sql "SELECT count(*) FROM events e JOIN event_names n ON n.id = e.name_id WHERE n.name = 'invalid person'") $(sql "SELECT count(*) FROM contacts WHERE ext_id = 'ph-u2'")"
check_eq "posthog: ... and the answer to its batch said so (1 rejected, the rest inserted)" 1 \
    "$(grep '"/batch/"' "$SCRATCH/access.log" | grep -c '"rejected": 1')"
check_eq "posthog: events with their account (from \$groups) and contact" \
    "project created|ph-globex|ph-u1|2
retried 1|ph-globex|ph-u1|1
retried 2|ph-globex|ph-u1|1
retried 3|ph-globex|ph-u1|1" \
    "$(sql "SELECT n.name, a.ext_id, c.ext_id, count(*) FROM events e JOIN event_names n ON n.id = e.name_id
            JOIN accounts a ON a.id = e.account_id JOIN contacts c ON c.id = e.contact_id
            WHERE c.ext_id = 'ph-u1' GROUP BY 1, 2, 3 ORDER BY 1")"
check_eq "posthog: the value property is the event's value" 2.0 \
    "$(sql "SELECT value FROM events WHERE value IS NOT NULL AND contact_id = (SELECT id FROM contacts WHERE ext_id = 'ph-u1')")"
check_eq "no request failed" 0 "$(grep -c '"status": [45]' "$SCRATCH/access.log")"
serve_stop
check_eq "clean stop" 0 "$stop_rc"
finish
