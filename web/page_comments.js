// page_comments.js - the comments explorer: every survey comment, ticket text and review with
// its sentiment, emotions, topics and language, filtered and paged (the metric text-comments;
// the filters' choices from surveys, account-values, text-emotions and text-topics). What
// customers wrote is shown as text, never as markup (ui.js builds text nodes).
import { api, metric, nowOf, todayOf, ApiError } from './api.js';
import { int } from './format.js';
import { h, clear, field, select, section, table, figure, sourced, message } from './ui.js';
import { fromOf } from './page_experience.js';

export const PAGE = 50;
const periods = [['12', 'Last 12 months'], ['3', 'Last 3 months'], ['6', 'Last 6 months'],
  ['24', 'Last 24 months']];
const sources = [['', 'Every text'], ['response', 'Survey comments and reviews'],
  ['touchpoint', 'Tickets, chats and calls']];
const kinds = [['', 'Any kind'], ['nps', 'NPS'], ['csat', 'CSAT'], ['ces', 'CES'],
  ['custom', 'Custom']];
const sentiments = [['', 'Any sentiment'], ['negative', 'Negative'], ['neutral', 'Neutral'],
  ['positive', 'Positive']];
// the filters the URL keeps, as the form names them
const names = ['months', 'source', 'survey', 'kind', 'score', 'topic', 'sentiment', 'emotion',
  'segment', 'account', 'q'];

// The metric's parameters for the URL's filters and page.
export function paramsOf(q) {
  const where = [];
  for (const k of ['segment', 'account']) if (q.get(k)) where.push(`${k}=${q.get(k)}`);
  const page = Math.max(1, Number(q.get('page')) || 1);
  return {
    from: fromOf(Number(q.get('months')) || 12, todayOf(q)), now: nowOf(q), where,
    source: q.get('source'),
    survey: q.get('survey'), kind: q.get('kind'), score: q.get('score'), topic: q.get('topic'),
    sentiment: q.get('sentiment'), emotion: q.get('emotion'), q: q.get('q'), limit: PAGE,
    offset: (page - 1) * PAGE,
  };
}

export async function render(ctx) {
  const q = ctx.query;
  const page = Math.max(1, Number(q.get('page')) || 1);
  const span = { from: fromOf(Number(q.get('months')) || 12, todayOf(q)), now: nowOf(q) };
  const [values, surveys, emotions, topics] = await Promise.all([
    metric('account-values'), api('/v1/surveys?limit=1000'), metric('text-emotions', span),
    metric('text-topics', span)]);
  const opts = (f) => values.rows.filter((r) => r.field === f).map((r) => r.value);
  const text = (name, attrs = {}) => h('input', { name, value: q.get(name) || '',
    autocomplete: 'off', ...attrs });
  const form = h('form', { class: 'filters', role: 'search', id: 'comment-filters',
    'aria-label': 'Choose the comments' },
  field('Period', select('months', periods, q.get('months') || '12')),
  field('Source', select('source', sources, q.get('source') || '')),
  field('Survey', select('survey', [['', 'Any survey'], ...surveys.data.map((s) =>
    [s.id, s.name ? `${s.name} (${s.id})` : s.id])], q.get('survey') || '')),
  field('Survey kind', select('kind', kinds, q.get('kind') || '')),
  field('Score range', text('score', { size: 6, placeholder: '0-6' }), 'MIN-MAX or one score'),
  field('Topic', select('topic', [['', 'Any topic'], ...topics.rows.map((r) => r.topic).sort()],
    q.get('topic') || '')),
  field('Sentiment', select('sentiment', sentiments, q.get('sentiment') || '')),
  field('Emotion', select('emotion', [['', 'Any emotion'], ...emotions.rows.map((r) => r.emotion)],
    q.get('emotion') || '')),
  field('Segment', select('segment', [['', 'Any segment'], ...opts('segment')],
    q.get('segment') || '')),
  field('Account', text('account', { size: 12, placeholder: 'account id' })),
  field('Search', text('q', { type: 'search' })),
  h('button', { type: 'submit', class: 'primary' }, 'Apply'));
  // a chosen option applies at once; typed text on Enter or Apply
  const apply = () => {
    const f = new FormData(form);
    const next = new URLSearchParams(names.map((n) => [n, String(f.get(n) || '').trim()])
      .filter(([, v]) => v));
    ctx.go(`/comments${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  form.addEventListener('change', (e) => {
    if (e.target.tagName === 'SELECT') apply();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
  const note = h('div', { id: 'comments-note' });
  ctx.main.append(h('h1', {}, 'Comments'), form, note);

  let found;
  try {
    found = await metric('text-comments', paramsOf(q));
  } catch (e) {
    // a filter the API refuses (a score range it cannot read) is named beside the form
    if (!(e instanceof ApiError)) throw e;
    message(note, e.field ? `${e.field}: ${e.message}` : e.message, 'error');
    if (e.field) form.querySelector(`[name="${e.field}"]`)?.setAttribute('aria-invalid', 'true');
    return;
  }
  const first = found.total ? (page - 1) * PAGE + 1 : 0;
  const last = (page - 1) * PAGE + found.rows.length;
  const summary = sourced(h('p', { class: 'summary', id: 'summary', 'aria-live': 'polite' },
    found.total ? `Texts ${int(first)}–${int(last)} of ` : 'No texts match these filters',
    found.total ? figure('span', 'int', found.total, null, { 'data-col': 'total' }) : null),
  found.source, '');
  const list = section('comments', 'What customers wrote');
  list.append(summary, table({
    id: 'comments-table', caption: 'Texts, the latest first', rows: found.rows,
    source: found.source, empty: 'No texts match these filters.',
    columns: [
      { key: 'date', label: 'Date', kind: 'date' },
      { key: 'source', label: 'Source' },
      { key: 'id', label: 'Id' },
      { key: 'account', label: 'Account',
        link: (r) => `/accounts/${encodeURIComponent(r.account)}` },
      { key: 'survey', label: 'Survey' },
      { key: 'score', label: 'Score', kind: 'int' },
      { key: 'touchpoint', label: 'Touchpoint' },
      { key: 'language', label: 'Language' },
      { key: 'sentiment', label: 'Sentiment' },
      { key: 'compound', label: 'Compound', kind: 'num' },
      { key: 'emotions', label: 'Emotions' },
      { key: 'topics', label: 'Topics' },
      { key: 'text', label: 'Text' }],
  }));
  const pages = Math.max(1, Math.ceil(found.total / PAGE));
  const goPage = (n) => {
    const next = new URLSearchParams(q);
    if (n > 1) next.set('page', n);
    else next.delete('page');
    ctx.go(`/comments?${next}`, { replace: false });
  };
  list.append(h('nav', { class: 'pager', 'aria-label': 'Pages of texts' },
    h('button', { type: 'button', id: 'prev', disabled: page <= 1,
      onclick: () => goPage(page - 1) }, 'Previous'),
    h('span', {}, `Page ${int(page)} of ${int(pages)}`),
    h('button', { type: 'button', id: 'next', disabled: page >= pages,
      onclick: () => goPage(page + 1) }, 'Next')));
  ctx.main.append(list);
  clear(note);
}
