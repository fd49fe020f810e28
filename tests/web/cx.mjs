// cx.mjs - the voice of the customer's pages in a real browser (playwright-core driving
// Debian's chromium against a `landfall serve` on 127.0.0.1 with the demo data:
// tests/cli/web/browser.sh): the CX overview's sentiment, emotions and topic lift, the comments
// explorer (filters against an independent count of the API's unfiltered texts, paging, a
// comment holding HTML and script shown as text), the surveys page (the editor showing the
// server's error on the field it names, the fatigue budget, send, the skip log, a link answered
// as a detractor, its follow-up with its SLA, closed with its outcome, the recovery report);
// every figure against the API answer it names, axe-core, 1280×800 and a tablet, screenshots;
// a viewer and a CSM change nothing. Its helpers are harness.mjs's.
//
//   a part of tests/web/run.mjs: node run.mjs cx=URL (tests/cli/web/browser.sh)
import assert from 'node:assert/strict';

const users = { admin: 'ana', lead: 'lee', csm: 'maria.lopez', viewer: 'vic' };

export default async function cx(h) {
  const { base, check, shot, newSession, ready, signIn, open, load, apiGet, apiSend, figuresMatchApi,
    pageChecks, axe, clean, at, now, stamp, tabletFits } = h;

  // The data-source of an element.
  const sourceOf = (s, sel) => s.page.getAttribute(sel, 'data-source');

  // ---- the admin: every page, every figure ----
  const admin = await newSession();
  await check('signing in', () => signIn(admin, users.admin));
  const p = admin.page;
  const pages = [['cx-experience', '/experience'], ['comments', '/comments'], ['surveys', '/surveys']];
  for (const [name, url] of pages) {
    await check(`${name}: opens`, () => load(admin, url));
    await pageChecks(admin, name);
    await shot(admin, name, { fullPage: true });
    await check(`${name}: no console error or failed request`, () => clean(admin, name));
  }

  // ---- the CX overview ----
  await check('experience: sentiment by month, emotions and topic lift are the API\'s rows', async () => {
    await open(admin, '/experience');
    for (const [id, want] of [['sentiment-trend', 'text-summary'], ['emotions', 'text-emotions'],
      ['topic-lift', 'text-topics']]) {
      const src = await sourceOf(admin, `#${id} [data-source]`);
      assert.match(src, new RegExp(`^/v1/metrics/${want}\\?`), `${id} comes from ${want}`);
      const answer = await apiGet(admin, src);
      const shown = await p.locator(`#${id}-data tbody tr[data-row]`).count();
      assert.equal(shown, answer.rows.length, `${id}: a row per API row`);
      assert.ok(shown > 0, `${id} has rows on the demo data`);
    }
    // the eight emotions, in the order docs/text.md gives
    const emotions = await p.locator('#emotions-data tbody td[data-col=emotion]').allTextContents();
    assert.deepEqual(emotions, ['delight', 'gratitude', 'trust', 'frustration', 'anger', 'confusion',
      'anxiety', 'disappointment']);
    // lift = detractor share / promoter share, each row (an independent division)
    const topics = await apiGet(admin, await sourceOf(admin, '#topic-lift [data-source]'));
    for (const r of topics.rows) {
      if (r.lift === null) assert.equal(r.promoter_comments, 0, `${r.topic}: no lift without promoters`);
      else assert.ok(Math.abs(r.lift - r.detractor_share / r.promoter_share) < 1e-6, r.topic);
    }
  });
  await check('experience: a team and a touchpoint kind filter the text figures, in the URL', async () => {
    await open(admin, '/experience');
    const teams = await p.locator('select[name=team] option').evaluateAll((o) => o.map((x) => x.value));
    assert.ok(teams.length > 2, 'teams to choose from');
    await p.selectOption('select[name=team]', teams[1]);
    await p.waitForURL(new RegExp(`team=${encodeURIComponent(teams[1])}`));
    await ready(p);
    const src = await sourceOf(admin, '#sentiment-trend [data-source]');
    assert.ok(src.includes(`where=team%3D${encodeURIComponent(teams[1])}`), src);
    await figuresMatchApi(admin);
    // the same URL opened afresh shows the same view
    const url = p.url();
    await p.goto(url);
    await ready(p);
    assert.equal(await p.inputValue('select[name=team]'), teams[1]);
    const kinds = await p.locator('select[name=touchpoint] option').evaluateAll((o) => o.map((x) => x.value));
    await p.selectOption('select[name=touchpoint]', kinds[1]);
    await p.waitForURL(/touchpoint=/);
    await ready(p);
    await figuresMatchApi(admin);
    clean(admin, 'the experience filters');
  });

  // ---- the comments explorer ----
  const from = await p.evaluate(async (now) => {
    const build = document.querySelector('script[type=module]').src.replace(/\/app\.js$/, '');
    return (await import(`${build}/page_experience.js`)).fromOf(12, new Date(now));
  }, now);
  const everything = await apiGet(admin, `/v1/metrics/text-comments?from=${from}&limit=100000&now=${now}`);
  await check('comments: the unfiltered total is every text of the period', async () => {
    await open(admin, '/comments');
    const total = Number(await p.getAttribute('#summary [data-col=total]', 'data-value'));
    assert.equal(total, everything.rows.length);
    assert.equal(await p.locator('#comments-table tbody tr[data-row]').count(), Math.min(50, total));
  });
  await check('comments: survey, score range and topic filter as an independent count says', async () => {
    await open(admin, '/comments?survey=nps&score=0-6&topic=pricing');
    const want = everything.rows.filter((r) => r.survey === 'nps' && r.score <= 6
      && r.topics.split(',').includes('pricing'));
    assert.ok(want.length > 0, 'detractors mention pricing in the demo');
    const total = Number(await p.getAttribute('#summary [data-col=total]', 'data-value'));
    assert.equal(total, want.length);
    const ids = await p.locator('#comments-table tbody td[data-col=id]').evaluateAll((c) => c.map((x) => x.dataset.value));
    assert.deepEqual(ids, want.slice(0, 50).map((r) => r.id), 'the same texts, latest first');
    await figuresMatchApi(admin);
  });
  await check('comments: sentiment, emotion, segment and search, chosen in the form', async () => {
    await open(admin, '/comments');
    await p.selectOption('select[name=emotion]', 'disappointment');
    await p.waitForURL(/emotion=disappointment/);
    await ready(p);
    await p.selectOption('select[name=sentiment]', 'negative');
    await p.waitForURL(/sentiment=negative/);
    await ready(p);
    const want = everything.rows.filter((r) => r.emotions.split(',').includes('disappointment')
      && r.sentiment === 'negative');
    assert.equal(Number(await p.getAttribute('#summary [data-col=total]', 'data-value')), want.length);
    await p.fill('input[name=q]', 'MONEY');
    await p.press('input[name=q]', 'Enter');
    await p.waitForURL(/q=MONEY/);
    await ready(p);
    const money = want.filter((r) => r.text.toLowerCase().includes('money'));
    assert.equal(Number(await p.getAttribute('#summary [data-col=total]', 'data-value') || 0), money.length);
    const segments = await p.locator('select[name=segment] option').evaluateAll((o) => o.map((x) => x.value));
    await p.selectOption('select[name=segment]', segments[1]);
    await p.waitForURL(/segment=/);
    await ready(p);
    const src = await sourceOf(admin, '#summary');
    assert.ok(src.includes(`where=segment%3D${segments[1]}`) && src.includes('emotion=disappointment')
      && src.includes('q=MONEY'), src);
    await figuresMatchApi(admin);
  });
  await check('comments: pages of 50', async () => {
    await open(admin, '/comments?source=touchpoint');
    const total = Number(await p.getAttribute('#summary [data-col=total]', 'data-value'));
    assert.equal(total, everything.rows.filter((r) => r.source === 'touchpoint').length);
    assert.ok(total > 50, `${total} ticket texts: more than a page`);
    await p.click('#next');
    await p.waitForURL(/page=2/);
    await ready(p);
    assert.match(await p.textContent('#summary'), /^Texts 51–/);
    const ids = await p.locator('#comments-table tbody td[data-col=id]').evaluateAll((c) => c.map((x) => x.dataset.value));
    assert.deepEqual(ids, everything.rows.filter((r) => r.source === 'touchpoint').slice(50, 100).map((r) => r.id));
    await figuresMatchApi(admin);
    clean(admin, 'the comments filters');
  });
  await check('comments: a score range the API cannot read is shown on its field', async () => {
    admin.expected.push('/v1/metrics/text-comments');
    await open(admin, '/comments?score=six');
    assert.match(await p.textContent('#comments-note'), /^score: /);
    assert.equal(await p.getAttribute('input[name=score]', 'aria-invalid'), 'true');
    admin.expected.pop();
    admin.problems.length = 0;
  });
  const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Billing is <b>broken</b> & slow';
  await check('comments: a comment holding HTML and script shows as text', async () => {
    const contact = (await apiGet(admin, '/v1/contacts?limit=1')).data[0];
    const r = await apiSend(admin, 'post', '/v1/responses', { id: 'xss-1', ts: new Date().toISOString(),
      account_id: contact.account_id, contact_id: contact.id, survey: 'csat', score: 4, comment: evil });
    assert.equal(r.status(), 201, await r.text());
    const later = stamp(); // the response is dated after the part's instant
    for (const url of ['/comments?q=onerror', '/experience']) {
      await open(admin, url, later);
      const cells = await p.evaluate((text) => [...document.querySelectorAll(
        '#comments-table td[data-col=text]')].filter((td) => td.dataset.value === text).map((td) =>
        ({ shown: td.textContent, elements: td.querySelectorAll('*').length })), evil);
      assert.deepEqual(cells, [{ shown: evil, elements: 0 }], `${url}: the text as written, no element made of it`);
      assert.equal(await p.evaluate(() => window.__xss), undefined, `${url}: nothing of it ran`);
    }
    clean(admin, 'the escaped comment');
  });

  // ---- surveys: editor, budget, send, skips, the closed loop ----
  const contacts = (await apiGet(admin, '/v1/contacts?limit=3')).data;
  const [c1, c2] = contacts;
  let link = null;
  await check('surveys: the editor shows the server\'s error on the field it names', async () => {
    admin.expected.push('/v1/surveys');
    await open(admin, '/surveys');
    await p.fill('#survey-form input[name=id]', 'rel-nps-ui');
    await p.selectOption('#survey-form select[name=kind]', 'nps');
    await p.fill('#survey-form input[name=scale_min]', '10');
    await p.fill('#survey-form input[name=scale_max]', '5');
    await p.click('#survey-form button[type=submit]');
    await p.waitForSelector('#editor-note .msg.error');
    assert.match(await p.textContent('#editor-note'), /^scale_max: 'scale_max' must be greater/);
    assert.equal(await p.getAttribute('#survey-form input[name=scale_max]', 'aria-invalid'), 'true');
    assert.equal(await p.evaluate(() => document.activeElement.name), 'scale_max', 'the field has the focus');
    await p.fill('#survey-form input[name=every_days]', 'soon');
    await p.fill('#survey-form input[name=scale_min]', '0');
    await p.fill('#survey-form input[name=scale_max]', '10');
    await p.click('#survey-form button[type=submit]');
    await p.waitForFunction(() => document.querySelector('#editor-note')?.textContent.startsWith('every_days:'));
    assert.equal(await p.getAttribute('#survey-form input[name=every_days]', 'aria-invalid'), 'true');
    admin.expected.pop();
    admin.problems.length = 0;
  });
  await check('surveys: the editor saves a survey through the REST API', async () => {
    await p.fill('#survey-form input[name=every_days]', '90');
    await p.fill('#survey-form input[name=name]', 'Relationship NPS');
    await p.fill('#survey-form input[name=comment_question]', 'What is the main reason?');
    await p.fill('#survey-form input[name=audience_role]', '');
    await p.selectOption('#survey-form select[name=trigger]', 'periodic');
    await p.click('#survey-form button[type=submit]');
    await p.waitForURL(/edit=rel-nps-ui/);
    await ready(p);
    const s = await apiGet(admin, '/v1/surveys/rel-nps-ui');
    assert.deepEqual([s.kind, s.scale_min, s.scale_max, s.name, s.trigger, s.every_days, s.channel,
      s.comment_question], ['nps', 0, 10, 'Relationship NPS', 'periodic', 90, 'link',
      'What is the main reason?']);
    assert.equal(await p.textContent('#editor h2'), 'Edit survey “rel-nps-ui”');
    // a change keeps the rest: manual again, and paused
    await p.selectOption('#survey-form select[name=trigger]', 'manual');
    await p.click('#survey-form button[type=submit]');
    // the page shows the saved survey again once its PATCH is answered (data-ready was already
    // true before the click: waiting for it alone raced with the new rendering)
    await p.waitForFunction(() => [...document.querySelectorAll('#surveys-table tbody tr[data-row]')]
      .some((r) => r.querySelector('[data-col=id]')?.dataset.value === 'rel-nps-ui'
        && r.querySelector('[data-col=trigger]')?.dataset.value === 'manual'));
    await ready(p);
    const again = await apiGet(admin, '/v1/surveys/rel-nps-ui');
    assert.equal(again.trigger, 'manual');
    assert.equal(again.name, 'Relationship NPS');
    await figuresMatchApi(admin);
    await shot(admin, 'surveys-editor', { fullPage: true });
    clean(admin, 'the editor');
  });
  await check('surveys: the fatigue budget, with the field the server refuses', async () => {
    admin.expected.push('/v1/survey-settings');
    await open(admin, '/surveys');
    await p.fill('#budget-form input[name=account_max]', '5000000');
    await p.click('#budget-form button[type=submit]');
    await p.waitForSelector('#budget-note .msg.error');
    assert.match(await p.textContent('#budget-note'), /^account_max: the account budget must lie/);
    assert.equal(await p.getAttribute('#budget-form input[name=account_max]', 'aria-invalid'), 'true');
    admin.expected.pop();
    admin.problems.length = 0;
    await p.fill('#budget-form input[name=account_max]', '4');
    await p.click('#budget-form button[type=submit]');
    await p.waitForSelector('#budget-note .msg.info');
    const s = await apiGet(admin, '/v1/survey-settings');
    assert.equal(s.account_max, 4);
    assert.equal(s.contact_days, 30, 'the others as they were');
    clean(admin, 'the budget');
  });
  await check('surveys: send, then the budget stops a second ask', async () => {
    await p.selectOption('#send-form select[name=survey]', 'rel-nps-ui');
    await p.fill('#send-form input[name=contact]', c1.id);
    await p.click('#send-form button[type=submit]');
    link = await p.textContent('#send-url', { timeout: 10000 });
    assert.match(link, /\/s\/[0-9.]+[A-Za-z0-9_-]{43}$/);
    await p.click('#send-form button[type=submit]');
    await p.waitForSelector('#send-skip');
    assert.equal(await p.getAttribute('#send-skip [data-skip]', 'data-skip'), 'contact_budget');
    clean(admin, 'sending');
  });
  await check('surveys: the skip log answers why the contact was not surveyed', async () => {
    await p.fill('#skips-form input[name=contact]', c1.id);
    await p.click('#skips-form button[type=submit]');
    await p.waitForURL(new RegExp(`contact=${encodeURIComponent(c1.id)}`));
    await ready(p);
    const reasons = await p.locator('#skips-table tbody td[data-col=reason]').allTextContents();
    assert.deepEqual(reasons, ['contact_budget']);
    const who = await p.locator('#skips-table tbody td[data-col=contact]').allTextContents();
    assert.deepEqual(who, [c1.id]);
    await figuresMatchApi(admin);
  });
  let followup = null;
  await check('surveys: a detractor\'s answer opens a follow-up due in 2 business days', async () => {
    const path = new URL(link, base).pathname;
    const r = await admin.context.request.post(`${base}${path}`, { form: { score: '2', comment: 'Too slow, and support never answered.' } });
    assert.equal(r.status(), 200, 'the link page takes the answer');
    const tasks = await apiGet(admin, '/v1/tasks?kind=follow-up&limit=1000');
    // the newest open one: the demo's closed loop may have left the account older ones
    const task = tasks.data.filter((t) => t.account_id === c1.account_id && t.status === 'open')
      .reduce((a, t) => (!a || t.id > a.id ? t : a), null);
    assert.ok(task, 'a follow-up task for the contact\'s account');
    await open(admin, '/surveys');
    const rows = (await apiGet(admin, '/v1/followups')).rows;
    followup = rows.find((f) => f.task === task.id);
    assert.ok(followup, 'the follow-up of that task');
    // due: 2 business days (Monday to Friday, UTC days) after the day it opened
    const d = new Date(`${followup.opened.slice(0, 10)}T00:00:00Z`);
    for (let left = 2; left > 0;) {
      d.setUTCDate(d.getUTCDate() + 1);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) left--;
    }
    assert.equal(followup.due, d.toISOString().slice(0, 10));
    const row = p.locator(`#followups-table tbody tr:has(form[data-close="${followup.id}"])`);
    assert.equal(await row.locator('td[data-col=due]').getAttribute('data-value'), followup.due);
    assert.equal(await row.locator('td[data-col=account]').textContent(), c1.account_id);
    assert.ok(task.owner, 'the demo account has an owner');
    assert.equal(await row.locator('td[data-col=owner]').textContent(), task.owner);
    const rates = (await apiGet(admin, '/v1/survey-results')).rows.filter((x) => x.survey === 'rel-nps-ui');
    assert.deepEqual(rates.map((x) => [x.delivered, x.answered, x.response_rate]), [[1, 1, 100]]);
    await figuresMatchApi(admin);
    clean(admin, 'the follow-up');
  });

  // ---- a tablet (the admin's page at a tablet's size: the sign-in is checked above), before
  // the other roles take the admin's browser context ----
  await tabletFits(admin, pages, (name) => `tablet: ${name} fits`);

  // ---- a lead sends and closes; a CSM and a viewer do not (in the admin's browser context,
  // one after the other: the admin's checks are over) ----
  const lead = admin; // signs the admin out and the lead in
  await check('a lead: sends, has no editor, closes a follow-up with its outcome', async () => {
    await signIn(lead, users.lead);
    await open(lead, '/surveys');
    assert.equal(await lead.page.locator('#survey-form, #budget-form').count(), 0, 'no editor');
    await lead.page.selectOption('#send-form select[name=survey]', 'rel-nps-ui');
    await lead.page.fill('#send-form input[name=contact]', c2.id);
    await lead.page.click('#send-form button[type=submit]');
    await lead.page.waitForSelector('#send-url, #send-skip');
    const form = lead.page.locator(`form[data-close="${followup.id}"]`);
    await form.locator('select').selectOption('done');
    await form.locator('input').fill('called them: <i>fixed</i>');
    // the page shows the report it reads after the close: on a loaded machine the form could be
    // gone and the page ready (the send's render) before the close's render had read it
    let closedSeen = false;
    const reread = lead.page.waitForResponse((r) => {
      if (r.url().endsWith(`/v1/followups/${followup.id}/close`)) closedSeen = true;
      return closedSeen && r.url().endsWith('/v1/followups/recovery');
    });
    await form.locator('button').click();
    await reread;
    await lead.page.waitForSelector(`form[data-close="${followup.id}"]`, { state: 'detached' });
    await ready(lead.page);
    const f = (await apiGet(lead, '/v1/followups')).rows.find((x) => x.id === followup.id);
    assert.equal(f.status, 'done');
    assert.ok(f.closed, 'closed, with its time');
    const task = await apiGet(lead, `/v1/tasks/${followup.task}`);
    assert.deepEqual([task.status, task.note], ['done', 'called them: <i>fixed</i>']);
    // the note as its text (no markup made of it), on the follow-up's row, now among the closed
    const closedRow = lead.page.locator(`#followups-table tbody tr:has(td[data-col=id][data-value="${followup.id}"])`);
    assert.equal(await closedRow.locator('td[data-col=note]').textContent(), 'called them: <i>fixed</i>');
    assert.equal(await closedRow.locator('td[data-col=note] i').count(), 0);
    const rec = (await apiGet(lead, '/v1/followups/recovery')).rows.find((x) => x.rule === 'nps_detractor');
    assert.ok(rec.closed >= 1 && rec.opened >= rec.closed, JSON.stringify(rec));
    assert.ok(Math.abs(rec.follow_up_rate - 100 * rec.closed / rec.opened) < 1e-6, 'rate = closed / opened');
    // the detractors' row (the demo's loop has other rules' rows, which may come first)
    const shown = await lead.page.locator('#recovery-table tbody tr[data-row]:has(td[data-col=rule][data-value=nps_detractor]) td[data-col=closed]').getAttribute('data-value');
    assert.equal(Number(shown), rec.closed);
    await figuresMatchApi(lead);
    await shot(lead, 'surveys-lead', { fullPage: true });
    clean(lead, "the lead's surveys");
  });
  const csm = lead; // signs the lead out (their checks are over) and the CSM in
  await check('a CSM: reads, may not send', async () => {
    await signIn(csm, users.csm);
    await open(csm, '/surveys');
    assert.equal(await csm.page.locator('#survey-form, #budget-form, #send-form, form[data-close]').count(), 0);
    await figuresMatchApi(csm);
    const r = await apiSend(csm, 'post', '/v1/surveys/rel-nps-ui/send', { contact: c2.id });
    assert.equal(r.status(), 403);
    clean(csm, "the CSM's surveys");
  });
  const viewer = lead; // and then the viewer
  await check('a viewer: no control to change anything', async () => {
    await signIn(viewer, users.viewer);
    for (const url of ['/surveys', '/comments', '/experience']) {
      await open(viewer, url);
      assert.equal(await viewer.page.locator('#survey-form, #budget-form, #send-form, form[data-close]').count(), 0, url);
      await figuresMatchApi(viewer);
    }
    await axe(viewer, "the viewer's surveys");
    clean(viewer, "the viewer's pages");
  });
  await check('a viewer: the API refuses every change', async () => {
    for (const [method, path, data] of [
      ['post', '/v1/surveys', { id: 'vic', kind: 'nps', scale_min: 0, scale_max: 10, higher_is_better: true }],
      ['patch', '/v1/surveys/rel-nps-ui', { status: 'paused' }],
      ['patch', '/v1/survey-settings', { contact_days: 1 }],
      ['post', '/v1/surveys/rel-nps-ui/send', { contact: c2.id }],
      ['post', `/v1/followups/${followup?.id ?? 1}/close`, { outcome: 'dismissed' }],
      ['post', '/v1/responses', { id: 'vic-1', ts: '2026-01-01T00:00:00Z', survey: 'nps', score: 0 }],
    ]) {
      const r = await apiSend(viewer, method, path, data);
      assert.equal(r.status(), 403, `${method} ${path}`);
    }
    assert.equal((await apiGet(viewer, '/v1/surveys/rel-nps-ui')).status, 'active');
  });
}
