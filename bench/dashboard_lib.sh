# dashboard_lib.sh - what the dashboard's benchmarks share (sourced by bench/dashboard.sh and
# bench/dashboard_cx.sh, which set LANDFALL, DB and work, and trap EXIT to kill $pid): a server
# on DB signed in as the user `bench`, as the pages ask it (cookie and CSRF token).

# dashboard_serve: makes the admin `bench` with a new password (kept from a run before when it is
# the last admin), starts `landfall serve` on a free port with its access log in
# $work/access.log, and signs in; sets pid, url, csrf and started_ms (the server's time to be
# ready to answer, the engine loaded or built) and pw (bench's password, for a browser's sign-in).
dashboard_serve() {
    local line start
    pw=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
    "$LANDFALL" --db "$DB" users delete bench >/dev/null 2>&1 || true
    echo "$pw" | "$LANDFALL" --db "$DB" users create bench --role admin --password-stdin \
        2>/dev/null ||
        echo "$pw" | "$LANDFALL" --db "$DB" users set bench --password-stdin >/dev/null 2>&1
    mkfifo "$work/ready"
    start=$(date +%s%N)
    "$LANDFALL" --db "$DB" serve --listen 127.0.0.1:0 --access-log "$work/access.log" \
        --rate-limit 0 >"$work/ready" 2>"$work/serve.err" &
    pid=$!
    read -r line <"$work/ready"
    url=${line#landfall: serving }
    started_ms=$((($(date +%s%N) - start) / 1000000))
    curl -s -c "$work/jar" -H 'Content-Type: application/json' "$url/v1/session" \
        -d "{\"user\": \"bench\", \"password\": \"$pw\"}" >/dev/null
    csrf=$(awk '$6 == "lf_csrf" { print $7 }' "$work/jar")
}

# get PATH [FILE]: one request of the signed-in session; its answer to FILE (or nowhere)
get() { curl -s -o "${2:-/dev/null}" -b "$work/jar" -H "X-CSRF-Token: $csrf" "$url$1"; }
# the server's CPU time so far, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
# the access log's lines so far
lines() { wc -l <"$work/access.log"; }
