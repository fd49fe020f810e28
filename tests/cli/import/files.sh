#!/bin/bash
# files.sh - files that cannot be imported at all (missing, a directory, empty, header only,
# a bad header, every row rejected) exit 3 with their reason; usage errors exit 2; in each
# case what was stored before stays exactly as it was.
source "$(dirname "$0")/../lib.sh"

# dump: every imported table, row by row, in one store_sql (on PostgreSQL one copy of the
# store, not one a table)
dump() {
    local t q=""
    for t in accounts contacts mrr_changes orders events touchpoints responses; do
        q+="SELECT '$t', * FROM $t ORDER BY id; "
    done
    store_sql "$LANDFALL_DB" "$q"
}
cp "$TESTDATA"/import/*.csv "$SCRATCH"/
cd "$SCRATCH" || exit 1

run_lf import accounts accounts.csv
run_lf import contacts contacts.csv
check_eq "baseline" 0 "$rc"
before=$(dump)

# fails EXIT STDERR ARGS...: the command exits EXIT with STDERR and changes nothing
fails() {
    local want_rc=$1 want_err=$2
    shift 2
    run_lf "$@"
    check_eq "$* : exit" "$want_rc" "$rc"
    check_eq "$* : stderr" "$want_err" "$errout"
    check_eq "$* : nothing written" "$before" "$(dump)"
}

: > empty.csv
printf '\xef\xbb\xbf\n\n' > blank.csv
printf 'id,name\n' > header.csv
printf 'id,name\r\n\r\n' > header_crlf.csv
printf 'name,plan\nAcme,pro\n' > noid.csv
printf 'id,name,ID\nx,y,z\n' > twice.csv
printf 'id,,plan\nx,y,z\n' > noname.csv
printf 'ts,event\n2024-01-01,login\n' > nowho.csv
printf 'id,"na\nme\n' > badheader.csv
printf 'id,mrr\nz1,1;5\nz2,abc\n' > allbad.csv
: > empty.ndjson
printf '\n  \n' > blank.ndjson
mkdir adir

fails 3 "landfall: cannot open 'nope.csv': no such file or directory" import accounts nope.csv
fails 3 "landfall: cannot open 'adir': is a directory" import accounts adir
fails 3 "landfall: 'empty.csv' is empty" import accounts empty.csv
fails 3 "landfall: 'blank.csv' is empty" import accounts blank.csv
fails 3 "landfall: 'header.csv' has no rows after its header" import accounts header.csv
fails 3 "landfall: 'header_crlf.csv' has no rows after its header" import accounts header_crlf.csv
fails 3 "landfall: noid.csv:1: missing column 'id'" import contacts noid.csv
fails 3 "landfall: twice.csv:1: column 'ID' appears twice" import accounts twice.csv
fails 3 "landfall: noname.csv:1: column 2 has no name" import accounts noname.csv
fails 3 "landfall: nowho.csv:1: missing column 'account_id' or 'user_id'" import events nowho.csv
fails 3 "landfall: badheader.csv:1: unbalanced quote: the quoted field starting on this line never ends" \
    import accounts badheader.csv
fails 3 "landfall: 'empty.ndjson' is empty" import events empty.ndjson
fails 3 "landfall: 'blank.ndjson' is empty" import events blank.ndjson
fails 3 "allbad.csv:2:mrr: '1;5' is not a decimal amount
allbad.csv:3:mrr: 'abc' is not a decimal amount" import accounts allbad.csv
check_eq "every row rejected: the summary says so" \
    "allbad.csv: 2 rows, 0 inserted, 0 updated, 0 unchanged, 2 rejected (see allbad.csv.rejects.csv)" \
    "$out"

# usage errors: exit 2, nothing opened
names="accounts, contacts, mrr_changes, orders, events, touchpoints, responses, reviews"
fails 2 "landfall: 'widgets' is not an import kind ($names)
see 'landfall help import'" import widgets accounts.csv
fails 2 "landfall: import accounts needs a FILE
see 'landfall help import'" import accounts
fails 2 "landfall: import needs a KIND ($names) and a FILE
see 'landfall help import'" import
fails 2 "landfall: unknown option '--fast'
see 'landfall help import'" import --fast accounts accounts.csv

# several files: each its own transaction; the exit code is the worst file's
printf 'id,name\nn1,New One\n' > new1.csv
run_lf import accounts new1.csv nope.csv
check_eq "good + missing: exit 3" 3 "$rc"
check_eq "good + missing: the good file's summary" \
    "new1.csv: 1 row, 1 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "good + missing: the good file committed" "New One" \
    "$(store_sql "$LANDFALL_DB" "SELECT name FROM accounts WHERE ext_id = 'n1'")"
printf 'id,mrr\nn2,5\nn3,x\n' > partial.csv
run_lf import accounts partial.csv new1.csv
check_eq "partial + good: exit 1" 1 "$rc"

# rows with every field empty, as spreadsheets end their exports, are blank lines
printf 'id,name\nn9,Nine\n,\n , \n' > trailing.csv
run_lf import accounts trailing.csv
check_eq "trailing empty rows: not rows" \
    "trailing.csv: 1 row, 1 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"

# the help text documents columns, formats and exit codes
run_lf help import
check_eq "help: exit" 0 "$rc"
check "help: columns" grep -q "responses    id, ts\*, account_id, contact_id, survey\*, score\*" <<<"$out"
check "help: exit codes" grep -q "3 nothing" <<<"$out"
finish
