# lib.sh - what every CLI test sources: a scratch directory, the binary, and value assertions.
# A test calls check/check_eq/check_num; `finish` prints "N passed, N failed" and sets the exit code.
# Data: $TESTDATA is the repository's tests/data (always there); $SHARED_DATA the test-only sets
# kept outside the repository (tests/data/README.md), which a test asks for with need_shared_data.
set -u
: "${LANDFALL:?set LANDFALL to the landfall binary}"
TESTDATA=${LANDFALL_TESTDATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}
SHARED_DATA=${LANDFALL_SHARED_DATA:-}

# need_shared_data FILE...: the test needs these files of $LANDFALL_SHARED_DATA (paths relative
# to it, e.g. telco/telco_churn.csv); when one is missing the whole test is skipped: a SKIP line
# saying what is missing, and exit 77, which meson reports as SKIP rather than as a failure.
# Call it first, before any check, so that a skip never hides a result.
need_shared_data() {
    local f
    for f in "$@"; do
        if [ -z "$SHARED_DATA" ]; then
            echo "SKIP: $(basename "$0") needs $f of the test-only data kept outside the" \
                "repository, and LANDFALL_SHARED_DATA is not set (see tests/data/README.md)"
            exit 77
        elif [ ! -r "$SHARED_DATA/$f" ]; then
            echo "SKIP: $(basename "$0") needs '$SHARED_DATA/$f', which is not there" \
                "(LANDFALL_SHARED_DATA; see tests/data/README.md)"
            exit 77
        fi
    done
}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/landfall-test.XXXXXX")

# The engine the suite runs on: sqlite (a file in $SCRATCH), or pg when LANDFALL_TEST_DB=pg: a
# fresh database per store on the server of $LANDFALL_TEST_PG (a directory made by `scripts/pg
# start`, as scripts/test does), dropped when the test ends.
TEST_DB=${LANDFALL_TEST_DB:-sqlite}
_cleanup() {
    local d
    if [ -f "$SCRATCH/.pg_dbs" ]; then
        while read -r d; do
            _pg_bin dropdb --force -h "$LANDFALL_TEST_PG" -U landfall "$d" >/dev/null 2>&1
        done <"$SCRATCH/.pg_dbs"
    fi
    rm -rf "$SCRATCH"
}
trap _cleanup EXIT
_pg_bin() {
    local b=$1; shift
    "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/$b" "$@"
}
if [ "$TEST_DB" = pg ] && [ ! -S "${LANDFALL_TEST_PG:-/nonexistent}/.s.PGSQL.5432" ]; then
    echo "LANDFALL_TEST_DB=pg needs LANDFALL_TEST_PG, the directory of a server started with" \
        "'scripts/pg start DIR' (got '${LANDFALL_TEST_PG:-}')" >&2
    exit 1
fi

