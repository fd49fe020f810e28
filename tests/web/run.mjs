// run.mjs - runs browser tests as parts of one run, in one Chromium: each PART=URL argument runs
// tests/web/PART.mjs (its default export, given the helpers of harness.mjs) against the server at
// URL, all at once. Each part's failures are named "FAIL: PART: check" and each part ends
// with its own "PART: N passed, N failed"; a part that stops on an error outside its checks is a
// failure of that part, and the other parts still run. Exits 1 when any part failed.
//
//   node run.mjs dashboard=URL cx=URL health=URL   env: SCREENSHOTS (a folder; none without),
//                                                  CHROMIUM (default /usr/bin/chromium), TIMES=1,
//                                                  SEQUENTIAL=1 (one part after the other)
import { harness, launch } from './harness.mjs';

const parts = process.argv.slice(2).map((a) => {
  const at = a.indexOf('=');
  if (at < 1) {
    console.error(`run.mjs: '${a}' is not PART=URL`);
    process.exit(2);
  }
  return { part: a.slice(0, at), base: a.slice(at + 1) };
});
const shots = process.env.SCREENSHOTS || '';

const browser = await launch();
// The parts run at once (each has its own server, store and browser contexts: they share nothing
// but the browser process); SEQUENTIAL=1 runs them one after the other. Measured on 2026-11-30,
// the 2-core machine shared at load 10 to 18, runs alternated: the same work (user+sys, medians
// of 4: 60.6 s at once, 60.8 s one after the other), sooner at once (wall, medians: 180 s and
// 234 s): one part's waits (its pages' requests, the browser's rendering, a sign-in's Argon2)
// are another's turn. Two things kept them apart. A page without `now` in its URL read the
// clock, so a figure cut at the clock (the account's usage trend: 0.03206 on the page, 0.03316
// from the API a moment later) moved between page and check: each part now opens its pages at
// its own instant and asks the API at the same (harness.mjs: h.now). And a follow-up's close
// was recorded by the server's follower after the answer, so the surveys page, reading the
// follow-ups at once, showed it open again (2 of 6 runs at once, at load): the close now runs
// the closed loop before it answers (src/core/survey_loop.c).
async function runPart({ part, base }) {
  const t0 = Date.now();
  const h = harness({ browser, base, part, shots });
  try {
    const { default: run } = await import(`./${part}.mjs`);
    await run(h);
  } catch (e) {
    h.failures.push(`stopped: ${e.message}`);
    console.log(`FAIL: ${part}: stopped after ${h.passed + h.failures.length - 1} checks\n` +
      `  ${String(e.stack || e.message).split('\n').join('\n  ')}`);
  }
  await h.close();
  console.log(`${part}: ${h.passed} passed, ${h.failures.length} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return h.failures.length > 0;
}
let failed = 0;
if (process.env.SEQUENTIAL) {
  for (const p of parts) failed += await runPart(p);
} else {
  failed = (await Promise.all(parts.map(runPart))).filter(Boolean).length;
}
await browser.close();
process.exit(failed ? 1 : 0);
