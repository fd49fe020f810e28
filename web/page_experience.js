// page_experience.js - customer experience: NPS, CSAT and CES over the window and by month with
// their 95 % margins of error, by team, touchpoint, channel, segment or plan, the distribution
// of scores; what customers write: sentiment by month, emotions, the topics detractors mention
// more than promoters, and the newest comments (the metrics nps, csat, ces, scores,
// text-summary, text-emotions, text-topics and text-comments).
import { metric, nowOf, todayOf } from './api.js';
import { chart, lines, bars } from './chart.js';
import { h, field, select, section, table, facts } from './ui.js';

const surveys = [
  { id: 'nps', label: 'NPS', unit: 'points from −100 to 100' },
  { id: 'csat', label: 'CSAT', unit: '% of responses scoring 4 or 5' },
  { id: 'ces', label: 'CES', unit: 'mean on 1 to 7' },
];
const breakdowns = [['team', 'Team'], ['touchpoint', 'Touchpoint'], ['channel', 'Channel'],
  ['segment', 'Segment'], ['plan', 'Plan']];
const periods = [['12', 'Last 12 months'], ['6', 'Last 6 months'], ['24', 'Last 24 months']];

// The window's start: the first day of the month `months` - 1 months before this one.
export function fromOf(months, today = new Date()) {
  const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - (months - 1), 1));
  return d.toISOString().slice(0, 10);
}

export function paramsOf(q) {
  const where = [];
  for (const k of ['segment', 'plan', 'team', 'touchpoint']) {
    if (q.get(k)) where.push(`${k}=${q.get(k)}`);
  }
  return { from: fromOf(Number(q.get('months')) || 12, todayOf(q)), where, now: nowOf(q) };
}

