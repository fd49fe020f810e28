#!/usr/bin/env bash
# template.sh - the template PostgreSQL test stores copy (tests/cli/lib.sh, _pg_template: a
# database migrated once per server) is keyed by the migrations' text, not only their number:
# the same migrations name the same template, and an edited migration names another, made and
# migrated afresh, so that no test ever copies a stale schema. (The unit tests compute the same
# key from the binary's copy of the migrations: tests/unit/store/template.c.)
source "$(dirname "$0")/pg_lib.sh"
pg_start
LANDFALL_TEST_PG=$PG_DIR TEST_DB=pg
exists() {
    pg_sql "postgresql:///postgres?host=$PG_DIR&user=landfall" \
        "SELECT count(*) FROM pg_database WHERE datname = '$1'"
}

latest=$(ls "$PG_MIGRATIONS" | grep -c '^[0-9].*\.sql$')
sum=$(cat "$PG_MIGRATIONS"/[0-9]*.sql | cksum | cut -d' ' -f1)
t=$(_pg_template)
check_eq "named by the migrations' number and the cksum of their text" \
    "$(printf 'lf_template_%s_%08x' "$latest" "$sum")" "$t"
check_eq "... and made" 1 "$(exists "$t")"
run_lf --db "$(scratch_store a)" migrate --status --json
check "a test's store, its copy, is at the latest version: nothing to migrate" \
    grep -q "\"version\": *$latest," "$SCRATCH/out"

rm "$SCRATCH/.pg_template"
check_eq "the same migrations: the same template" "$t" "$(_pg_template)"

# one migration edited (a comment more): another schema, so another template
mkdir "$SCRATCH/edited"
cp "$PG_MIGRATIONS"/*.sql "$SCRATCH/edited/"
last=$(ls "$SCRATCH/edited" | tail -1)
echo "-- edited" >>"$SCRATCH/edited/$last"
rm "$SCRATCH/.pg_template"
PG_MIGRATIONS=$SCRATCH/edited
t2=$(_pg_template)
# on the suite's server (pg_lib.sh) the edited one is this test's, dropped at its end
[ "$PG_SHARED" = 0 ] || echo "$t2" >>"$SCRATCH/.pg_dbs"
check_eq "an edited migration names another template" \
    "$(printf 'lf_template_%s_%08x' "$latest" "$(cat "$SCRATCH"/edited/*.sql | cksum | cut -d' ' -f1)")" \
    "$t2"
check "... not the old one" test "$t2" != "$t"
check_eq "... made afresh beside it" "1 1" "$(exists "$t") $(exists "$t2")"
finish
