// page_revenue.js - revenue and retention: the MRR movements of the last complete month as a
// waterfall and per month, GRR and NRR per month, why accounts churned, revenue cohorts as a heatmap,
// Kaplan–Meier survival with its 95 % interval, and CLV by plan (the metrics mrr, churn,
// churn-reasons, cohorts, survival and clv).
import { metric, nowOf, todayOf } from './api.js';
import { workspace } from './format.js';
import { chart, lines, bars, valueAxis } from './chart.js';
import { h, field, select, section, facts, indexed } from './ui.js';
import { fromOf } from './page_experience.js';

const periods = [['12', 'Last 12 months'], ['6', 'Last 6 months'], ['24', 'Last 24 months']];

export function paramsOf(q) {
  const where = [];
  for (const k of ['segment', 'plan']) if (q.get(k)) where.push(`${k}=${q.get(k)}`);
  return { from: fromOf(Number(q.get('months')) || 12, todayOf(q)), where, now: nowOf(q) };
}

// The rows of one currency: the workspace's when it has any, else the first's (each with its
// index in the answer, $i).
export function inCurrency(all) {
  const rows = indexed(all);
  const cur = rows.some((r) => r.currency === workspace().currency) ? workspace().currency
    : rows[0]?.currency;
  return rows.filter((r) => r.currency === cur);
}

// The steps of the waterfall from an mrr row: the invisible base and the bar of each.
export function waterfall(r) {
  const steps = [['Starting MRR', 'starting_mrr', 0], ['New', 'new', 1],
    ['Expansion', 'expansion', 1], ['Reactivation', 'reactivation', 1],
    ['Contraction', 'contraction', -1], ['Churn', 'churn', -1],
    ['Ending MRR', 'ending_mrr', 0]];
  let level = 0;
  return steps.map(([label, field, sign]) => {
    const v = r[field];
    let base;
    if (sign === 0) {
      base = 0;
      level = v;
    } else if (sign > 0) {
      base = level;
      level += v;
    } else {
      level -= v;
      base = level;
    }
    return { label, field, value: v, base };
  });
}

