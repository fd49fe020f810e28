# lib.sh - what every CLI test sources: a scratch directory, the binary, and value assertions.
# A test calls check/check_eq/check_num; `finish` prints "N passed, N failed" and sets the exit code.
set -u
: "${LANDFALL:?set LANDFALL to the landfall binary}"
TESTDATA=${LANDFALL_TESTDATA:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)}
SHARED_DATA=${LANDFALL_SHARED_DATA:-}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/landfall-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
export LANDFALL_DB="$SCRATCH/test.db"
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
