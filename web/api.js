// api.js - the JSON API as the pages call it: the session cookie goes by itself, and every
// request sends back the CSRF token the server set in the lf_csrf cookie (docs/dashboard.md).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.field = body?.error?.field;
  }
}

// The CSRF token of the session, or '' when signed out.
export function csrfToken() {
  const kv = document.cookie.split('; ').find((c) => c.startsWith('lf_csrf='));
  return kv ? decodeURIComponent(kv.slice('lf_csrf='.length)) : '';
}

export const signedIn = () => csrfToken() !== '';

// The instant a page's figures are of: `now` of its URL (as the API takes it: ISO 8601 or unix
// seconds), passed to every metric that takes one, or null: the clock's, read by the server
// (whose kept answers serve the live pages). A page pinned to an instant shows the same figures
// whenever it is opened, and every page reached from it keeps that instant (app.js).
export const nowOf = (q) => q.get('now') || null;

// The day a page's windows count back from ("the last 12 months"): that of `now`, or today.
export function todayOf(q) {
  const now = nowOf(q);
  if (!now) return new Date();
  const d = new Date(/^[0-9]+$/.test(now) ? Number(now) * 1000 : now);
  return Number.isNaN(d.getTime()) ? new Date() : d;
}

// A query string from an object; arrays repeat their name (where=a&where=b); null and '' are
// left out.
export function query(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one !== null && one !== undefined && one !== '') q.append(k, String(one));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Calls the API; resolves to the parsed answer (or text), rejects with an ApiError. A 401 means
// the session ended: the app goes to the sign-in page (onSignedOut).
let onSignedOut = () => {};
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

export async function api(path, { method = 'GET', body, signal, accept } = {}) {
  const headers = { 'X-CSRF-Token': csrfToken() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  const type = res.headers.get('Content-Type') || '';
  const data = type.startsWith('application/json') ? await res.json() : await res.text();
  if (res.status === 401 && path !== '/v1/session') onSignedOut();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// A metric of the registry (GET /v1/metrics/NAME): {metric, time_zone, rows[, total]}, and
// `source`, the URL it came from, which the page marks its figures with (data-source) so that
// the browser tests can ask the API the same and compare.
export async function metric(name, params, opts) {
  const source = `/v1/metrics/${name}${query(params)}`;
  const doc = await api(source, opts);
  doc.source = source;
  return doc;
}

// The same as CSV text (Accept: text/csv), for an export.
export const metricCsv = (name, params) =>
  api(`/v1/metrics/${name}${query(params)}`, { accept: 'text/csv' });
