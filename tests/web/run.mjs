// run.mjs - runs browser tests as parts of one run, in one Chromium: each PART=URL argument runs
// tests/web/PART.mjs (its default export, given the helpers of harness.mjs) against the server at
// URL, one after the other. Each part's failures are named "FAIL: PART: check" and each part ends
// with its own "PART: N passed, N failed"; a part that stops on an error outside its checks is a
// failure of that part, and the other parts still run. Exits 1 when any part failed.
//
//   node run.mjs dashboard=URL cx=URL health=URL   env: SCREENSHOTS (a folder),
//                                                  CHROMIUM (default /usr/bin/chromium), TIMES=1,
//                                                  PARALLEL=1 (the parts at once)
import { harness, launch } from './harness.mjs';

const parts = process.argv.slice(2).map((a) => {
  const at = a.indexOf('=');
  if (at < 1) {
    console.error(`run.mjs: '${a}' is not PART=URL`);
    process.exit(2);
  }
  return { part: a.slice(0, at), base: a.slice(at + 1) };
});
const shots = process.env.SCREENSHOTS || 'screenshots';

const browser = await launch();
// The parts run one after the other. PARALLEL=1 runs them at once (each has its own server, store
// and browser contexts, so they share nothing but the browser process): on a loaded machine that
// cut the test's wall time by a third (3 min 7 s → 2 min 10 s), but it widens the seconds between
// a page's answer and the API answer the checks compare it with, and a page without `now` in its
// URL reads the clock: the account page's usage_trend (distinct users per block of days cut at
// `now`) moved from 0.03206 on the page to 0.03316 from the API after, a user crossing a block's
// edge meanwhile (seen once with one part too). So it is not the default.
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
if (process.env.PARALLEL) {
  failed = (await Promise.all(parts.map(runPart))).filter(Boolean).length;
} else {
  for (const p of parts) failed += await runPart(p);
}
await browser.close();
process.exit(failed ? 1 : 0);
