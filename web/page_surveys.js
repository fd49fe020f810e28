// page_surveys.js - the surveys landfall sends: the list and response rates by survey, channel
// and segment; the editor (admins: kind, questions, audience, trigger, channel) and the fatigue
// budget; sending one (admins and leads); the skip log ("why wasn't this contact surveyed");
// the closed loop's follow-ups with their SLA, closing one with its outcome (admins and leads),
// and the recovery report. Everything through the JSON API (docs/surveys.md, docs/api.md).
import {api, query} from './api.js';
import {clear, facts, field, h, indexed, message, section, select, table} from './ui.js';

const kinds = ['nps', 'csat', 'ces', 'custom'];
// the built-in surveys, which cannot change (docs/api.md)
const builtin = ['nps', 'csat', 'ces'];
const triggers = [['manual', 'manual'], ['periodic', 'periodic (every N days)'],
  ['touchpoint', 'after a touchpoint'], ['milestone', 'after a milestone']];
const channels = ['link', 'email', 'in-app'];
const statuses = ['active', 'paused'];
// the editor's text fields: [name, label, hint]
const texts = [
  ['name', 'Name', null],
  ['question', 'Score question', 'default: the kind\'s usual wording'],
  ['comment_question', 'Comment question', 'an open question under the score'],
  ['choice_question', 'Multiple-choice question', null],
  ['choices', 'Choices', 'separated by |'],
  ['audience_segment', 'Audience: segment', 'only contacts of accounts in it'],
  ['audience_plan', 'Audience: plan', null],
  ['audience_role', 'Audience: role', 'only contacts with this role'],
  ['audience_stage', 'Audience: lifecycle stage', null],
  ['touchpoint_kind', 'Touchpoint kind', 'trigger "after a touchpoint": e.g. ticket'],
  ['milestone_event', 'Milestone event', 'trigger "after a milestone"'],
];
const budget = [['contact_days', 'Ask a contact at most once per (days)'],
  ['account_max', 'Asks per account at most'], ['account_days', '… per (days)'],
  ['quiet_days', 'Quiet period after an escalation (days)'],
  ['link_days', 'Links expire after (days)'], ['sla_days', 'Follow-up SLA (business days)']];

export async function render(ctx) {
  const q = ctx.query;
  const role = ctx.session.user.role;
  const admin = role === 'admin';
  const lead = admin || role === 'lead';
  const [list, rates, settings] = await Promise.all([api('/v1/surveys?limit=1000'),
    api('/v1/survey-results'), api('/v1/survey-settings')]);
  ctx.main.append(h('h1', {}, 'Surveys'));

  const all = section('survey-list', 'Surveys');
  const listed = table({ id: 'surveys-table', caption: 'Every survey', rows: list.data,
    source: '/v1/surveys?limit=1000', path: 'data', columns: [
      { key: 'id', label: 'Survey', link: admin ? (r) => (builtin.includes(r.id) ? null
        : `/surveys?edit=${encodeURIComponent(r.id)}`) : null },
      { key: 'name', label: 'Name' }, { key: 'kind', label: 'Kind' },
      { key: 'channel', label: 'Channel' }, { key: 'trigger', label: 'Trigger' },
      { key: 'status', label: 'Status' }] });
  // a built-in survey has no editor: its id is no link
  for (const a of listed.querySelectorAll('a:not([href])')) a.replaceWith(a.textContent);
  all.append(listed);
  ctx.main.append(all);

  const rated = section('rates', 'Response rates');
  rated.append(table({ id: 'rates-table', caption: 'Invitations delivered and answered, by survey, '
    + 'channel and account segment', rows: rates.rows, source: '/v1/survey-results',
  empty: 'No invitation was delivered yet.', columns: [
    { key: 'survey', label: 'Survey' }, { key: 'channel', label: 'Channel' },
    { key: 'segment', label: 'Segment' }, { key: 'delivered', label: 'Delivered', kind: 'int' },
    { key: 'answered', label: 'Answered', kind: 'int' },
    { key: 'response_rate', label: 'Response rate (%)', kind: 'num' }] }));
  ctx.main.append(rated);

  if (admin) ctx.main.append(editor(ctx, list.data, q.get('edit')));
  ctx.main.append(budgetSection(settings, admin));
  if (lead) ctx.main.append(sendSection(list.data));
  ctx.main.append(await skipsSection(ctx, q.get('contact') || ''));
  ctx.main.append(await loopSection(ctx, lead));
}

