// app.js - the dashboard's shell: who is signed in, the pages and their URLs (every page's state
// is in its URL, so that it can be shared), the navigation. A page is a module with
// render(ctx); adding one is a line in `pages` (and its route in src/http/router.c).
import { api, signedIn, whenSignedOut } from './api.js';
import { setWorkspace } from './format.js';
import { h, clear, message } from './ui.js';

const pages = [
  { path: '/portfolio', title: 'Portfolio', module: './page_portfolio.js', nav: true },
  { path: '/accounts/:id', title: 'Account', module: './page_account.js' },
  { path: '/experience', title: 'Customer experience', module: './page_experience.js', nav: true },
  { path: '/comments', title: 'Comments', module: './page_comments.js', nav: true },
  { path: '/surveys', title: 'Surveys', module: './page_surveys.js', nav: true },
  { path: '/revenue', title: 'Revenue and retention', module: './page_revenue.js', nav: true },
  { path: '/usage', title: 'Product usage', module: './page_usage.js', nav: true },
  { path: '/health', title: 'Health and risk', module: './page_health.js', nav: true },
  { path: '/settings', title: 'Settings', module: './page_settings.js', nav: true },
  { path: '/signin', title: 'Sign in', module: './page_signin.js', public: true },
];

const main = document.getElementById('main');
let session = null; // GET /v1/session: {user, csrf, expires, workspace}
let rendering = 0;

function match(path) {
  for (const p of pages) {
    const names = [];
    const re = new RegExp(`^${p.path.replace(/:([a-z]+)/g, (_, n) => {
      names.push(n);
      return '([^/]+)';
    })}/?$`);
    const m = path.match(re);
    if (m) return { page: p, params: Object.fromEntries(names.map((n, i) =>
      [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

function navigation() {
  const nav = document.getElementById('nav');
  const here = location.pathname;
  clear(nav, session ? h('ul', {}, pages.filter((p) => p.nav).map((p) =>
    h('li', {}, h('a', { href: p.path, 'aria-current': here.startsWith(p.path) ? 'page' : null },
      p.title)))) : null);
  const who = document.getElementById('who');
  clear(who, session ? [
    h('span', { class: 'user' }, session.user.display_name || session.user.name,
      h('span', { class: 'role' }, session.user.role)),
    h('button', { type: 'button', id: 'signout', onclick: signOut }, 'Sign out'),
  ] : null);
}

async function signOut() {
  try {
    await api('/v1/session', { method: 'DELETE' });
  } finally {
    session = null;
    go('/signin', { replace: true });
  }
}

// Shows the page of the current URL.
async function render() {
  const nr = ++rendering;
  let path = location.pathname;
  if (path === '/' || path === '') {
    history.replaceState(null, '', `/portfolio${location.search}`);
    path = '/portfolio';
  }
  const found = match(path);
  if (!found) {
    clear(main, h('h1', {}, 'Not found'), h('p', {}, 'No page here. ',
      h('a', { href: '/portfolio' }, 'Go to the portfolio.')));
    return;
  }
  if (!found.page.public && !session) {
    // no CSRF cookie: signed out, and no request needed to know it
    if (signedIn()) {
      try {
        session = await api('/v1/session');
        setWorkspace(session.workspace);
      } catch {
        session = null;
      }
    }
    if (!session) {
      go(`/signin?next=${encodeURIComponent(location.pathname + location.search)}`,
        { replace: true });
      return;
    }
  }
  navigation();
  document.title = `${found.page.title} · landfall`;
  const mod = await import(found.page.module);
  if (nr !== rendering) return; // another navigation came meanwhile
  clear(main);
  const ctx = {
    main,
    params: found.params,
    query: new URLSearchParams(location.search),
    session,
    go,
    // Replaces the page's query string (its filters), without a new history entry.
    setQuery(params) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) {
        for (const one of Array.isArray(v) ? v : [v]) {
          if (one !== null && one !== undefined && one !== '') q.append(k, one);
        }
      }
      const now = ctx.query.get('now'); // not a filter: the instant the page is of
      if (now && !q.has('now')) q.set('now', now);
      const s = q.toString();
      history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
      ctx.query = q;
    },
    signedIn(s) {
      session = s;
      setWorkspace(s.workspace);
    },
  };
  try {
    await mod.render(ctx);
  } catch (e) {
    if (nr !== rendering) return;
    const box = h('div');
    main.append(box);
    message(box, `This page could not be shown: ${e.message}`, 'error');
  }
  if (nr !== rendering) return;
  main.dataset.ready = 'true'; // every figure of the page is in place (the tests wait for it)
  // a screen reader starts at the new page's heading, unless the page chose a field
  const h1 = main.querySelector('h1');
  if (h1 && !main.contains(document.activeElement)) {
    h1.tabIndex = -1;
    h1.focus({ preventScroll: true });
  }
}

// The URL with the instant of the current one (`now`, api.js's nowOf) when it names none: a
// page reached from a page pinned to an instant shows the figures of that same instant.
function keepNow(url) {
  const now = new URLSearchParams(location.search).get('now');
  if (!now) return url;
  const u = new URL(url, location.href);
  if (u.origin !== location.origin || u.searchParams.has('now')) return url;
  u.searchParams.set('now', now);
  return u.pathname + u.search;
}

export function go(url, { replace = false } = {}) {
  url = keepNow(url);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  delete main.dataset.ready;
  render();
}

// Links inside the app change the page without reloading it.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey ||
      a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/assets/') ||
      url.pathname.startsWith('/v1/')) return;
  e.preventDefault();
  go(url.pathname + url.search);
});

window.addEventListener('popstate', () => {
  delete main.dataset.ready;
  render();
});
whenSignedOut(() => {
  session = null;
  if (location.pathname !== '/signin') go('/signin', { replace: true });
});

render();
