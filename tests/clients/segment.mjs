// segment.mjs URL WRITE_KEY - @segment/analytics-node, unchanged, pointed at landfall: identify,
// group and track; then a batch whose first answer is lost on the way back and is retried.
// Prints {"dropped": N, "connections": N} for the test to check.
import { Analytics } from '@segment/analytics-node';
import { dropFirstAnswer } from './proxy.mjs';

const [url, writeKey] = process.argv.slice(2);
const errors = [];

const direct = new Analytics({ writeKey, host: url, flushAt: 50, maxRetries: 3 });
direct.on('error', (e) => errors.push(String(e.reason ?? e)));
direct.identify({ userId: 'seg-u1', traits: { email: 'ann@acme.test', name: 'Ann Lee', role: 'champion' } });
direct.group({ userId: 'seg-u1', groupId: 'seg-acme', traits: { name: 'Acme', plan: 'enterprise', seats: 40 } });
direct.track({ userId: 'seg-u1', event: 'Report Built', properties: { value: 3 } });
direct.track({ userId: 'seg-u1', event: 'Report Built', properties: { value: 4 } });
direct.track({ userId: 'seg-u2', event: 'Invited Teammate', context: { groupId: 'seg-acme' } });
direct.page({ userId: 'seg-u2', name: 'Billing' });
await direct.closeAndFlush();

const proxy = await dropFirstAnswer(url);
const retried = new Analytics({ writeKey, host: proxy.url, flushAt: 50, maxRetries: 5 });
retried.on('error', (e) => errors.push(String(e.reason ?? e)));
for (let i = 1; i <= 3; i++)
  retried.track({ userId: 'seg-u1', event: `Retried ${i}`, messageId: `seg-retry-${i}` });
await retried.closeAndFlush();
await proxy.close();

console.log(JSON.stringify({ dropped: proxy.dropped, connections: proxy.connections, errors }));
