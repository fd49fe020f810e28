#!/usr/bin/env bash
# cli.sh - the CLI's conventions: help, --version, --db and $LANDFALL_DB, exit codes, errors on
# stderr prefixed "landfall:", a database newer than the binary refused.
source "$(dirname "$0")/../lib.sh"

run_lf --version
check_eq "--version exits 0" 0 "$rc"
check "--version prints the version" grep -qE '^landfall [0-9]+\.[0-9]+\.[0-9]+$' "$SCRATCH/out"

run_lf help
check_eq "help exits 0" 0 "$rc"
cp "$SCRATCH/out" "$SCRATCH/overview"
for c in import demo report serve keys usage cohorts survival engine; do
    check "help lists $c" grep -qE "^  $c " "$SCRATCH/overview"
    run_lf help "$c"
    check_eq "help $c exits 0" 0 "$rc"
    check "help $c shows its usage" grep -q "usage: landfall $c" "$SCRATCH/out"
done

# Every command listed by `landfall help` takes --help: exit 0, its help text on stdout (the same
# text as `landfall help NAME`, which starts with a "usage:" line), nothing on stderr.
commands=$(awk '/^commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$SCRATCH/overview")
check "help lists at least the ten commands" test "$(wc -w <<<"$commands")" -ge 10
for c in $commands; do
    run_lf help "$c"
    expected=$out
    run_lf "$c" --help
    check_eq "$c --help exits 0" 0 "$rc"
    check "$c --help prints a usage: line" grep -q "^usage: landfall $c" "$SCRATCH/out"
    check_eq "$c --help prints the text of 'help $c'" "$expected" "$out"
    check_eq "$c --help writes nothing on stderr" "" "$errout"
done

run_lf frobnicate
check_eq "an unknown command is a usage error" 2 "$rc"
check_eq "the error names it" "landfall: 'frobnicate' is not a landfall command" \
    "$(head -1 "$SCRATCH/err")"
run_lf --frob
check_eq "an unknown global option is a usage error" 2 "$rc"

# A command that only reads refuses a store that is not there (a mistyped --db), creating
# nothing; one that writes creates it. --db wins over $LANDFALL_DB.
run_lf --db "$SCRATCH/typo.db" report nps --json
check_eq "report on a missing store exits 4" 4 "$rc"
check_eq "and says so" "landfall: no store at '$SCRATCH/typo.db' (no such file); create one with 'landfall demo' or 'landfall import', or give the right --db" "$errout"
check "no store was created" test ! -f "$SCRATCH/typo.db"
for cmd in "usage dau" "cohorts" "survival" "engine info" "keys list" "metric nps"; do
    run_lf --db "$SCRATCH/typo.db" $cmd
    check_eq "$cmd on a missing store exits 4" 4 "$rc"
done
check "still no store" test ! -f "$SCRATCH/typo.db"
printf 'id,name\nacme,Acme\n' > "$SCRATCH/a.csv"
run_lf --db "$SCRATCH/other.db" import accounts "$SCRATCH/a.csv"
check_eq "import creates a new store" 0 "$rc"
check "--db created that store" test -f "$SCRATCH/other.db"
migrations=$(ls "$TESTDATA"/../../src/store/migrations/sqlite/*.sql | wc -l)
check_eq "the schema is migrated to the last migration" "$migrations" "$(sqlite3 "$SCRATCH/other.db" 'PRAGMA user_version')"
check "LANDFALL_DB was not touched" test ! -f "$LANDFALL_DB"

# A database written by a newer landfall is refused, untouched.
sqlite3 "$SCRATCH/other.db" "PRAGMA user_version = 42"
run_lf --db "$SCRATCH/other.db" report nps
check_eq "a newer schema fails with exit 4" 4 "$rc"
check "the message says why" grep -q "^landfall: '$SCRATCH/other.db' has schema version 42, newer than this landfall" "$SCRATCH/err"
check_eq "the version is left as it was" 42 "$(sqlite3 "$SCRATCH/other.db" 'PRAGMA user_version')"

# A file that is not a database is refused with a clear message.
echo "not a database" >"$SCRATCH/junk.db"
run_lf --db "$SCRATCH/junk.db" report nps
check_eq "a non-database fails with exit 4" 4 "$rc"
check "the message names the file" grep -q "junk.db" "$SCRATCH/err"

finish
