// dashboard.mjs - the dashboard in a real browser: playwright-core drives Debian's chromium
// against a `landfall serve` on 127.0.0.1 (tests/cli/web/browser.sh starts it with demo data
// and users). It signs in by keyboard, opens every page at 1280×800 and at a tablet's size,
// checks that every figure shown is the API's value for the same view (each figure carries
// the API URL it came from, data-source, and its value, data-value; its text must be that
// value formatted by the page's own format.js), filters, sorts, pages and searches the
// portfolio, saves a view, exports CSV, opens an account, creates and revokes a key, runs
// axe-core on every page (no serious or critical violation), checks that a viewer cannot
// change anything and that a request without the CSRF token is refused, goes round the charted
// pages three times (what the pages left hold is let go), signs out; and fails
// on any console error or failed request. A screenshot of every page goes to $SCREENSHOTS, if
// set.
//
//   a part of tests/web/run.mjs: node run.mjs dashboard=URL (tests/cli/web/browser.sh)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const users = { admin: 'ana', csm: 'maria.lopez', viewer: 'vic' };

export default async function dashboard(h) {
  const { base, check, shot, newSession, ready, signIn, csrf, apiGet, figuresMatchApi, pageChecks,
    axe, clean, at, now, stamp, open, tabletFits } = h;

  // ---- an admin: every page, every figure ----
  const admin = await newSession();
  await check('signing in by keyboard', () => signIn(admin, users.admin));
  const pages = [
    ['portfolio', '/portfolio'],
    ['account', null], // the first account of the portfolio, by clicking it
    ['experience', '/experience'],
    ['revenue', '/revenue'],
    ['usage', '/usage'],
    ['settings', '/settings'],
  ];
  const firstAccount = await admin.page.locator('#accounts tbody a').first().getAttribute('href');
  for (const [name, url] of pages) {
    await check(`${name}: opens`, async () => {
      if (url) await admin.page.goto(`${base}${at(url)}`);
      else {
        await admin.page.click('#accounts tbody a >> nth=0');
        await admin.page.waitForURL(/\/accounts\//);
      }
      await ready(admin.page);
    });
    await pageChecks(admin, name);
    await shot(admin, name);
    await check(`${name}: no console error or failed request`, () => clean(admin, name));
  }

  // ---- the account page's outcomes and tasks (the demo business has no outcomes, and as tasks
  // only its closed loop's follow-ups): one of each, made over the API, shown in their tables,
  // each figure the overview's ----
  await check('account: shows its outcomes and tasks', async () => {
    const id = decodeURIComponent(firstAccount.split('/').pop());
    const headers = { 'X-CSRF-Token': await csrf(admin) };
    for (const [path, data] of [
      ['/v1/outcomes', { account_id: id, statement: 'Onboard every team in two weeks',
        metric: 'days to first value', baseline: 30, target: 14, due_date: '2027-01-31',
        status: 'on_track' }],
      ['/v1/tasks', { account_id: id, kind: 'follow-up', title: 'Review the onboarding plan',
        owner: users.admin, due_date: '2027-01-15' }],
    ]) {
      const r = await admin.context.request.post(`${base}${path}`, { data, headers });
      assert.equal(r.status(), 201, `POST ${path}: ${await r.text()}`);
    }
    // the outcome and the task were made after the part's instant
    await open(admin, firstAccount, stamp());
    const outcome = await admin.page.locator('#outcomes-table tbody tr[data-row]').allTextContents();
    assert.equal(outcome.length, 1, 'the outcome made');
    assert.match(outcome[0], /Onboard every team in two weeks/);
    const task = (await admin.page.locator('#tasks-table tbody tr[data-row]').allTextContents())
      .filter((t) => /Review the onboarding plan/.test(t));
    assert.equal(task.length, 1, 'the task made');
    assert.match(task[0], /Review the onboarding plan/);
    for (const [table, cols] of [['outcomes-table', ['statement', 'status', 'baseline', 'target', 'due_date']],
      ['tasks-table', ['title', 'kind', 'status', 'owner', 'due_date']]]) {
      const shown = await admin.page.locator(`#${table} tbody td[data-col]`).evaluateAll(
        (tds) => tds.map((td) => td.dataset.col));
      for (const c of cols) assert.ok(shown.includes(c), `${table} shows ${c}`);
    }
    const n = await figuresMatchApi(admin); // the new rows' cells among them
    assert.ok(n > 5, `${n} figures`);
    await axe(admin, 'the account with outcomes and tasks');
    await shot(admin, 'account-outcomes-tasks', { fullPage: true });
    clean(admin, 'the account with outcomes and tasks');
  });

  // ---- a session that stays: the pages it left are let go ----
  // The app never reloads; a chart's ECharts instance and ResizeObserver kept every page it
  // drew alive (the document grew from 7k nodes to 28k over seven pages). Going round the
  // charted pages a second time must not grow what the page holds: the node count after the
  // garbage collector, second round against first, where each round kept three pages' worth.
  await check('pages left are let go (no growth over rounds of the charted pages)', async () => {
    const cdp = await admin.context.newCDPSession(admin.page);
    await cdp.send('Performance.enable');
    const nodes = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'Nodes').value;
    };
    const round = async () => {
      for (const url of ['/experience', '/revenue', '/usage', '/portfolio']) await open(admin, url);
      return nodes();
    };
    const first = await round();
    await round();
    const third = await round();
    assert.ok(third < first * 1.1, `${first} nodes after a round, ${third} two rounds later`);
    await cdp.detach();
  });

  // ---- the portfolio: filter, sort, search, page, saved views, CSV ----
  const p = admin.page;
  await check('portfolio: filter by plan', async () => {
    await open(admin, '/portfolio');
    const plans = await p.locator('select[name=plan] option').evaluateAll((o) => o.map((x) => x.value));
    await p.selectOption('select[name=plan]', plans[plans.length - 1]);
    await p.waitForURL(new RegExp(`plan=${encodeURIComponent(plans[plans.length - 1])}`));
    await ready(p);
    const api = await apiGet(admin, `/v1/metrics/book?where=plan%3D${encodeURIComponent(plans[plans.length - 1])}&sort=-mrr&limit=50&offset=0&now=${now}`);
    const shown = await p.locator('#accounts tbody td[data-col=plan]').allTextContents();
    assert.equal(shown.length, Math.min(50, api.total));
    assert.ok(shown.every((x) => x === plans[plans.length - 1]), 'every row of the plan');
    assert.equal(await figuresMatchApi(admin) > 0, true);
  });
  await check('portfolio: sort by a header, by keyboard', async () => {
    await open(admin, '/portfolio');
    await p.focus('button[data-sort=users]');
    await p.keyboard.press('Enter');
    await p.waitForURL(/sort=users/);
    await ready(p);
    assert.equal(await p.getAttribute('th:has(button[data-sort=users])', 'aria-sort'), 'ascending');
    const users = (await p.locator('#accounts tbody td[data-col=users]').evaluateAll(
      (c) => c.map((x) => x.dataset.value))).filter((x) => x !== '').map(Number);
    assert.deepEqual(users, [...users].sort((a, b) => a - b), 'ascending');
    await p.keyboard.press('Enter');
    await p.waitForURL(/sort=-users/);
    await ready(p);
    assert.equal(await p.getAttribute('th:has(button[data-sort=users])', 'aria-sort'), 'descending');
    await figuresMatchApi(admin);
  });
  await check('portfolio: search and page', async () => {
    await open(admin, '/portfolio?q=a');
    await figuresMatchApi(admin);
    const total = Number(await p.getAttribute('#summary [data-col=total]', 'data-value'));
    assert.ok(total > 50, `${total} accounts match "a": more than a page`);
    await p.click('#next');
    await p.waitForURL(/page=2/);
    await ready(p);
    await figuresMatchApi(admin);
    assert.match(await p.textContent('#summary'), /^Accounts 51–/);
  });
  await check('portfolio: a shared URL opens the same view', async () => {
    const url = `${base}${at('/portfolio?segment=enterprise&sort=name')}`;
    await p.goto(url);
    await ready(p);
    assert.equal(await p.inputValue('select[name=segment]'), 'enterprise');
    await figuresMatchApi(admin);
    clean(admin, 'the portfolio views');
  });
  await check('portfolio: a saved view', async () => {
    await p.fill('#view-name', 'enterprise by name');
    await p.click('text=Save view');
    await p.waitForSelector('#view-choose option:has-text("enterprise by name")', { state: 'attached' });
    await open(admin, '/portfolio');
    const id = await p.locator('#view-choose option:has-text("enterprise by name")').getAttribute('value');
    await p.selectOption('#view-choose', id);
    await p.waitForURL(/segment=enterprise&sort=name/);
    await ready(p);
  });
  await check('portfolio: CSV export of the view', async () => {
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    const api = await apiGet(admin, at('/v1/metrics/book?where=segment%3Denterprise&sort=name&limit=1'));
    assert.match(csv[0], /^account,name,owner,plan,segment/);
    assert.equal(csv.length - 1, api.total, 'a line per account of the view');
  });

  // ---- settings: a key created and revoked ----
  await check('settings: create and revoke a key', async () => {
    await open(admin, '/settings');
    await p.fill('#key-form input[name=name]', 'browser test');
    await p.selectOption('#key-form select[name=scope]', 'read');
    await p.click('#key-form button[type=submit]');
    const key = await p.textContent('#new-key', { timeout: 10000 });
    assert.match(key, /^lf_[A-Za-z0-9_-]{43}$/);
    const ok = await admin.context.request.get(`${base}/v1/metrics/nps`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(ok.status(), 200, 'the new key reads');
    await p.click(`button[data-revoke="${key.slice(0, 11)}"]`);
    await p.waitForSelector(`#key-note:has-text("Revoked ${key.slice(0, 11)}")`);
    const gone = await admin.context.request.get(`${base}/v1/metrics/nps`, { headers: { Authorization: `Bearer ${key}` } });
    assert.equal(gone.status(), 401, 'the revoked key does not');
    await figuresMatchApi(admin);
    clean(admin, 'the settings');
  });

  // ---- hostile strings where users can put them (an account's name, plan, segment, owner and
  // id, a key's name, a saved view's name) are shown as text: no element is made of them,
  // nothing runs (no dialog, no console error: the CSP would report an inline handler) ----
  await check('hostile strings are shown as text, never run', async () => {
    const evil = '<img src=x onerror=alert(1)>"><script>alert(2)</script>';
    const id = 'hx-<b>1';
    const dialogs = [];
    p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const headers = { 'X-CSRF-Token': await csrf(admin) };
    for (const [path, data] of [
      ['/v1/accounts', { id, name: evil, plan: evil, segment: `javascript:alert(3)`, owner: evil,
        mrr: 100 }],
      ['/v1/keys', { name: evil, scope: 'read' }],
      ['/v1/views', { name: evil, page: 'portfolio', query: `q=${encodeURIComponent(id)}` }],
    ]) {
      const r = await admin.context.request.post(`${base}${path}`, { data, headers });
      assert.equal(r.status(), 201, `POST ${path}: ${await r.text()}`);
    }
    for (const url of [`/portfolio?q=${encodeURIComponent(id)}`, `/accounts/${encodeURIComponent(id)}`,
      '/settings', `/portfolio?owner=${encodeURIComponent(evil)}&q=${encodeURIComponent(evil)}`]) {
      await open(admin, url, stamp()); // the account was made after the part's instant
      const seen = await p.evaluate(() => ({
        made: document.querySelectorAll('img[src="x"], main script, main b').length,
        handlers: [...document.querySelectorAll('*')].filter((el) =>
          [...el.attributes].some((a) => /^on/i.test(a.name))).length,
        links: [...document.querySelectorAll('a[href]')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href'))).length,
        text: document.querySelector('main').innerText,
      }));
      assert.deepEqual([seen.made, seen.handlers, seen.links], [0, 0, 0], `${url}: nothing made of the strings`);
      if (!url.includes('owner=')) assert.ok(seen.text.includes('<img src=x onerror=alert(1)>'), `${url}: the string is shown as text`);
      clean(admin, url);
    }
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });

  // ---- a tablet: every page still fits (the admin's page at a tablet's size: the keyboard's
  // sign-in is checked above) ----
  await tabletFits(admin, pages.filter(([, u]) => u), (name) => `tablet: ${name}`);

  // ---- a CSM: their own book by default ----
  const csm = await newSession();
  await check('a CSM sees their book', async () => {
    await signIn(csm, users.csm);
    assert.equal(await csm.page.textContent('h1'), 'My book');
    const owners = await csm.page.locator('#accounts tbody td[data-col=owner]').allTextContents();
    assert.ok(owners.length > 0 && owners.every((o) => o === users.csm), 'only their accounts');
    await figuresMatchApi(csm);
    await csm.page.selectOption('select[name=owner]', '*');
    await csm.page.waitForURL(/owner=\*/);
    await ready(csm.page);
    const all = await csm.page.locator('#accounts tbody td[data-col=owner]').allTextContents();
    assert.ok(new Set(all).size > 1, 'and can switch to all');
    clean(csm, "the CSM's book");
  });

  // ---- a viewer changes nothing; the CSRF token is required ----
  const viewer = csm; // signs the CSM out (their checks are over) and the viewer in
  await check('a viewer: no control to change anything', async () => {
    await signIn(viewer, users.viewer);
    assert.equal(await viewer.page.locator('#view-name').count(), 0, 'no saving of views');
    await open(viewer, '/settings');
    assert.equal(await viewer.page.locator('#keys, #users, #workspace-form').count(), 0);
    clean(viewer, "the viewer's pages");
  });
  await check('a viewer: the API refuses every change', async () => {
    const token = await csrf(viewer);
    for (const [method, path, data] of [
      ['post', '/v1/views', { page: 'portfolio', name: 'x', query: '' }],
      ['post', '/v1/keys', { scope: 'admin' }],
      ['patch', '/v1/workspace', { locale: 'fr-FR' }],
      ['post', '/v1/accounts', { id: 'vic-was-here' }],
      ['post', '/v1/users', { name: 'eve', role: 'admin', password: 'long enough' }],
    ]) {
      const r = await viewer.context.request[method](`${base}${path}`, { data, headers: { 'X-CSRF-Token': token } });
      assert.equal(r.status(), 403, `${method} ${path}`);
    }
  });
  await check('the session without its CSRF token is refused', async () => {
    const r = await viewer.context.request.get(`${base}/v1/metrics/nps`);
    assert.equal(r.status(), 403);
    const w = await admin.context.request.post(`${base}/v1/keys`, { data: { scope: 'admin' } });
    assert.equal(w.status(), 403, "even an admin's");
  });

  // ---- signing out ----
  await check('signing out', async () => {
    await open(admin, '/portfolio');
    await admin.page.click('#signout');
    await admin.page.waitForURL(/\/signin/);
    await ready(admin.page);
    admin.expected.push('/v1/session');
    const r = await admin.context.request.get(`${base}/v1/session`, { headers: { 'X-CSRF-Token': 'x' } });
    assert.equal(r.status(), 401, 'the session is over');
    await admin.page.goto(`${base}${at('/portfolio')}`);
    await admin.page.waitForURL(/\/signin/);
    clean(admin, 'signing out');
  });
}
