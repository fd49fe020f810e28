# pg_lib.sh - what the PostgreSQL tests share: the suite's server ($LANDFALL_TEST_PG, which
# scripts/test starts for every pass) when there is one, each test's databases its own on it;
# else a throwaway server of their own (scripts/pg, on a Unix socket: nothing listens on the
# network). Skipped when PostgreSQL is not installed.
declare -f finish >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PG_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../scripts" && pwd)/pg

# pg_start: PG_DIR is the directory of the test's server: $LANDFALL_TEST_PG's when it names a
# running one (an initdb and a start less per test: seconds each), else a new one, outside
# $SCRATCH (the server runs as `postgres`, which may not enter a root's scratch directory),
# stopped on exit. What the tests do is per database (LISTEN/NOTIFY, advisory locks, sequences),
# so tests running at once on one server do not see each other. PG_OWN=1: a server of the
# test's own whatever the suite has (a test that stops and starts its server).
pg_start() {
    if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
        echo "SKIP: $(basename "$0") needs PostgreSQL (scripts/setup installs it)"
        exit 77
    fi
    if [ -z "${PG_OWN:-}" ] && [ -S "${LANDFALL_TEST_PG:-/nonexistent}/.s.PGSQL.5432" ]; then
        PG_DIR=$LANDFALL_TEST_PG
        PG_SHARED=1
        return
    fi
    PG_SHARED=0
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/landfall-pg.XXXXXX")
    trap '"$PG_SCRIPT" stop "$PG_DIR"; _cleanup' EXIT
    "$PG_SCRIPT" start "$PG_DIR" >/dev/null || { echo "FAIL: PostgreSQL did not start"; exit 1; }
}

# pg_db NAME: makes a database and prints its URL. On the suite's server its name is the test's
# own (lft_SCRATCH_NAME, as tests/cli/lib.sh names a test's stores) and it is dropped when the
# test ends (lib.sh's _cleanup).
pg_db() {
    if [ "$PG_SHARED" = 1 ]; then
        local d="lft_${SCRATCH##*.}_$1"
        _pg_bin createdb -h "$PG_DIR" -U landfall "$d" || return 1
        echo "$d" >>"$SCRATCH/.pg_dbs" # a file: pg_db often runs in a $(subshell)
        "$PG_SCRIPT" url "$PG_DIR" "$d"
    else
        "$PG_SCRIPT" createdb "$PG_DIR" "$1"
    fi
}

# psql_q URL QUERY: the query's rows, unaligned, '|' between columns.
psql_q() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "$2"
}
