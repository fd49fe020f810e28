// health.mjs - the health, risk and value pages in a real browser: playwright-core drives
// Debian's chromium against a `landfall serve` on 127.0.0.1 (tests/cli/web/browser.sh starts it
// with the demo business, a churn model and a week of health history). Every figure shown is
// the API's value for the URL it names (data-source, data-path, data-row, data-col; its text
// that value formatted by the page's own format.js, as dashboard.mjs checks), and the pages'
// figures are checked against the other API answers that hold them too: the portfolio's health
// against GET /v1/health/history, its churn risk against GET /v1/churn/scores; the account's
// risk and drivers against the same; the explanation sorted by the points each measure cost.
// The portfolio sorts and filters by health (colour=red in the URL) and exports it in its CSV;
// the scorecard editor shows the server's refusal on the field it names and then saves a
// version; the backtest compares two scorecards; the churn model's section shows its versions'
// test figures, the latest one's calibration and, on request, the model beside a scorecard on
// the same observations; a viewer is offered no editor and the API refuses the viewer's
// scorecard. axe-core on every page, no console error or failed request, screenshots in
// $SCREENSHOTS (health-*.png).
//
//   a part of tests/web/run.mjs: node run.mjs health=URL (tests/cli/web/browser.sh)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DESKTOP, TABLET } from './harness.mjs';

const users = { admin: 'ana', viewer: 'vic' };