export async function render(ctx) {
  const q = ctx.query;
  const by = q.get('by') || 'team';
  const months = q.get('months') || '12';
  const common = paramsOf(q);
  const [values, teams, kinds] = await Promise.all([metric('account-values'),
    metric('text-summary', { from: common.from, by: 'team', now: common.now }),
    metric('text-summary', { from: common.from, by: 'touchpoint', now: common.now })]);
  const opts = (f) => values.rows.filter((r) => r.field === f).map((r) => r.value);
  // the teams and touchpoint kinds that texts of the period name ("(none)": a comment rating
  // no touchpoint)
  const named = (m, k) => m.rows.map((r) => r[k]).filter((v) => v !== '(none)');
  const form = h('form', { class: 'filters', 'aria-label': 'Choose the responses' },
    field('Period', select('months', periods, months)),
    field('Segment', select('segment', [['', 'Every segment'], ...opts('segment')],
      q.get('segment') || '')),
    field('Plan', select('plan', [['', 'Every plan'], ...opts('plan')], q.get('plan') || '')),
    field('Team', select('team', [['', 'Every team'], ...named(teams, 'team')],
      q.get('team') || '')),
    field('Touchpoint', select('touchpoint', [['', 'Every touchpoint kind'],
      ...named(kinds, 'touchpoint')], q.get('touchpoint') || '')),
    field('Break down by', select('by', breakdowns, by)));
  form.addEventListener('change', () => {
    const f = new FormData(form);
    ctx.go(`/experience?${new URLSearchParams([...f.entries()].filter(([, v]) => v))}`,
      { replace: true });
  });
  ctx.main.append(h('h1', {}, 'Customer experience'), form);

  const [totals, trends, splits, dists, comments, sentiment, emotions, topics] =
    await Promise.all([
      Promise.all(surveys.map((s) => metric(s.id, common))),
      Promise.all(surveys.map((s) => metric(s.id, { ...common, by: 'month' }))),
      Promise.all(surveys.map((s) => metric(s.id, { ...common, by }))),
      Promise.all(surveys.map((s) => metric('scores', { ...common, survey: s.id }))),
      metric('text-comments', { ...common, source: 'response', limit: 25 }),
      metric('text-summary', { ...common, by: 'month' }),
      metric('text-emotions', common),
      metric('text-topics', common),
    ]);

  const head = section('scores-now', 'Over the period');
  head.append(facts(surveys.flatMap((s, i) => {
    const r = totals[i].rows[0] || {};
    const from = { source: totals[i].source, path: 'rows', index: 0 };
    return [[s.label, 'num', r[s.id], r, s.id, from],
      [`${s.label} margin of error (±)`, 'num', r.margin_of_error, r, 'margin_of_error', from],
      [`${s.label} responses`, 'int', r.n, r, 'n', from]];
  })));
  ctx.main.append(head);

  const trend = section('trends', 'By month, with the 95 % margin of error');
  const grid = h('div', { class: 'grid' });
  trend.append(grid);
  surveys.forEach((s, i) => {
    const rows = trends[i].rows;
    const val = (r) => r[s.id];
    chart(grid, {
      id: `trend-${s.id}`, title: `${s.label} (${s.unit})`, kind: 'num',
      option: lines(rows.map((r) => r.month), [{ name: s.label, data: rows.map(val) }], 'num', {
        name: '95 % margin',
        lower: rows.map((r) => (val(r) === null ? null : val(r) - r.margin_of_error)),
        upper: rows.map((r) => (val(r) === null ? null : val(r) + r.margin_of_error)),
      }),
      columns: [{ key: 'month', label: 'Month', kind: 'month' },
        { key: s.id, label: s.label, kind: 'num' },
        { key: 'margin_of_error', label: 'Margin (±)', kind: 'num' },
        { key: 'n', label: 'Responses', kind: 'int' }],
      rows, source: trends[i].source,
    });
  });
  ctx.main.append(trend);

  const split = section('breakdown', `By ${breakdowns.find(([k]) => k === by)?.[1].toLowerCase()}`);
  const sgrid = h('div', { class: 'grid' });
  split.append(sgrid);
  surveys.forEach((s, i) => {
    const rows = splits[i].rows;
    chart(sgrid, {
      id: `by-${s.id}`, title: `${s.label} by ${by}`, kind: 'num',
      option: bars(rows.map((r) => r[by]), [{ name: s.label, data: rows.map((r) => r[s.id]) }],
        'num', { horizontal: true }),
      columns: [{ key: by, label: by }, { key: s.id, label: s.label, kind: 'num' },
        { key: 'margin_of_error', label: 'Margin (±)', kind: 'num' },
        { key: 'n', label: 'Responses', kind: 'int' }],
      rows, source: splits[i].source,
    });
  });
  ctx.main.append(split);

  const dist = section('distribution', 'Distribution of scores');
  const dgrid = h('div', { class: 'grid' });
  dist.append(dgrid);
  surveys.forEach((s, i) => {
    const rows = dists[i].rows;
    chart(dgrid, {
      id: `dist-${s.id}`, title: `${s.label} scores`, kind: 'int',
      option: bars(rows.map((r) => String(r.score)), [{ name: 'Responses',
        data: rows.map((r) => r.n) }], 'int'),
      columns: [{ key: 'score', label: 'Score', kind: 'int' },
        { key: 'n', label: 'Responses', kind: 'int' }, { key: 'share', label: 'Share',
          kind: 'pct' }],
      rows, source: dists[i].source,
    });
  });
  ctx.main.append(dist);

  ctx.main.append(voice(sentiment, emotions, topics));

  // the survey comments of the same view in the comments explorer
  const explore = new URLSearchParams([...q.entries()].filter(([k]) =>
    ['months', 'segment'].includes(k)));
  explore.set('source', 'response');
  const said = section('comments', 'Newest comments');
  said.append(table({ id: 'comments-table', caption: 'Comments, newest first',
    rows: comments.rows, source: comments.source, empty: 'No comments in this period.',
    columns: [
      { key: 'date', label: 'Date', kind: 'date' },
      { key: 'account', label: 'Account', link: (r) => `/accounts/${encodeURIComponent(r.account)}` },
      { key: 'survey', label: 'Survey' }, { key: 'score', label: 'Score', kind: 'int' },
      { key: 'sentiment', label: 'Sentiment' }, { key: 'topics', label: 'Topics' },
      { key: 'text', label: 'Comment' }] }),
  h('p', {}, h('a', { href: `/comments?${explore}`, id: 'explore-comments' },
    'Every comment, filtered, in the comments explorer')));
  ctx.main.append(said);
}