// Shows an API error beside the form: its message, and the field it names marked invalid and
// focused.
function fail(form, note, err) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const el = err.field && form.querySelector(`[name="${err.field}"]`);
  message(note, err.field ? `${err.field}: ${err.message}` : err.message, 'error');
  if (el) {
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', note.id);
    el.focus();
  }
}

// The survey editor: a new survey, or the one of ?edit=ID; saved with POST or PATCH.
function editor(ctx, surveys, editId) {
  const was = surveys.find((s) => s.id === editId) || null;
  const v = (k, d = '') => (was && was[k] !== null && was[k] !== undefined ? was[k] : d);
  const s = section('editor', was ? `Edit survey “${was.id}”` : 'New survey');
  const input = (name, attrs = {}) => h('input', { name, value: String(v(name)), ...attrs });
  const note = h('div', { id: 'editor-note' });
  const group = (legend, ...fields) => h('fieldset', { class: 'group' }, h('legend', {}, legend),
    ...fields);
  const textField = (name) => {
    const [, label, hint] = texts.find(([n]) => n === name);
    return field(label, input(name), hint);
  };
  const form = h('form', { id: 'survey-form', novalidate: true },
    group('Survey', field('Id', input('id', { readonly: !!was, required: true, maxlength: 256 })),
      textField('name'), field('Kind', select('kind', kinds, v('kind', 'nps'))),
      field('Scale from', input('scale_min', { inputmode: 'numeric', size: 4 }),
        'default: the kind\'s'),
      field('Scale to', input('scale_max', { inputmode: 'numeric', size: 4 })),
      field('Higher is better', select('higher_is_better', [['true', 'yes'], ['false', 'no']],
        String(v('higher_is_better', true)))),
      field('Status', select('status', statuses, v('status', 'active')))),
    group('Questions', ...['question', 'comment_question', 'choice_question', 'choices']
      .map(textField)),
    group('Audience', ...['audience_segment', 'audience_plan', 'audience_role', 'audience_stage']
      .map(textField)),
    group('When and how', field('Trigger', select('trigger', triggers, v('trigger', 'manual'))),
      field('Every (days)', input('every_days', { inputmode: 'numeric', size: 5 }),
        'trigger periodic'),
      textField('touchpoint_kind'), textField('milestone_event'),
      field('Channel', select('channel', channels, v('channel', 'link')))),
    h('button', { type: 'submit', class: 'primary' }, was ? 'Save survey' : 'Create survey'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const body = {};
    for (const [k, raw] of f.entries()) {
      const val = String(raw).trim();
      if (was && k === 'id') continue;
      if (['scale_min', 'scale_max', 'every_days'].includes(k)) {
        // a number as typed; the server says what is wrong with it
        if (val !== '') body[k] = /^-?\d+$/.test(val) ? Number(val) : val;
        else if (was) body[k] = null;
      } else if (k === 'higher_is_better') {
        body[k] = val === 'true';
      } else if (val !== '' || was) {
        body[k] = val === '' ? null : val;
      }
    }
    // the kind's usual scale when none is given (as `landfall surveys create` does)
    if (!was && body.scale_min === undefined && body.scale_max === undefined) {
      const scale = { nps: [0, 10], csat: [1, 5], ces: [1, 7], custom: [1, 5] }[body.kind];
      [body.scale_min, body.scale_max] = scale;
    }
    try {
      const saved = await api(was ? `/v1/surveys/${encodeURIComponent(was.id)}` : '/v1/surveys',
        { method: was ? 'PATCH' : 'POST', body });
      ctx.go(`/surveys?edit=${encodeURIComponent(saved.id)}`, { replace: true });
    } catch (err) {
      fail(form, note, err);
    }
  });
  s.append(form, note);
  if (was) s.append(h('p', {}, h('a', { href: '/surveys' }, 'New survey instead')));
  return s;
}

