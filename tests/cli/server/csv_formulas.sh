#!/usr/bin/env bash
# csv_formulas.sh - a CSV export is safe to open in a spreadsheet (OWASP "CSV injection"): a text
# cell starting with = + - @ (an account named "=HYPERLINK(…)", a plan "+cmd|calc", imported
# from anywhere) is written with a leading apostrophe, so that Excel, LibreOffice and Google
# Sheets show it as text instead of evaluating it; a text that is a plain number ("-3") and
# every number and time stay as they are. The portfolio's export (GET /v1/metrics/book with
# Accept: text/csv) and `landfall metric book --csv` write the same.
source "$(dirname "$0")/server_lib.sh"

cat >"$SCRATCH/acc.csv" <<'CSV'
id,name,plan,segment,owner,mrr
f1,"=HYPERLINK(""http://evil.example"",""x"")",+cmd|calc,@SUM(1),-2+3,0
f2,-3,pro,-,ok,12.5
CSV
run_lf import accounts "$SCRATCH/acc.csv"
check_eq "the hostile accounts are imported" 0 "$rc"
# the stored values are the imported ones: only the export quotes them
check_eq "the store keeps the name as given" '=HYPERLINK("http://evil.example","x")' \
    "$(sql "SELECT name FROM accounts WHERE ext_id = 'f1'")"

# the book's columns: account,name,owner,plan,segment,…,mrr (8th); f1: each text cell starting
# with = + - @ is quoted by an apostrophe; f2: "-3" is a number as text and stays, "-" is not
expect1="f1,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'-2+3,'+cmd|calc,'@SUM(1)"
expect2="f2,-3,ok,pro,'-"
run_lf metric book --csv
check_eq "metric book --csv" 0 "$rc"
check_eq "CLI: f1's text cells are neutralised" "$expect1" "$(grep '^f1,' "$SCRATCH/out" | cut -d, -f1-6)"
check_eq "CLI: f2's number-like name stays, a lone '-' does not" "$expect2" \
    "$(grep '^f2,' "$SCRATCH/out" | cut -d, -f1-5)"
check_eq "CLI: f2's MRR stays a number (12.50 USD in cents)" 1250 \
    "$(grep '^f2,' "$SCRATCH/out" | cut -d, -f8)"

r=$(new_key read)
serve_start
http GET /v1/metrics/book -H "Authorization: Bearer $r" -H 'Accept: text/csv'
check_eq "HTTP export" 200 "$status"
check_eq "HTTP: f1's text cells are neutralised" "$expect1" "$(grep '^f1,' "$SCRATCH/body" | cut -d, -f1-6)"
check_eq "HTTP: f2 as the CLI writes it" "$expect2" "$(grep '^f2,' "$SCRATCH/body" | cut -d, -f1-5)"
# JSON is for programs: the values as stored
http GET '/v1/metrics/book?where=account%3Df1' -H "Authorization: Bearer $r"
check_eq "JSON keeps the name as stored" '=HYPERLINK("http://evil.example","x")' "$(jfield '$.rows[0].name')"
serve_stop
finish
