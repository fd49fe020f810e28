#!/usr/bin/env bash
# jobs.sh - a scheduled job that three processes schedule at once runs once per slot, on
# PostgreSQL and on SQLite (lf_job_run: job_runs and, on PostgreSQL, advisory locks); on
# PostgreSQL a process killed with -9 in the middle of a run leaves its slot to the next one at
# once (its advisory lock went with its connection).
source "$(dirname "$0")/pg_lib.sh"
: "${JOBS_RACE:?set JOBS_RACE to the jobs_race helper}"
pg_start
PG=$(pg_db jobs)
SQ=$SCRATCH/jobs.db
"$LANDFALL" --db "$PG" migrate >/dev/null
"$LANDFALL" --db "$SQ" migrate >/dev/null

for db in "$PG" "$SQ"; do
    log=$SCRATCH/log.$RANDOM
    : >"$log"
    for p in 1 2 3; do
        "$JOBS_RACE" "$db" "$log" upto 30 >"$SCRATCH/ran.$p" 2>>"$SCRATCH/race.err" &
        pids[p]=$!
    done
    failed=0
    for p in 1 2 3; do wait "${pids[p]}" || failed=$((failed + 1)); done
    check_eq "the three processes ran ($db)" 0 "$failed"
    # 30 slots, each run exactly once: 30 lines, 30 distinct slots, and the processes' own
    # counts add up to 30
    check_eq "30 runs in all ($db)" 30 "$(wc -l <"$log")"
    check_eq "each slot once ($db)" 30 "$(cut -d' ' -f1 "$log" | sort -u | wc -l)"
    check_eq "the processes' counts add up ($db)" 30 "$(cat "$SCRATCH"/ran.* | paste -sd+ | bc)"
    q="SELECT count(*) FROM job_runs WHERE job = 'race' AND finished_at IS NOT NULL"
    if [ "$db" = "$PG" ]; then n=$(psql_q "$PG" "$q"); else n=$(sqlite3 "$SQ" "$q"); fi
    check_eq "30 finished runs recorded ($db)" 30 "$n"
    rm -f "$SCRATCH"/ran.*
done
cat "$SCRATCH/race.err"

# kill -9 during a run: the slot is not finished, and the next process runs it at once.
log=$SCRATCH/hang.log
: >"$log"
"$JOBS_RACE" "$PG" "$log" hang 99 >/dev/null 2>&1 &
hung=$!
for ((i = 0; i < 600; i++)); do [ -s "$log" ] && break; sleep 0.1; done
check_eq "the first process started slot 99" "99 $hung started" "$(cat "$log")"
check_eq "while it runs, another skips the slot" 0 "$("$JOBS_RACE" "$PG" "$log" one 99)"
kill -9 "$hung"
wait "$hung" 2>/dev/null
check_eq "its run is left unfinished" "1|0" \
    "$(psql_q "$PG" "SELECT count(*), count(finished_at) FROM job_runs WHERE slot = 99")"
: >"$log"
check_eq "the next process takes the slot over" 1 "$("$JOBS_RACE" "$PG" "$log" one 99 2>&1 | tail -1)"
finish
