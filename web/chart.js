// chart.js - charts with Apache ECharts (embedded in the binary from npm's echarts; no request
// leaves the server). Every chart comes with its data as a table under a disclosure, for
// keyboards, screen readers and the browser tests, which check both against the API.
import * as echarts from './echarts.esm.min.js';
import { h, hold, table } from './ui.js';
import { format } from './format.js';

const palette = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777',
  '#4b5563'];

// The figures' texts in axes and tooltips: the kind of the values (format.js).
const fmt = (kind) => (v) => (v === null || v === undefined ? '' : format(kind, v));

// A chart in `parent`: {id, title, option, kind (of the values), columns, rows (the data
// table), source and path (where its rows come from: ui.js's sourced)}. Returns the ECharts
// instance.
export function chart(parent, { id, title, option, kind = 'num', columns, rows, height = 280,
  source, path }) {
  const plot = h('div', { class: 'plot' });
  plot.style.height = `${height}px`;
  const fig = h('figure', { class: 'chart', id, dataset: { chart: id } },
    h('figcaption', {}, title), plot,
    columns ? h('details', {}, h('summary', {}, `${title}: the data`),
      table({ columns, rows, id: `${id}-data`, source, path })) : null);
  parent.append(fig);
  const c = echarts.init(plot, null, { renderer: 'canvas' });
  c.setOption({
    color: palette,
    animation: false,
    aria: { enabled: true, label: { description: `${title}. The data is in the table below.` } },
    // the tooltip is drawn on the canvas: an HTML one would need inline styles, which the
    // page's Content-Security-Policy refuses
    tooltip: { trigger: 'axis', renderMode: 'richText', valueFormatter: fmt(kind) },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, type: 'scroll' },
    ...option,
  });
  const resized = new ResizeObserver(() => c.resize());
  resized.observe(plot);
  hold(plot, () => {
    resized.disconnect();
    c.dispose();
  });
  return c;
}

export const instance = (el) => echarts.getInstanceByDom(el);

// A value axis showing kind's texts.
export const valueAxis = (kind, extra = {}) => ({
  type: 'value', axisLabel: { formatter: fmt(kind) }, ...extra });

// Lines over categories: series [{name, data}]; band {name, lower, upper}: an area between two
// series (a margin of error, a confidence interval) drawn as a stack of transparent lower and
// coloured difference.
export function lines(categories, series, kind, band) {
  const s = series.map((x) => ({ type: 'line', name: x.name, data: x.data, showSymbol: false,
    connectNulls: false, step: x.step || false }));
  if (band) {
    s.push({ type: 'line', name: `${band.name} lower`, data: band.lower, stack: band.name,
      lineStyle: { opacity: 0 }, symbol: 'none', tooltip: { show: false }, silent: true,
      step: band.step || false });
    s.push({ type: 'line', name: band.name, stack: band.name, symbol: 'none', silent: true,
      data: band.upper.map((u, i) => (u === null || band.lower[i] === null ? null
        : u - band.lower[i])), lineStyle: { opacity: 0 },
      areaStyle: { color: band.color || 'rgba(37, 99, 235, 0.15)' }, tooltip: { show: false },
      step: band.step || false });
  }
  return {
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: valueAxis(kind, { scale: true }),
    series: s,
    legend: { top: 0, data: series.map((x) => x.name) },
  };
}

export function bars(categories, series, kind, { horizontal = false, stack } = {}) {
  const cat = { type: 'category', data: categories };
  return {
    xAxis: horizontal ? valueAxis(kind) : cat,
    yAxis: horizontal ? { ...cat, inverse: true } : valueAxis(kind),
    series: series.map((x) => ({ type: 'bar', name: x.name, data: x.data, stack })),
  };
}