// The fatigue budget: a form for admins, the figures for the others.
function budgetSection(settings, admin) {
  const s = section('budget', 'Fatigue budget and follow-up SLA');
  if (!admin) {
    s.append(facts(budget.map(([k, label]) => [label, 'int', settings[k], null, k]),
      { source: '/v1/survey-settings', path: '' }));
    return s;
  }
  const note = h('div', { id: 'budget-note' });
  const form = h('form', { class: 'inline', id: 'budget-form', novalidate: true },
    budget.map(([k, label]) => field(label, h('input', { name: k, type: 'number',
      value: String(settings[k]), size: 6 }))),
    h('button', { type: 'submit', class: 'primary' }, 'Save budget'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    for (const [k, raw] of new FormData(form).entries()) {
      body[k] = /^-?\d+$/.test(String(raw).trim()) ? Number(raw) : String(raw);
    }
    try {
      await api('/v1/survey-settings', { method: 'PATCH', body });
      for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
      message(note, 'Saved.');
    } catch (err) {
      fail(form, note, err);
    }
  });
  s.append(h('p', { class: 'muted' }, 'Across every survey and channel: a contact or an account '
    + 'over its budget is not asked, and the skip is logged with its reason.'), form, note);
  return s;
}

// Sending a survey to a contact (admins and leads): the link, or why not.
function sendSection(surveys) {
  const s = section('send', 'Send a survey');
  const note = h('div', { id: 'send-note' });
  const survey = select('survey', surveys.filter((x) => !builtin.includes(x.id))
    .map((x) => x.id), '');
  const contact = h('input', { name: 'contact', required: true, autocomplete: 'off' });
  const channel = select('channel', [['', 'the survey\'s own'], ...channels], '');
  const form = h('form', { class: 'inline', id: 'send-form', novalidate: true },
    field('Survey', survey), field('Contact', contact, 'the contact\'s id'),
    field('Channel', channel), h('button', { type: 'submit', class: 'primary' }, 'Send'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api(`/v1/surveys/${encodeURIComponent(survey.value)}/send`, {
        method: 'POST', body: { contact: contact.value.trim(), channel: channel.value || null } });
      if (r.sent) {
        clear(note, h('div', { class: 'msg info', role: 'status' },
          h('p', {}, `Sent (${r.status}). The link:`), h('code', { id: 'send-url' }, r.url)));
      } else {
        clear(note, h('div', { class: 'msg info', role: 'status', id: 'send-skip' },
          h('p', {}, 'Not sent: ', h('strong', { 'data-skip': r.skip }, r.skip), ` (${r.detail})`)));
      }
    } catch (err) {
      fail(form, note, err);
    }
  });
  s.append(form, note);
  return s;
}

// The skip log, for one contact (?contact=ID) or everybody.
async function skipsSection(ctx, contact) {
  const source = `/v1/survey-skips${query({ contact })}`;
  const s = section('skips', 'Why wasn\'t this contact surveyed?');
  const who = h('input', { name: 'contact', value: contact, autocomplete: 'off' });
  const form = h('form', { class: 'inline', role: 'search', id: 'skips-form' },
    field('Contact', who, 'empty: every skip'), h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams(ctx.query);
    if (who.value.trim()) next.set('contact', who.value.trim());
    else next.delete('contact');
    ctx.go(`/surveys?${next}#skips`, { replace: true });
  });
  s.append(form);
  try {
    const skips = await api(source);
    s.append(table({ id: 'skips-table', caption: contact ? `Skips of ${contact}` : 'Every skip',
      rows: skips.rows, source, empty: 'Nobody was skipped.', columns: [
        { key: 'at', label: 'When', kind: 'time' }, { key: 'survey', label: 'Survey' },
        { key: 'contact', label: 'Contact' }, { key: 'reason', label: 'Reason' },
        { key: 'detail', label: 'Detail' }] }));
  } catch (err) {
    const note = h('div', { id: 'skips-note' });
    s.append(note);
    message(note, err.message, 'error');
  }
  return s;
}

