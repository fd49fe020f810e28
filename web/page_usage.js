// page_usage.js - product usage: daily, weekly and monthly active users, stickiness, which
// features the accounts use and how soon new customers adopt them, and time to value (the
// metrics dau, wau, mau, stickiness, feature-usage, features and ttv).
import { metric, nowOf, todayOf } from './api.js';
import { chart, lines, bars } from './chart.js';
import { h, field, select, section, table, indexed } from './ui.js';
import { fromOf } from './page_experience.js';

export function daysAgo(n, today = new Date()) {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - n));
  return d.toISOString().slice(0, 10);
}

export function paramsOf(q) {
  const where = [];
  for (const k of ['segment', 'plan']) if (q.get(k)) where.push(`${k}=${q.get(k)}`);
  return { where, now: nowOf(q) };
}

export async function render(ctx) {
  const q = ctx.query;
  const common = paramsOf(q);
  const values = await metric('account-values');
  const opts = (f) => values.rows.filter((r) => r.field === f).map((r) => r.value);
  const used = await metric('feature-usage', common);
  const milestone = q.get('milestone') || ctx.session.workspace.milestone || '';
  const form = h('form', { class: 'filters', 'aria-label': 'Choose the accounts' },
    field('Segment', select('segment', [['', 'Every segment'], ...opts('segment')],
      q.get('segment') || '')),
    field('Plan', select('plan', [['', 'Every plan'], ...opts('plan')], q.get('plan') || '')),
    field('Value milestone', select('milestone', [['', 'None chosen'],
      ...used.rows.map((r) => r.feature)], milestone), 'the event that marks value, for time to value'));
  form.addEventListener('change', () => {
    const f = new FormData(form);
    ctx.go(`/usage?${new URLSearchParams([...f.entries()].filter(([, v]) => v))}`,
      { replace: true });
  });
  ctx.main.append(h('h1', {}, 'Product usage'), form);

  const [dau, wau, mau, sticky, curves, ttv] = await Promise.all([
    metric('dau', { ...common, from: daysAgo(89, todayOf(q)) }),
    metric('wau', common),
    metric('mau', common),
    metric('stickiness', { ...common, from: fromOf(12, todayOf(q)) }),
    metric('features', { ...common, days: '7,30,90' }),
    milestone ? metric('ttv', { ...common, milestone }) : null,
  ]);

  const active = section('active', 'Active users');
  const grid = h('div', { class: 'grid' });
  active.append(grid);
  const activeCols = (k, kind) => [{ key: k, label: k === 'day' ? 'Day' : k === 'week' ? 'Week of'
    : 'Month', kind }, { key: 'users', label: 'Users', kind: 'int' },
  { key: 'accounts', label: 'Accounts', kind: 'int' }, { key: 'events', label: 'Events',
    kind: 'int' }];
  for (const [id, title, m, k, kind] of [['dau', 'Daily active users', dau, 'day', 'date'],
    ['wau', 'Weekly active users', wau, 'week', 'date'],
    ['mau', 'Monthly active users', mau, 'month', 'month']]) {
    chart(grid, {
      id, title, kind: 'int',
      option: lines(m.rows.map((r) => r[k]), [{ name: 'Users', data: m.rows.map((r) => r.users) },
        { name: 'Accounts', data: m.rows.map((r) => r.accounts) }], 'int'),
      columns: activeCols(k, kind), rows: m.rows, source: m.source,
    });
  }
  chart(grid, {
    id: 'stickiness', title: 'Stickiness (DAU / MAU)', kind: 'pct',
    option: lines(sticky.rows.map((r) => r.month), [{ name: 'Stickiness',
      data: sticky.rows.map((r) => r.stickiness) }], 'pct'),
    columns: [{ key: 'month', label: 'Month', kind: 'month' },
      { key: 'dau', label: 'Mean DAU', kind: 'num' }, { key: 'mau', label: 'MAU', kind: 'int' },
      { key: 'stickiness', label: 'Stickiness', kind: 'pct' }],
    rows: sticky.rows, source: sticky.source,
  });
  ctx.main.append(active);

  const adoption = section('adoption', 'Feature adoption');
  const agrid = h('div', { class: 'grid' });
  adoption.append(agrid);
  chart(agrid, {
    id: 'feature-share', title: 'Share of active accounts using each feature (last 30 days)',
    kind: 'pct',
    option: bars(used.rows.map((r) => r.feature), [{ name: 'Accounts',
      data: used.rows.map((r) => r.share) }], 'pct', { horizontal: true }),
    columns: [{ key: 'feature', label: 'Feature' }, { key: 'accounts', label: 'Accounts',
      kind: 'int' }, { key: 'share', label: 'Share', kind: 'pct' },
    { key: 'events', label: 'Events', kind: 'int' }],
    rows: used.rows, source: used.source, height: Math.max(280, 22 * used.rows.length + 60),
  });
  const features = [...new Set(curves.rows.map((r) => r.feature))];
  const share = (f, d) => curves.rows.find((r) => r.feature === f && r.days === d)?.share ?? null;
  chart(agrid, {
    id: 'adoption-curves', title: 'New customers using each feature within 7, 30 and 90 days',
    kind: 'pct',
    option: bars(features, [7, 30, 90].map((d) => ({ name: `${d} days`,
      data: features.map((f) => share(f, d)) })), 'pct', { horizontal: true }),
    columns: [{ key: 'feature', label: 'Feature' }, { key: 'days', label: 'Within days',
      kind: 'int' }, { key: 'eligible', label: 'Customers', kind: 'int' },
    { key: 'adopted', label: 'Adopted', kind: 'int' }, { key: 'share', label: 'Share',
      kind: 'pct' }],
    rows: curves.rows, source: curves.source, height: Math.max(280, 30 * features.length + 60),
  });
  ctx.main.append(adoption);

  if (ttv) {
    const value = section('ttv', `Time to value: the first “${milestone}”`);
    const all = indexed(ttv.rows).find((r) => r.cohort === 'all');
    const cohorts = ttv.rows.filter((r) => r.cohort !== 'all');
    chart(value, {
      id: 'ttv-cohorts', title: 'Median days to value by month of start', kind: 'num',
      option: bars(cohorts.map((r) => r.cohort), [{ name: 'Median days',
        data: cohorts.map((r) => r.median_days) }], 'num'),
      columns: [{ key: 'cohort', label: 'Cohort' }, { key: 'accounts', label: 'Accounts',
        kind: 'int' }, { key: 'reached_share', label: 'Reached', kind: 'pct' },
      { key: 'median_days', label: 'Median days', kind: 'num' },
      { key: 'churn_reached', label: 'Churn if reached', kind: 'pct' },
      { key: 'churn_not_reached', label: 'Churn if not', kind: 'pct' }],
      rows: ttv.rows, source: ttv.source,
    });
    if (all) {
      value.append(table({ id: 'ttv-all', caption: 'Every account', rows: [all],
        source: ttv.source, columns: [
        { key: 'accounts', label: 'Accounts', kind: 'int' },
        { key: 'reached_share', label: 'Reached value', kind: 'pct' },
        { key: 'median_days', label: 'Median days', kind: 'num' },
        { key: 'churn_reached', label: 'Churn if reached', kind: 'pct' },
        { key: 'churn_not_reached', label: 'Churn if not', kind: 'pct' }] }));
    }
    ctx.main.append(value);
  }
}