export async function render(ctx) {
  const q = ctx.query;
  const common = paramsOf(q);
  const values = await metric('account-values');
  const opts = (f) => values.rows.filter((r) => r.field === f).map((r) => r.value);
  const form = h('form', { class: 'filters', 'aria-label': 'Choose the accounts' },
    field('Period', select('months', periods, q.get('months') || '12')),
    field('Segment', select('segment', [['', 'Every segment'], ...opts('segment')],
      q.get('segment') || '')),
    field('Plan', select('plan', [['', 'Every plan'], ...opts('plan')], q.get('plan') || '')));
  form.addEventListener('change', () => {
    const f = new FormData(form);
    ctx.go(`/revenue?${new URLSearchParams([...f.entries()].filter(([, v]) => v))}`,
      { replace: true });
  });
  ctx.main.append(h('h1', {}, 'Revenue and retention'), form);

  const [mrr, monthly, churn, reasons, cohorts, survival, survivalAll, clv] = await Promise.all([
    metric('mrr', common),
    metric('mrr', { ...common, by: 'month' }),
    metric('churn', { ...common, by: 'month' }),
    metric('churn-reasons', common),
    metric('cohorts', { from: common.from, where: common.where, now: common.now, by: 'month', basis: 'revenue',
      level: 'account' }),
    metric('survival', { where: common.where, now: common.now, by: 'plan' }),
    metric('survival', { where: common.where, now: common.now }),
    metric('clv', { ...common, by: 'plan' }),
  ]);
  const money = (k, label) => ({ key: k, label, kind: 'money' });

  // the movements of the last complete month: mrr answers a row per month (there is no row
  // for the whole window, and summing months here would be a formula in the web layer); the
  // window ends now, so its last row is the month in progress
  const months = inCurrency(mrr.rows);
  const total = months.length > 1 ? months[months.length - 2] : months[0];
  const move = section('movements', total ? `MRR movements in ${total.month}` : 'MRR movements');
  if (total) {
    const from = { index: total.$i };
    move.append(facts([['Starting MRR', 'money', total.starting_mrr, total, 'starting_mrr', from],
      ['Ending MRR', 'money', total.ending_mrr, total, 'ending_mrr', from],
      ['New accounts', 'int', total.new_accounts, total, 'new_accounts', from],
      ['Churned accounts', 'int', total.churned_accounts, total, 'churned_accounts', from]],
    { source: mrr.source, path: 'rows' }));
    const steps = waterfall(total);
    const grid = h('div', { class: 'grid' });
    move.append(grid);
    chart(grid, {
      id: 'waterfall', title: `MRR waterfall, ${total.month} (${total.currency})`, kind: 'money',
      option: {
        ...bars(steps.map((s) => s.label), [], 'money'),
        tooltip: { trigger: 'item', renderMode: 'richText' },
        legend: { show: false },
        series: [
          { type: 'bar', stack: 'w', data: steps.map((s) => s.base), silent: true,
            itemStyle: { color: 'transparent' }, tooltip: { show: false } },
          { type: 'bar', stack: 'w', name: 'MRR', data: steps.map((s, i) => ({ value: s.value,
            itemStyle: { color: i === 0 || i === steps.length - 1 ? '#2563eb'
              : i >= 4 ? '#dc2626' : '#16a34a' } })) },
        ],
      },
      columns: [{ key: 'label', label: 'Step', derived: true },
        { key: 'value', label: 'MRR', kind: 'money', col: (r) => r.field }],
      rows: steps.map((s) => ({ label: s.label, value: s.value, field: s.field,
        currency: total.currency, $i: total.$i })),
      source: mrr.source,
    });
    const rows = inCurrency(monthly.rows);
    chart(grid, {
      id: 'monthly', title: `MRR movements by month (${total.currency})`, kind: 'money',
      option: {
        ...bars(rows.map((r) => r.month), [
          { name: 'New', data: rows.map((r) => r.new) },
          { name: 'Expansion', data: rows.map((r) => r.expansion) },
          { name: 'Reactivation', data: rows.map((r) => r.reactivation) },
          { name: 'Contraction', data: rows.map((r) => -r.contraction) },
          { name: 'Churn', data: rows.map((r) => -r.churn) }], 'money', { stack: 'm' }),
        color: ['#16a34a', '#22c55e', '#0891b2', '#f59e0b', '#dc2626'],
      },
      columns: [{ key: 'month', label: 'Month', kind: 'month' }, money('new', 'New'),
        money('expansion', 'Expansion'), money('reactivation', 'Reactivation'),
        money('contraction', 'Contraction'), money('churn', 'Churn'),
        money('ending_mrr', 'Ending MRR')],
      rows, source: monthly.source,
    });
  } else {
    move.append(h('p', { class: 'muted' }, 'No MRR in this period.'));
  }
  ctx.main.append(move);

  const ret = section('retention', 'Retention');
  const rgrid = h('div', { class: 'grid' });
  ret.append(rgrid);
  const crows = inCurrency(churn.rows);
  chart(rgrid, {
    id: 'grr-nrr', title: 'Gross and net revenue retention by month', kind: 'pct',
    option: lines(crows.map((r) => r.month), [{ name: 'NRR', data: crows.map((r) => r.nrr) },
      { name: 'GRR', data: crows.map((r) => r.grr) }], 'pct'),
    columns: [{ key: 'month', label: 'Month', kind: 'month' },
      { key: 'grr', label: 'GRR', kind: 'pct' }, { key: 'nrr', label: 'NRR', kind: 'pct' },
      { key: 'logo_churn_rate', label: 'Logo churn', kind: 'pct' },
      { key: 'accounts_start', label: 'Accounts at start', kind: 'int' }],
    rows: crows, source: churn.source,
  });
  const rr = inCurrency(reasons.rows);
  chart(rgrid, {
    id: 'churn-reasons', title: 'Why accounts churned (lost MRR)', kind: 'money',
    option: bars(rr.map((r) => r.reason), [{ name: 'Lost MRR',
      data: rr.map((r) => r.lost_mrr) }], 'money', { horizontal: true }),
    columns: [{ key: 'reason', label: 'Reason' }, money('lost_mrr', 'Lost MRR'),
      { key: 'churned_accounts', label: 'Accounts', kind: 'int' },
      { key: 'share', label: 'Share', kind: 'pct' }],
    rows: rr, source: reasons.source,
  });
  ctx.main.append(ret);

  // cohorts: months since the cohort's start across, cohorts down
  const co = section('cohorts', 'Revenue retention by cohort');
  const names = [...new Set(cohorts.rows.map((r) => r.cohort))];
  const maxPeriod = Math.max(0, ...cohorts.rows.map((r) => r.period));
  chart(co, {
    id: 'cohort-heatmap', title: 'Share of each month’s new accounts still paying', kind: 'pct',
    height: Math.max(240, 24 * names.length + 80),
    option: {
      tooltip: { trigger: 'item', renderMode: 'richText' },
      legend: { show: false },
      grid: { left: 8, right: 16, top: 16, bottom: 56, containLabel: true },
      xAxis: { type: 'category', name: 'months after', nameLocation: 'middle', nameGap: 28,
        data: Array.from({ length: maxPeriod + 1 }, (_, i) => String(i)) },
      yAxis: { type: 'category', data: names, inverse: true },
      visualMap: { min: 0, max: 1, calculable: false, orient: 'horizontal', left: 'center',
        bottom: 0, itemHeight: 120, inRange: { color: ['#fee2e2', '#2563eb'] }, show: false },
      series: [{ type: 'heatmap', data: cohorts.rows.map((r) => [r.period,
        names.indexOf(r.cohort), r.rate]) }],
    },
    columns: [{ key: 'cohort', label: 'Cohort', kind: 'month' },
      { key: 'period', label: 'Months after', kind: 'int' },
      { key: 'size', label: 'Accounts', kind: 'int' },
      { key: 'retained', label: 'Still paying', kind: 'int' },
      { key: 'rate', label: 'Share', kind: 'pct' }],
    rows: cohorts.rows, source: cohorts.source,
  });
  ctx.main.append(co);

  const km = section('survival', 'Time to churn (Kaplan–Meier)');
  const kgrid = h('div', { class: 'grid' });
  km.append(kgrid);
  const all = survivalAll.rows;
  chart(kgrid, {
    id: 'km-all', title: 'Share of accounts not churned, with its 95 % interval', kind: 'pct',
    option: {
      ...lines(all.map((r) => String(r.time)), [{ name: 'Survival',
        data: all.map((r) => r.survival), step: 'end' }], 'pct', { name: '95 % interval',
        lower: all.map((r) => r.lower), upper: all.map((r) => r.upper), step: 'end' }),
      xAxis: { type: 'category', name: 'days', data: all.map((r) => String(r.time)),
        boundaryGap: false },
      yAxis: valueAxis('pct', { min: 0, max: 1 }),
    },
    columns: [{ key: 'time', label: 'Days', kind: 'int' },
      { key: 'survival', label: 'Survival', kind: 'pct' },
      { key: 'lower', label: 'Lower', kind: 'pct' }, { key: 'upper', label: 'Upper', kind: 'pct' },
      { key: 'at_risk', label: 'At risk', kind: 'int' }],
    rows: all, source: survivalAll.source,
  });
  const plans = [...new Set(survival.rows.map((r) => r.plan))];
  chart(kgrid, {
    id: 'km-plan', title: 'Share not churned, by plan', kind: 'pct',
    option: {
      legend: { top: 0 },
      xAxis: { type: 'value', name: 'days' },
      yAxis: valueAxis('pct', { min: 0, max: 1 }),
      series: plans.map((p) => ({ type: 'line', name: p, step: 'end', showSymbol: false,
        data: survival.rows.filter((r) => r.plan === p).map((r) => [r.time, r.survival]) })),
    },
    columns: [{ key: 'plan', label: 'Plan' }, { key: 'time', label: 'Days', kind: 'int' },
      { key: 'survival', label: 'Survival', kind: 'pct' },
      { key: 'lower', label: 'Lower', kind: 'pct' }, { key: 'upper', label: 'Upper', kind: 'pct' }],
    rows: survival.rows, source: survival.source,
  });
  ctx.main.append(km);

  const value = section('clv', 'Customer lifetime value by plan');
  const vrows = inCurrency(clv.rows);
  chart(value, {
    id: 'clv-plan', title: `CLV by plan (${vrows[0]?.currency || workspace().currency})`,
    kind: 'money',
    option: bars(vrows.map((r) => r.plan), [{ name: 'CLV', data: vrows.map((r) => r.clv) }],
      'money'),
    columns: [{ key: 'plan', label: 'Plan' }, money('clv', 'CLV'), money('arpa', 'ARPA'),
      { key: 'monthly_churn_rate', label: 'Monthly churn', kind: 'pct' },
      { key: 'paying_accounts', label: 'Paying accounts', kind: 'int' }],
    rows: vrows, source: clv.source,
  });
  ctx.main.append(value);
}