// What customers write: sentiment by month, the emotions shown, and what detractors talk about.
function voice(sentiment, emotions, topics) {
  const s = section('voice', 'What customers write');
  const grid = h('div', { class: 'grid' });
  s.append(grid);
  const months = sentiment.rows;
  chart(grid, {
    id: 'sentiment-trend', title: 'Sentiment by month (% of scored texts)', kind: 'num',
    option: lines(months.map((r) => r.month), [
      { name: 'Negative', data: months.map((r) => r.negative) },
      { name: 'Positive', data: months.map((r) => r.positive) }], 'num'),
    columns: [{ key: 'month', label: 'Month', kind: 'month' },
      { key: 'texts', label: 'Texts', kind: 'int' }, { key: 'scored', label: 'Scored', kind: 'int' },
      { key: 'compound', label: 'Mean compound', kind: 'num' },
      { key: 'negative', label: 'Negative (%)', kind: 'num' },
      { key: 'positive', label: 'Positive (%)', kind: 'num' },
      { key: 'top_emotions', label: 'Top emotions' }, { key: 'top_topics', label: 'Top topics' }],
    rows: months, source: sentiment.source,
  });
  chart(grid, {
    id: 'emotions', title: 'Emotions (% of scored texts showing each)', kind: 'num',
    option: bars(emotions.rows.map((r) => r.emotion), [{ name: 'Share of texts',
      data: emotions.rows.map((r) => r.share) }], 'num', { horizontal: true }),
    columns: [{ key: 'emotion', label: 'Emotion' }, { key: 'texts', label: 'Texts', kind: 'int' },
      { key: 'share', label: 'Share (%)', kind: 'num' },
      { key: 'scored', label: 'Scored texts', kind: 'int' }],
    rows: emotions.rows, source: emotions.source,
  });
  const t = topics.rows;
  chart(grid, {
    id: 'topic-lift', title: 'What detractors talk about (% of their comments, against promoters)',
    kind: 'num', height: Math.max(280, 30 * t.length + 60),
    option: bars(t.map((r) => r.topic), [
      { name: 'Detractors (0–6)', data: t.map((r) => r.detractor_share) },
      { name: 'Promoters (9–10)', data: t.map((r) => r.promoter_share) }], 'num',
    { horizontal: true }),
    columns: [{ key: 'topic', label: 'Topic' },
      { key: 'detractor_comments', label: 'Detractors', kind: 'int' },
      { key: 'detractor_share', label: 'Detractors (%)', kind: 'num' },
      { key: 'promoter_comments', label: 'Promoters', kind: 'int' },
      { key: 'promoter_share', label: 'Promoters (%)', kind: 'num' },
      { key: 'lift', label: 'Lift', kind: 'num' }],
    rows: t, source: topics.source,
  });
  // the lift is read in the table: open it
  const liftData = grid.querySelector('#topic-lift details');
  if (liftData) {
    liftData.open = true;
    // a table that scrolls must take the focus, so that a keyboard can scroll it
    const wrap = liftData.querySelector('.table-wrap');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', 'Topics and their lift');
  }
  s.append(h('p', { class: 'muted' }, 'Lift: how many times more often detractors mention a '
    + 'topic than promoters do; none (—) when no promoter mentions it, such topics first.'));
  return s;
}