# _pg_template: the name of a database of the server migrated to this landfall's schema, which
# each test's database copies: lf_template_VERSION_SUM, made once per server and schema (by the
# first test that needs it; a rename makes it appear whole, so that tests running at once never
# copy a half-migrated one); nothing when it cannot be made. Nothing ever connects to it after
# (CREATE DATABASE … TEMPLATE refuses a template in use). Remembered in $SCRATCH. SUM is the
# POSIX cksum of the PostgreSQL migrations' text, one after the other, in hex: an edited
# migration is another schema, never a stale template (tests/unit/scratch_db.h computes the same
# of the binary's copy of them).
PG_MIGRATIONS=${LANDFALL_PG_MIGRATIONS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../src/store/migrations/pg" \
    2>/dev/null && pwd)}
_pg_template() {
    local latest sum t tmp admin="postgresql:///postgres?host=$LANDFALL_TEST_PG&user=landfall"
    if [ -f "$SCRATCH/.pg_template" ]; then
        cat "$SCRATCH/.pg_template"
        return
    fi
    latest=$("$LANDFALL" --db "$admin" migrate --status --json 2>/dev/null |
        sed -n 's/.*"latest": *\([0-9][0-9]*\).*/\1/p')
    sum=$(cat "$PG_MIGRATIONS"/[0-9]*.sql 2>/dev/null | cksum | cut -d' ' -f1)
    [ -n "$latest" ] && [ -n "$PG_MIGRATIONS" ] || return 0
    t=$(printf 'lf_template_%s_%08x' "$latest" "$sum")
    if [ "$(_pg_bin psql -X -q -A -t -d "$admin" \
        -c "SELECT 1 FROM pg_database WHERE datname = '$t'")" != 1 ]; then
        tmp="lf_tpl_${SCRATCH##*.}"
        if _pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall "$tmp" 2>/dev/null &&
            "$LANDFALL" --db "postgresql:///$tmp?host=$LANDFALL_TEST_PG&user=landfall" migrate \
                >/dev/null 2>&1 &&
            _pg_bin psql -X -q -d "$admin" -c "ALTER DATABASE \"$tmp\" RENAME TO \"$t\"" \
                >/dev/null 2>&1; then
            :
        else # another test made it meanwhile, or it cannot be made: the tests go without
            _pg_bin dropdb --force -h "$LANDFALL_TEST_PG" -U landfall "$tmp" >/dev/null 2>&1
        fi
    fi
    echo "$t" >"$SCRATCH/.pg_template"
    echo "$t"
}

# scratch_store NAME: the address of a new, empty store named NAME: $SCRATCH/NAME.db on SQLite
# (not created: landfall makes it), a new database on PostgreSQL.
scratch_store() {
    if [ "$TEST_DB" = pg ]; then
        local d="lft_${SCRATCH##*.}_$1" t
        t=$(_pg_template)
        # a copy of the migrated template (a file copy, where a new database would run every
        # migration at its first open); a plain database when there is none
        { [ -n "$t" ] && _pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall -T "$t" "$d" \
            2>/dev/null; } || _pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall "$d" || return 1
        echo "$d" >>"$SCRATCH/.pg_dbs" # a file: scratch_store often runs in a $(subshell)
        echo "postgresql:///$d?host=$LANDFALL_TEST_PG&user=landfall"
    else
        echo "$SCRATCH/$1.db"
    fi
}

# store_copy STORE NAME: the address of a new store named NAME holding what STORE (of the suite's
# engine, with no process using it) holds: on SQLite the file copied by SQLite's backup (the
# write-ahead log's pages with it), on PostgreSQL a new database with STORE's as its template (a
# file copy, which CREATE DATABASE makes only of a database nobody is connected to). For a test
# whose parts each change a store built once.
store_copy() {
    if [ "$TEST_DB" = pg ]; then
        local src=${1#postgresql:///} d="lft_${SCRATCH##*.}_$2"
        _pg_bin createdb -h "$LANDFALL_TEST_PG" -U landfall -T "${src%%\?*}" "$d" || return 1
        echo "$d" >>"$SCRATCH/.pg_dbs"
        echo "postgresql:///$d?host=$LANDFALL_TEST_PG&user=landfall"
    else
        sqlite3 "$1" ".backup '$SCRATCH/$2.db'" || return 1
        echo "$SCRATCH/$2.db"
    fi
}

# store_demo ARGS...: `landfall demo ARGS` into the store $LANDFALL_DB, as run_lf runs it ($rc,
# $out, $errout are the demo's). On PostgreSQL the demo is made in a SQLite file and copied into
# $LANDFALL_DB, which must be empty, with `landfall migrate` (COPY in one transaction, every table
# read back and compared), several times faster than the demo writing to PostgreSQL row by row;
# for tests whose subject is not the demo's writing (tests/cli/demo and tests/cli/pg keep that
# on PostgreSQL). A failed copy leaves $rc non-zero and migrate's message in $errout.
store_demo() {
    if [ "$TEST_DB" != pg ]; then
        run_lf demo "$@"
        return
    fi
    local db o e
    db=$(mktemp -u "$SCRATCH/demo.XXXXXX.db")
    LANDFALL_DB=$db run_lf demo "$@"
    [ "$rc" = 0 ] || return
    o=$out e=$errout
    run_lf migrate --from "$db" --to "$LANDFALL_DB" --quiet
    [ "$rc" = 0 ] && out=$o errout=$e
    rm -f "$db" "$db"-wal "$db"-shm
}

# store_sql [-separator S | -csv] DB SQL: runs SQL (SQLite's dialect) on the store DB and prints
# its rows as sqlite3 does. DB is a file, or a postgresql:// URL: then SQL runs on a SQLite copy
# of that database (_pg_mirror), so that a test's checks are written once, in one dialect, and
# read the rows PostgreSQL holds.
store_sql() {
    local opt=(-separator '|')
    if [ "$1" = -separator ]; then opt=(-separator "$2"); shift 2; fi
    if [ "$1" = -csv ]; then opt=(-csv); shift; fi
    case $1 in
    postgres://* | postgresql://*)
        local m
        m=$(_pg_mirror "$1" "$2") || { echo "store_sql: cannot copy '$1' to SQLite" >&2; return 1; }
        sqlite3 "${opt[@]}" "$m" "$2" ;;
    *) sqlite3 "${opt[@]}" "$1" "$2" ;;
    esac
}

# pg_sql URL SQL: runs SQL (PostgreSQL's dialect) on the database URL itself: rows as store_sql
# prints them (fields separated by |), for what only PostgreSQL has (its catalogue).
pg_sql() {
    _pg_bin psql -X -q -A -t -v ON_ERROR_STOP=1 -F '|' -d "$1" <<<"$2"
}

# store_exec DB SQL: runs SQL, written to mean the same in both dialects, on the store DB itself,
# not on store_sql's SQLite copy of a PostgreSQL store: for a write landfall must see, or a read
# of rows whose change the copy's stamp does not notice (users, sessions, text_results are not in
# the change log). On PostgreSQL the copies are forgotten, so the next store_sql makes one again.
store_exec() {
    case $1 in
    postgres://* | postgresql://*)
        rm -f "$SCRATCH"/.mirror-*.db.stamp
        pg_sql "$1" "$2" ;;
    *) sqlite3 "$1" "$2" ;;
    esac
}