// The closed loop: the follow-ups (with their task's account and owner) and the recovery report.
// The open ones come first (the work to do), then the latest closed, FOLLOWUPS_SHOWN at most: a
// large workspace has tens of thousands.
const FOLLOWUPS_SHOWN = 500;
async function loopSection(ctx, lead) {
    const [followups, recovery] =
        await Promise.all([ api('/v1/followups'), api('/v1/followups/recovery') ]);
    const s = section('loop', 'Follow-ups of detractors');
    const note = h('div', {id : 'loop-note'});
    const all = indexed(followups.rows);
    const rows = [
        ...all.filter((f) => !f.closed).reverse(), ...all.filter((f) => f.closed).reverse()
    ].slice(0, FOLLOWUPS_SHOWN);
    const shown =
        all.length > rows.length ? ` (the ${rows.length} open or latest of ${all.length})` : '';
    const t = table({
        id : 'followups-table',
        caption : `Follow-ups, open first, with the SLA's due date${shown}`,
        rows,
        source : '/v1/followups',
        empty : 'No follow-up was opened.',
        columns : [
            {key : 'id', label : 'Follow-up', kind : 'int'}, {key : 'rule', label : 'Rule'},
            {key : 'opened', label : 'Opened', kind : 'time'},
            {key : 'due', label : 'Due', kind : 'date'}, {key : 'status', label : 'Outcome'},
            {key : 'closed', label : 'Closed', kind : 'time'}, {
                key : 'account',
                label : 'Account',
                link : (r) => `/accounts/${encodeURIComponent(r.account)}`
            },
            {key : 'owner', label : 'Owner'}, {key : 'note', label : 'Note'},
            {key : 'action', label : 'Close', derived : true, value : () => null}
        ]
    });
    for (const tr of t.querySelectorAll('tbody tr[data-row]')) {
        const f = followups.rows[Number(tr.dataset.row)];
        const action = tr.querySelector('td:last-child');
        action.replaceChildren();
        if (lead && !f.closed)
            action.append(closeForm(ctx, f, note));
  }
  s.append(t, note);
  const r = section('recovery', 'Recovery report');
  r.append(table({ id: 'recovery-table', caption: 'By rule: follow-ups opened and closed, and the '
    + 'score of those who answered again', rows: recovery.rows, source: '/v1/followups/recovery',
  empty: 'No follow-up yet.', columns: [
    { key: 'rule', label: 'Rule' }, { key: 'opened', label: 'Opened', kind: 'int' },
    { key: 'closed', label: 'Closed', kind: 'int' },
    { key: 'follow_up_rate', label: 'Follow-up rate (%)', kind: 'num' },
    { key: 'mean_days_to_close', label: 'Mean days to close', kind: 'num' },
    { key: 'answered_again', label: 'Answered again', kind: 'int' },
    { key: 'score_again', label: 'NPS (net CSAT) of those', kind: 'num' }] }));
  const wrap = h('div');
  wrap.append(s, r);
  return wrap;
}

// Closing one follow-up: its outcome and a note.
function closeForm(ctx, f, note) {
  const outcome = select('outcome', [['done', 'done'], ['dismissed', 'dismissed']], 'done',
    { 'aria-label': `Outcome of follow-up ${f.id}` });
  const text = h('input', { name: 'note', 'aria-label': `Note on follow-up ${f.id}`, size: 14 });
  const form = h('form', { class: 'inline', 'data-close': String(f.id) }, outcome, text,
    h('button', { type: 'submit', 'aria-label': `Close follow-up ${f.id}` }, 'Close'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api(`/v1/followups/${f.id}/close`, { method: 'POST',
        body: { outcome: outcome.value, note: text.value.trim() || null } });
      ctx.go(`${location.pathname}${location.search}`, { replace: true });
    } catch (err) {
      fail(form, note, err);
    }
  });
  return form;
}
