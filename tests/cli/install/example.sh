#!/bin/bash
# example.sh - liblandfall as a library user gets it: installs the built tree into a scratch
# DESTDIR (`meson install --destdir`), checks what is there (the shared library and its soname,
# only landfall.h, landfall.pc) and that the library exports exactly landfall.h's functions,
# then builds examples/summary.c against that copy only, through pkg-config, and runs it on a
# demo store: it must print what `landfall report nps` prints and what the SQL counts.
source "$(dirname "$0")/../lib.sh"
: "${MESON:?set MESON to the meson command}" "${LANDFALL_BUILD_ROOT:?}" "${LANDFALL_SOURCE_ROOT:?}"
CC=${CC:-cc}

# Under ASan the library needs the sanitizer runtimes loaded first, so the example is compiled
# with the same -fsanitize flags as the build it links (meson passes b_sanitize).
san=()
case ${LANDFALL_SANITIZED:-none} in
none | '') ;;
*) san=(-fsanitize="$LANDFALL_SANITIZED") ;;
esac

# --no-rebuild: meson test has just built the tree, and a ninja run from inside a test could
# relink the binaries that the tests running beside it use.
dest=$SCRATCH/dest
if ! "$MESON" install -C "$LANDFALL_BUILD_ROOT" --destdir "$dest" --no-rebuild \
    >"$SCRATCH/install.log" 2>&1; then
    cat "$SCRATCH/install.log"
    check "meson install --destdir" false
    finish
    exit
fi

# What is installed: found through the .pc file, so that the build's prefix and libdir
# (/usr/local, lib/x86_64-linux-gnu by default) are whatever it was configured with.
pc=$(find "$dest" -name landfall.pc)
check_eq "one landfall.pc is installed" 1 "$(printf '%s\n' "$pc" | grep -c .)"
prefix=$(sed -n 's/^prefix=//p' "$pc")
libdir=$(dirname "$(dirname "$pc")")
check_eq "the public header, and no internal one" "$dest$prefix/include/landfall.h" \
    "$(find "$dest" -name '*.h')"
# project version 0.1.0, soversion 0 (meson.build): the linker name, the soname, the real file
check_eq "the library's files" "liblandfall.so liblandfall.so.0 liblandfall.so.0.1.0" \
    "$(cd "$libdir" && echo liblandfall.*)"
check_eq "liblandfall.so links to the soname" liblandfall.so.0 \
    "$(readlink "$libdir/liblandfall.so")"
check_eq "soname" liblandfall.so.0 \
    "$(readelf -d "$libdir/liblandfall.so.0.1.0" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')"
check "no static archive is installed" test -z "$(find "$dest" -name '*.a')"

# Exports: compiled with -fvisibility=hidden, the library exports what landfall.h marks LF_API
# and nothing else (without it, the 573 global symbols of src/ leaked). The functions are the
# header's declarations at the start of a line (its struct members are indented), so a function
# added without LF_API fails here rather than going missing from the library unnoticed.
header=$dest$prefix/include/landfall.h
grep -E '^[A-Za-z].*\blf_[a-z0-9_]+\(' "$header" >"$SCRATCH/decls"
check "landfall.h declares functions" test -s "$SCRATCH/decls"
check_eq "every function of landfall.h is LF_API" "" "$(grep -v '^LF_API ' "$SCRATCH/decls")"
sed -E 's/^[^(]*\b(lf_[a-z0-9_]+)\(.*/\1/' "$SCRATCH/decls" | sort >"$SCRATCH/declared"
nm -D --defined-only "$libdir/liblandfall.so.0.1.0" | awk '{ print $3 }' | sort >"$SCRATCH/exported"
check_eq "exported symbols = landfall.h's functions" "$(cat "$SCRATCH/declared")" \
    "$(cat "$SCRATCH/exported")"

# pkg-config, from the installed .pc only; PKG_CONFIG_SYSROOT_DIR puts DESTDIR in front of its
# paths, as for a staged install.
export PKG_CONFIG_PATH=$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
flags=$(pkg-config --cflags --libs landfall)
check "pkg-config: -I the installed include dir" grep -qF -- "-I$dest$prefix/include" <<<"$flags"
check "pkg-config: -L the installed lib dir" grep -qF -- "-L$libdir -llandfall" <<<"$flags"
check "pkg-config: nothing of the source tree" test "${flags/"$LANDFALL_SOURCE_ROOT"/}" = "$flags"
# the private dependencies are meson.build's lib_deps: those with a .pc file are required,
# libcsv, libm, libstemmer (no .pc) and the threads are linked; XGBoost, libcurl and libpq are
# neither: the library opens them when first needed (base/dynlib.c)
check_eq "Requires.private" "gsl jansson libmicrohttpd libsodium sqlite3 zlib" \
    "$(pkg-config --print-requires-private landfall | awk '{ print $1 }' | sort | xargs)"
check_eq "Libs.private" "-lcsv -lm -pthread -lstemmer" "$(sed -n 's/^Libs.private: //p' "$pc")"

# The example, with the README's command line: its landfall.h is the installed one (-MD lists
# the headers it read) and it loads the installed library.
# shellcheck disable=SC2086 # pkg-config's output is a list of words
$CC -std=c11 -Wall -Wextra -Werror -O1 "${san[@]}" -MD -MF "$SCRATCH/summary.d" \
    -o "$SCRATCH/summary" "$LANDFALL_SOURCE_ROOT/examples/summary.c" $flags
