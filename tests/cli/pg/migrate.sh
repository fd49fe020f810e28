#!/usr/bin/env bash
# migrate.sh - `landfall migrate` on both engines: --status reads where the schema stands without
# changing it, a run applies what is missing and names it, a second run has nothing to do, and a
# store one migration behind (the last migration's tables dropped, version set back) gets exactly
# that one. (The last migration is expected to create tables, columns or indexes.)
source "$(dirname "$0")/pg_lib.sh"
pg_start
PG=$(pg_db migrate)
SQ=$SCRATCH/m.db
dir=$(cd "$(dirname "$0")/../../../src/store/migrations" && pwd)
# this landfall's migrations, from the source tree: the names it must report
names=$(ls "$dir/sqlite" | sed 's/\.sql$//' | paste -sd' ')
latest=$(ls "$dir/sqlite" | wc -l)
check_eq "the engines' migrations are twins" "$(ls "$dir/sqlite")" "$(ls "$dir/pg")"

run_lf --db "$SQ" migrate --status
check_eq "--status refuses a missing SQLite file" 4 "$rc"
check "... saying so" grep -q "no store at '$SQ'" "$SCRATCH/err"
run_lf --db "$SQ" migrate
check_eq "a run makes it" "sqlite schema from version 0 to $latest: $names" "$out"
check_eq "... at the latest version" "$latest" "$(sqlite3 "$SQ" "PRAGMA user_version")"

run_lf --db "$PG" migrate --status
check_eq "an empty database: every migration pending" \
    "store    postgres
schema   version 0; this landfall's is $latest
pending  $names" "$out"
check_eq "--status changes nothing" "" \
    "$(psql_q "$PG" "SELECT to_regclass('landfall_schema')")"
run_lf --db "$PG" migrate
check_eq "a run applies them all" "postgres schema from version 0 to $latest: $names" "$out"
run_lf --db "$PG" migrate --json
check_eq "a second run has nothing to do" \
    "{\"store\": \"postgres\", \"from\": $latest, \"version\": $latest, \"applied\": []}" "$out"

# one migration behind: the last one's tables gone, the version set back
last=$(ls "$dir/sqlite" | tail -1 | sed 's/\.sql$//')
# (a migration that only adds columns has them dropped: both engines have ALTER TABLE DROP COLUMN)
drops=$(grep -o 'CREATE TABLE [a-z_]*' "$dir/sqlite/$last.sql" | awk '{ printf "DROP TABLE %s; ", $3 }'
        grep -o 'ALTER TABLE [a-z_]* ADD COLUMN [a-z_]*' "$dir/sqlite/$last.sql" |
            awk '{ printf "ALTER TABLE %s DROP COLUMN %s; ", $3, $6 }'
        grep -o 'CREATE INDEX [a-z_]*' "$dir/sqlite/$last.sql" | awk '{ printf "DROP INDEX %s; ", $3 }')
check "the last migration ($last) creates tables, columns or indexes" test -n "$drops"
psql_q "$PG" "$drops UPDATE landfall_schema SET version = $((latest - 1))"
sqlite3 "$SQ" "$drops PRAGMA user_version = $((latest - 1))"
for db in "$PG" "$SQ"; do
    run_lf --db "$db" migrate --status --json
    engine=$([ "$db" = "$PG" ] && echo postgres || echo sqlite)
    check_eq "the last migration pending ($engine)" \
        "{\"store\": \"$engine\", \"version\": $((latest - 1)), \"latest\": $latest, \"pending\": [\"$last\"]}" \
        "$out"
    run_lf --db "$db" migrate
    check_eq "exactly it is applied ($engine)" \
        "$engine schema from version $((latest - 1)) to $latest: $last" "$out"
done
check_eq "job_runs is back (postgres)" 0 "$(psql_q "$PG" "SELECT count(*) FROM job_runs")"
check_eq "job_runs is back (sqlite)" 0 "$(sqlite3 "$SQ" "SELECT count(*) FROM job_runs")"

# a store newer than this landfall: --status says so, a run refuses
psql_q "$PG" "UPDATE landfall_schema SET version = 42"
run_lf --db "$PG" migrate --status
check "--status tells of a newer store" grep -q "version 42; this landfall's is $latest (the store is newer" "$SCRATCH/out"
run_lf --db "$PG" migrate
check_eq "a run refuses it" 4 "$rc"
check "... saying why" grep -q "schema version 42, newer than this landfall" "$SCRATCH/err"
finish
