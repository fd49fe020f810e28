#!/usr/bin/env bash
# schema.sh - the SQLite and PostgreSQL migrations give the same schema: the same tables, the same
# columns in the same order with compatible types, nullability, defaults and generated ids, the
# same keys, foreign keys and indexes. Each engine's catalogue is read after landfall migrated a
# new store, written as normalised lines, and the two listings must be equal. The differences that
# are the design (src/store/migrations/pg/001_init.sql, docs/scale-out.md) are mapped explicitly
# below, each with its reason; anything else is a difference the test reports line by line.
# Needs a PostgreSQL server: $LANDFALL_TEST_PG (scripts/test starts one for every pass).
source "$(dirname "$0")/../lib.sh"

if [ ! -S "${LANDFALL_TEST_PG:-/nonexistent}/.s.PGSQL.5432" ]; then
    echo "SKIP: schema.sh compares with PostgreSQL and LANDFALL_TEST_PG names no running server" \
        "(scripts/test starts one; or: scripts/pg start DIR; LANDFALL_TEST_PG=DIR meson test ...)"
    exit 77
fi
lite=$SCRATCH/schema.db
pg="postgresql:///lft_${SCRATCH##*.}_schema?host=$LANDFALL_TEST_PG&user=landfall"
_pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall "lft_${SCRATCH##*.}_schema" || exit 1
echo "lft_${SCRATCH##*.}_schema" >>"$SCRATCH/.pg_dbs"

# a writing command makes and migrates each store
run_lf --db "$lite" workspace --time-zone UTC
check_eq "the SQLite store is made" 0 "$rc"
run_lf --db "$pg" workspace --time-zone UTC
check_eq "the PostgreSQL store is made" 0 "$rc"
# an event makes a monthly partition of events on PostgreSQL: it must not count as a table
printf '%s\n' '{"type": "track", "messageId": "m1", "userId": "u1", "event": "login",' \
    '"timestamp": "2025-03-01T10:00:00Z"}' | tr -d '\n' >"$SCRATCH/e.ndjson"
run_lf --db "$pg" import events "$SCRATCH/e.ndjson"
check_eq "an event is imported on PostgreSQL" 0 "$rc"
check_eq "... into its month's partition" 1 \
    "$(pg_sql "$pg" "SELECT count(*) FROM pg_class WHERE relname = 'events_2025_03'")"

# Tables other than workspaces, api_keys and sessions (Citus reference tables: looked up across
# workspaces, api_keys by key prefix and sessions by token hash: pg/007_users.sql) are
# distributed by workspace_id on PostgreSQL: each of their keys starts with it.
reference_tables="workspaces api_keys sessions"

