#!/usr/bin/env bash
# email.sh - survey invitations by mail to a real SMTP server the test starts on 127.0.0.1
# (Postfix's smtp-sink, which writes each message it accepts to a file), read back with Python's
# email package: envelope, headers (an RFC 2047 subject), multipart/alternative with text and
# HTML, the score links. With the relay down a mail is marked failed, not sent, and `retry`
# sends it once its backoff (5 minutes after the first attempt) has passed.
source "$(dirname "$0")/../lib.sh"

command -v smtp-sink >/dev/null || { echo "SKIP: smtp-sink (Debian's postfix) is not installed"; exit 77; }
cd "$SCRATCH" || exit 1
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
mkdir mail && chmod 777 mail "$SCRATCH"   # smtp-sink writes as nobody when the test is root
port=$(free_port)
user=(); [ "$(id -u)" -eq 0 ] && user=(-u nobody)
smtp-sink "${user[@]}" -d "$SCRATCH/mail/%M." "127.0.0.1:$port" 10 &
sink=$!
trap 'kill "$sink" 2>/dev/null; _cleanup' EXIT
# the sink is up when it answers
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

printf 'id,name\nA,Acme\n' >accounts.csv
printf 'id,account_id,email,name\nc1,A,c1@a.test,Alice Ångström\nc2,A,c2@a.test,Bea\nc3,A,,Cy\n' >contacts.csv
"$LANDFALL" import accounts accounts.csv >/dev/null 2>&1
"$LANDFALL" import contacts contacts.csv >/dev/null 2>&1
"$LANDFALL" surveys settings --smtp "smtp://127.0.0.1:$port" --from "Acme Surveys <surveys@acme.test>" \
    --base-url https://cx.acme.test/ --account-max 10 >/dev/null
"$LANDFALL" surveys create rel --kind nps --name "Wie war's? – Ihr Feedback" >/dev/null

out=$("$LANDFALL" surveys send rel --contact c1 --channel email)
check_eq "the relay accepted the mail" "sent" "$(cut -f2 <<<"$out")"
token=$(cut -f3 <<<"$out"); token=${token#https://cx.acme.test/s/}

# wait_mail N: until N messages are in the sink's directory (each write is complete once renamed)
wait_mail() {
    for _ in $(seq 200); do [ "$(ls mail | wc -l)" -ge "$1" ] && return 0; sleep 0.1; done
    return 1
}
check "a message arrived" wait_mail 1
file=$(ls mail/* | head -1)
python3 - "$file" "$token" >facts.txt <<'PY'
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.default)
print("envelope", m["X-Mail-Args"], m["X-Rcpt-Args"])
print("from", m["From"])
print("to", m["To"])
print("subject", m["Subject"])
print("type", m.get_content_type(), " ".join(p.get_content_type() for p in m.iter_parts()))
text = m.get_body(("plain",)).get_content()
html = m.get_body(("html",)).get_content()
print("greeting", text.splitlines()[0])
for s in (0, 10):
    print("text link", s, ("https://cx.acme.test/s/%s?score=%d" % (sys.argv[2], s)) in text)
print("html buttons", html.count("?score="))
PY
check_eq "what the sink received" "envelope <surveys@acme.test> <c1@a.test>
from Acme Surveys <surveys@acme.test>
to c1@a.test
subject Wie war's? – Ihr Feedback
type multipart/alternative text/plain text/html
greeting Hello Alice Ångström,
text link 0 True
text link 10 True
html buttons 11" "$(cat facts.txt)"
check_eq "the invitation is sent" "sent|1" "$(store_sql "$LANDFALL_DB" "SELECT status, attempts FROM survey_sends")"

out=$("$LANDFALL" surveys send rel --contact c3 --channel email)
check_eq "a contact without an email is skipped" "skipped no_email" "$(cut -f2,3 <<<"$out" | tr '\t' ' ')"

# the relay down: a port nobody listens on
down=$(free_port)
"$LANDFALL" surveys settings --smtp "smtp://127.0.0.1:$down" >/dev/null
out=$("$LANDFALL" surveys send rel --contact c2 --channel email --now 2026-03-02T12:00:00Z)
check_eq "relay down: the mail is failed, not sent" "failed" "$(cut -f2 <<<"$out")"
check "with the reason" grep -q "did not take the mail to 'c2@a.test'" <<<"$out"
check_eq "nothing counted as delivered but c1's" "1" \
    "$("$LANDFALL" surveys results --csv | awk -F, 'NR > 1 { n += $4 } END { print n }')"
check_eq "and reported as not delivered" "1" \
    "$("$LANDFALL" surveys results --csv | awk -F, 'NR > 1 { n += $7 } END { print n }')"
check_eq "next attempt 5 minutes later" "failed|1|$(( $(date -u -d 2026-03-02T12:05:00Z +%s) * 1000 ))" \
    "$(store_exec "$LANDFALL_DB" "SELECT status, attempts, next_attempt_at FROM survey_sends WHERE contact_id = (SELECT id FROM contacts WHERE ext_id = 'c2')")"
check_eq "retry after 1 minute: not due" "0 sent, 0 failed" \
    "$("$LANDFALL" surveys retry --now 2026-03-02T12:01:00Z)"
check_eq "retry after 6 minutes, relay still down: failed again" "0 sent, 1 failed" \
    "$("$LANDFALL" surveys retry --now 2026-03-02T12:06:00Z)"
check_eq "the second backoff is 10 minutes" "2|$(( $(date -u -d 2026-03-02T12:16:00Z +%s) * 1000 ))" \
    "$(store_exec "$LANDFALL_DB" "SELECT attempts, next_attempt_at FROM survey_sends WHERE contact_id = (SELECT id FROM contacts WHERE ext_id = 'c2')")"
"$LANDFALL" surveys settings --smtp "smtp://127.0.0.1:$port" >/dev/null
check_eq "the relay back: the retry sends it" "1 sent, 0 failed" \
    "$("$LANDFALL" surveys retry --now 2026-03-02T12:16:00Z)"
check "c2's mail arrived" wait_mail 2
check "addressed to c2" grep -lq "^X-Rcpt-Args: <c2@a.test>" mail/*
check_eq "sent, after 3 attempts" "sent|3" \
    "$(store_exec "$LANDFALL_DB" "SELECT status, attempts FROM survey_sends WHERE contact_id = (SELECT id FROM contacts WHERE ext_id = 'c2')")"
check_eq "delivered now: 2, none not delivered" "2 0" \
    "$("$LANDFALL" surveys results --csv | awk -F, 'NR > 1 { d += $4; n += $7 } END { print d, n }')"
finish
