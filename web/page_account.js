// page_account.js - an account's 360° view, from GET /v1/accounts/ID/overview in one call: its
// header, usage (daily active users, the features it used, seats), experience (its survey
// responses with comments), support tickets, MRR history, contacts, touchpoints, outcomes and
// tasks; health and risk (account_health.js: its own calls). A later capability adds a section
// in `sections` (fill(overview, section element, ctx), which may be async).
import { api, nowOf, query } from './api.js';
import { chart, lines, bars } from './chart.js';
import { h, section, table, facts } from './ui.js';
import { healthPanel } from './account_health.js';

const sections = [
  ['health', 'Health and risk', healthPanel],
  ['usage', 'Usage', usage],
  ['experience', 'Experience', (o) => table({ id: 'responses-table', caption: 'Survey responses',
    rows: o.responses.data, source: o.source, path: 'responses.data', empty: 'No survey responses.', columns: [
      { key: 'ts', label: 'When', kind: 'time' }, { key: 'survey', label: 'Survey' },
      { key: 'score', label: 'Score', kind: 'int' }, { key: 'comment', label: 'Comment' },
      { key: 'contact_id', label: 'Contact' }] })],
  ['tickets', 'Support tickets', (o) => table({ id: 'tickets-table', caption: 'Tickets',
    rows: o.tickets.data, source: o.source, path: 'tickets.data', empty: 'No tickets.', columns: [
      { key: 'ts', label: 'Opened', kind: 'time' }, { key: 'status', label: 'Status' },
      { key: 'team', label: 'Team' }, { key: 'channel', label: 'Channel' },
      { key: 'duration_minutes', label: 'Minutes to resolve', kind: 'num' },
      { key: 'text', label: 'Subject' }] })],
  ['mrr', 'MRR history', mrr],
  ['contacts', 'Contacts', (o) => table({ id: 'contacts-table', caption: 'Contacts',
    rows: o.contacts.data, source: o.source, path: 'contacts.data', empty: 'No contacts.', columns: [
      { key: 'name', label: 'Name' }, { key: 'email', label: 'Email' },
      { key: 'role', label: 'Role' }, { key: 'created_at', label: 'Since', kind: 'time' }] })],
  ['touchpoints', 'Touchpoints', (o) => table({ id: 'touchpoints-table',
    caption: 'Touchpoints, newest first', rows: o.touchpoints.data, source: o.source, path: 'touchpoints.data', empty: 'No touchpoints.',
    columns: [{ key: 'ts', label: 'When', kind: 'time' }, { key: 'kind', label: 'Kind' },
      { key: 'team', label: 'Team' }, { key: 'channel', label: 'Channel' },
      { key: 'stage', label: 'Stage' }] })],
  ['outcomes', 'Outcomes', (o) => table({ id: 'outcomes-table', caption: 'Desired outcomes',
    rows: o.outcomes.data, source: o.source, path: 'outcomes.data', empty: 'No outcomes recorded.', columns: [
      { key: 'statement', label: 'Outcome' }, { key: 'status', label: 'Status' },
      { key: 'metric', label: 'Metric' }, { key: 'baseline', label: 'Baseline', kind: 'num' },
      { key: 'target', label: 'Target', kind: 'num' },
      { key: 'due_date', label: 'Due', kind: 'date' }] })],
  ['tasks', 'Tasks', (o) => table({ id: 'tasks-table', caption: 'Tasks', rows: o.tasks.data, source: o.source, path: 'tasks.data',
    empty: 'No tasks.', columns: [{ key: 'title', label: 'Task' }, { key: 'kind', label: 'Kind' },
      { key: 'status', label: 'Status' }, { key: 'owner', label: 'Owner' },
      { key: 'due_date', label: 'Due', kind: 'date' }] })],
];

function usage(o, el) {
  const u = o.usage;
  const seats = { path: 'usage.seats' }, recency = { path: 'usage.recency' };
  el.append(facts([
    ['Active users (30 days)', 'int', u.seats?.active_users, null, 'active_users', seats],
    ['Seats', 'int', u.seats?.seats, null, 'seats', seats],
    ['Seat utilisation', 'pct', u.seats?.utilisation, null, 'utilisation', seats],
    ['Last seen', 'time', u.recency?.last_seen, null, 'last_seen', recency],
    ['Usage trend (per week)', 'pct', u.recency?.trend, null, 'trend', recency],
  ], { source: o.source }));
  const grid = h('div', { class: 'grid' });
  el.append(grid);
  chart(grid, {
    id: 'dau', title: 'Daily active users', kind: 'int',
    option: lines(u.dau.map((r) => r.day), [{ name: 'Users', data: u.dau.map((r) => r.users) }],
      'int'),
    columns: [{ key: 'day', label: 'Day', kind: 'date' }, { key: 'users', label: 'Users',
      kind: 'int' }, { key: 'events', label: 'Events', kind: 'int' }],
    rows: u.dau, source: o.source, path: 'usage.dau',
  });
  chart(grid, {
    id: 'features', title: 'Features used', kind: 'int',
    option: bars(u.features.map((r) => r.feature), [{ name: 'Events',
      data: u.features.map((r) => r.events) }], 'int', { horizontal: true }),
    columns: [{ key: 'feature', label: 'Feature' }, { key: 'events', label: 'Events',
      kind: 'int' }],
    rows: u.features, source: o.source, path: 'usage.features',
  });
}

function mrr(o, el) {
  const rows = o.mrr.data;
  const currency = o.account.currency;
  chart(el, {
    id: 'mrr-history', title: 'MRR history', kind: 'money',
    option: {
      ...lines(rows.map((r) => r.date), [{ name: 'MRR', data: rows.map((r) => r.mrr),
        step: 'end' }], 'money'),
      tooltip: { trigger: 'axis', renderMode: 'richText' },
    },
    columns: [{ key: 'date', label: 'From', kind: 'date' },
      { key: 'mrr', label: 'MRR', kind: 'money', value: (r) => r.mrr },
      { key: 'reason', label: 'Reason' }],
    rows: rows.map((r) => ({ ...r, currency })), source: o.source, path: 'mrr.data',
  });
}

export async function render(ctx) {
  const id = ctx.params.id;
  const source = `/v1/accounts/${encodeURIComponent(id)}/overview${query({ now: nowOf(ctx.query) })}`;
  const o = await api(source);
  o.source = source;
  const a = o.account;
  ctx.main.append(
    h('p', { class: 'crumbs' }, h('a', { href: '/portfolio' }, 'Portfolio'), ' › ', a.id),
    h('div', { class: 'page-head' }, h('h1', {}, a.name || a.id),
      h('span', { class: 'tag' }, a.stage || 'no stage')),
    h('section', { class: 'card', id: 'header', 'aria-label': 'Account' }, facts([
      ['MRR', 'money', a.mrr, a, 'mrr'],
      ['Plan', 'text', a.plan, a, 'plan'],
      ['Segment', 'text', a.segment, a, 'segment'],
      ['Owner', 'text', a.owner, a, 'owner'],
      ['Renewal', 'date', a.renewal_date, a, 'renewal_date'],
      ['Renews', 'days', o.renewal_days, a, 'renewal_days', { path: '' }],
      ['Customer since', 'date', a.customer_since, a, 'customer_since'],
      ['Tenure (days)', 'int', o.tenure_days, a, 'tenure_days', { path: '' }],
    ], { source: o.source, path: 'account' })));
  for (const [sid, title, fill] of sections) {
    const s = section(sid, title);
    ctx.main.append(s);
    const made = await fill(o, s, ctx);
    if (made) s.append(made);
  }
}
