// run.mjs - runs browser tests as parts of one run, in one Chromium: each PART=URL argument runs
// tests/web/PART.mjs (its default export, given the helpers of harness.mjs) against the server at
// URL. Each part's failures are named "FAIL: PART: check" and each part ends with its own "PART:
// N passed, N failed"; a part that stops on an error outside its checks is a failure of that part,
// and the next part still runs. Exits 1 when any part failed.
//
//   node run.mjs dashboard=URL cx=URL health=URL   env: SCREENSHOTS (a folder),
//                                                  CHROMIUM (default /usr/bin/chromium), TIMES=1
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
let failed = 0;
for (const { part, base } of parts) {
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
  if (h.failures.length) failed++;
}
await browser.close();
process.exit(failed ? 1 : 0);