# ---- SQLite's catalogue ----
# columns: "T.C TYPE[ not null][ auto][ default D]" in column order. An INTEGER PRIMARY KEY is
# SQLite's rowid: generated and never null (PostgreSQL: an identity column, NOT NULL). One that
# is also a foreign key (text_cursor.workspace_id, survey_settings.workspace_id: a row per
# workspace) is never generated: the store always gives the referenced id, and PostgreSQL's
# column is a plain NOT NULL key.
store_sql "$lite" "
SELECT m.name || '.' || c.name || ' ' || lower(c.type)
       || CASE WHEN c.\"notnull\" OR (c.pk AND lower(c.type) = 'integer' AND
                   (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1)
               THEN ' not null' ELSE '' END
       || CASE WHEN c.pk AND lower(c.type) = 'integer' AND
                   (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1 AND
                   c.name NOT IN (SELECT \"from\" FROM pragma_foreign_key_list(m.name))
               THEN ' auto' ELSE '' END
       || COALESCE(' default ' || c.dflt_value, '')
FROM sqlite_master m, pragma_table_info(m.name) c
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
ORDER BY m.name, c.cid" >"$SCRATCH/lite.columns"
# keys: "T primary|unique C1,C2"
store_sql "$lite" "
SELECT m.name || ' primary ' || (SELECT group_concat(name, ',') FROM
       (SELECT name FROM pragma_table_info(m.name) WHERE pk > 0 ORDER BY pk))
FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
UNION ALL
SELECT m.name || ' unique ' || (SELECT group_concat(name, ',') FROM
       (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno))
FROM sqlite_master m, pragma_index_list(m.name) il
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND il.\"unique\" AND il.origin != 'pk'
" >"$SCRATCH/lite.keys.raw"
# other indexes: "T index NAME C1,C2[ where PREDICATE]"
store_sql "$lite" "
SELECT m.name || ' index ' || il.name || ' ' || (SELECT group_concat(name, ',') FROM
       (SELECT name FROM pragma_index_info(il.name) ORDER BY seqno))
       || CASE WHEN il.partial THEN ' where ' || substr(i.sql, instr(upper(i.sql), ' WHERE ') + 7)
               ELSE '' END
FROM sqlite_master m, pragma_index_list(m.name) il JOIN sqlite_master i ON i.name = il.name
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND NOT il.\"unique\"
" >"$SCRATCH/lite.indexes.raw"
# foreign keys: "T C -> REFERENCED"
store_sql "$lite" "
SELECT m.name || ' ' || f.\"from\" || ' -> ' || f.\"table\"
FROM sqlite_master m, pragma_foreign_key_list(m.name) f
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'" >"$SCRATCH/lite.fks.raw"

# ---- PostgreSQL's catalogue, in the same lines ----
# landfall_schema is the migration's version (SQLite's PRAGMA user_version), event_messages the
# message ids of events (below), partitions are months of events: none is a table of the model.
tables="c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
        AND NOT c.relispartition AND c.relname NOT IN ('landfall_schema', 'event_messages')"
# a default's cast is dropped, and so are the quotes PostgreSQL puts around a negative number
# (DEFAULT -1 reads back as '-1'::bigint)
types="CASE format_type(a.atttypid, a.atttypmod) WHEN 'bigint' THEN 'integer'
            WHEN 'double precision' THEN 'real' ELSE format_type(a.atttypid, a.atttypmod) END"
pg_columns() {
    pg_sql "$pg" "
SELECT c.relname || '.' || a.attname || ' ' || $types
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || CASE WHEN a.attidentity != '' THEN ' auto' ELSE '' END
       || COALESCE(' default ' || regexp_replace(regexp_replace(pg_get_expr(d.adbin, d.adrelid),
                   '::[a-z ]+$', ''), '^''(-[0-9.]+)''$', '\\1'), '')
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE $tables ORDER BY c.relname, a.attnum"
}
pg_columns >"$SCRATCH/pg.columns"
# index columns in order, of the model's tables and of event_messages
pg_index_rows() {
    pg_sql "$pg" "
SELECT c.relname, ic.relname, i.indisprimary, i.indisunique,
       string_agg(a.attname, ',' ORDER BY k.ord),
       COALESCE(pg_get_expr(i.indpred, i.indrelid), '')
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname != 'landfall_schema'
GROUP BY c.relname, ic.relname, i.indisprimary, i.indisunique, i.indpred, i.indrelid"
}
pg_index_rows >"$SCRATCH/pg.index_rows"
awk -F'|' '$4 == "t" { print $1, ($3 == "t" ? "primary" : "unique"), $5 }' \
    "$SCRATCH/pg.index_rows" >"$SCRATCH/pg.keys.raw"
awk -F'|' '$4 == "f" { print $1, "index", $2, $5 ($6 == "" ? "" : " where " $6) }' \
    "$SCRATCH/pg.index_rows" >"$SCRATCH/pg.indexes.raw"
pg_sql "$pg" "
SELECT c.relname || ' ' || string_agg(a.attname, ',' ORDER BY k.ord) || ' -> ' || r.relname
FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
CROSS JOIN LATERAL unnest(f.conkey) WITH ORDINALITY k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
WHERE f.contype = 'f' AND $tables GROUP BY c.relname, f.oid, r.relname" >"$SCRATCH/pg.fks.raw"

# ---- the mapped differences ----
# keys: on a distributed table SQLite's keys gain workspace_id in front on PostgreSQL (the
# distribution column; a key without it cannot be enforced by Citus).
awk -v ref=" $reference_tables " '
    { if (index(ref, " " $1 " ") == 0 && ("," $3 ",") !~ /,workspace_id,/) $3 = "workspace_id," $3
      print }' "$SCRATCH/lite.keys.raw" | LC_ALL=C sort >"$SCRATCH/lite.keys"
# events: PostgreSQL needs the partition key (ts) in a partitioned table's primary key, and
# cannot make (workspace_id, message_id) unique on it: event_messages holds that key, and a
# trigger skips an event whose pair is there (the unique index of SQLite).
sed -e 's/^events primary workspace_id,id,ts$/events primary workspace_id,id/' \
    -e 's/^event_messages primary workspace_id,message_id$/events unique workspace_id,message_id/' \
    "$SCRATCH/pg.keys.raw" | LC_ALL=C sort >"$SCRATCH/pg.keys"
check "PostgreSQL keeps message ids unique by a trigger on events" test "$(pg_sql "$pg" \
    "SELECT count(*) FROM pg_trigger WHERE tgname = 'events_once'
        AND tgrelid = 'events'::regclass")" -ge 1
# indexes: a row of a distributed table is still found by its id alone on PostgreSQL, whose
# primary key now starts with workspace_id: an index on the id (or the change log's seq) that
# SQLite's INTEGER PRIMARY KEY is. An index of SQLite's equal to PostgreSQL's primary key is
# that key (changes_workspace: PRIMARY KEY (workspace_id, seq)). Predicates lose their brackets,
# and PostgreSQL's casts of literals in them (touchpoints_open: status = 'open'::text).
awk 'NR == FNR { if ($2 == "primary") pk[$1] = $3; next }
     { if (pk[$1] == $4) next; print }' "$SCRATCH/pg.keys" "$SCRATCH/lite.indexes.raw" |
    tr -d '()' | LC_ALL=C sort >"$SCRATCH/lite.indexes"
awk 'NR == FNR { if ($2 == "primary" && $3 == "") next; if ($2 == "primary") lite[$1] = $3; next }
     ($4 == "id" || $4 == "seq") && lite[$1] == $4 { next } { print }' \
    "$SCRATCH/lite.keys.raw" "$SCRATCH/pg.indexes.raw" | tr -d '()' |
    sed -E "s/('[^']*')::[a-z ]+/\\1/g" | LC_ALL=C sort \
    >"$SCRATCH/pg.indexes"
# foreign keys: on PostgreSQL a reference between distributed tables goes through
# (workspace_id, id) (Citus joins co-located rows only): the column is the one after workspace_id.
# A reference table cannot refer to a distributed one (Citus refuses the key): SQLite's
# sessions.user_id -> users is kept by store_user_delete, which deletes a user's sessions itself.
awk -v ref=" $reference_tables " '
    index(ref, " " $1 " ") && !index(ref, " " $4 " ") { next } { print }' \
    "$SCRATCH/lite.fks.raw" | LC_ALL=C sort >"$SCRATCH/lite.fks"
sed -E 's/ workspace_id,([a-z_]+) -> / \1 -> /' "$SCRATCH/pg.fks.raw" | LC_ALL=C sort \
    >"$SCRATCH/pg.fks"

# ---- the comparison ----
for part in columns keys indexes fks; do
    check "SQLite's $part are listed" test -s "$SCRATCH/lite.$part"
    if ! diff -u "$SCRATCH/lite.$part" "$SCRATCH/pg.$part" >"$SCRATCH/$part.diff"; then
        sed 's/^/  /' "$SCRATCH/$part.diff"
    fi
    check "the same $part on both engines (- SQLite, + PostgreSQL above)" \
        test ! -s "$SCRATCH/$part.diff"
done
# the lines hold what the test says they hold: spot checks of each listing, by hand from the
# migrations (001_init.sql of each engine)
check "a column: accounts.currency" grep -qx "accounts.currency text not null default 'USD'" \
    "$SCRATCH/pg.columns"
check "a generated id: accounts.id" grep -qx "accounts.id integer not null auto" \
    "$SCRATCH/lite.columns"
check "a real: touchpoints.duration_minutes" grep -qx "touchpoints.duration_minutes real" \
    "$SCRATCH/pg.columns"
check "a key: mrr_changes" grep -qx "mrr_changes unique workspace_id,account_id,date" \
    "$SCRATCH/pg.keys"
check "a reference table's key: api_keys.prefix" grep -qx "api_keys unique prefix" \
    "$SCRATCH/lite.keys"
check "a partial index: contacts_merged" \
    grep -qx "contacts index contacts_merged merged_into where merged_into IS NOT NULL" \
    "$SCRATCH/pg.indexes"
check "a foreign key: responses.survey_id" grep -qx "responses survey_id -> surveys" \
    "$SCRATCH/pg.fks"
# the comparison sees a difference: a column that PostgreSQL alone has
pg_sql "$pg" "ALTER TABLE accounts ADD COLUMN only_here BIGINT"
pg_columns >"$SCRATCH/pg.columns2"
check_eq "a column of one engine alone is a difference" "+accounts.only_here integer" \
    "$(diff "$SCRATCH/lite.columns" "$SCRATCH/pg.columns2" | sed -n 's/^> /+/p')"
# the model's tables, from the migrations: those created, less those dropped, renamed as renamed
# (a table rebuilt as T_new and renamed is T once)
migration_tables() {
    sed 's/--.*//' "$@" | awk '
        { line = tolower($0) }
        match(line, /create table (if not exists )?[a-z_0-9]+/) {
            n = split(substr(line, RSTART, RLENGTH), w, " "); t[w[n]] = 1 }
        match(line, /drop table (if exists )?[a-z_0-9]+/) {
            n = split(substr(line, RSTART, RLENGTH), w, " "); delete t[w[n]] }
        match(line, /alter table [a-z_0-9]+ rename to [a-z_0-9]+/) {
            split(substr(line, RSTART, RLENGTH), w, " "); delete t[w[3]]; t[w[6]] = 1 }
        END { for (n in t) print n }' | LC_ALL=C sort
}
migrations=$(cd "$(dirname "$0")/../../../src/store/migrations" && pwd)
migration_tables "$migrations"/sqlite/*.sql >"$SCRATCH/tables"
check "the migrations create tables" test -s "$SCRATCH/tables"
# PostgreSQL's migrations make the same ones, and event_messages (the events' message ids, above)
check_eq "PostgreSQL's migrations make the same tables" \
    "$(LC_ALL=C sort -u - <<<"$(cat "$SCRATCH/tables"; echo event_messages)")" \
    "$(migration_tables "$migrations"/pg/*.sql)"
ntables=$(wc -l <"$SCRATCH/tables")
check_eq "every table is there on SQLite: $ntables of the migrations" "$(cat "$SCRATCH/tables")" \
    "$(cut -d. -f1 "$SCRATCH/lite.columns" | LC_ALL=C sort -u)"
check_eq "every table is there on PostgreSQL: $ntables of the migrations" "$(cat "$SCRATCH/tables")" \
    "$(cut -d. -f1 "$SCRATCH/pg.columns" | LC_ALL=C sort -u)"

finish