check_eq "cc summary.c: exit" 0 "$?"
check_eq "the example includes the installed landfall.h" "$dest$prefix/include/landfall.h" \
    "$(grep -o '[^ ]*/landfall\.h' "$SCRATCH/summary.d")"
export LD_LIBRARY_PATH=$libdir
check_eq "the example loads the installed library" "$libdir/liblandfall.so.0" \
    "$(ldd "$SCRATCH/summary" | awk '$1 == "liblandfall.so.0" { print $3 }')"
# and with examples/Makefile, built outside the source tree
mkdir "$SCRATCH/mk"
make -s -C "$SCRATCH/mk" -f "$LANDFALL_SOURCE_ROOT/examples/Makefile" CC="$CC" \
    CFLAGS="-O1 ${san[*]}" >"$SCRATCH/make.log" 2>&1
check_eq "make -f examples/Makefile: exit" 0 "$?"
check "make -f examples/Makefile builds ./summary" test -x "$SCRATCH/mk/summary"

# A demo store, and NPS by quarter over the 12 months before 2026-06-30.
run_lf demo --accounts 50 --seed 1 --end 2026-06-30
check_eq "demo: exit" 0 "$rc"
"$SCRATCH/summary" "$LANDFALL_DB" nps by=quarter now=2026-06-30 \
    >"$SCRATCH/ex.out" 2>"$SCRATCH/ex.err"
check_eq "summary: exit" 0 "$?"
check_eq "summary: nothing on stderr" "" "$(cat "$SCRATCH/ex.err")"
check_eq "summary: the header" "quarter nps n promoters passives detractors margin_of_error" \
    "$(head -1 "$SCRATCH/ex.out" | xargs)"
# the same call as the CLI's, through the shared library instead of the static one
run_lf report nps --by quarter --now 2026-06-30
check_eq "summary prints what 'landfall report nps' prints" "$out" "$(cat "$SCRATCH/ex.out")"
"$SCRATCH/mk/summary" "$LANDFALL_DB" nps by=quarter now=2026-06-30 >"$SCRATCH/mk.out"
check_eq "the Makefile's build prints the same" "$out" "$(cat "$SCRATCH/mk.out")"

# The rows against SQL: the window is [2025-06-01, 2026-06-30) (from defaults to the start of the
# month 12 months before to, and to to now); promoters score 9-10, passives 7-8, detractors 0-6.
F=$(($(date -u -d 2025-06-01 +%s) * 1000)) T=$(($(date -u -d 2026-06-30 +%s) * 1000))
expected=$(store_sql -separator ' ' "$LANDFALL_DB" "
SELECT q, COUNT(*), SUM(score >= 9), SUM(score BETWEEN 7 AND 8), SUM(score <= 6)
FROM (SELECT r.score, strftime('%Y', r.ts / 1000, 'unixepoch') || '-Q' ||
             ((strftime('%m', r.ts / 1000, 'unixepoch') + 2) / 3) AS q
      FROM responses r JOIN surveys s ON s.id = r.survey_id
      JOIN workspaces w ON w.id = r.workspace_id
      WHERE w.ext_id = 'default' AND s.kind = 'nps' AND r.ts >= $F AND r.ts < $T)
GROUP BY q ORDER BY q;")
rows=$(awk '/^[0-9][0-9][0-9][0-9]-Q[1-4] / { print $1, $3, $4, $5, $6 }' "$SCRATCH/ex.out")
check "the SQL finds responses in the window" test -n "$expected"
check_eq "summary: quarters, n, promoters, passives, detractors = SQL" "$expected" "$rows"
# nps = 100 × (promoters − detractors) / n, printed to two decimals
check_eq "summary: nps = 100 × (promoters − detractors) / n" 0 \
    "$(awk '/^[0-9][0-9][0-9][0-9]-Q[1-4] / {
    d = $2 - 100 * ($4 - $6) / $3; if (d < 0) d = -d; if (d > 0.005001) bad++ }
    END { print bad + 0 }' "$SCRATCH/ex.out")"

# No arguments but the store: NPS by quarter up to now (the clock), so only its header is fixed.
"$SCRATCH/summary" "$LANDFALL_DB" >"$SCRATCH/now.out" 2>&1
check_eq "summary STORE: exit" 0 "$?"
check_eq "summary STORE: nps by quarter" \
    "quarter nps n promoters passives detractors margin_of_error" \
    "$(head -1 "$SCRATCH/now.out" | xargs)"
# A store that is not there is refused (must_exist), not created empty.
"$SCRATCH/summary" "$SCRATCH/missing.db" >"$SCRATCH/missing.out" 2>&1
check_eq "summary on a missing store: exit" 1 "$?"
check "summary on a missing store: says so" grep -q "no store at '$SCRATCH/missing.db'" \
    "$SCRATCH/missing.out"
check "summary on a missing store: creates nothing" test ! -e "$SCRATCH/missing.db"
# A bad parameter is the library's LF_EINVAL, with the field it is about.
"$SCRATCH/summary" "$LANDFALL_DB" nps by=fortnight >"$SCRATCH/bad.out" 2>&1
check_eq "summary nps by=fortnight: exit" 1 "$?"
check "summary nps by=fortnight: names the parameter" grep -q "^summary: by: 'fortnight'" \
    "$SCRATCH/bad.out"

finish
