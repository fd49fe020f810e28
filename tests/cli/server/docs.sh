#!/usr/bin/env bash
# docs.sh - runs the curl examples of docs/api.md, in order, against a fresh server: each must
# succeed, and each followed by a JSON block must answer exactly that document.
source "$(dirname "$0")/server_lib.sh"

doc="$(dirname "$0")/../../../docs/api.md"
run_lf demo --accounts 20 --seed 5 --months 12 --end 2026-01-01
check_eq "demo data for the report examples" 0 "$rc"
export WRITE_KEY READ_KEY ADMIN_KEY LANDFALL_URL
WRITE_KEY=$(new_key write)
READ_KEY=$(new_key read)
ADMIN_KEY=$(new_key admin)
serve_start
LANDFALL_URL=$URL

# Splits the document into ex-N.sh and, when a ```json block follows it, ex-N.json.
awk -v dir="$SCRATCH" '
    /^```sh$/ { n++; out = dir "/ex-" n ".sh"; inside = 1; last = "sh"; next }
    /^```json$/ && last == "sh" { out = dir "/ex-" n ".json"; inside = 1; last = ""; next }
    /^```/ { if (inside) { inside = 0 } else { last = "" } ; next }
    inside { print > out; next }
    NF { last = "" }
' "$doc"
examples=$(ls "$SCRATCH"/ex-*.sh | wc -l)
check "the document has examples" test "$examples" -ge 10
for i in $(seq "$examples"); do
    ex="$SCRATCH/ex-$i.sh"
    bash -e "$ex" >"$SCRATCH/ex-$i.out" 2>&1
    check_eq "example $i ($(head -c 60 "$ex" | tr '\n' ' ')…) exits 0" 0 "$?"
    check "example $i answers something" test -s "$SCRATCH/ex-$i.out"
    if [ -f "$SCRATCH/ex-$i.json" ]; then
        same=$(sqlite3 :memory: "SELECT json(CAST(readfile('$SCRATCH/ex-$i.out') AS TEXT)) =
                                        json(CAST(readfile('$SCRATCH/ex-$i.json') AS TEXT))" 2>&1)
        check_eq "example $i answers the documented JSON: $(cat "$SCRATCH/ex-$i.out")" 1 "$same"
    fi
done
# what the examples wrote: the contact in its account, and the events
check_eq "the examples' contact and account" "u-42|ann@acme.test|acme|Acme Inc" \
    "$(sql "SELECT c.ext_id, c.email, a.ext_id, a.name FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.ext_id = 'u-42'")"
check_eq "the examples' events (p-3 was rejected whole)" "m-1 m-2 p-2 p-4" "$(sql "SELECT group_concat(message_id, ' ') FROM (SELECT message_id FROM events WHERE message_id IN ('m-1', 'm-2', 'm-3', 'p-2', 'p-3', 'p-4') ORDER BY message_id)")"
serve_stop
finish
