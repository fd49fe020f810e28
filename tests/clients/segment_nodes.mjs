// segment_nodes.mjs URL_A URL_B WRITE_KEY - @segment/analytics-node, unchanged, one client per
// node of a cluster, both sending at once: through A 120 tracks of six users (sn-a0..sn-a5),
// through B 80 tracks of four (sn-b0..sn-b3), all of the account sn-acme on 2026-02-03, in
// batches of 20. Prints {"a": N, "b": N, "errors": [...]}: the events each client had answered.
import { Analytics } from '@segment/analytics-node';

const [urlA, urlB, writeKey] = process.argv.slice(2);
const errors = [];

async function send(url, node, users, events) {
  const client = new Analytics({ writeKey, host: url, flushAt: 20, maxRetries: 3 });
  let answered = 0;
  client.on('error', (e) => errors.push(`${node}: ${String(e.reason ?? e)}`));
  for (let i = 0; i < events; i++)
    client.track({
      userId: `sn-${node}${i % users}`, event: i % 2 ? 'Report Built' : 'Dashboard Viewed',
      messageId: `sn-${node}-${i}`, timestamp: new Date(Date.UTC(2026, 1, 3, 9, 0, i)),
      context: { groupId: 'sn-acme' }
    }, (err) => { if (!err) answered++; });
  await client.closeAndFlush();
  return answered;
}

const [a, b] = await Promise.all([send(urlA, 'a', 6, 120), send(urlB, 'b', 4, 80)]);
console.log(JSON.stringify({ a, b, errors }));
