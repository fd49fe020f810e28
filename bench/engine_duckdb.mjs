// engine_duckdb.mjs - DuckDB (@duckdb/node-api) for bench/engine.sh:
//   node engine_duckdb.mjs load DB.duckdb EVENTS.csv      loads the exported events (not timed)
//   node engine_duckdb.mjs time DB.duckdb QUERIES.sql RUNS  prints "Qn,median_ms,rows" per query
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [mode, dbPath, file, runsArg] = process.argv.slice(2);

if (mode === 'load') {
  const conn = await (await DuckDBInstance.create(dbPath)).connect();
  await conn.run(`CREATE TABLE events AS SELECT * FROM read_csv('${file}', header = false,
      columns = {'account_id': 'BIGINT', 'contact_id': 'BIGINT', 'name_id': 'BIGINT',
                 'ts': 'BIGINT'})`);
  conn.closeSync();
} else if (mode === 'time') {
  const runs = Number(runsArg || 5);
  const blocks = readFileSync(file, 'utf8').split(/^-- (?=Q\d)/m).slice(1);
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  for (const block of blocks) {
    const name = block.slice(0, 2);
    const sql = block.slice(block.indexOf('\n') + 1);
    const ms = [];
    let rows = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      const result = await conn.runAndReadAll(sql);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      rows = result.currentRowCount;
    }
    ms.sort((a, b) => a - b);
    const median = runs % 2 ? ms[(runs - 1) / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    console.log(`${name},${median.toFixed(1)},${rows}`);
  }
} else {
  console.error('usage: node engine_duckdb.mjs load DB CSV | time DB SQL RUNS');
  process.exit(2);
}
