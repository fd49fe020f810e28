// format.js - figures as people read them: in the workspace's locale, money in its currency's
// units, times in the workspace's time zone. The API's values are kept as they are; only the
// text shown is made here (the browser tests format the API's values with these same functions
// to check what a page shows).

let ws = { locale: 'en-US', currency: 'USD', time_zone: 'UTC' };

// Takes the workspace's settings (GET /v1/session's workspace).
export function setWorkspace(w) {
  ws = { ...ws, ...w };
}

export const workspace = () => ws;

export const NONE = '—';

const cache = new Map();
function nf(key, opts) {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(ws.locale, opts);
    cache.set(key, f);
  }
  return f;
}

// Minor units of a currency (ISO 4217 exponent, as the browser knows it) → "$1,234.50".
export function money(minor, currency = ws.currency) {
  if (minor === null || minor === undefined) return NONE;
  const f = nf(`money:${ws.locale}:${currency}`, { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits;
  return f.format(minor / 10 ** digits);
}

// A whole number: "12,345".
export function int(n) {
  if (n === null || n === undefined) return NONE;
  return nf(`int:${ws.locale}`, { maximumFractionDigits: 0 }).format(n);
}

// A number with at most `digits` decimals.
export function num(n, digits = 1) {
  if (n === null || n === undefined) return NONE;
  return nf(`num:${ws.locale}:${digits}`, { maximumFractionDigits: digits }).format(n);
}

// A statistic read to the third digit (an AUC, a Brier score), the three always shown, so that
// a column of them lines up: "0.700", not "0.7".
export function stat3(n) {
  if (n === null || n === undefined) return NONE;
  return nf(`stat3:${ws.locale}`, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(n);
}

// A fraction (0.125) as a percentage: "12.5%".
export function pct(f, digits = 1) {
  if (f === null || f === undefined) return NONE;
  return nf(`pct:${ws.locale}:${digits}`, {
    style: 'percent',
    maximumFractionDigits: digits,
  }).format(f);
}

// A date "2026-05-01" (a calendar day, no zone) → "May 1, 2026".
export function date(s) {
  if (!s) return NONE;
  const [y, m, d] = s.split('-').map(Number);
  return new Intl.DateTimeFormat(ws.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

// An instant "2026-05-01T09:30:00Z" → its date and time in the workspace's zone.
export function time(s) {
  if (!s) return NONE;
  return new Intl.DateTimeFormat(ws.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: ws.time_zone,
  }).format(new Date(s));
}

// A month "2026-05" → "May 2026".
export function month(s) {
  if (!s) return NONE;
  const [y, m] = s.split('-').map(Number);
  return new Intl.DateTimeFormat(ws.locale, {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

// Days as "in 12 days" / "3 days ago" / "today".
export function days(n) {
  if (n === null || n === undefined) return NONE;
  return new Intl.RelativeTimeFormat(ws.locale, { numeric: 'auto' }).format(n, 'day');
}

// By the kind a column declares: what every table and test formats with.
export const byKind = {
  text: (v) => (v === null || v === undefined || v === '' ? NONE : String(v)),
  int,
  num,
  num3: stat3,
  pct,
  date,
  time,
  month,
  days,
  money, // (value, currency)
};

export function format(kind, value, row) {
  if (kind === 'money') return money(value, row?.currency || ws.currency);
  return (byKind[kind] || byKind.text)(value);
}
