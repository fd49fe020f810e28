# valgrind_lib.sh - what the valgrind tests share (valgrind.sh, valgrind_models.sh): the skip in
# the sanitizer build, and vg, which runs landfall under valgrind with the suppressions of the
# outside libraries' own one-time state (valgrind.supp says what each is and why it is not ours).
source "$(dirname "$0")/../lib.sh"

if [ "${LANDFALL_SANITIZED:-none}" != none ]; then
    # the sanitizers' own runtime would confuse valgrind; they check these paths there instead
    echo "skipped: sanitizer build"
    finish
    exit 0
fi
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed"; exit 1; }
VG_SUPP="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/valgrind.supp"

# vg NAME CODE ARGS...: runs `landfall ARGS` under valgrind; fails unless it exits with CODE (the
# exit code of landfall's table in `landfall help`: an error path is run for its own code) and
# valgrind reported nothing: no leak (definite, indirect or possible), no invalid or
# uninitialised access. Its output is in $SCRATCH/vg-NAME.out and .err for the value checks.
# With VG_TIMES=FILE in the environment each run appends "NAME USER SYS WALL" (seconds) to FILE:
# where the test's time goes (`VG_TIMES=/tmp/t meson test -C build cli-store-valgrind`).
vg() {
    local name=$1 want=$2
    shift 2
    local tm=()
    [ -n "${VG_TIMES:-}" ] && tm=(/usr/bin/time -a -o "$VG_TIMES" -f "$name %U %S %e")
    "${tm[@]}" valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
        --suppressions="$VG_SUPP" --log-file="$SCRATCH/vg-$name.log" \
        "$LANDFALL" "$@" >"$SCRATCH/vg-$name.out" 2>"$SCRATCH/vg-$name.err"
    local code=$?
    check_eq "valgrind: landfall $* exits $want ($(head -c 300 "$SCRATCH/vg-$name.err"))" \
        "$want" "$code"
    check_eq "valgrind: landfall $* reports nothing" "" "$(head -c 3000 "$SCRATCH/vg-$name.log")"
}

# vg_out NAME: the standard output of `vg NAME …`; vg_err NAME: its standard error
vg_out() { cat "$SCRATCH/vg-$1.out"; }
vg_err() { cat "$SCRATCH/vg-$1.err"; }

# same NAME ARGS...: `landfall ARGS` under valgrind succeeds and answers what it answers without
# valgrind (which must not change a result: a difference is a read of memory nobody wrote)
same() {
    local name=$1
    shift
    vg "$name" 0 "$@"
    run_lf "$@"
    check_eq "valgrind: landfall $* answers as without valgrind" "$out" "$(vg_out "$name")"
}