export default async function health(h) {
  const { base, check, shot, newSession, ready, signIn, open, load, csrf, apiGet, figuresMatchApi,
    chartsDrawn, axe, clean, at, now, resize } = h;

  // The values of a column of the portfolio's table, as the API gave them.
  const columnValues = (p, col) => p.locator(`#accounts tbody td[data-col=${col}]`)
    .evaluateAll((c) => c.map((x) => x.dataset.value));

  const admin = await newSession();
  const p = admin.page;
  await check('signing in', () => signIn(admin, users.admin));
  const scores = await apiGet(admin, at('/v1/churn/scores'));
  const riskOf = Object.fromEntries(scores.rows.map((r) => [r.account, r]));

  // ---- the portfolio: health and risk columns ----
  await check('portfolio: every figure, health and risk among them, is the API\'s', async () => {
    await open(admin, '/portfolio?sort=health');
    assert.equal(await p.getAttribute('th:has(button[data-sort=health])', 'aria-sort'), 'ascending');
    const n = await figuresMatchApi(admin);
    assert.ok(n > 50, `${n} figures`);
    const health = (await columnValues(p, 'health')).filter((x) => x !== '').map(Number);
    assert.ok(health.length > 10, 'scored accounts on the first page');
    assert.deepEqual(health, [...health].sort((a, b) => a - b), 'lowest first');
    await axe(admin, 'the portfolio with health');
    await shot(admin, 'health-portfolio');
    clean(admin, 'the portfolio');
  });
  await check('portfolio: health and its 7-day change are the daily history\'s', async () => {
    const today = now.slice(0, 10);
    const week = new Date(Date.parse(now) - 7 * 86400000).toISOString().slice(0, 10);
    const hist = await apiGet(admin, at(`/v1/health/history?from=${week}`));
    const day = (d) => Object.fromEntries(hist.rows.filter((r) => r.day === d).map((r) => [r.account, r]));
    const latest = day(today), before = day(week);
    const rows = await p.locator('#accounts tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      account: tr.querySelector('td[data-col=name] a, td[data-col=account] a')?.getAttribute('href').split('/').pop(),
      ...Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.dataset.value]))})));
    let changed = 0;
    for (const r of rows) {
      const id = decodeURIComponent(r.account);
      const h = latest[id];
      assert.equal(r.health, h ? String(h.score) : '', `${id}: health`);
      assert.equal(r.health_band, h ? h.band : '', `${id}: colour`);
      const change = h && before[id] ? h.score - before[id].score : null;
      assert.equal(r.health_change_7d, change === null ? '' : String(change), `${id}: change`);
      if (change) changed++;
      assert.equal(r.churn_risk, riskOf[id] ? String(riskOf[id].risk) : '', `${id}: churn risk = /v1/churn/scores`);
    }
    assert.ok(changed > 0, 'some scores moved in the week');
  });
  await check('portfolio: sort by churn risk by keyboard, riskiest first = the model\'s', async () => {
    await p.focus('button[data-sort=churn_risk]');
    await p.keyboard.press('Enter');
    await p.waitForURL(/sort=churn_risk/);
    await ready(p);
    await p.focus('button[data-sort=churn_risk]');
    await p.keyboard.press('Enter');
    await p.waitForURL(/sort=-churn_risk/);
    await ready(p);
    const risks = (await columnValues(p, 'churn_risk')).slice(0, 5);
    assert.deepEqual(risks, scores.rows.slice(0, 5).map((r) => String(r.risk)));
    await figuresMatchApi(admin);
  });
  await check('portfolio: filter colour=red, shared by its URL, and its CSV', async () => {
    await open(admin, '/portfolio');
    await p.selectOption('select[name=colour]', 'red');
    await p.waitForURL(/colour=red/);
    await ready(p);
    const bands = await columnValues(p, 'health_band');
    assert.ok(bands.length > 0 && bands.every((b) => b === 'red'), 'only red accounts');
    const api = await apiGet(admin, at('/v1/metrics/book?colour=red&limit=1'));
    assert.equal(Number(await p.getAttribute('#summary [data-col=total]', 'data-value')), api.total);
    await figuresMatchApi(admin);
    await load(admin, '/portfolio?colour=red&sort=health');
    assert.equal(await p.inputValue('select[name=colour]'), 'red', 'the URL opens the same view');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    const head = csv[0].split(',');
    for (const c of ['health', 'health_band', 'health_change_7d', 'churn_risk']) {
      assert.ok(head.includes(c), `the CSV has ${c}`);
    }
    assert.equal(csv.length - 1, api.total, 'a line per red account');
    const band = head.indexOf('health_band');
    assert.ok(csv.slice(1).every((l) => l.split(',')[band] === 'red'), 'all red in the CSV');
    clean(admin, 'the filtered portfolio');
  });
  await check('portfolio: filter by churn risk, 30 % or more', async () => {
    await open(admin, '/portfolio');
    await p.selectOption('select[name=risk]', '0.3');
    await p.waitForURL(/risk=0\.3/);
    await ready(p);
    const risks = (await columnValues(p, 'churn_risk')).map(Number);
    assert.ok(risks.length > 0 && risks.every((r) => r >= 0.3), 'only risks of 30 % or more');
    assert.equal(Number(await p.getAttribute('#summary [data-col=total]', 'data-value')),
      scores.rows.filter((r) => r.risk >= 0.3).length, 'as many as /v1/churn/scores has');
    await figuresMatchApi(admin);
    clean(admin, 'the portfolio by risk');
  });

  // ---- the account page: the health panel ----
  const risky = scores.rows[0].account;
  await check('account: score, colour, explanation, history, risk and drivers', async () => {
    await open(admin, `/accounts/${encodeURIComponent(risky)}`);
    // the panel's figures (dashboard.mjs checks the rest of the page)
    const n = await figuresMatchApi(admin, '#health');
    assert.ok(n > 20, `${n} figures`);
    const explain = await apiGet(admin, at(`/v1/accounts/${encodeURIComponent(risky)}/health`));
    assert.equal(await p.getAttribute('#health [data-col=score]', 'data-value'), String(explain.rows[0].score));
    assert.equal(await p.textContent('#health dd[data-col=band]'), explain.rows[0].band);
    const lost = (await p.locator('#health-explain tbody td[data-col=pulled_down]').evaluateAll(
      (c) => c.map((x) => x.dataset.value))).filter((x) => x !== '').map(Number);
    assert.ok(lost.length >= 3, 'the measures used are listed');
    assert.deepEqual(lost, [...lost].sort((a, b) => b - a), 'the costliest first');
    assert.equal(Number(await p.getAttribute('#health dd[data-col=risk]', 'data-value')), riskOf[risky].risk,
      'the risk is /v1/churn/scores\'s');
    const drivers = await p.locator('#churn-drivers tbody td[data-col=description]').allTextContents();
    // the three drivers churn score names are the first three shown, in plain words
    const named = riskOf[risky].drivers.split('; ').map((d) => d.replace(/: [+-][0-9.]+$/, ''));
    assert.deepEqual(drivers.slice(0, named.length), named);
    const hist = await apiGet(admin, at(`/v1/health/history?account=${encodeURIComponent(risky)}`));
    const charts = await chartsDrawn(admin);
    const c = charts.find((x) => x.id === 'health-history');
    assert.ok(c && c.drawn, 'the history is drawn');
    assert.equal(c.rows, hist.rows.length);
    assert.equal(c.points, hist.rows.length);
    await axe(admin, 'the account\'s health panel', '#health');
    await shot(admin, 'health-account');
    clean(admin, 'the account');
  });
  await check('account: expansion signals with their reasons', async () => {
    const exp = await apiGet(admin, at('/v1/expansion'));
    const x = exp.rows[0];
    await open(admin, `/accounts/${encodeURIComponent(x.account)}`);
    assert.deepEqual(await p.locator('#expansion-signals li').allTextContents(), x.reasons.split('; '));
    await figuresMatchApi(admin, '#health');
    clean(admin, 'an account with expansion signals');
  });

  // ---- the health page ----
  await check('health page: scorecards, backtest, churn model, expansion are the API\'s', async () => {
    await p.click('#nav a[href="/health"]');
    await p.waitForURL(/\/health(\?|$)/);
    await ready(p);
    const n = await figuresMatchApi(admin);
    assert.ok(n > 40, `${n} figures`);
    const bt = await apiGet(admin, at('/v1/metrics/health-backtest?scorecard=default&versus=engagement'));
    assert.equal(await p.locator('#backtest-table tbody tr').count(), 2, 'two scorecards side by side');
    const auc = await p.locator('#backtest-table td[data-col=auc]').allTextContents();
    assert.deepEqual(auc, bt.rows.map((r) => r.auc.toFixed(3)), 'AUC to the third digit');
    const models = await apiGet(admin, '/v1/churn/models');
    assert.equal(await p.locator('#churn-models-table tbody tr[data-row]').count(), models.rows.length);
    const exp = await apiGet(admin, at('/v1/expansion'));
    assert.equal(await p.locator('#expansion-table tbody tr[data-row]').count(), Math.min(25, exp.rows.length),
      'the 25 with the most points');
    assert.deepEqual(await p.locator('#expansion-table tbody td[data-col=account]').allTextContents(),
      exp.rows.slice(0, 25).map((r) => r.account), 'in the API\'s order');
    for (const c of await chartsDrawn(admin)) assert.ok(c.drawn && c.points === 3, `${c.id}: 3 colours`);
    await axe(admin, 'the health page');
    await shot(admin, 'health-page');
    clean(admin, 'the health page');
  });
  await check('health page: one scorecard alone, the choice in the URL', async () => {
    await p.selectOption('#bt-versus', '');
    await p.click('#backtest button[type=submit]');
    // the URL without versus (the part's instant kept): a wait on the URL itself, where a
    // pattern that missed waited out its 120 s in silence
    await p.waitForURL((u) => u.pathname === '/health' && !u.searchParams.has('versus'));
    await ready(p);
    await p.waitForFunction(() => document.querySelectorAll('#backtest-table tbody tr').length === 1);
    await figuresMatchApi(admin);
  });
  await check('health page: the churn model\'s versions, calibration, and the model beside a scorecard', async () => {
    // the versions and the latest one's calibration (figuresMatchApi above checked each cell
    // against GET /v1/churn/models and /v1/metrics/churn-calibration)
    const models = await apiGet(admin, '/v1/churn/models');
    assert.equal(await p.textContent('#churn-model h3'), `Calibration of version ${models.rows[0].version}`);
    const dec = await p.locator('#churn-calibration-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, Number(td.dataset.value)]))));
    assert.deepEqual(dec.map((d) => d.decile), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'ten tenths');
    // the tenths are cut from the test rows sorted by predicted risk: each one's mean risk lies
    // within its lowest and highest, and neither goes down from one tenth to the next
    for (const [i, d] of dec.entries()) {
      assert.ok(d.lowest <= d.predicted && d.predicted <= d.highest, `tenth ${i + 1}: lowest ≤ mean ≤ highest`);
      if (i) assert.ok(dec[i - 1].highest <= d.lowest && dec[i - 1].predicted <= d.predicted, `tenth ${i + 1} after ${i}`);
    }
    // on request: the model trained on the earlier snapshots beside the default scorecard
    await p.selectOption('#cb-scorecard', 'default');
    await p.click('#churn-backtest-form button[type=submit]');
    await p.waitForSelector('#churn-backtest-table');
    await ready(p);
    const rows = await p.locator('#churn-backtest-table tbody tr').evaluateAll((trs) => trs.map((tr) =>
      Object.fromEntries([...tr.querySelectorAll('td[data-col]')].map((td) => [td.dataset.col, td.dataset.value]))));
    assert.deepEqual(rows.map((r) => r.method), ['churn model', 'scorecard default']);
    assert.equal(rows[0].observations, rows[1].observations, 'the same observations on both rows');
    assert.equal(rows[0].churned, rows[1].churned, 'and the same churners');
    assert.ok(Number(rows[0].observations) > 0, `${rows[0].observations} observations`);
    // every figure of the section is GET /v1/metrics/churn-backtest?scorecard=default's
    assert.ok(await figuresMatchApi(admin, '#churn-model') > 18, 'the section\'s figures');
    await axe(admin, 'the churn model section', '#churn-model');
    await shot(admin, 'health-churn-model');
    clean(admin, 'the churn model section');
  });
  await check('health page: the editor shows the server\'s refusal on the field, then saves', async () => {
    await open(admin, '/health');
    await p.selectOption('#edit-choose', '');
    await ready(p);
    await p.fill('#scorecard-form input[name=name]', 'ui-test');
    await p.fill('[data-field="measures[0].concerning"]', '0.5');
    await p.fill('[data-field="measures[0].healthy"]', '0.5');
    admin.expected.push('/v1/scorecards', 'status of 400');
    await p.click('#save-scorecard');
    await p.waitForSelector('#editor-message .msg.error');
    const msg = await p.textContent('#editor-message .msg.error');
    assert.match(msg, /measures\[0\]\.healthy/, 'the message names the field');
    assert.equal(await p.getAttribute('[data-field="measures[0].healthy"]', 'aria-invalid'), 'true');
    assert.equal(await p.evaluate(() => document.activeElement.dataset.field), 'measures[0].healthy',
      'the field has the focus');
    await axe(admin, 'the editor with an error');
    await shot(admin, 'health-editor-error');
    admin.expected.length = 0;
    admin.problems.length = 0;
    // fixed: a second measure, linear, added by keyboard
    await p.fill('[data-field="measures[0].healthy"]', '0.8');
    await p.focus('#add-measure');
    await p.keyboard.press('Enter');
    await p.selectOption('[data-field="measures[1].measure"]', 'nps');
    await p.selectOption('#measure-rows .measure-row >> nth=1 >> select[data-name=kind]', 'linear');
    await p.fill('[data-field="measures[1].linear.zero"]', '-50');
    await p.fill('[data-field="measures[1].linear.full"]', '50');
    await p.fill('[data-field="measures[1].weight"]', '2');
    await p.click('#save-scorecard');
    await p.waitForSelector('#editor-message .msg.info');
    assert.equal(await p.textContent('#editor-message .msg.info'), 'Saved “ui-test” as version 1.');
    await p.waitForURL(/edit=ui-test/);
    const cards = await apiGet(admin, '/v1/scorecards');
    const saved = cards.rows.find((r) => r.name === 'ui-test');
    assert.ok(saved && saved.version === 1 && saved.in_force === 'yes', 'stored as version 1');
    const def = JSON.parse(saved.definition);
    assert.deepEqual(def.measures, [
      { measure: 'seat_utilisation', weight: 1, concerning: 0.5, healthy: 0.8 },
      { measure: 'nps', weight: 2, linear: { zero: -50, full: 50 } }]);
    assert.deepEqual(def.bands, { yellow: 40, green: 70 });
    assert.ok(await p.locator('#bt-scorecard option[value="ui-test"]').count(), 'offered to the backtest');
    await figuresMatchApi(admin);
    clean(admin, 'saving a scorecard');
  });

  // ---- a tablet (the admin's page at a tablet's size: the sign-in is checked above) ----
  const tablet = admin;
  await check('tablet: the health pages fit', async () => {
    admin.problems.length = 0; // a check before that failed has told its own
    await resize(tablet, TABLET);
    for (const [name, url] of [['page', '/health'], ['account', `/accounts/${encodeURIComponent(risky)}`]]) {
      await open(tablet, url);
      const w = await tablet.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 820, `${name}: ${w} px wide`);
      await shot(tablet, `tablet-health-${name}`);
    }
    clean(tablet, 'the tablet');
  });
  await resize(admin, DESKTOP);

  // ---- a viewer ----
  const viewer = admin; // signs the admin out (their checks are over) and the viewer in
  await check('a viewer: no scorecard editor, and the API refuses their scorecard', async () => {
    await signIn(viewer, users.viewer);
    await open(viewer, '/health');
    assert.equal(await viewer.page.locator('#editor, #scorecard-form').count(), 0, 'no editor');
    assert.match(await viewer.page.textContent('#editor-note'), /Only admins/);
    await figuresMatchApi(viewer);
    const token = await csrf(viewer);
    const post = await viewer.context.request.post(`${base}/v1/scorecards`, { headers: { 'X-CSRF-Token': token },
      data: { name: 'vic', measures: [{ measure: 'nps', weight: 1, concerning: 0, healthy: 50 }] } });
    assert.equal(post.status(), 403, 'POST /v1/scorecards');
    const del = await viewer.context.request.delete(`${base}/v1/scorecards/ui-test`, { headers: { 'X-CSRF-Token': token } });
    assert.equal(del.status(), 403, 'DELETE /v1/scorecards/ui-test');
    const cards = await apiGet(viewer, '/v1/scorecards');
    assert.ok(!cards.rows.some((r) => r.name === 'vic'), 'nothing stored');
    assert.ok(cards.rows.some((r) => r.name === 'ui-test' && r.in_force === 'yes'), 'nothing retired');
    clean(viewer, "the viewer's health page");
  });
}
