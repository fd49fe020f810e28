#!/usr/bin/env bash
# valgrind.sh - the CLI paths leak nothing and touch no uninitialised memory under valgrind:
# demo, import, report (every report), usage, keys, help, workspace, users, surveys (create,
# send, the closed loop), text (analyze, the stored texts' summary), metric, engine, openapi,
# migrate (a copy into a new SQLite store) and serve (a few requests, then SIGTERM), each with
# one error path (an unknown command, a bad option, a missing file, a bad CSV line, a bad
# value: error paths are where a leak hides). valgrind_models.sh runs the model commands
# (health, expansion, churn, clv, survival, cohorts). Every run is the smallest that takes its
# path: valgrind runs landfall 20-50 times slower, and each process costs about 1 s of CPU before
# its first line (valgrind itself, then the dynamic linker's relocations of landfall's 21
# libraries, then the store's opening), so a path is run once. Skipped in the sanitizer build
# (valgrind_lib.sh).
source "$(dirname "$0")/valgrind_lib.sh"

NOW=2026-01-01
# the smallest demo that writes every kind of row the reports read: 6 accounts of seed 4 hold 4
# orders (one customer's two: a repeat purchase), an account churned with its reason, and NPS,
# CSAT and CES responses (their counts are checked: another generator would need another seed)
vg demo 0 demo --accounts 6 --seed 4 --months 12 --end "$NOW"
check_eq "the demo wrote accounts" 6 "$(store_sql "$LANDFALL_DB" 'SELECT count(*) FROM accounts')"
check_eq "the demo wrote a repeat customer, a churn with its reason, the three surveys' responses" \
    "1 1 ces,csat,nps" "$(store_sql -separator ' ' "$LANDFALL_DB" "SELECT
        (SELECT count(*) FROM (SELECT contact_id FROM orders GROUP BY contact_id
                               HAVING count(*) > 1)),
        (SELECT count(*) FROM mrr_changes WHERE mrr = 0 AND reason IS NOT NULL),
        (SELECT group_concat(kind) FROM (SELECT DISTINCT s.kind FROM responses r
                                         JOIN surveys s ON s.id = r.survey_id ORDER BY 1))")"
# `report NAME` is one CLI path for every report (cmd_metric.c's run: its options, lf_metric, the
# table written): run here under valgrind once; the other reports' computations (the same
# lf_metric) are run by the server under valgrind below, each answer compared with the CLI's
same report-nps report nps --by month --now "$NOW" --json

# import: a bad line is refused with its line (exit 1: some rows rejected), the good one kept;
# a file that is not there (exit 3: nothing imported)
printf 'id,name,mrr\nx1,X One,12.50\nx2,X Two,oops\n' >"$SCRATCH/accounts.csv"
vg import 1 import accounts "$SCRATCH/accounts.csv"
check "import names the bad line" grep -q "accounts.csv:3" "$SCRATCH/vg-import.err"
check_eq "import kept the good line" 1 \
    "$(store_sql "$LANDFALL_DB" "SELECT count(*) FROM accounts WHERE ext_id = 'x1'")"
vg import-missing 3 import accounts "$SCRATCH/nothere.csv"
vg usage 0 usage dau --now "$NOW"
vg keys 0 keys create --scope read
check_eq "keys create stored one read key" 1 \
    "$(store_sql "$LANDFALL_DB" "SELECT count(*) FROM api_keys WHERE scope = 'read'")"
vg keys-bad 4 keys revoke nope

# help, an unknown command, an option a command does not take (usage errors: exit 2)
vg help 0 help
check "help lists the commands" grep -q "^  migrate " "$SCRATCH/vg-help.out"
vg unknown 2 frobnicate
vg bad-option 2 report nps --bogus

# workspace: its zone set and shown; a zone that does not exist
vg workspace 0 workspace --time-zone Europe/Berlin --json
check_eq "workspace shows the zone it set" Europe/Berlin \
    "$(jq -r .time_zone "$SCRATCH/vg-workspace.out")"
vg workspace-bad 2 workspace --time-zone Nowhere/Bad
"$LANDFALL" workspace --time-zone UTC >/dev/null

# users (an Argon2id hash: libsodium) and a role that does not exist
vg users 0 users create alice --role admin --email alice@example.com
run_lf users list --json
check_eq "users list shows the user made" admin \
    "$(jq -r '.rows[] | select(.name == "alice") | .role' <<<"$out")"
vg users-bad 2 users create bob --role nope

# surveys: create, send a signed link (libsodium), the closed loop, rules; an unknown survey
vg survey-create 0 surveys create s1 --kind csat --name S1
contact=$(store_sql "$LANDFALL_DB" "SELECT ext_id FROM contacts ORDER BY id LIMIT 1")
vg survey-send 0 surveys send s1 --contact "$contact" --now "$NOW"
check "send prints the contact's signed link" grep -q "^$contact[[:space:]]*sent[[:space:]]*/s/" \
    "$SCRATCH/vg-survey-send.out"
vg survey-loop 0 surveys loop --now "$NOW"
vg survey-missing 4 surveys send nope --contact "$contact"

