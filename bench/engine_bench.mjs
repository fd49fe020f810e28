// engine_bench.mjs - the rounds of bench/engine.sh. In each round, each query is run by every
// tool one right after the other (the order rotating from round to round), so that a change of
// the machine's load hits them alike; the table gives per tool the median of its times and per
// pair of tools the median of the per-round ratios. Every answer is reduced to a digest (integer
// sums, and the sum of the trends) that must be the same for every tool.
//
//   node engine_bench.mjs load DB.duckdb EVENTS.csv      loads the exported events (not timed)
//   node engine_bench.mjs run key=value…                 runs the rounds, prints the table
//     label db snapshot duckdb compact packed sql now cat driver baseline threads rounds reps
//     sqlite_rounds json (where the medians go, for `growth`), and optionally old_driver and
//     old_snapshot: another revision's engine_driver, timed beside this one (old1, oldN) to show
//     a change (its answers are not held to the others': definitions may have changed)
//   node engine_bench.mjs growth SMALL.json BIG.json     each tool's time on BIG / on SMALL
// Tools: lf1 / lfN (build/bench/engine_driver: landfall's engine on 1 and N threads), duckdb
// (@duckdb/node-api, in this process), sqlite (the sqlite3 command on a compact copy), scan and
// slice (build/bench/engine_baseline: one pass over packed arrays, all of them or the query's
// events only). Times are of the query alone, in each tool's own process, the fastest of `reps`
// runs in a row (SQLite: one run, including the sqlite3 process): on a machine shared with other
// work the fastest run is the one least disturbed by it.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const DAY = 86400000;

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

// A child that answers one line per request line.
class Child {
  constructor(cmd, args) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.buf = '';
    this.lines = [];
    this.waiting = [];
    this.proc.stdout.on('data', (d) => {
      this.buf += d;
      let i;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (this.waiting.length) this.waiting.shift()(line);
        else this.lines.push(line);
      }
    });
    this.proc.on('exit', (code) => {
      for (const w of this.waiting) w(null);
      if (code) console.error(`${cmd} exited with ${code}`);
    });
  }
  read() {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  async ask(line) {
    this.proc.stdin.write(line + '\n');
    const answer = await this.read();
    if (answer === null) throw new Error(`no answer to '${line}'`);
    const [, min, rows, ...digest] = answer.split(' ');
    return { ms: Number(min), rows: Number(rows), digest: digest.join(' ') };
  }
  close() {
    this.proc.stdin.end();
  }
}

// ---- the SQL tools: queries with their parameters, and the digests of their rows ----

function queries(file, now, cat) {
  const blocks = readFileSync(file, 'utf8').split(/^-- (?=Q\d)/m).slice(1);
  const text = {};
  for (const b of blocks) text[b.slice(0, 2)] = b.slice(b.indexOf('\n') + 1);
  text.Q5 = text.Q4;
  const subst = (sql, n) => sql.replace(/:N\b/g, n).replace(/:F30\b/g, n - 30 * DAY)
    .replace(/:F7\b/g, n - 7 * DAY).replace(/:S\b/g, n - 56 * DAY).replace(/:CAT\b/g, cat)
    .replace(/:MON\b/g, 345600000);
  const out = {};
  for (const q of ['Q1', 'Q2', 'Q3', 'Q4', 'Q5'])
    out[q] = subst(text[q], q === 'Q5' ? now + 400 * DAY : now);
  return out;
}

const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));

// rows as arrays of numbers (null for NULL), in the column order of engine_queries.sql
function digest(q, rows, cat) {
  const sum = (f) => rows.reduce((s, r) => s + (f(r) ?? 0), 0);
  const round = (v) => (v === null ? null : Math.round(v));
  if (q === 'Q2') {
    const members = rows.filter((r) => r[1] === 0).reduce((s, r) => s + r[2], 0);
    return `cells=${rows.length} retained=${sum((r) => r[3])} members=${members}`;
  }
  if (q === 'Q1')
    return `active=${rows.filter((r) => r[3] > 0).length} pairs=${sum((r) => round(r[1] * 30))} ` +
      `wau=${sum((r) => r[2])} mau=${sum((r) => r[3])}`;
  if (q === 'Q3')
    return `active=${rows.filter((r) => r[2] > 0).length} events=${sum((r) => r[2])} ` +
      `features=${sum((r) => round(r[1] * cat))} ` +
      `users=${sum((r) => (r[3] === null ? 0 : Math.round(r[2] / r[3])))}`;
  // Q4, Q5: account, dau, wau, mau, stickiness, breadth, events, depth, last, days_since, trend
  const active = rows.filter((r) => (r[3] ?? 0) > 0 || (r[6] ?? 0) > 0).length;
  return `active=${active} pairs=${sum((r) => (r[1] === null ? 0 : round(r[1] * 30)))} ` +
    `wau=${sum((r) => r[2])} mau=${sum((r) => r[3])} events=${sum((r) => r[6])} ` +
    `features=${sum((r) => (r[5] === null ? 0 : round(r[5] * cat)))} ` +
    `days_since=${sum((r) => r[9])} trend=${sum((r) => r[10]).toFixed(3)}`;
}

