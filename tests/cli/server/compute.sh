#!/usr/bin/env bash
# compute.sh - the routes that compute run on the compute pool, not on the request threads: while
# two dozen clients ask for a computed metric, /healthz and a listing still answer quickly (in a
# fraction of the computation's own time); every computed answer is the one the request gets
# alone; one key holding more than --compute-per-caller gets 429, a full queue 503, both with
# Retry-After and the JSON error body; SIGTERM answers the queued ones 503 and exits 0; a queued
# one whose client has gone is dropped, not computed, freeing its caller's and address's places.
source "$(dirname "$0")/server_lib.sh"

store_demo --accounts 150 --seed 3 --months 12 --end 2026-01-01
check_eq "demo data" 0 "$rc"
keys=()
for i in 1 2 3 4; do keys+=("$(new_key read)"); done
HEAVY=/v1/metrics/text-comments
# computed afresh every time: a server keeps the texts and its answers between requests
# (src/metrics/text.c), and a kept answer takes no time to wait behind
export LANDFALL_CX_CACHE=0

# flood.py URL MODE ARGS: the concurrent clients, in Python's threads (bash has none)
cat >"$SCRATCH/flood.py" <<'EOF'
import http.client, json, sys, threading, time, urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
mode, heavy, keys = sys.argv[2], sys.argv[3], sys.argv[4].split(",")