# _pg_mirror URL [SQL]: prints the path of a SQLite store holding the rows of the PostgreSQL store
# URL: SQLite's schema (tests/cli/store/schema.sh proves the two equal: same tables, columns in the
# same order), every table that SQL names (every table without SQL, or when it reads the schema:
# sqlite_master, pragma_*) copied with COPY … CSV (NULL written as \N, set back to NULL after the
# import; SQLite's column types make numbers of the text as its engine would store them); the
# others empty until a later SQL names them (a count of accounts copies no events). Made again
# when the store changed: the change log (every write of the model's rows but events logs a row),
# the events or the API keys (not logged) changed. A test's own writes to the copy (a scratch
# table) last until then.
_pg_mirror() {
    local url=$1 sql=${2:-} m stamp t tables need=()
    m="$SCRATCH/.mirror-$(printf %s "$url" | md5sum | cut -c1-12).db"
    stamp=$(_pg_bin psql -X -q -A -t -d "$url" -c "SELECT (SELECT COALESCE(max(seq), 0) FROM
        changes) || ' ' || (SELECT COALESCE(max(id), 0) || ' ' || count(*) FROM events) || ' ' ||
        (SELECT count(*) || ' ' || count(revoked_at) FROM api_keys)" 2>/dev/null) || stamp=none
    if [ ! -f "$m" ] || [ "$(cat "$m.stamp" 2>/dev/null)" != "$stamp" ]; then
        rm -f "$m" "$m.tables"
        if [ "$stamp" = none ]; then # not a landfall store (yet): an empty SQLite file, as a new one
            : >"$m"
            echo "$stamp" >"$m.stamp"
            echo "$m"
            return
        fi
        if [ ! -f "$SCRATCH/.mirror-schema.db" ]; then
            "$LANDFALL" --db "$SCRATCH/.mirror-schema.db" workspace --time-zone UTC >/dev/null ||
                return 1
        fi
        if [ ! -f "$SCRATCH/.mirror-nulls.sql" ]; then
            sqlite3 "$SCRATCH/.mirror-schema.db" "SELECT 'UPDATE ' || m.name || ' SET ' || c.name ||
                ' = NULL WHERE ' || c.name || ' = ''\\N'';' FROM sqlite_master m,
                pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'" \
                >"$SCRATCH/.mirror-nulls.sql" || return 1
        fi
        cp "$SCRATCH/.mirror-schema.db" "$m"
        : >"$m.tables"
    fi
    [ "$stamp" = none ] && { echo "$m"; return; }
    # the store's tables (the schema's copy: a scratch table of the test's is no store's), listed
    # once per test
    if [ ! -f "$SCRATCH/.mirror-tables" ]; then
        sqlite3 "$SCRATCH/.mirror-schema.db" "SELECT name FROM sqlite_master
            WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" >"$SCRATCH/.mirror-tables" || return 1
    fi
    tables=$(<"$SCRATCH/.mirror-tables")
    # which tables SQL names, matched by bash itself (a grep a table and a call were most of the
    # PostgreSQL pass's store_sql time): a whole word, any case, as grep -qiw; all of them
    # without SQL or for a read of the schema
    local copied all=0 lsql=${sql,,} word='(^|[^[:alnum:]_])'
    copied=$'\n'$(<"$m.tables")$'\n'
    [[ -z $sql || $lsql =~ sqlite_master|sqlite_schema|pragma_ ]] && all=1
    for t in $tables; do
        [[ $copied == *$'\n'"$t"$'\n'* ]] && continue # copied at this stamp
        if [ "$all" = 1 ] || [[ $lsql =~ $word${t,,}([^[:alnum:]_]|$) ]]; then
            need+=("$t")
        fi
    done
    if [ ${#need[@]} -gt 0 ]; then
        mkdir -p "$SCRATCH/.mirror-csv"
        for t in "${need[@]}"; do
            printf '\\copy (SELECT * FROM %s) TO %s WITH (FORMAT csv, NULL %s)\n' "$t" \
                "'$SCRATCH/.mirror-csv/$t.csv'" "'\N'"
        done | _pg_bin psql -X -q -v ON_ERROR_STOP=1 -d "$url" || return 1
        {
            echo "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;"
            echo "BEGIN;"
            for t in "${need[@]}"; do
                echo "DELETE FROM $t;"
                echo ".import --csv '$SCRATCH/.mirror-csv/$t.csv' $t"
                grep "^UPDATE $t SET " "$SCRATCH/.mirror-nulls.sql"
            done
            echo "COMMIT;"
        } | sqlite3 -bail "$m" || return 1
        printf '%s\n' "${need[@]}" >>"$m.tables"
    fi
    echo "$stamp" >"$m.stamp"
    echo "$m"
}

# store_intact DB: prints "ok" when the store passes its engine's own check: SQLite's PRAGMA
# integrity_check; on PostgreSQL amcheck's bt_index_check of every B-tree index (each index
# agrees with its ordering; an error otherwise).
store_intact() {
    case $1 in
    postgres://* | postgresql://*)
        _pg_bin psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$1" 2>&1 <<'SQL' | sort -u
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS amcheck;
SELECT 'ok' FROM (SELECT bt_index_check(c.oid) FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'btree' AND c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace) x;
SQL
        ;;
    *) sqlite3 "$1" "PRAGMA integrity_check" ;;
    esac
}

# need_sqlite WHY: the test is SQLite's by nature (a file, its WAL, its pragmas): on another
# engine it is skipped (exit 77) with a line saying why.
need_sqlite() {
    if [ "$TEST_DB" != sqlite ]; then
        echo "SKIP: $(basename "$0") is SQLite's by nature ($*), and the suite runs on $TEST_DB"
        exit 77
    fi
}

# on_sqlite: true when the suite runs on SQLite (for checks of a file that only SQLite has)
on_sqlite() { [ "$TEST_DB" = sqlite ]; }

LANDFALL_DB=$(scratch_store test) || exit 1
export LANDFALL_DB
_passed=0
_failed=0

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
    local what=$1; shift
    if "$@"; then _passed=$((_passed + 1)); else _failed=$((_failed + 1)); echo "FAIL: $what"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
    if [ "$2" == "$3" ]; then
        _passed=$((_passed + 1))
    else
        _failed=$((_failed + 1))
        printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}

# check_num DESCRIPTION EXPECTED ACTUAL [TOLERANCE]: numbers equal within TOLERANCE (default 1e-6)
check_num() {
    if awk -v e="$2" -v a="$3" -v t="${4:-1e-6}" \
        'BEGIN { d = e - a; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; then
        _passed=$((_passed + 1))
    else
        _failed=$((_failed + 1))
        printf 'FAIL: %s\n  expected: %s (± %s)\n  actual:   %s\n' "$1" "$2" "${4:-1e-6}" "$3"
    fi
}

# run_lf ARGS...: runs landfall, leaving its exit code in $rc, stdout in $out, stderr in $errout
run_lf() {
    "$LANDFALL" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err"
    rc=$?
    out=$(cat "$SCRATCH/out")
    errout=$(cat "$SCRATCH/err")
}

finish() {
    echo "$_passed passed, $_failed failed"
    [ "$_failed" -eq 0 ]
}