// Two digests agree: integers exactly, the trend's sum to 1e-9 of its size (tools add the same
// terms in another order).
function same(a, b) {
  const pa = Object.fromEntries(a.split(' ').map((kv) => kv.split('=')));
  const pb = Object.fromEntries(b.split(' ').map((kv) => kv.split('=')));
  const keys = Object.keys(pa);
  if (keys.length !== Object.keys(pb).length) return false;
  return keys.every((k) => k === 'trend'
    ? Math.abs(Number(pa[k]) - Number(pb[k])) <= 1e-9 * Math.max(1, Math.abs(Number(pa[k]))) + 2e-3
    : pa[k] === pb[k]);
}

async function duckdbTool(path, sql, reps, cat) {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const run = async (q) => {
    const ms = [];
    let result;
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      result = await conn.runAndReadAll(sql[q]);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const rows = result.getRowsJS().map((r) => r.map(num));
    return { ms: Math.min(...ms), rows: rows.length, digest: digest(q, rows, cat) };
  };
  for (const q of Object.keys(sql)) await run(q); // warm: the first run reads the file
  return { run, close: () => conn.closeSync() };
}

function sqliteTool(path, sql, cat) {
  const lite = {};
  for (const [q, text] of Object.entries(sql)) lite[q] = text.replace(/\/\//g, '/');
  return {
    run: async (q) => {
      const t0 = process.hrtime.bigint();
      const p = spawnSync('sqlite3', ['-csv', path], { input: lite[q], maxBuffer: 1 << 30 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (p.status !== 0) throw new Error(`sqlite3: ${p.stderr}`);
      const rows = p.stdout.toString().split('\n').filter((l) => l)
        .map((l) => l.split(',').map(num));
      return { ms, rows: rows.length, digest: digest(q, rows, cat) };
    },
    close: () => {},
  };
}

async function run(o) {
  const now = Number(o.now), cat = Number(o.cat), reps = Number(o.reps || 5);
  const rounds = Number(o.rounds || 5), sqliteRounds = Number(o.sqlite_rounds ?? rounds);
  const threads = Number(o.threads || 1);
  const sql = queries(o.sql, now, cat);
  const tools = {};
  const child = async (name, cmd, args, prefix) => {
    const c = new Child(cmd, args);
    if ((await c.read()) !== 'ready') throw new Error(`${name} did not start`);
    tools[name] = { run: (q) => c.ask(`${prefix}${q.slice(1)} ${reps}`), close: () => c.close() };
  };
  await child('lf1', o.driver, [o.db, o.snapshot, String(now), '1'], '');
  if (threads > 1) await child('lfN', o.driver, [o.db, o.snapshot, String(now), String(threads)], '');
  if (o.old_driver) {
    await child('old1', o.old_driver, [o.db, o.old_snapshot, String(now), '1'], '');
    if (threads > 1)
      await child('oldN', o.old_driver, [o.db, o.old_snapshot, String(now), String(threads)], '');
  }
  await child('scan', o.baseline, ['serve', o.packed, String(now)], 'scan ');
  await child('slice', o.baseline, ['serve', o.packed, String(now)], 'slice ');
  tools.duckdb = await duckdbTool(o.duckdb, sql, reps, cat);
  if (sqliteRounds > 0) tools.sqlite = sqliteTool(o.compact, sql, cat);
  const lfN = threads > 1 ? 'lfN' : 'lf1';
  const names = Object.keys(tools);
  const times = {}, ratios = {}, answers = {};
  const pairs = [['duckdb', lfN], ['sqlite', lfN], ['lf1', 'scan'], ['lf1', 'slice']];
  if (o.old_driver) pairs.push(['old1', 'lf1'], ...(threads > 1 ? [['oldN', 'lfN']] : []));
  for (let round = 0; round < rounds; round++) {
    for (const q of Object.keys(sql)) {
      const order = names.map((_, i) => names[(i + round) % names.length])
        .filter((t) => t !== 'sqlite' || round < sqliteRounds);
      const got = {};
      for (const t of order) got[t] = await tools[t].run(q);
      for (const t of order) {
        ((times[q] ??= {})[t] ??= []).push(got[t].ms);
        (answers[q] ??= {})[t] = got[t].digest;
      }
      for (const [a, b] of pairs)
        if (got[a] && got[b]) ((ratios[q] ??= {})[`${a}/${b}`] ??= []).push(got[a].ms / got[b].ms);
    }
    process.stderr.write(`${o.label}: round ${round + 1} of ${rounds} done\n`);
  }
  for (const t of names) tools[t].close();

  const cols = ['lf1', ...(threads > 1 ? ['lfN'] : []),
    ...(o.old_driver ? ['old1', ...(threads > 1 ? ['oldN'] : [])] : []),
    'duckdb', 'sqlite', 'scan', 'slice'];
  const nameOf = (c) => c.replace(/N$/, String(threads));
  const head = ['query', ...cols.map((c) => nameOf(c) + ' ms'),
    ...pairs.map(([a, b]) => `${nameOf(a)}/${nameOf(b)}`), 'answers'];
  console.log(`\n${o.label}: medians over ${rounds} rounds (SQLite ${Math.min(sqliteRounds, rounds)}) of the fastest of ${reps} runs`);
  console.log(head.map((h, i) => (i ? h.padStart(i > cols.length ? 11 : 10) : h.padEnd(3))).join(' '));
  let bad = 0;
  const oldDiffer = [];
  for (const q of Object.keys(sql)) {
    const ref = answers[q].lf1;
    const agree = Object.entries(answers[q]).filter(([t, d]) => !t.startsWith('old') && !same(d, ref))
      .map(([t]) => t);
    bad += agree.length;
    if (o.old_driver && !same(answers[q].old1, ref)) oldDiffer.push(q);
    const cells = cols.map((c) => (times[q][c] ? median(times[q][c]).toFixed(c === 'sqlite' ? 0 : 2) : '-').padStart(10));
    const rs = pairs.map(([a, b]) => {
      const v = ratios[q]?.[`${a}/${b}`];
      return (v ? median(v).toFixed(2) + 'x' : '-').padStart(11);
    });
    console.log([q.padEnd(3), ...cells, ...rs, agree.length ? `DIFFER: ${agree.join(',')}` : 'same'].join(' '));
  }
  for (const q of Object.keys(sql)) console.log(`  ${q} digest: ${answers[q].lf1}`);
  if (oldDiffer.length)
    for (const q of oldDiffer) console.log(`  ${q} old's answer differs: ${answers[q].old1}`);
  if (o.json) {
    const med = {};
    for (const q of Object.keys(sql))
      med[q] = Object.fromEntries(Object.entries(times[q]).map(([t, v]) => [t, median(v)]));
    writeFileSync(o.json, JSON.stringify({ label: o.label, threads, times: med }));
  }
  if (bad) {
    for (const q of Object.keys(sql))
      for (const [t, d] of Object.entries(answers[q])) console.log(`  ${q} ${t}: ${d}`);
    process.exitCode = 1;
  }
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'load') {
  const [dbPath, file] = rest;
  const conn = await (await DuckDBInstance.create(dbPath)).connect();
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_csv('${file}', header = false,
      columns = {'account_id': 'BIGINT', 'contact_id': 'BIGINT', 'name_id': 'BIGINT',
                 'ts': 'BIGINT'})`);
  conn.closeSync();
} else if (mode === 'run') {
  await run(Object.fromEntries(rest.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
} else if (mode === 'growth') {
  const [small, big] = rest.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const events = (x) => Number(x.label.split(' ')[0]);
  const tools = Object.keys(big.times.Q1).filter((t) => small.times.Q1[t] !== undefined);
  console.log(`\ngrowth from ${small.label} to ${big.label} (${(events(big) / events(small)).toFixed(1)}x ` +
    `the events): time on the big set / time on the small one`);
  console.log(['query', ...tools.map((t) => (t === 'lfN' ? `lf${big.threads}` : t).padStart(10))].join(' '));
  for (const q of Object.keys(big.times))
    console.log([q.padEnd(5), ...tools.map((t) =>
      (big.times[q][t] / small.times[q][t]).toFixed(1).padStart(9) + 'x')].join(' '));
} else {
  console.error('usage: node engine_bench.mjs load DB CSV | run key=value… | growth SMALL BIG');
  process.exit(2);
}