def get(path, key=None):
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
    t = time.monotonic()
    c.request("GET", path, headers={"Authorization": "Bearer " + key} if key else {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, r.getheader("Retry-After"), body, time.monotonic() - t

def burst(jobs):
    """jobs: (path, key) sent at once (each thread waits at a barrier first); their answers"""
    out = [None] * len(jobs)
    gate = threading.Barrier(len(jobs))
    def one(i):
        gate.wait()
        try:
            out[i] = get(*jobs[i])
        except OSError as e:  # no answer at all: counted as status 0, which no check expects
            out[i] = (0, None, str(e).encode(), 0)
    ts = [threading.Thread(target=one, args=(i,)) for i in range(len(jobs))]
    for t in ts: t.start()
    for t in ts: t.join()
    return out

alone = get(heavy, keys[0])
if mode == "flood":
    # 24 clients in a loop (12 a key: under the cap of 16) while /healthz and a listing are
    # timed; the heavy answers' own times are the yardstick
    stop = threading.Event()
    heavy_answers = []
    def client(key):
        while not stop.is_set():
            heavy_answers.append(get(heavy, key))
    ts = [threading.Thread(target=client, args=(keys[i % 2],)) for i in range(24)]
    for t in ts: t.start()
    while len(heavy_answers) < 24:  # the flood has reached its steady state
        time.sleep(0.01)
    cheap, queued = [], []
    for _ in range(20):
        cheap.append(get("/healthz"))
        cheap.append(get("/v1/accounts?limit=5", keys[2]))
        m = get("/metrics")[2].decode()
        queued += [int(l.split()[1]) for l in m.splitlines()
                   if l.startswith("landfall_http_compute_queued ")]
    stop.set()
    for t in ts: t.join()
    heavy_times = sorted(a[3] for a in heavy_answers)
    cheap_times = sorted(a[3] for a in cheap)
    print(json.dumps({
        "heavy": len(heavy_answers),
        "heavy_ok": sum(a[0] == 200 for a in heavy_answers),
        "same": all(a[2] == alone[2] for a in heavy_answers),
        "cheap_ok": sum(a[0] == 200 for a in cheap),
        "cheap_p95": cheap_times[int(len(cheap_times) * 0.95) - 1],
        "heavy_median": heavy_times[len(heavy_times) // 2],
        "queued_min": min(queued),
    }))
elif mode == "gone":
    # the compute thread is held (the gate file exists) by keys[1]'s computation; keys[0]
    # queues 16 behind it, the most it may hold, then closes its 16 connections unanswered, as
    # an impatient client does, and asks its 16 again; then the gate opens
    import os, socket
    gate = sys.argv[5]
    open(gate, "w").close()
    def metrics():
        m = get("/metrics")[2].decode()
        return {l.split()[0]: int(float(l.split()[1])) for l in m.splitlines()
                if l.startswith("landfall_http_")}
    def until(name, want):  # polls /metrics (bounded) until name == want; its last value
        v = None
        for _ in range(500):
            v = metrics().get(name)
            if v == want:
                break
            time.sleep(0.01)
        return v
    def ask():
        s = socket.create_connection((url.hostname, url.port))
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
                   % (heavy, keys[0])).encode())
        return s
    held = []
    filler = threading.Thread(target=lambda: held.append(get(heavy, keys[1])))
    filler.start()
    out = {"running": until("landfall_http_compute_running", 1)}
    socks = [ask() for _ in range(16)]
    out["queued"] = until("landfall_http_compute_queued", 16)
    for s in socks: s.close()
    out["dropped"] = until("landfall_http_compute_dropped_total", 16)
    out["queued_after"] = metrics().get("landfall_http_compute_queued")
    # their connections closed too (this poll's own request is the other one in flight)
    out["in_flight"] = until("landfall_http_requests_in_flight", 2)
    socks = [ask() for _ in range(16)]
    out["requeued"] = until("landfall_http_compute_queued", 16)
    os.remove(gate)
    answers = []
    for s in socks:
        f = s.makefile("rb")
        r = http.client.HTTPResponse(s)
        r.begin()
        answers.append((r.status, r.read()))
        s.close()
    filler.join()
    out["again"] = sorted(set(a[0] for a in answers))
    out["held"] = held[0][0]
    out["same"] = all(a[1] == alone[2] for a in answers + [(held[0][0], held[0][2])])
    out["dropped_after"] = metrics().get("landfall_http_compute_dropped_total")
    print(json.dumps(out))
else:  # burst: key index list; every answer's status, Retry-After, error code; and sameness
    jobs = [(heavy, keys[int(k)]) for k in sys.argv[5].split(",")]
    answers = burst(jobs)
    statuses = {}
    for s, ra, body, _ in answers:
        code = json.loads(body)["error"]["code"] if s not in (0, 200) else ""
        k = "%d:%s:%s" % (s, ra or "", code)
        statuses[k] = statuses.get(k, 0) + 1
    print(json.dumps({"statuses": statuses,
                      "same": all(a[2] == alone[2] for a in answers if a[0] == 200)},
                     sort_keys=True))
EOF
KEYS=$(IFS=,; echo "${keys[*]}")
pyfield() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# ---- the flood: 2 compute threads (as many as this test expects to see busy), 16 a caller ----
serve_start --rate-limit 0 --compute-threads 2
r=$(python3 "$SCRATCH/flood.py" "$URL" flood "$HEAVY" "$KEYS")
check_eq "every heavy request of the flood was answered 200" "$(pyfield "$r" heavy)" \
    "$(pyfield "$r" heavy_ok)"
check_eq "... with the bytes it gets alone" True "$(pyfield "$r" same)"
check_eq "the 40 cheap requests during the flood were answered 200" 40 "$(pyfield "$r" cheap_ok)"
# /metrics is cheap too: each of its 20 answers came while computations were still waiting (24
# clients, 2 or so running: about 20 wait), so cheap requests pass them rather than queue
check "/metrics answered while at least 10 computations waited (fewest seen: $(pyfield "$r" queued_min))" \
    test "$(pyfield "$r" queued_min)" -ge 10
# They no longer wait behind the computations (on the request threads they took about as long
# as one); a quarter of a computation is a generous bound, relative, not a timing threshold.
check "cheap requests' p95 ($(pyfield "$r" cheap_p95) s) under a quarter of the heavy median ($(pyfield "$r" heavy_median) s)" \
    awk -v c="$(pyfield "$r" cheap_p95)" -v h="$(pyfield "$r" heavy_median)" 'BEGIN { exit !(c < h / 4) }'
# SIGTERM with computations queued: 60 at once from 4 keys (15 each, under the cap), about 30
# computations for each of the 2 threads. SIGTERM only once all 61 requests of flood.py (its
# first one alone, then the 60) have reached the server, in flight or answered: a connection
# still in the kernel's backlog when the server stops listening is reset, which is not what
# this checks. Polled on /metrics (its own request is one of those in flight), bounded.
metric_of() { sed -n "s/^$1 //p" <<<"$2"; }
done_count() { metric_of 'landfall_http_request_duration_seconds_count{route="\/v1\/metrics\/:name",method="GET"}' "$1"; }
before=$(done_count "$(curl -s "$URL/metrics")")
python3 "$SCRATCH/flood.py" "$URL" burst "$HEAVY" "$KEYS" "$(python3 -c 'print(",".join(str(i % 4) for i in range(60)))')" >"$SCRATCH/stopped.json" &
burst_pid=$!
queued=0 arrived=0
for _ in $(seq 3000); do
    m=$(curl -s "$URL/metrics")
    queued=$(metric_of landfall_http_compute_queued "$m")
    arrived=$(($(metric_of landfall_http_requests_in_flight "$m") - 1 + $(done_count "$m") - before))
    [ "$arrived" -ge 61 ] && break
done
check "every request of the burst reached the server ($arrived of 61)" test "$arrived" -ge 61
check "at least 10 computations wait then ($queued)" test "${queued:-0}" -ge 10
serve_stop
check_eq "the server exits 0 with computations queued" 0 "$stop_rc"
wait "$burst_pid"
st=$(pyfield "$(cat "$SCRATCH/stopped.json")" statuses)
check "... which were answered 503 with Retry-After ($st)" grep -q "'503:1:unavailable'" <<<"$st"
check "... and the others 200, none left unanswered ($st)" python3 -c 'import ast,sys; d=ast.literal_eval(sys.argv[1]); sys.exit(sum(d.values()) != 60 or set(d) - {"200::", "503:1:unavailable"} != set())' "$st"
check_eq "... each 200 with the bytes it gets alone" True "$(pyfield "$(cat "$SCRATCH/stopped.json")" same)"

# ---- clients that give up: one compute thread, held; 20 connections an address ----
# A computation waiting for a thread whose client closes its connection is dropped, not
# computed, and frees its caller's place of --compute-per-caller (16) and its connection's of
# --max-per-address at once, not when its turn comes: the client that asks again is served.
# (They were kept, computed at their turn and held both until then: the caller's 16 again were
# 429, and their connections, over the address's 20, closed at once.) The compute thread is
# held by a gate file (LANDFALL_TEST_COMPUTE_GATE, src/http/compute.c) while this is checked.
export LANDFALL_TEST_COMPUTE_GATE="$SCRATCH/gate"
serve_start --rate-limit 0 --compute-threads 1 --max-per-address 20
unset LANDFALL_TEST_COMPUTE_GATE
r=$(python3 "$SCRATCH/flood.py" "$URL" gone "$HEAVY" "$KEYS" "$SCRATCH/gate")
check_eq "one computation runs, held" 1 "$(pyfield "$r" running)"
check_eq "a caller's 16 wait behind it" 16 "$(pyfield "$r" queued)"
check_eq "... their clients close: the 16 are dropped while the thread is still held" 16 \
    "$(pyfield "$r" dropped)"
check_eq "... none is left waiting" 0 "$(pyfield "$r" queued_after)"
check_eq "... and their connections are closed (in flight: the held one and /metrics)" 2 \
    "$(pyfield "$r" in_flight)"
check_eq "the same caller's 16 again: taken and queued (not 429, no connection refused)" 16 \
    "$(pyfield "$r" requeued)"
check_eq "... once the thread is free, answered 200" "[200]" "$(pyfield "$r" again)"
check_eq "the held one: 200" 200 "$(pyfield "$r" held)"
check_eq "... every 200 with the bytes it gets alone" True "$(pyfield "$r" same)"
check_eq "nothing else was dropped" 16 "$(pyfield "$r" dropped_after)"
check_eq "the access log: 16 computations aborted with 503, unanswered" 16 \
    "$(grep -c '"route": "/v1/metrics/:name", "status": 503,.*"aborted": true' "$SCRATCH/access.log")"
serve_stop

# ---- the bounds: one compute thread, 2 waiting, 2 a caller ----
serve_start --rate-limit 0 --compute-threads 1 --compute-queue 2 --compute-per-caller 2
# one key sends 6 at once: it may hold 2; the others are 429, Retry-After 1, error rate_limited
r=$(python3 "$SCRATCH/flood.py" "$URL" burst "$HEAVY" "$KEYS" 0,0,0,0,0,0)
st=$(pyfield "$r" statuses)
check "one key's 6 at once: some are 429 with Retry-After and rate_limited ($st)" \
    grep -q "'429:1:rate_limited'" <<<"$st"
check "... the others 200 ($st)" python3 -c 'import ast,sys; d=ast.literal_eval(sys.argv[1]); sys.exit(set(d) - {"200::", "429:1:rate_limited"} != set())' "$st"
check_eq "... each 200 with the bytes it gets alone" True "$(pyfield "$r" same)"
# four keys send 2 each at once: 1 runs and 2 wait at most; the others are 503, unavailable
r=$(python3 "$SCRATCH/flood.py" "$URL" burst "$HEAVY" "$KEYS" 0,0,1,1,2,2,3,3)
st=$(pyfield "$r" statuses)
check "8 at once from 4 keys: some are 503 with Retry-After and unavailable ($st)" \
    grep -q "'503:1:unavailable'" <<<"$st"
check "... the others 200 ($st)" python3 -c 'import ast,sys; d=ast.literal_eval(sys.argv[1]); sys.exit(set(d) - {"200::", "503:1:unavailable"} != set())' "$st"
check_eq "... each 200 with the bytes it gets alone" True "$(pyfield "$r" same)"

serve_stop
check_eq "the server exits 0" 0 "$stop_rc"
check "no sanitizer or leak report" bash -c "! grep -q 'Sanitizer\|LeakSanitizer' '$SCRATCH/serve.err'"
finish
