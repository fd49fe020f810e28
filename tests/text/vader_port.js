// vader_port.js - the npm VADER port (vader-sentiment, as pinned by package-lock.json) on one
// text per line of standard input: "compound<TAB>pos<TAB>neu<TAB>neg" per line.
// With --time ROUNDS: scores every line ROUNDS times and prints the seconds of CPU it took
// instead, node's every thread (its compiler and collector work for it too; bench/text.sh).
'use strict';
const vader = require('vader-sentiment').SentimentIntensityAnalyzer;
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const texts = lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
if (process.argv[2] === '--time') {
  const rounds = Number(process.argv[3]);
  let sink = 0;
  const t0 = process.cpuUsage();
  for (let r = 0; r < rounds; r++)
    for (const t of texts) sink += vader.polarity_scores(t).compound;
  const used = process.cpuUsage(t0);
  const s = (used.user + used.system) / 1e6;
  console.log(`${s}\t${sink}`);
} else {
  const out = texts.map((t) => {
    const r = vader.polarity_scores(t);
    return `${r.compound}\t${r.pos}\t${r.neu}\t${r.neg}`;
  });
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
}
