// page_portfolio.js - the portfolio, or a CSM's book: every account with its revenue, renewal,
// usage, experience and support figures (the `book` metric: filtered, searched, sorted and
// paged by the server), saved views and a CSV export. The URL holds the view.
import { api, metric, metricCsv, nowOf, query } from './api.js';
import { int } from './format.js';
import { h, clear, field, select, table, message, figure, sourced } from './ui.js';
import { healthStyles, colourChoices, riskChoices } from './health_ui.js';

const PAGE = 50;

// The columns shown, in order: a later figure is a line here and a column of the book metric
// (src/metrics/book.c). Health is the daily history's score, colour and change over 7 days; the
// churn risk the latest churn model's (null without one).
const columns = [
  { key: 'name', label: 'Account', value: (r) => r.name || r.account,
    col: (r) => (r.name ? 'name' : 'account'),
    link: (r) => `/accounts/${encodeURIComponent(r.account)}` },
  { key: 'mrr', label: 'MRR', kind: 'money' },
  { key: 'health', label: 'Health', kind: 'int' },
  { key: 'health_band', label: 'Colour' },
  { key: 'health_change_7d', label: 'Health, 7 days', kind: 'int' },
  { key: 'churn_risk', label: 'Churn risk', kind: 'pct' },
  { key: 'plan', label: 'Plan' },
  { key: 'segment', label: 'Segment' },
  { key: 'owner', label: 'Owner' },
  { key: 'renewal_date', label: 'Renewal', kind: 'date' },
  { key: 'users', label: 'Active users', kind: 'int' },
  { key: 'trend', label: 'Usage trend', kind: 'pct' },
  { key: 'breadth', label: 'Breadth', kind: 'pct' },
  { key: 'nps_last', label: 'Last NPS', kind: 'int' },
  { key: 'csat_last', label: 'Last CSAT', kind: 'int' },
  { key: 'open_tickets', label: 'Open tickets', kind: 'int' },
];

const renewals = [['', 'Any time'], ['30', 'Within 30 days'], ['60', 'Within 60 days'],
  ['90', 'Within 90 days'], ['180', 'Within 180 days']];

// The view of the URL: the CSM's own book unless the URL says otherwise (owner=* is everyone).
function viewOf(ctx) {
  const q = ctx.query;
  const me = ctx.session.user;
  return {
    q: q.get('q') || '',
    owner: q.get('owner') || (me.role === 'csm' ? me.name : '*'),
    plan: q.get('plan') || '',
    segment: q.get('segment') || '',
    stage: q.get('stage') || '',
    renewal: q.get('renewal') || '',
    colour: q.get('colour') || '',
    risk: q.get('risk') || '',
    sort: q.get('sort') || '-mrr',
    page: Math.max(1, Number(q.get('page')) || 1),
  };
}

// The book metric's parameters for a view (what the page shows, and what the tests ask).
export function bookParams(v) {
  const where = [];
  if (v.owner && v.owner !== '*') where.push(`owner=${v.owner}`);
  for (const k of ['plan', 'segment', 'stage']) if (v[k]) where.push(`${k}=${v[k]}`);
  return { where, q: v.q, renewal_within: v.renewal, colour: v.colour, risk_min: v.risk,
    sort: v.sort, limit: PAGE,
    offset: (v.page - 1) * PAGE };
}

