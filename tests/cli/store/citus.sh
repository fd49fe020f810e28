#!/usr/bin/env bash
# citus.sh - the PostgreSQL schema can be distributed by Citus as docs/scale-out.md lays it out
# ("The distribution layout"): every table the document does not name as a reference or local
# table is distributed by workspace_id, and Citus can enforce each of its keys and foreign keys
# only if the distribution column is in them. The rules checked here are the ones Citus applies
# when a table is distributed (its commands/foreign_constraint.c and the unique-index check of
# create_distributed_table): a unique index of a distributed table includes the distribution
# column; a foreign key between distributed tables pairs workspace_id with workspace_id, at the
# same position on both sides, and neither sets it to NULL or a default nor cascades an update
# to it; a reference table refers only to reference tables; nothing refers to a local table.
# And: workspace_id is a BIGINT NOT NULL wherever it is (co-location needs one type; Citus refuses
# a NULL distribution value), every distributed table has a primary key (a shard moved by logical
# replication needs a replica identity), identity columns are BIGINT.
# The catalogue is read from a database `landfall migrate` brought to the current schema, on the
# suite's PostgreSQL server ($LANDFALL_TEST_PG), in every pass; then tables that break each rule are
# added, and each check must name them.
source "$(dirname "$0")/../lib.sh"

if [ ! -S "${LANDFALL_TEST_PG:-/nonexistent}/.s.PGSQL.5432" ]; then
    echo "SKIP: citus.sh reads PostgreSQL's catalogue and LANDFALL_TEST_PG names no running server" \
        "(scripts/test starts one; or: scripts/pg start DIR; LANDFALL_TEST_PG=DIR meson test ...)"
    exit 77
fi
doc=$(cd "$(dirname "$0")/../../.." && pwd)/docs/scale-out.md
db="lft_${SCRATCH##*.}_citus"
pg="postgresql:///$db?host=$LANDFALL_TEST_PG&user=landfall"
_pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall "$db" || exit 1
echo "$db" >>"$SCRATCH/.pg_dbs"

run_lf --db "$pg" migrate
check_eq "landfall migrates a new database" 0 "$rc"
# a month of events: its partition is made (and would be distributed with its parent)
printf '%s\n' '{"type": "track", "messageId": "m1", "userId": "u1", "event": "login",' \
    '"timestamp": "2025-03-01T10:00:00Z", "context": {"groupId": "g1"}}' | tr -d '\n' \
    >"$SCRATCH/e.ndjson"
run_lf --db "$pg" import events "$SCRATCH/e.ndjson"
check_eq "an event is imported" 0 "$rc"

# ---- the layout the document states ----
# "| `name` | reference |" and "| `name` | local |" rows of its table of tables not distributed
sed -n 's/^| `\([a-z_0-9]*\)` | \(reference\|local\) |.*/\1 \2/p' "$doc" | LC_ALL=C sort \
    >"$SCRATCH/layout"
reference=$(awk '$2 == "reference" { print $1 }' "$SCRATCH/layout" | tr '\n' ' ')
local_tables=$(awk '$2 == "local" { print $1 }' "$SCRATCH/layout" | tr '\n' ' ')
check_eq "docs/scale-out.md names the reference tables" "api_keys sessions workspaces " "$reference"
check_eq "... and the local one" "landfall_schema " "$local_tables"
in_list() { # in_list LIST: SQL "IN (...)" of the names
    local l
    l=$(sed -E "s/([a-z_0-9]+)/'\\1'/g; s/ +$//; s/ /, /g" <<<"$1")
    echo "($l)"
}
ref_in=$(in_list "$reference")
local_in=$(in_list "$local_tables")
tables="c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
check_eq "every table the document names is in the catalogue" 4 "$(pg_sql "$pg" "
SELECT count(*) FROM pg_class c WHERE $tables AND (c.relname IN $ref_in OR c.relname IN $local_in)")"
# the document's commands distribute every other table (a new table must be added there)
sed -n '/^```sql$/,/^```$/p' "$doc" | grep -v create_reference_table | grep -o "'[a-z_0-9]*'" |
    tr -d "'" | grep -vx workspace_id | LC_ALL=C sort -u >"$SCRATCH/doc_distributed"
