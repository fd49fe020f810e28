// ui.js - the pages' building blocks: elements made with text nodes (never HTML strings, so
// everything shown is escaped by construction), tables whose cells carry the API's value,
// form fields, and messages.
import { format } from './format.js';

// h('p', {class: 'x', onclick: fn}, 'text', child…): an element. Attributes starting with "on"
// are listeners; false and null ones are left out; strings are text nodes.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// What a page's parts hold outside the DOM (a chart's ECharts instance and its ResizeObserver)
// keeps their elements alive after they leave the page, and the page's work with them: the app
// never reloads, so seven pages grew the document from 7k nodes to 28k. hold(el, release) runs
// release at the first clear after el has left the document.
const held = new Set();
export function hold(el, release) {
  held.add({ el, release });
}

export function clear(el, ...children) {
  el.replaceChildren();
  for (const x of held) {
    if (!x.el.isConnected) {
      held.delete(x);
      x.release();
    }
  }
  append(el, children);
  return el;
}

// A section of a page with a heading; its id names it for tests and links.
export const section = (id, title, ...children) =>
  h('section', { class: 'card', id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title),
    ...children);

// A value as a table cell or a figure: its text formatted by kind, the API's value kept in
// data-value (and its kind in data-kind) so that what is shown can be checked against the API.
export function figure(tag, kind, value, row, attrs = {}) {
  return h(tag, {
    ...attrs,
    class: [attrs.class, kind !== 'text' && 'num'].filter(Boolean).join(' '),
    dataset: {
      kind,
      value: value === null || value === undefined ? '' : String(value),
      ...(kind === 'money' ? { currency: row?.currency || '' } : {}),
    },
  }, format(kind, value, row));
}

// Marks where figures come from: the API URL (data-source), the path of the rows in its answer
// (data-path, "rows" when absent), a row's index in them (data-row) and each cell's field
// (data-col, with data-value): the browser tests read the same and compare.
export function sourced(el, source, path) {
  if (source) el.dataset.source = source;
  if (path !== undefined) el.dataset.path = path;
  return el;
}

// The rows of an answer a page keeps only some of, each with its index in the answer ($i).
export const indexed = (rows) => rows.map((r, i) => ({ ...r, $i: i }));

// A table of rows: columns [{key, label, kind, link(row) → href, sortable, col(row) → the
// field a cell shows when it is not key, derived: true for a cell that is no field}]. With sort ({key, desc}) and onSort(key), the
// sortable headers are buttons (aria-sort says the order). source and path: see sourced().
export function table({ caption, columns, rows, sort, onSort, id, empty = 'None', source,
  path }) {
  const head = h('tr', {}, columns.map((c) => {
    const sorted = sort && sort.key === c.key;
    const label = c.label;
    const th = h('th', {
      scope: 'col',
      class: c.kind && c.kind !== 'text' ? 'num' : null,
      'aria-sort': sorted ? (sort.desc ? 'descending' : 'ascending') : null,
    });
    if (onSort && c.sortable !== false) {
      th.append(h('button', { type: 'button', class: 'sort', onclick: () => onSort(c.key),
        'data-sort': c.key }, label, h('span', { 'aria-hidden': 'true' },
        sorted ? (sort.desc ? ' ▼' : ' ▲') : '')));
    } else {
      th.append(label);
    }
    return th;
  }));
  const body = h('tbody');
  rows.forEach((row, i) => {
    body.append(h('tr', { 'data-row': source ? (row.$i ?? i) : null }, columns.map((c) => {
      const value = c.value ? c.value(row) : row[c.key];
      const cell = figure('td', c.kind || 'text', value, row, {
        'data-col': c.derived ? null : c.col ? c.col(row) : c.key });
      if (c.link && value !== null && value !== undefined) {
        const text = cell.textContent;
        cell.replaceChildren(h('a', { href: c.link(row) }, text));
      }
      return cell;
    })));
  });
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)));
  return sourced(h('div', { class: 'table-wrap' },
    h('table', { id }, caption ? h('caption', {}, caption) : null, h('thead', {}, head), body)),
  source, path);
}

// A labelled field: field('Search', h('input', …)).
let fieldNr = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldNr}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
    hint ? h('small', { class: 'muted' }, hint) : null);
}

// A <select> of [value, label] pairs (or values) with `value` selected.
export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs }, options.map((o) => {
    const [v, label] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: String(v) === String(value ?? '') }, label);
  }));
}

// A message in a live region, so that screen readers hear it.
export function message(el, text, kind = 'info') {
  clear(el, text ? h('p', { class: `msg ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    text) : null);
}

// A definition list of figures: [label, kind, value, row, col, {source, path, index}] each (the
// last: where it comes from, when not from the list's own source and path).
export const facts = (items, { source, path } = {}) => sourced(
  h('dl', { class: 'facts' }, items.map(([label, kind, value, row, col, from = {}]) =>
    h('div', {}, h('dt', {}, label), sourced(figure('dd', kind, value, row, {
      'data-col': col, 'data-row': from.index ?? null }), from.source, from.path)))),
  source, path);
