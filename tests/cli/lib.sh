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
