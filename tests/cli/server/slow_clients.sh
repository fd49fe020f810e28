#!/usr/bin/env bash
# slow_clients.sh - clients that hold connections without finishing their requests: past
# --max-per-address, an address's new connections are closed as they come, so that the server
# still answers everyone else; a request whose headers or body trickle in is closed at its
# deadline (--header-timeout, --body-timeout), however many bytes keep arriving. The slow
# clients are bash's /dev/tcp; "everyone else" is curl from 127.0.0.2 (still loopback).
source "$(dirname "$0")/server_lib.sh"
trap '' PIPE # writes to a connection the server closed fail instead of killing the test

w=$(new_key write)
serve_start --max-connections 64 --max-per-address 8 --header-timeout 60 --body-timeout 60
port=${URL##*:}

# 30 connections from 127.0.0.1, each having sent the start of a request and no more: the first
# 8 are held (their headers have a minute to arrive), the other 22 are over the address's limit.
# The server accepts them in the order they connected, all before the probes below.
fds=()
for i in $(seq 30); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET /healthz HTTP/1.1\r\nHost: slow\r\n' >&"$fd"
    fds+=("$fd")
done
check_eq "another address (127.0.0.2) is still answered" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 --max-time 20 "$URL/healthz")"
check_eq "... and may ingest" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 --max-time 20 -u "$w:" \
        "${JSON[@]}" -d '{"userId": "u", "event": "e", "messageId": "m-1"}' "$URL/v1/track")"
# without the per-address limit this one would be answered too (30 + 2 < --max-connections 64)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$URL/healthz")
rc=$? # 52: closed before an answer; 56: reset, when the request reached the socket first
check "127.0.0.1, holding 8 connections, has a 9th closed unanswered (curl $rc, status $code)" \
    test "$code" = 000 -a \( "$rc" = 52 -o "$rc" = 56 \)
for fd in "${fds[@]}"; do exec {fd}>&-; done
serve_stop

# deadlines: headers within 1 s of the connection, the body within 2 s of the headers
serve_start --header-timeout 1 --body-timeout 2
port=${URL##*:}

# trickle FD FORMAT: writes FORMAT (with the line's number) every 0.2 s, 100 times (20 s), in
# the background; the number of writes that went through ends up in $SCRATCH/sent.FD
trickle() {
    local fd=$1 fmt=$2
    (
        for i in $(seq 100); do
            # shellcheck disable=SC2059
            printf "$fmt" "$i" >&"$fd" 2>/dev/null || { echo "$i" >"$SCRATCH/sent.$fd"; exit; }
            sleep 0.2
        done
        echo 100 >"$SCRATCH/sent.$fd"
    ) &
    trickler=$!
}

exec {fd}<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/track HTTP/1.1\r\nHost: slow\r\n' >&"$fd"
trickle "$fd" 'X-Slow-%d: y\r\n'
read -r -t 60 -u "$fd" line
check_eq "headers trickling in: the connection is closed, unanswered (read: end of stream)" \
    "1 ''" "$? '$line'"
wait "$trickler"
check "... while header lines were still coming (under 100 of 100 sent)" \
    test "$(cat "$SCRATCH/sent.$fd")" -lt 100
exec {fd}>&-

exec {fd}<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/track HTTP/1.1\r\nHost: slow\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n' "$w" >&"$fd"
trickle "$fd" ' '
read -r -t 60 -u "$fd" line
check_eq "a body trickling in: the connection is closed, unanswered" "1 ''" "$? '$line'"
wait "$trickler"
check "... while its bytes were still coming (under 100 of 100 sent)" \
    test "$(cat "$SCRATCH/sent.$fd")" -lt 100
exec {fd}>&-
check_eq "the access log tells both requests timed out" 2 \
    "$(grep '"path": "/v1/track"' "$SCRATCH/access.log" | grep -c '"aborted": true, "timeout": true')"

http POST /v1/track -u "$w:" "${JSON[@]}" -d '{"userId": "u", "event": "e", "messageId": "m-2"}'
check_eq "a request that comes whole is answered" "200 1" "$status $(jfield '$.inserted')"
serve_stop
check_eq "clean stop" 0 "$stop_rc"

# A slow body behind a valid key holds nothing the others need (its key was checked with the
# store's handle before the body came): with one request thread, a read is answered while it
# trickles. The 100 Continue shows that the slow request's key has been checked first.
r=$(new_key read)
serve_start --threads 1
port=${URL##*:}
exec {fd}<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /v1/track HTTP/1.1\r\nHost: slow\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n' "$w" >&"$fd"
read -r -t 60 -u "$fd" line
check_eq "the slow request's key is taken: 100 Continue" "HTTP/1.1 100 Continue" "${line%$'\r'}"
printf '{"userId": ' >&"$fd"
check_eq "meanwhile a read is answered" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $r" "$URL/v1/accounts")"
exec {fd}>&-
serve_stop
check_eq "clean stop" 0 "$stop_rc"
finish
