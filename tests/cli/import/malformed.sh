#!/bin/bash
# malformed.sh - CSV that is not quite CSV: a character after a closing quote rejects its own
# record only (the rest of the file is read normally), and files joined from several exports
# lose the byte-order mark and the header each part starts with.
source "$(dirname "$0")/../lib.sh"

q() { store_sql "$LANDFALL_DB" "$1"; }
cd "$SCRATCH" || exit 1
why='a character after the closing quote (a quote inside a quoted field is written twice: "")'

# ---- "Beta"x on line 3; line 5 is a legitimate two-line field with doubled quotes ----
printf '%s\n' 'id,name,plan' 'a1,Alpha,pro' 'a2,"Beta"x,pro' 'a3,Gamma,free' \
    'a4,"Multi' 'line ""quoted""",team' 'a5,Epsilon,pro' > stray.csv
run_lf import accounts stray.csv
check_eq "stray: exit 1 (a row rejected)" 1 "$rc"
check_eq "stray: summary (5 rows, only a2 rejected)" \
    "stray.csv: 5 rows, 4 inserted, 0 updated, 0 unchanged, 1 rejected (see stray.csv.rejects.csv)" \
    "$out"
check_eq "stray: stderr names line 3 and the column" "stray.csv:3:name: $why" "$errout"
# the field as written less its opening quote (Beta"x), re-quoted; the error column
check_eq "stray: rejects file holds that record alone" \
"id,name,plan,error
a2,\"Beta\"\"x\",pro,\"stray.csv:3:name: ${why//\"/\"\"}\"" \
    "$(cat stray.csv.rejects.csv)"
check_eq "stray: every other row stored as written" \
    "a1|Alpha|pro
a3|Gamma|free
a4|Multi
line \"quoted\"|team
a5|Epsilon|pro" "$(q "SELECT ext_id, name, plan FROM accounts ORDER BY ext_id")"

# the rejects file, fixed by hand, imports: the error column is ignored
sed -e 's/"Beta""x"/Beta/' stray.csv.rejects.csv > stray_fixed.rejects.csv
run_lf import accounts stray_fixed.rejects.csv
check_eq "stray fixed: exit" 0 "$rc"
check_eq "stray fixed: a2 stored" "a2|Beta|pro" \
    "$(q "SELECT ext_id, name, plan FROM accounts WHERE ext_id = 'a2'")"

# in the header, the file stops there: the column is numbered
printf 'id,"name"x\nb1,B\n' > strayheader.csv
run_lf import accounts strayheader.csv
check_eq "stray header: exit 3" 3 "$rc"
check_eq "stray header: stderr" "landfall: strayheader.csv:1:column 2: $why" "$errout"

# ---- two exports joined with cat: each starts with a byte-order mark and its header ----
bom=$'\xef\xbb\xbf'
printf '%sid,name,mrr\nc1,One,10\n' "$bom" > part1.csv
printf '%sid,name,mrr\nc2,Two,20\n"c3",Three,30\n' "$bom" > part2.csv
cat part1.csv part2.csv > joined.csv
run_lf import accounts joined.csv
check_eq "joined: exit 0" 0 "$rc"
check_eq "joined: summary (3 rows: the second header is no row)" \
    "joined.csv: 3 rows, 3 inserted, 0 updated, 0 unchanged, 0 rejected" "$out"
check_eq "joined: the second header is a notice" \
    "joined.csv:3: the header again (files joined together?): skipped" "$errout"
check_eq "joined: ids without the mark (hex of each id)" \
    "6331|One|1000
6332|Two|2000
6333|Three|3000" "$(q "SELECT hex(ext_id), name, mrr FROM accounts
                       WHERE name IN ('One', 'Two', 'Three') ORDER BY ext_id")"
check_eq "joined: no account named by a header" 0 \
    "$(q "SELECT count(*) FROM accounts WHERE ext_id LIKE '%id'")"

# a mark before a data row of a file with one header (a line pasted from another export)
printf 'id,name\nd1,One\n%sd2,Two\n' "$bom" > pasted.csv
run_lf import accounts pasted.csv
check_eq "pasted: exit 0" 0 "$rc"
check_eq "pasted: d2 without the mark" "6432|Two" \
    "$(q "SELECT hex(ext_id), name FROM accounts WHERE name = 'Two' AND ext_id LIKE 'd%'")"
finish
