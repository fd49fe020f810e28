// durability.mjs URL WRITE_KEY SERVER_PID ACKS_FILE [OTHER_URL] - four connections send Segment
// batches of 50 events; after 20 batches were acknowledged the server is killed with SIGKILL while
// the others are in flight. Each acknowledged batch number is appended to ACKS_FILE before the next
// is sent, so the test knows every batch that got a 200. With OTHER_URL (another node of the same
// store), two more connections send to it the whole time, batches "o<N>", and go on until 10 of
// theirs were acknowledged after the kill; every one of them must get its 200 (counted in
// other_failed otherwise). Message ids are dur-N-I ($DUR_PREFIX instead of dur when set).
import fs from 'node:fs';

const prefix = process.env.DUR_PREFIX || 'dur'; // message ids PREFIX-N-I: a second run's differ

const [url, key, pid, acksFile, otherUrl] = process.argv.slice(2);
const auth = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
let next = 0, acked = 0, killed = false;
let otherNext = 0, otherAcked = 0, otherAfterKill = 0, otherFailed = 0;

function body(n) {
  const batch = [];
  for (let i = 0; i < 50; i++)
    batch.push({ type: 'track', userId: `dur-u${i % 7}`, event: 'Durable', messageId: `${prefix}-${n}-${i}`,
                 context: { groupId: `dur-a${String(n).replace(/\D/g, '') % 3}` } });
  return JSON.stringify({ batch });
}

function post(to, n) {
  return fetch(`${to}/v1/batch`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: body(n) });
}

async function sender() {
  for (;;) {
    const n = next++;
    try {
      const res = await post(url, n);
      await res.text();
      if (res.status === 200) {
        fs.appendFileSync(acksFile, `${n}\n`);
        if (++acked === 20 && !killed) {
          killed = true;
          process.kill(Number(pid), 'SIGKILL');
        }
      }
    } catch {
      return; // the server is gone
    }
  }
}

async function otherSender() {
  while (otherAfterKill < 10 && otherFailed === 0) {
    const n = `o${otherNext++}`;
    const after = killed;
    try {
      const res = await post(otherUrl, n);
      await res.text();
      if (res.status !== 200) { otherFailed++; continue; }
      fs.appendFileSync(acksFile, `${n}\n`);
      otherAcked++;
      if (after) otherAfterKill++;
    } catch {
      otherFailed++;
    }
  }
}

const senders = [sender(), sender(), sender(), sender()];
if (otherUrl) senders.push(otherSender(), otherSender());
await Promise.all(senders);
console.log(JSON.stringify({ sent: next, acked, killed, other_acked: otherAcked,
                             other_after_kill: otherAfterKill, other_failed: otherFailed }));
