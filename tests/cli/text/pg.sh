#!/usr/bin/env bash
# pg.sh - stored texts on PostgreSQL: the comments, ticket texts and reviews of an import are
# analysed in the transaction that stores them, and text summary, comments and topics answer on
# a PostgreSQL store the documents they answer on SQLite. Skipped when PostgreSQL is not
# installed (scripts/setup installs it); the server is the suite's, or a throwaway one on a
# Unix socket (tests/cli/pg/pg_lib.sh).
source "$(dirname "$0")/../pg/pg_lib.sh"
pg_start
PGURL=$(pg_db texts) || { echo "FAIL: a database on PostgreSQL"; exit 1; }

cat >"$SCRATCH/responses.csv" <<'CSV'
id,ts,account_id,survey,score,comment
r1,2026-03-02,acme,nps,3,The invoice was good.
r2,2026-03-03,acme,nps,2,Today SUX!
r3,2026-03-04,beta,nps,10,The book was good.
r4,2026-03-05,beta,nps,9,"Danke, sehr gut"
r6,2026-04-02,acme,nps,9,The invoice was good.
CSV
cat >"$SCRATCH/touchpoints.csv" <<'CSV'
id,ts,account_id,kind,team,text
t1,2026-03-10,acme,ticket,support,Today SUX!
CSV
cat >"$SCRATCH/reviews.csv" <<'CSV'
id,ts,account_id,rating,text,site
g2-1,2026-03-11,beta,2,Setup was confusing and the invoices are wrong.,g2
CSV
for db in "$SCRATCH/sqlite.db" "$PGURL"; do
    for kind in responses touchpoints reviews; do
        run_lf --db "$db" import "$kind" "$SCRATCH/$kind.csv"
        check_eq "import $kind into $(basename "${db%%\?*}")" 0 "$rc"
    done
done
W=(--from 2026-01-01 --to 2026-06-01 --json)
for cmd in "summary" "summary --by month" "summary --by touchpoint" \
    "comments --survey nps --score 0-6" "comments --topic billing" "topics"; do
    # shellcheck disable=SC2086
    run_lf --db "$SCRATCH/sqlite.db" text $cmd "${W[@]}"
    cp "$SCRATCH/out" "$SCRATCH/sqlite.json"
    # shellcheck disable=SC2086
    run_lf --db "$PGURL" text $cmd "${W[@]}"
    check_eq "text $cmd on PostgreSQL: exit 0" 0 "$rc"
    same=$(sqlite3 :memory: "SELECT json(CAST(readfile('$SCRATCH/sqlite.json') AS TEXT)) =
                                    json(CAST(readfile('$SCRATCH/out') AS TEXT))")
    check_eq "text $cmd: PostgreSQL answers what SQLite answers" 1 "$same"
done
# the hand-worked figure of store.sh, on PostgreSQL: 7 texts, 6 scored: 0.4404 × 3 (r1, r3,
# r6), -0.5461 × 2 (r2, t1), and the review's
run_lf --db "$PGURL" text summary "${W[@]}"
printf '%s' "$out" >"$SCRATCH/s.json"
check_eq "texts and scored" "7 6" "$(sqlite3 :memory: "SELECT json_extract(CAST(readfile('$SCRATCH/s.json') AS TEXT), '\$.rows[0].texts') || ' ' || json_extract(CAST(readfile('$SCRATCH/s.json') AS TEXT), '\$.rows[0].scored')")"
run_lf --db "$PGURL" text rebuild --quiet
check_eq "text rebuild on PostgreSQL" 0 "$rc"
run_lf --db "$PGURL" text summary "${W[@]}"
check_eq "the same summary after the rebuild" "$(cat "$SCRATCH/s.json")" "$out"
finish