# text: a few texts analysed; the stored texts' summary; a text that is not UTF-8
vg text 0 text analyze --json "I love this product" "the support was awful and slow" "<p>ok</p>"
check_eq "text: the first is positive, the second negative (VADER)" "positive negative" \
    "$(jq -r '[.rows[0].sentiment, .rows[1].sentiment] | join(" ")' "$SCRATCH/vg-text.out")"
same text-summary text summary --to "$NOW" --json
printf 'good\n\377 bad\n' >"$SCRATCH/bad.txt"
vg text-bad 2 text analyze --file "$SCRATCH/bad.txt"
check "text names the line that is not UTF-8" grep -q "line 2" "$SCRATCH/vg-text-bad.err"

# metric from the registry; a bad date; the engine; the OpenAPI document
vg metric 0 metric scores --survey nps --now "$NOW" --json
vg metric-bad 2 metric nps --from notadate
vg engine 0 engine info --json
vg engine-bad 2 engine nope
vg openapi 0 openapi
check_eq "openapi prints the 3.1 document" 3.1.0 "$(jq -r .openapi "$SCRATCH/vg-openapi.out")"

# migrate: a copy into a new SQLite store, read back and compared; a source that does not exist
if on_sqlite; then
    vg migrate-copy 0 migrate --from "$LANDFALL_DB" --to "$SCRATCH/copy.db" --quiet
    check_eq "the copy holds the accounts" \
        "$(store_sql "$LANDFALL_DB" 'SELECT count(*) FROM accounts')" \
        "$(store_sql "$SCRATCH/copy.db" 'SELECT count(*) FROM accounts')"
fi
vg migrate-missing 4 migrate --from "$SCRATCH/nothere.db" --to "$SCRATCH/copy2.db"

# serve: the HTTP server started under valgrind on a free port (it prints its URL: read through
# a FIFO), the metrics (every report, the sBG per account and projection), a resource, an
# ingested batch, a request without a key and an unknown path; then SIGTERM, after which it
# finishes, closes the store and must have leaked nothing
key=$("$LANDFALL" keys create --scope admin 2>/dev/null)
fifo="$SCRATCH/ready"
mkfifo "$fifo"
valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    --suppressions="$VG_SUPP" --log-file="$SCRATCH/vg-serve.log" \
    "$LANDFALL" serve --listen 127.0.0.1:0 --access-log off --no-snapshot \
    >"$fifo" 2>"$SCRATCH/vg-serve.err" &
server=$!
line=
read -r -t 120 line <"$fifo" || true
url=${line#landfall: serving }
get() { curl -s --max-time 60 -H "Authorization: Bearer $key" "$@"; }
check_eq "serve: the metric answers as the CLI" \
    "$(jq -c .rows "$SCRATCH/vg-report-nps.out")" \
    "$(get "$url/v1/metrics/nps?by=month&now=$NOW" | jq -c .rows)"
# every other report, computed in the server under valgrind, answers as the CLI without it
for r in csat ces churn mrr churn-reasons repeat acquisition clv; do
    by=month
    [ "$r" = clv ] && by=segment # a lifetime value is per group, not per month
    run_lf report "$r" --by "$by" --now "$NOW" --json
    check_eq "serve: report $r answers as the CLI" "$(jq -c .rows <<<"$out")" \
        "$(get "$url/v1/metrics/$r?by=$by&now=$NOW" | jq -c .rows)"
done
# so are two metrics of valgrind_models.sh's commands, whose CLI paths (`clv --model M`,
# `survival`) that test runs under valgrind with another model: the sBG per account, the
# survival's sBG projection
run_lf clv --model sbg --customers --now "$NOW" --json
check "clv --model sbg --customers has a paying account's row" jq -e '.rows | length > 0' <<<"$out"
check_eq "serve: clv-sbg-customers answers as the CLI's clv --model sbg --customers" \
    "$(jq -c .rows <<<"$out")" \
    "$(get "$url/v1/metrics/clv-sbg-customers?now=$NOW" | jq -c .rows)"
run_lf survival --project --now "$NOW" --json
check "survival --project has rows" jq -e '.rows | length > 0' <<<"$out"
check_eq "serve: survival-projected answers as the CLI's survival --project" \
    "$(jq -c .rows <<<"$out")" "$(get "$url/v1/metrics/survival-projected?now=$NOW" | jq -c .rows)"
check_eq "serve: a resource" acc-000001 \
    "$(get "$url/v1/accounts/acc-000001" | jq -r .id)"
check_eq "serve: a batch ingested" 1 "$(get -H 'Content-Type: application/json' -X POST \
    -d '{"batch": [{"type": "track", "userId": "vg-u1", "event": "vg_event",
         "timestamp": "2025-12-01T00:00:00Z"}]}' "$url/v1/batch" | jq .inserted)"
check_eq "serve: no key, 401" 401 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$url/v1/accounts")"
check_eq "serve: an unknown path, 404" 404 \
    "$(get -o /dev/null -w '%{http_code}' "$url/v1/nope")"
kill -TERM "$server"
wait "$server"
code=$?
check_eq "valgrind: landfall serve exits 0 after SIGTERM ($(head -c 300 "$SCRATCH/vg-serve.err"))" \
    0 "$code"
check_eq "valgrind: landfall serve reports nothing" "" "$(head -c 3000 "$SCRATCH/vg-serve.log")"
finish