check_eq "docs/scale-out.md's commands distribute every other table" \
    "$(pg_sql "$pg" "SELECT c.relname FROM pg_class c WHERE $tables AND c.relname NOT IN $ref_in
                     AND c.relname NOT IN $local_in" | LC_ALL=C sort)" \
    "$(cat "$SCRATCH/doc_distributed")"

# violations QUERY-PART: each check below lists what breaks a rule, one line each; none is right
violations() {
    pg_sql "$pg" "
WITH t AS (
    SELECT c.oid, c.relname,
           CASE WHEN c.relname IN $ref_in THEN 'reference' WHEN c.relname IN $local_in THEN 'local'
                ELSE 'distributed' END AS kind,
           (SELECT a.attnum FROM pg_attribute a WHERE a.attrelid = c.oid
                AND a.attname = 'workspace_id' AND NOT a.attisdropped) AS ws
    FROM pg_class c WHERE $tables)
$1"
}

# every table carries workspace_id, but those the document names
violations "SELECT relname || ' has no workspace_id' FROM t WHERE ws IS NULL AND kind = 'distributed'
            ORDER BY 1" >"$SCRATCH/no_ws"
check_eq "every distributed table carries workspace_id" "" "$(cat "$SCRATCH/no_ws")"
check_eq "... and the tables without it are the named ones" "landfall_schema workspaces" \
    "$(violations "SELECT string_agg(relname, ' ' ORDER BY relname) FROM t WHERE ws IS NULL")"
type_rule="
SELECT t.relname || '.workspace_id is ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN '' ELSE ', nullable' END
FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = t.ws
WHERE a.atttypid != 'bigint'::regtype OR NOT a.attnotnull ORDER BY 1"
violations "$type_rule" >"$SCRATCH/ws_type"
check_eq "workspace_id is BIGINT NOT NULL in every table" "" "$(cat "$SCRATCH/ws_type")"

# primary keys and unique constraints (every unique index) of distributed tables
unique_rule="
SELECT t.relname || ': ' || pg_get_indexdef(i.indexrelid)
FROM t JOIN pg_index i ON i.indrelid = t.oid
WHERE t.kind = 'distributed' AND i.indisunique AND NOT t.ws = ANY(i.indkey) ORDER BY 1"
violations "$unique_rule" >"$SCRATCH/unique"
check_eq "every key of a distributed table includes workspace_id" "" "$(cat "$SCRATCH/unique")"
pk_rule="
SELECT relname || ' has no primary key' FROM t WHERE kind = 'distributed' AND NOT EXISTS
    (SELECT 1 FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary) ORDER BY 1"
check_eq "every distributed table has a primary key" "" "$(violations "$pk_rule")"
# the checks looked at keys: by hand from the migrations, accounts has its primary key and
# UNIQUE (workspace_id, ext_id); events its primary key only (message ids: event_messages)
check_eq "the keys read include accounts' two" 2 "$(violations "
SELECT count(*) FROM t JOIN pg_index i ON i.indrelid = t.oid
WHERE t.relname = 'accounts' AND i.indisunique AND t.ws = ANY(i.indkey)")"
check_eq "... and events' primary key with its partition key" "workspace_id, id, ts" \
    "$(violations "SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '.*\((.*)\)', '\1')
       FROM t JOIN pg_index i ON i.indrelid = t.oid WHERE t.relname = 'events'
       AND i.indisprimary")"

# foreign keys: between distributed tables through workspace_id at the same position on both
# sides; no SET NULL / SET DEFAULT on delete, no SET NULL / SET DEFAULT / CASCADE on update of a
# key that holds it; a reference table refers to reference tables only; none refers to a local
fk_rule="
SELECT f.conname || ' (' || t.relname || ' -> ' || r.relname || '): ' || CASE
         WHEN r.kind = 'local' THEN 'refers to a local table'
         WHEN t.kind = 'reference' AND r.kind = 'distributed'
             THEN 'a reference table refers to a distributed one'
         WHEN t.kind = 'distributed' AND r.kind = 'distributed'
              AND (array_position(f.conkey, t.ws) IS NULL
                   OR array_position(f.conkey, t.ws) IS DISTINCT FROM array_position(f.confkey, r.ws))
             THEN 'workspace_id is not paired with workspace_id'
         ELSE 'sets or cascades workspace_id' END
