// durability.mjs URL WRITE_KEY SERVER_PID ACKS_FILE - four connections send Segment batches of
// 50 events; after 20 batches were acknowledged the server is killed with SIGKILL while the
// others are in flight. Each acknowledged batch number is appended to ACKS_FILE before the next
// is sent, so the test knows every batch that got a 200.
import fs from 'node:fs';

const [url, key, pid, acksFile] = process.argv.slice(2);
const auth = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
let next = 0, acked = 0, killed = false;

function body(n) {
  const batch = [];
  for (let i = 0; i < 50; i++)
    batch.push({ type: 'track', userId: `dur-u${i % 7}`, event: 'Durable', messageId: `dur-${n}-${i}`,
                 context: { groupId: `dur-a${n % 3}` } });
  return JSON.stringify({ batch });
}

async function sender() {
  for (;;) {
    const n = next++;
    try {
      const res = await fetch(`${url}/v1/batch`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: body(n) });
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

await Promise.all([sender(), sender(), sender(), sender()]);
console.log(JSON.stringify({ sent: next, acked, killed }));
