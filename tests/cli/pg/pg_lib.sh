# pg_lib.sh - what the PostgreSQL tests share: a throwaway server of their own (scripts/pg, on
# a Unix socket: nothing listens on the network), skipped when PostgreSQL is not installed.
declare -f finish >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PG_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../scripts" && pwd)/pg

# pg_start: starts the server; PG_DIR is its directory (outside $SCRATCH: the server runs as
# `postgres`, which may not enter a root's scratch directory). Stopped on exit.
pg_start() {
    if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
        echo "SKIP: $(basename "$0") needs PostgreSQL (scripts/setup installs it)"
        exit 77
    fi
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/landfall-pg.XXXXXX")
    trap '"$PG_SCRIPT" stop "$PG_DIR"; rm -rf "$SCRATCH"' EXIT
    "$PG_SCRIPT" start "$PG_DIR" >/dev/null || { echo "FAIL: PostgreSQL did not start"; exit 1; }
}

# pg_db NAME: makes a database and prints its URL.
pg_db() {
    "$PG_SCRIPT" createdb "$PG_DIR" "$1"
}

# psql_q URL QUERY: the query's rows, unaligned, '|' between columns.
psql_q() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 "$1" -c "$2"
}