export async function render(ctx) {
  const me = ctx.session.user;
  let v = viewOf(ctx);
  const values = await metric('account-values');
  const valuesOf = (f) => values.rows.filter((r) => r.field === f).map((r) => [r.value,
    `${r.value} (${int(r.accounts)})`]);

  const search = h('input', { type: 'search', name: 'q', value: v.q, autocomplete: 'off' });
  const owner = select('owner', [['*', 'All accounts'], ...(me.role === 'csm'
    ? [[me.name, 'My book']] : []), ...valuesOf('owner')], v.owner);
  const plan = select('plan', [['', 'Any plan'], ...valuesOf('plan')], v.plan);
  const segment = select('segment', [['', 'Any segment'], ...valuesOf('segment')], v.segment);
  const stage = select('stage', [['', 'Any stage'], ...valuesOf('stage')], v.stage);
  const renewal = select('renewal', renewals, v.renewal);
  healthStyles();
  const colour = select('colour', colourChoices, v.colour);
  const risk = select('risk', riskChoices, v.risk);
  const form = h('form', { role: 'search', class: 'filters', 'aria-label': 'Filter accounts' },
    field('Search', search), field('Owner', owner), field('Plan', plan), field('Segment', segment),
    field('Stage', stage), field('Renewal', renewal), field('Health', colour),
    field('Churn risk', risk));
  const summary = h('p', { class: 'summary', 'aria-live': 'polite', id: 'summary' });
  const results = h('div', { id: 'results' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of accounts' });
  const views = h('div', { class: 'views' });
  const note = h('div');
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, v.owner === me.name ? 'My book' : 'Portfolio'),
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'export',
        onclick: exportCsv }, 'Export CSV'))),
    form, views, note, summary, results, pager);

  function readForm() {
    return { ...v, q: search.value.trim(), owner: owner.value, plan: plan.value,
      segment: segment.value, stage: stage.value, renewal: renewal.value, colour: colour.value,
      risk: risk.value };
  }

  // The URL keeps every choice but the defaults, so that it can be shared.
  function urlOf(view) {
    return {
      q: view.q, owner: view.owner === (me.role === 'csm' ? me.name : '*') ? '' : view.owner,
      plan: view.plan, segment: view.segment, stage: view.stage, renewal: view.renewal,
      colour: view.colour, risk: view.risk, sort: view.sort === '-mrr' ? '' : view.sort,
      page: view.page > 1 ? view.page : '',
    };
  }

  // the control that made the change keeps the focus when the table and pager are made again
  let refocus = null;

  async function load() {
    ctx.setQuery(urlOf(v));
    results.setAttribute('aria-busy', 'true');
    const book = await metric('book', { ...bookParams(v), now: nowOf(ctx.query) });
    const sort = { key: v.sort.replace(/^-/, ''), desc: v.sort.startsWith('-') };
    clear(results, table({
      id: 'accounts', caption: 'Accounts', columns, rows: book.rows, sort, source: book.source,
      empty: 'No account matches these filters.',
      onSort: (key) => {
        v = { ...v, sort: sort.key === key && !sort.desc ? `-${key}` : key, page: 1 };
        refocus = `button[data-sort="${key}"]`;
        update();
      },
    }));
    results.removeAttribute('aria-busy');
    const first = book.total ? (v.page - 1) * PAGE + 1 : 0;
    const last = (v.page - 1) * PAGE + book.rows.length;
    sourced(summary, book.source, '');
    clear(summary, book.total ? `Accounts ${int(first)}–${int(last)} of ` : 'No accounts',
      book.total ? figure('span', 'int', book.total, null, { 'data-col': 'total' }) : null);
    const pages = Math.max(1, Math.ceil(book.total / PAGE));
    clear(pager,
      h('button', { type: 'button', disabled: v.page <= 1, id: 'prev', onclick: () => {
        v = { ...v, page: v.page - 1 };
        refocus = '#prev';
        update();
      } }, 'Previous'),
      h('span', {}, `Page ${int(v.page)} of ${int(pages)}`),
      h('button', { type: 'button', disabled: v.page >= pages, id: 'next', onclick: () => {
        v = { ...v, page: v.page + 1 };
        refocus = '#next';
        update();
      } }, 'Next'));
    const again = refocus && ctx.main.querySelector(`${refocus}:not([disabled])`);
    if (again) again.focus();
    refocus = null;
  }

  async function update() {
    delete ctx.main.dataset.ready;
    try {
      await load();
      message(note, '');
    } catch (e) {
      message(note, e.message, 'error');
    }
    ctx.main.dataset.ready = 'true';
  }

  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      v = { ...readForm(), page: 1 };
      update();
    }, 300);
  });
  form.addEventListener('change', (e) => {
    if (e.target === search) return;
    v = { ...readForm(), page: 1 };
    update();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(typing);
    v = { ...readForm(), page: 1 };
    update();
  });

  async function exportCsv() {
    try {
      const csv = await metricCsv('book', { ...bookParams(v), limit: 0, offset: 0,
        now: nowOf(ctx.query) });
      const a = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })),
        download: 'accounts.csv' });
      document.body.append(a);
      a.click();
      a.remove();
      message(note, 'The accounts of this view were exported to accounts.csv.');
    } catch (e) {
      message(note, e.message, 'error');
    }
  }

  // saved views: the user's own, by name
  async function showViews() {
    const list = (await api(`/v1/views${query({ page: 'portfolio' })}`)).data;
    const chooser = select('view', [['', 'Saved views…'], ...list.map((x) => [x.id, x.name])], '',
      { id: 'view-choose' });
    chooser.addEventListener('change', () => {
      const x = list.find((y) => String(y.id) === chooser.value);
      if (x) ctx.go(`/portfolio${x.query ? `?${x.query}` : ''}`);
    });
    const parts = [field('Saved view', chooser)];
    if (me.role !== 'viewer') {
      const name = h('input', { name: 'view-name', maxlength: 200, id: 'view-name' });
      parts.push(h('form', { class: 'inline', onsubmit: async (e) => {
        e.preventDefault();
        if (!name.value.trim()) return;
        // a view is its filters: one saved on a page pinned to an instant (`now`) opens live
        const filters = new URLSearchParams(location.search);
        filters.delete('now');
        try {
          await api('/v1/views', { method: 'POST', body: { page: 'portfolio',
            name: name.value.trim(), query: filters.toString() } });
          message(note, `Saved the view “${name.value.trim()}”.`);
          showViews();
        } catch (err) {
          message(note, err.message, 'error');
        }
      } }, field('Save this view as', name), h('button', { type: 'submit' }, 'Save view')));
      if (list.length) {
        parts.push(h('button', { type: 'button', onclick: async () => {
          const x = list.find((y) => String(y.id) === chooser.value);
          if (!x) {
            message(note, 'Choose a saved view to delete first.', 'error');
            return;
          }
          await api(`/v1/views/${x.id}`, { method: 'DELETE' });
          message(note, `Deleted the view “${x.name}”.`);
          showViews();
        } }, 'Delete saved view'));
      }
    }
    clear(views, ...parts);
  }

  await Promise.all([load(), showViews()]);
}
