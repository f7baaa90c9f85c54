// The streaming path under load: a ~1 MB streamed answer is decoded by the core and drawn
// frame by frame with no main-thread task over 50 ms (Long Tasks API), and arrives whole.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWorld, openPage, untilRunEnds, pickModel, findSecrets, MODELS } from './helpers.mjs';

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world?.close(); });

// A target, not yet a gate: the page's own work stays under 50 ms per task (sliced pushes,
// one append per frame, segmented text), but the core's calls on this input still take
// longer (ChatStream.push spikes of 30-70 ms, end() about 100-200 ms, diagnose() about
// 100-400 ms with a 1 MB answer). Reported; make it a gate once those are fast.
const CORE_IS_FAST_ENOUGH = process.env.PG_PERF_GATE === '1';

test('a 1 MB streamed answer: no main-thread task over 50 ms', { todo: CORE_IS_FAST_ENOUGH ? undefined : 'core calls over 50 ms on a 1 MB stream' }, async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.big);
  await pg.locator('textarea[name="message"]').fill('Write a lot');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(Math.round(e.duration)); })
      .observe({ type: 'longtask', buffered: false });
  });
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click(), { timeout: 60_000 });
  const length = await pg.locator('.answer-text').first().evaluate((el) => el.textContent.length);
  assert.ok(length > 1_000_000, `the whole answer arrived (${length} characters)`);
  // Let the last frame and the results render settle before reading the observer.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 200))));
  const longTasks = await page.evaluate(() => window.__longTasks);
  process.stdout.write(`# long tasks during a ${length}-character stream: ${JSON.stringify(longTasks)}\n`);
  assert.deepEqual(longTasks.filter((d) => d > 50), [], 'no task over 50 ms');
  const { found } = await findSecrets(page, p.received);
  assert.deepEqual(found, []);
  await p.context.close();
});
