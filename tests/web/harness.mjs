// harness.mjs - what the browser tests share (tests/web/run.mjs runs them as parts: dashboard,
// cx, health): the browser, a part's checks and their count, browser sessions that fail on any
// console error or failed request, signing in, the API as the page asks it, every figure of a
// page against the API answer it names, charts drawn from their data, axe-core. One Chromium
// serves every part; each part's sessions are browser contexts of their own (cookies, storage),
// closed when the part ends, so a part sees nothing another did in the browser.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The browser every part shares: Debian's chromium (CHROMIUM), headless.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

// The figures' kinds that are numbers (the page's format.js formats the number, not its text).
const NUMERIC = ['int', 'num', 'num3', 'pct', 'money', 'days'];

// The sizes the pages are checked at: a desktop's (every session's) and a tablet's.
export const DESKTOP = { width: 1280, height: 800 };
export const TABLET = { width: 820, height: 1180 };

// harness({ browser, base, part, shots }): the helpers of one part, against the server at base
// (http://127.0.0.1:PORT); screenshots go to the folder shots, and none are taken without one
// (no check looks at them: they are for a person). A failed check prints "FAIL: PART: what" and
// its reason, and the part goes on with its next check.
export function harness({ browser, base, part, shots }) {
  if (shots) mkdirSync(shots, { recursive: true });
  const contexts = [];
  const h = { base, part, shots, passed: 0, failures: [] };

  // The instant the part's pages are opened at (`now` in their URLs, which every page passes to
  // the API: web/api.js's nowOf) and its own API calls ask for: a page's figures and the answers
  // they are checked against are those of one instant, however many seconds (or a midnight) lie
  // between the two; without it a figure cut at the clock's instant (the account's usage trend,
  // distinct users per block of days cut at now) moved between the page and the check. The
  // current second when the part starts; a check that writes something dated later and reads it
  // back through a page or a metric asks for a later instant (h.stamp(): the next whole second,
  // after anything written so far).
  h.stamp = () => new Date((Math.floor(Date.now() / 1000) + 1) * 1000).toISOString()
    .replace('.000Z', 'Z');
  h.now = h.stamp();
  // PATH with `now` (the part's instant, or the one given) added to its query.
  h.at = (path, now = h.now) => `${path}${path.includes('?') ? '&' : '?'}now=${now}`;

  h.password = (name) => `password-of-${name}`;

  // check(what, fn): one check; TIMES=1 in the environment prints how long each took.
  h.check = async (what, fn) => {
    const t0 = Date.now();
    try {
      await fn();
      if (process.env.TIMES) console.log(`${part}: ${what}: ${Date.now() - t0} ms`);
      h.passed++;
    } catch (e) {
      h.failures.push(`${what}: ${e.message}`);
      console.log(`FAIL: ${part}: ${what}\n  ${e.message.split('\n').join('\n  ')}`);
    }
  };

  // A browser context of its own (its cookies: one user's session at a time), that records any
  // console error, uncaught exception, failed request or HTTP error but those the test expects
  // (an URL, or a console text, containing one of s.expected). Chromium also logs every 4xx answer to a
  // page's request as a console error ("... status of 4NN"), with no URL in its text: that one is
  // left to the response handler, which judges it by its URL.
  h.newSession = async (viewport = DESKTOP) => {
    const context = await browser.newContext({ viewport, acceptDownloads: true });
    // a wait (for an element, a response, a navigation) may last as long as h.ready's: the parts
    // run at once, beside other tests, on a machine that may be loaded (Playwright's default is
    // 30 s); a wait that never ends still fails
    context.setDefaultTimeout(120000);
    contexts.push(context);
    const page = await context.newPage();
    const s = { context, page, problems: [], expected: [] };
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const t = m.text();
      if (s.expected.some((x) => t.includes(x)) || /status of 4\d\d/.test(t)) return;
      s.problems.push(`console: ${t}`);
    });
    page.on('pageerror', (e) => s.problems.push(`exception: ${e.message}`));
    page.on('requestfailed', (r) => {
      // a download's blob: URL is no request to the server
      if (!r.url().startsWith('blob:')) s.problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !s.expected.some((x) => r.url().includes(x))) {
        s.problems.push(`HTTP ${r.status()}: ${r.url()}`);
      }
    });
    return s;
  };

  // The session's page at another size (TABLET, DESKTOP): the same emulation as a browser context
  // made at that size, without a context, a sign-in and a first load of the app of its own.
  h.resize = (s, viewport) => s.page.setViewportSize(viewport);

  // A screenshot of the session's page, SHOTS/NAME.png, when there is a folder for them.
  h.shot = async (s, name, options = {}) => {
    if (shots) await s.page.screenshot({ path: `${shots}/${name}.png`, ...options });
  };

  h.ready = (page) => page.waitForSelector('main[data-ready="true"]', { timeout: 120000 });

  // Signs in by keyboard only: / sends to the sign-in page, whose user name field has the focus;
  // type, Tab, type, Enter. A session whose page is signed in (another role's, whose checks are
  // over) first signs out with the app's button, which shows the sign-in page: one browser
  // context, and one load of the app, for the roles one after the other.
  h.signIn = async (s, name) => {
    if (s.page.url().startsWith(`${base}/`) && await s.page.locator('#signout').count() === 1) {
      // what the page recorded belongs to the other role's checks, which told it
      s.problems.length = 0;
      s.expected.length = 0;
      await s.page.click('#signout');
    } else {
      await s.page.goto(`${base}${h.at('/')}`);
    }
    await s.page.waitForURL(/\/signin/);
    await h.ready(s.page);
    await s.page.keyboard.type(name);
    await s.page.keyboard.press('Tab');
    await s.page.keyboard.type(h.password(name));
    await s.page.keyboard.press('Enter');
    await s.page.waitForURL(/\/portfolio/);
    await h.ready(s.page);
  };

  // h.load: PATH opened from its URL, as a link from elsewhere or a shared URL does (the page
  // loaded afresh). h.open: PATH opened as a link inside the app opens it (app.js's go: the page
  // drawn anew, without loading the app again: a third to a half of a load's work), when the
  // session's page holds the app and is ready; from its URL otherwise.
  h.load = async (s, path, now = h.now) => {
    await s.page.goto(`${base}${h.at(path, now)}`);
    await h.ready(s.page);
  };
  h.open = async (s, path, now = h.now) => {
    const inApp = s.page.url().startsWith(`${base}/`) && await s.page.evaluate(() =>
      document.querySelector('main[data-ready="true"]') !== null &&
      /\/app\.js$/.test(document.querySelector('script[type=module]')?.src || ''));
    if (!inApp) return h.load(s, path, now);
    await s.page.evaluate(async (url) => {
      const { go } = await import(document.querySelector('script[type=module]').src);
      go(url); // takes the ready mark off at once
    }, h.at(path, now));
    await h.ready(s.page);
  };

  // The session's CSRF token, and the API as the page asks it.
  h.csrf = async (s) => (await s.context.cookies()).find((c) => c.name === 'lf_csrf')?.value;
  // A GET sent on a kept-alive connection just as the server closes it (it closes one idle for
  // 10 s: header_timeout in src/http/server.c) fails with "socket hang up" before the server saw
  // it; a browser sends such a request again on a new connection, and so does this, once.
  h.apiGet = async (s, path) => {
    const get = async () => s.context.request.get(`${base}${path}`, { headers: { 'X-CSRF-Token': await h.csrf(s) } });
    const res = await get().catch((e) => {
      if (!/socket hang up|ECONNRESET/.test(e.message)) throw e;
      return get();
    });
    assert.equal(res.status(), 200, `GET ${path}`);
    return res.json();
  };
  h.apiSend = async (s, method, path, data) =>
    s.context.request[method](`${base}${path}`, { data, headers: { 'X-CSRF-Token': await h.csrf(s) } });

  // Every figure of the page (or of its part `scope`, a selector) against the API: the value each
  // cell shows (data-value) is the field data-col of the row (data-row) at data-path of the
  // answer of data-source, and its text is that value formatted by the page's format.js.
  // Returns the number of figures checked.
  h.figuresMatchApi = async (s, scope = 'main') => {
    const cells = await s.page.evaluate(async ({ scope, numeric }) => {
      const build = document.querySelector('script[type=module]').src.replace(/\/app\.js$/, '');
      const { format } = await import(`${build}/format.js`);
      return [...document.querySelectorAll(`${scope} [data-col][data-value]`)].map((el) => {
        const src = el.closest('[data-source]');
        const pathEl = el.closest('[data-path]');
        const rowEl = el.closest('[data-row]');
        const kind = el.dataset.kind;
        const raw = el.dataset.value;
        const value = raw === '' ? null : numeric.includes(kind) ? Number(raw) : raw;
        return {
          source: src?.dataset.source,
          path: pathEl && src.contains(pathEl) ? pathEl.dataset.path : 'rows',
          row: rowEl && src.contains(rowEl) ? Number(rowEl.dataset.row) : null,
          col: el.dataset.col,
          value: raw,
          text: el.querySelector('select, input, button') ? null : el.textContent,
          expectText: format(kind, value, { currency: el.dataset.currency }),
        };
      });
    }, { scope, numeric: NUMERIC });
    const answers = new Map();
    for (const c of cells) {
      assert.ok(c.source, `a figure (${c.col}) says where it comes from`);
      if (!answers.has(c.source)) answers.set(c.source, await h.apiGet(s, c.source));
      let at = answers.get(c.source);
      for (const k of c.path ? c.path.split('.') : []) at = at?.[k];
      if (c.row !== null) at = at?.[c.row];
      assert.ok(at && typeof at === 'object', `${c.source} has ${c.path}[${c.row}]`);
      const expected = at[c.col];
      assert.equal(c.value, expected === null || expected === undefined ? '' : String(expected),
        `${c.source} ${c.path}[${c.row}].${c.col}`);
      if (c.text !== null) assert.equal(c.text, c.expectText, `the text of ${c.col} = ${c.value}`);
    }
    return cells.length;
  };

  // Every chart of the page: drawn, its points (the longest series), the rows of its data table.
  h.chartsDrawn = (s) => s.page.evaluate(async () => {
    const build = document.querySelector('script[type=module]').src.replace(/\/app\.js$/, '');
    const echarts = await import(`${build}/echarts.esm.min.js`);
    return [...document.querySelectorAll('figure.chart')].map((f) => {
      const c = echarts.getInstanceByDom(f.querySelector('.plot'));
      const series = c?.getOption().series || [];
      return { id: f.id, drawn: !!c, points: Math.max(0, ...series.map((x) => x.data?.length || 0)),
        rows: f.querySelectorAll('tbody tr[data-row]').length };
    });
  });

  // axe-core on the page, or on its part `scope` (a selector): no serious or critical violation
  // of WCAG 2.1 A and AA.
  h.axe = async (s, what, scope = 'document') => {
    // evaluated through the DevTools protocol: the page's CSP would refuse an inline script tag
    if (!(await s.page.evaluate(() => typeof window.axe !== 'undefined'))) {
      await s.page.evaluate(axeSource);
    }
    // resultTypes: only the violations are judged, so the passes and the rest are not listed
    // node by node (axe-core's option for speed; the violations are the same)
    const r = await s.page.evaluate((scope) => window.axe.run(scope === 'document' ? document : scope, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'] }), scope);
    const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [],
      `axe-core on ${what}`);
  };

  // The checks every page passes, each its own check named after the page: every figure is the
  // API's (more than 5 of them), every chart is drawn from its data, axe-core, and the page fits
  // 1280 px without scrolling sideways.
  h.pageChecks = async (s, name) => {
    await h.check(`${name}: every figure is the API's`, async () => {
      const n = await h.figuresMatchApi(s);
      assert.ok(n > 5, `${n} figures`);
    });
    await h.check(`${name}: every chart is drawn from its data`, async () => {
      for (const c of await h.chartsDrawn(s)) {
        assert.ok(c.drawn, `${c.id} is drawn`);
        assert.ok(c.rows === 0 || c.points > 0, `${c.id} has points (${c.rows} rows)`);
      }
    });
    await h.check(`${name}: accessible (axe-core)`, () => h.axe(s, name));
    await h.check(`${name}: fits 1280 px without scrolling sideways`, async () => {
      const w = await s.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 1280, `${w} px`);
    });
  };

  // No problem recorded by the session since the last call.
  h.clean = (s, what) => {
    assert.deepEqual(s.problems, [], `no console error or failed request on ${what}`);
    s.problems.length = 0;
  };

  // A tablet's checks on session s, signed in (the keyboard's sign-in is checked at the desktop
  // size): its page at TABLET's size is still signed in, then each of pages ([name, url]) fits
  // the tablet's width, a check named label(name); the page is back at DESKTOP's size after.
  h.tabletFits = async (s, pages, label) => {
    await h.check('tablet: the admin\'s session at a tablet\'s size', async () => {
      s.problems.length = 0; // a check before that failed has told its own
      await h.resize(s, TABLET);
      assert.equal(await s.page.evaluate(() => window.innerWidth), TABLET.width);
      assert.ok(!new URL(s.page.url()).pathname.startsWith('/signin'), 'signed in');
      assert.equal(await s.page.locator('#signout').count(), 1, 'signed in: the sign-out button');
    });
    for (const [name, url] of pages) {
      await h.check(label(name), async () => {
        await h.open(s, url);
        const w = await s.page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(w <= 820, `${w} px wide`);
        await h.shot(s, `tablet-${name}`);
        h.clean(s, `the tablet's ${name}`);
      });
    }
    await h.resize(s, DESKTOP);
  };

  // The part's end: its browser contexts closed.
  h.close = async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => {});
  };
  return h;
}
