// posthog.mjs URL API_KEY - posthog-node, unchanged (gzip bodies and all), pointed at landfall:
// identify (with $set_once), groupIdentify, capture with groups, setPersonProperties (a $set
// event), capture with a $set the server refuses (that event alone is rejected, whole); then a
// batch whose first answer is lost and which is retried. Prints {"dropped": N, "connections": N}.
import { PostHog } from 'posthog-node';
import { dropFirstAnswer } from './proxy.mjs';

const [url, apiKey] = process.argv.slice(2);
const errors = [];

const direct = new PostHog(apiKey, { host: url, flushAt: 50, flushInterval: 0, fetchRetryDelay: 50 });
direct.on('error', (e) => errors.push(String(e)));
direct.identify({ distinctId: 'ph-u1', properties: { $set: { email: 'bo@globex.test', name: 'Bo Chen' }, $set_once: { first_seen: '2026-01-01' } } });
direct.groupIdentify({ groupType: 'company', groupKey: 'ph-globex', properties: { name: 'Globex', plan: 'team' } });
direct.capture({ distinctId: 'ph-u1', event: 'project created', properties: { value: 2 }, groups: { company: 'ph-globex' } });
direct.capture({ distinctId: 'ph-u1', event: 'project created', groups: { company: 'ph-globex' } });
direct.setPersonProperties({ distinctId: 'ph-u1', properties: { role: 'admin' }, propertiesOnce: { plan_at_signup: 'team' } });
direct.capture({ distinctId: 'ph-u2', event: 'invalid person', properties: { $set: { email: 'not-an-address' } } });
await direct.shutdown();

const proxy = await dropFirstAnswer(url);
const retried = new PostHog(apiKey, { host: proxy.url, flushAt: 50, flushInterval: 0, fetchRetryDelay: 50 });
retried.on('error', (e) => errors.push(String(e)));
for (let i = 1; i <= 3; i++)
  retried.capture({ distinctId: 'ph-u1', event: `retried ${i}`, uuid: `0190d6a4-0000-7000-8000-00000000000${i}` });
await retried.shutdown();
await proxy.close();

console.log(JSON.stringify({ dropped: proxy.dropped, connections: proxy.connections, errors }));