FROM pg_constraint f JOIN t ON t.oid = f.conrelid JOIN t r ON r.oid = f.confrelid
WHERE f.contype = 'f' AND (
      r.kind = 'local'
   OR (t.kind = 'reference' AND r.kind = 'distributed')
   OR (t.kind = 'distributed' AND r.kind = 'distributed'
       AND (array_position(f.conkey, t.ws) IS NULL
            OR array_position(f.conkey, t.ws) IS DISTINCT FROM array_position(f.confkey, r.ws)))
   OR (t.kind = 'distributed' AND t.ws = ANY(f.conkey)
       AND (f.confdeltype IN ('n', 'd') OR f.confupdtype IN ('n', 'd', 'c'))))
ORDER BY 1"
violations "$fk_rule" >"$SCRATCH/fks"
check_eq "every foreign key can be enforced by Citus" "" "$(cat "$SCRATCH/fks")"
# by hand from the migrations: 20 foreign keys between distributed tables, each through
# (workspace_id, id) (contacts -> accounts, contacts.merged_into -> contacts, mrr_changes,
# orders x2, outcomes, health_scores, responses x4, tasks x2, touchpoints x2, views,
# survey_sends x2, survey_skips x2)
check_eq "the keys read include 20 between distributed tables" 20 "$(violations "
SELECT count(*) FROM pg_constraint f JOIN t ON t.oid = f.conrelid JOIN t r ON r.oid = f.confrelid
WHERE f.contype = 'f' AND t.kind = 'distributed' AND r.kind = 'distributed'")"

identity_rule="
SELECT t.relname || '.' || a.attname || ' is an identity of ' || format_type(a.atttypid, a.atttypmod)
FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attidentity != ''
WHERE a.atttypid != 'bigint'::regtype ORDER BY 1"
violations "$identity_rule" >"$SCRATCH/identity"
check_eq "every identity column is BIGINT" "" "$(cat "$SCRATCH/identity")"
# the one trigger, which the document describes (Citus runs it on each shard only with
# citus.enable_unsafe_triggers): a new one must be described there too
check_eq "the only trigger is events_once" "events|events_once" "$(pg_sql "$pg" "
SELECT tgrelid::regclass || '|' || tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND $tables")"

# ---- the checks see a violation ----
pg_sql "$pg" "
CREATE TABLE bad_keys (workspace_id BIGINT NOT NULL, id BIGINT PRIMARY KEY, code TEXT UNIQUE);
CREATE TABLE bad_refs (workspace_id BIGINT NOT NULL, id BIGINT, account_id BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (account_id, workspace_id) REFERENCES accounts(workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts(workspace_id, id) ON DELETE SET NULL);
CREATE TABLE bad_none (id BIGINT PRIMARY KEY);
CREATE TABLE bad_types (workspace_id INT, n INT GENERATED BY DEFAULT AS IDENTITY);
ALTER TABLE api_keys ADD COLUMN account_id BIGINT;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_account
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts(workspace_id, id);" >/dev/null
check_eq "a key without workspace_id is seen" \
    "bad_keys: CREATE UNIQUE INDEX bad_keys_code_key ON public.bad_keys USING btree (code)
bad_keys: CREATE UNIQUE INDEX bad_keys_pkey ON public.bad_keys USING btree (id)" \
    "$(violations "$unique_rule")"
check_eq "a table without workspace_id is seen" "bad_none has no workspace_id" \
    "$(violations "SELECT relname || ' has no workspace_id' FROM t WHERE ws IS NULL
                   AND kind = 'distributed'")"
check_eq "foreign keys Citus refuses are seen" \
    "api_keys_account (api_keys -> accounts): a reference table refers to a distributed one
bad_refs_account_id_workspace_id_fkey (bad_refs -> accounts): workspace_id is not paired with workspace_id
bad_refs_workspace_id_account_id_fkey (bad_refs -> accounts): sets or cascades workspace_id" \
    "$(violations "$fk_rule")"
check_eq "a nullable workspace_id of another type is seen" "bad_types.workspace_id is integer, nullable" \
    "$(violations "$type_rule")"
check_eq "a table without a primary key is seen" "bad_types has no primary key" \
    "$(violations "$pk_rule")"
check_eq "an identity column of another type is seen" "bad_types.n is an identity of integer" \
    "$(violations "$identity_rule")"

finish
