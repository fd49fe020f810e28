# server_lib.sh - what the server tests share: `landfall serve` on 127.0.0.1 and a free port
# (the server binds port 0 and prints its URL), HTTP requests, and JSON fields of the answers.
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# serve_start [ARGS...]: starts a server on $LANDFALL_DB; sets URL and SERVER_PID. The URL is
# read from the server's first line through a FIFO (no sleeping), then /healthz must answer.
serve_start() {
    local fifo="$SCRATCH/ready.$$.$RANDOM" line=""
    mkfifo "$fifo"
    "$LANDFALL" serve --listen 127.0.0.1:0 --access-log "$SCRATCH/access.log" "$@" \
        >"$fifo" 2>>"$SCRATCH/serve.err" &
    SERVER_PID=$!
    read -r -t 60 line <"$fifo" || true
    rm -f "$fifo"
    URL=${line#landfall: serving }
    if [ -z "$line" ] || ! curl -sf --max-time 10 --retry 20 --retry-connrefused \
        --retry-delay 0 -o /dev/null "$URL/healthz"; then
        echo "FAIL: the server did not start: $line"
        cat "$SCRATCH/serve.err"
        exit 1
    fi
}

# serve_stop: SIGTERM, then the exit code of the server in $stop_rc.
serve_stop() {
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    stop_rc=$?
}

# http METHOD PATH [CURL ARGS...]: $status and $body of the answer.
http() {
    local method=$1 path=$2
    shift 2
    status=$(curl -s -o "$SCRATCH/body" -w '%{http_code}' -X "$method" "$@" "$URL$path")
    body=$(cat "$SCRATCH/body")
}

# jfield JSONPATH: a field of the last answer ($.error.code), through SQLite's JSON functions.
jfield() {
    sqlite3 :memory: "SELECT json_extract(CAST(readfile('$SCRATCH/body') AS TEXT), '$1')"
}

# jlen JSONPATH: the length of an array of the last answer.
jlen() {
    sqlite3 :memory: "SELECT json_array_length(CAST(readfile('$SCRATCH/body') AS TEXT), '$1')"
}

# sql QUERY: runs a query on the test's store.
sql() {
    store_sql "$LANDFALL_DB" "$1"
}

# new_key SCOPE: prints a new key.
new_key() {
    "$LANDFALL" keys create --scope "$1" 2>/dev/null
}

JSON=(-H 'Content-Type: application/json')

# metric_as_cli WHEN NAME PARAM=VALUE...: GET /v1/metrics/NAME?PARAM=VALUE... (with "${auth[@]}")
# answers 200 and exactly what `landfall metric NAME --PARAM VALUE... --json` prints: a process
# of its own that computes it from the store, run with the environment "${cli_env[@]}" and the
# options "${cli_opts[@]}" (what keeps it from the server's kept answers).
cli_env=()
cli_opts=()
metric_as_cli() {
    local when=$1 name=$2 qs="" p k v
    local args=()
    shift 2
    for p in "$@"; do
        k=${p%%=*}
        v=${p#*=}
        qs+="${qs:+&}$k=${v//=/%3D}"
        args+=(--"$k" "$v")
    done
    http GET "/v1/metrics/$name?$qs" "${auth[@]}"
    env "${cli_env[@]}" "$LANDFALL" metric "$name" "${cli_opts[@]}" "${args[@]}" --json \
        >"$SCRATCH/cli.json" 2>"$SCRATCH/cli.err"
    check_eq "$when: $name $*: 200 and the CLI's answer" "200 $(cat "$SCRATCH/cli.json")" \
        "$status $body"
}

# metrics_as_cli WHEN: metric_as_cli for each of "${queries[@]}" (each "NAME PARAM=VALUE...").
metrics_as_cli() {
    local q
    for q in "${queries[@]}"; do
        # shellcheck disable=SC2086 # a query is words
        metric_as_cli "$1" $q
    done
}
