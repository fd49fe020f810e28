// account_health.js - the account page's health and risk panel: the score, its colour and the
// measures that make it (GET /v1/accounts/ID/health: values, points, weights, by how much they
// pulled the score down), the 90 days of the daily history as a small chart
// (GET /v1/health/history), the churn model's risk with the features that raised it in plain
// words (GET /v1/accounts/ID/churn, asked only when the portfolio's row has a risk: the API
// answers 404 for an account that is not paying or before a model exists), and the account's
// expansion signals (GET /v1/expansion) when it has any.
import { api, metric, nowOf, query } from './api.js';
import { chart, lines } from './chart.js';
import { h, table, facts, indexed, sourced } from './ui.js';
import { healthStyles } from './health_ui.js';

const DRIVERS = 5; // the features shown: those that raised the risk most

export async function healthPanel(o, el, ctx) {
  healthStyles();
  const id = o.account.id;
  const now = ctx ? nowOf(ctx.query) : null;
  const where = `account=${id}`;
  const [explain, history, book, expansion] = await Promise.all([
    (async () => {
      const source = `/v1/accounts/${encodeURIComponent(id)}/health${query({ now })}`;
      return { ...(await api(source)), source };
    })(),
    metric('health-history', { account: id, now }),
    metric('book', { where, limit: 1, now }),
    metric('expansion', { where, now }),
  ]);
  const first = explain.rows[0] || {};
  const row = book.rows[0] || {};
  el.append(h('div', { class: 'grid' },
    h('div', {},
      facts([
        ['Health score', 'int', first.score, null, 'score', { index: 0 }],
        ['Colour', 'text', first.band, null, 'band', { index: 0 }],
        ['Scorecard', 'text', first.scorecard, null, 'scorecard', { index: 0 }],
        ['Change over 7 days', 'int', row.health_change_7d, null, 'health_change_7d',
          { source: book.source, index: 0 }],
        ['Churn risk', 'pct', row.churn_risk, null, 'churn_risk',
          { source: book.source, index: 0 }],
      ], { source: explain.source }),
      first.score === null || first.score === undefined
        ? h('p', { class: 'muted' }, 'No score: the account has no data for any measure, or is not a customer.')
        : null),
    history.rows.length ? chartOf(history) : h('p', { class: 'muted' },
      'No daily scores kept yet (landfall health snapshot, and the server once a day).')));

  // the measures, the costliest first (the API's order)
  el.append(table({
    id: 'health-explain', caption: 'Why the score is what it is: the measures, the costliest first',
    rows: indexed(explain.rows), source: explain.source, empty: 'No measure.',
    columns: [
      { key: 'measure', label: 'Measure' }, { key: 'family', label: 'Family' },
      { key: 'value', label: 'Value', kind: 'num' }, { key: 'unit', label: 'Unit' },
      { key: 'points', label: 'Points', kind: 'num' }, { key: 'weight', label: 'Weight', kind: 'pct' },
      { key: 'pulled_down', label: 'Points lost', kind: 'num' }, { key: 'note', label: 'Note' },
    ],
  }));

  if (row.churn_risk !== null && row.churn_risk !== undefined) {
    const source = `/v1/accounts/${encodeURIComponent(id)}/churn${query({ now })}`;
    const churn = await api(source);
    const raised = indexed(churn.features.rows).filter((f) => f.contribution > 0)
      .slice(0, DRIVERS);
    el.append(h('h3', {}, 'Churn risk and its drivers'),
      facts([['Risk of churning', 'pct', churn.risk, null, 'risk'],
        ['Model version', 'int', churn.model, null, 'model']], { source, path: '' }),
      table({ id: 'churn-drivers', caption: 'What raised the risk (log-odds)', rows: raised,
        source, path: 'features.rows', empty: 'Nothing raised it.', columns: [
          { key: 'description', label: 'Driver' },
          { key: 'contribution', label: 'Added', kind: 'num', value: (r) => r.contribution } ] }));
  } else {
    el.append(h('p', { class: 'muted', id: 'no-risk' },
      'No churn risk: no churn model is trained yet, or the account is not paying.'));
  }

  if (expansion.rows.length) {
    const x = expansion.rows[0];
    el.append(h('h3', {}, 'Expansion signals'), sourced(h('div', { id: 'expansion-signals' },
      facts([['Points', 'int', x.points, null, 'points', { index: 0 }],
        ['Signals', 'int', x.signals, null, 'signals', { index: 0 }]]),
      h('ul', { class: 'signals' }, x.reasons.split('; ').map((r) => h('li', {}, r)))),
    expansion.source));
  }
}

function chartOf(history) {
  const box = h('div');
  chart(box, {
    id: 'health-history', title: 'Health score, last 90 days', kind: 'int', height: 200,
    option: {
      ...lines(history.rows.map((r) => r.day), [{ name: 'Score', data: history.rows.map((r) => r.score) }], 'int'),
      yAxis: { type: 'value', min: 0, max: 100 },
    },
    columns: [{ key: 'day', label: 'Day', kind: 'date' }, { key: 'score', label: 'Score', kind: 'int' },
      { key: 'band', label: 'Colour' }, { key: 'change', label: 'Change', kind: 'int' }],
    rows: history.rows, source: history.source,
  });
  return box;
}
