// "Check all" in the page (issue 19, item 1), in Chromium against the real relay and the local
// scenario provider: the progress, the table's verdicts from the core's codes (a passing model,
// a wrong key, an unknown model, a refused port), never more calls at once than the page's cap
// under the relay's per-user limit, the badges in the picker, a row opening its checklist and
// inspect view, the results kept across a reload ("checked … ago", stale after an hour), the
// multi-target model listed with its reason and never probed, "Check its targets", and Stop.
// Writes the check-all-table screenshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, waitReady, checklist, MODELS, SCREENSHOTS } from './helpers.mjs';

// A per-user limit of 3: the page runs 2 probes at once (one slot kept for its own Run).
const world = useWorld({ limits: { concurrentPerUser: 3 } });

const TESTABLE = Object.values(MODELS).length - 1; // all but the failover model
const row = (pg, name) => pg.locator(`tr[data-model-id="${world.ids[name]}"]`);
const checksDone = (page) => page.evaluate(() => Number(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="check-all"]').dataset.checks ?? 0));

/** Runs `action` and waits until the check it starts has ended. */
async function untilCheckEnds(page, action, { timeout = 30_000 } = {}) {
  const before = await checksDone(page);
  await action();
  await page.waitForFunction((n) => Number(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="check-all"]').dataset.checks ?? 0) > n, before, { timeout });
}

/** Counts the relay's calls in flight (chat and the provider's model list), and the most at once. */
function countInFlight() {
  const seen = { now: 0, most: 0, chats: [] };
  const listener = (req, res) => {
    if (!req.url.startsWith('/api/playground/chat') && !req.url.includes('/upstream-models')) return;
    seen.now += 1;
    seen.most = Math.max(seen.most, seen.now);
    res.on('close', () => { seen.now -= 1; });
  };
  world.relay.server.on('request', listener);
  return { seen, stop: () => world.relay.server.off('request', listener) };
}

test('Check all: progress, every row\'s verdict by code, two at a time under a limit of three, badges, a row opens its checklist, kept across a reload', async () => {
  const p = await openPage(world, { viewport: { width: 1400, height: 1000 } });
  const { pg, page } = p;
  assert.match(await pg.locator('[data-role="check-how"]').textContent(), /2 at a time \(the relay allows 3 calls at once per user\)/);
  assert.equal(await pg.locator('[data-role="check-progress"]').getAttribute('aria-live'), 'polite');
  assert.equal(await row(pg, MODELS.echo).getAttribute('data-status'), 'none', 'never checked yet');

  const upstreamBefore = world.upstream.seen.length;
  const counter = countInFlight();
  // Every text the progress line shows, in order.
  await page.evaluate(() => {
    const el = document.querySelector('model-playground').shadowRoot.querySelector('[data-role="check-progress"]');
    window.progressSeen = [];
    new MutationObserver(() => window.progressSeen.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  try {
    await untilCheckEnds(page, async () => {
      await pg.locator('button[data-action="check-all"]').click();
      assert.equal(await pg.locator('button[data-action="check-stop"]').isDisabled(), false, 'Stop while checking');
      assert.equal(await pg.locator('button[data-action="check-all"]').isDisabled(), true);
    });
  } finally {
    counter.stop();
  }
  const progress = [...new Set(await page.evaluate(() => window.progressSeen))];
  assert.equal(progress[0], `Checking: 0 of ${TESTABLE} done…`);
  assert.deepEqual(progress.slice(0, -1), Array.from({ length: TESTABLE + 1 }, (_, i) => `Checking: ${i} of ${TESTABLE} done…`), 'one step per model');
  assert.equal(progress.at(-1), `Checked ${TESTABLE} of ${TESTABLE}: 8 passed, 4 failed.`);
  assert.equal(counter.seen.most, 2, 'never more than 2 calls at once (and 2 in parallel)');
  // The routing model, the refused port and the unknown host never reach the provider.
  assert.equal(world.upstream.seen.length - upstreamBefore, TESTABLE - 2);

  const state = async (name) => row(pg, name).evaluate((tr) => ({ ...tr.dataset }));
  assert.deepEqual(await state(MODELS.echo), { modelId: world.ids[MODELS.echo], status: 'done', verdict: 'pass', step: '', code: '', stale: 'false' });
  assert.equal((await state(MODELS.late)).verdict, 'pass');
  assert.deepEqual(await state(MODELS.wrongKey), { modelId: world.ids[MODELS.wrongKey], status: 'done', verdict: 'fail', step: 'key', code: 'key_rejected', stale: 'false' });
  assert.deepEqual(await state(MODELS.missing), { modelId: world.ids[MODELS.missing], status: 'done', verdict: 'fail', step: 'model', code: 'model_not_found', stale: 'false' });
  assert.equal((await state(MODELS.refused)).step, 'reach');
  assert.equal((await state(MODELS.refused)).code, 'refused');
  // The multi-target model: listed with its reason, not probed.
  const failover = row(pg, MODELS.failover);
  assert.equal(await failover.getAttribute('data-status'), 'not_testable');
  assert.match(await failover.locator('.check-reason').textContent(), /a routing model \(failover over Echo, Echo two\)/);
  assert.equal(await failover.locator('input[type="checkbox"]').count(), 0, 'cannot be selected');
  assert.ok(!world.relay.logs.some((l) => l.includes(world.ids[MODELS.failover])), 'never called');

  // The table: headers, one-line reasons, times, tokens, cost, when.
  const headers = await pg.locator('table[data-role="check-table"] thead th').allTextContents();
  assert.deepEqual(headers, ['Select', 'Model', 'Verdict', 'Reason', 'First token', 'Total', 'Tokens', 'Cost', 'Checked']);
  const echoCells = await row(pg, MODELS.echo).locator('td, th').allTextContents();
  assert.equal(echoCells[2], 'pass');
  assert.match(echoCells[4], /^\d+ ms$/);
  assert.match(echoCells[5], /^\d+ ms$/);
  assert.match(echoCells[6], /^\d+ in \/ \d+ out$/);
  assert.match(echoCells[7], /^\$0\.\d+$/);
  assert.match(echoCells[8], /^checked (just now|\d+ s ago)$/);
  assert.equal((await row(pg, MODELS.wrongKey).locator('td, th').allTextContents())[2], 'fail: key (key_rejected)');
  assert.match(await pg.locator('[data-role="check-counts"]').textContent(), /^8 passed · 4 failed · 1 not testable · 0 never checked$/);

  // The picker: each model's verdict beside it.
  const option = (name) => pg.locator(`select[name="model-0"] option[value="${world.ids[name]}"]`);
  assert.match(await option(MODELS.echo).textContent(), / — pass$/);
  assert.equal(await option(MODELS.echo).getAttribute('data-verdict'), 'pass');
  assert.match(await option(MODELS.wrongKey).textContent(), / — fail: key$/);
  assert.match(await option(MODELS.missing).textContent(), / — fail: model$/);

  await row(pg, MODELS.echo).scrollIntoViewIfNeeded();
  await pg.locator('[data-role="check-all"]').screenshot({ path: `${SCREENSHOTS}check-all-table.png` });

  // A row opens its model's checklist and inspect view in the results pane.
  await row(pg, MODELS.wrongKey).locator('button[data-action="open-check"]').click();
  assert.equal(await pg.locator('select[name="model-0"]').inputValue(), world.ids[MODELS.wrongKey]);
  assert.deepEqual(await checklist(pg), { reach: 'pass', endpoint: 'pass', key: 'fail', model: 'not_reached', answer: 'not_reached' });
  assert.equal(await pg.locator('.pane-results[data-pane="0"] details.inspect').count(), 1, 'the inspect view');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .run-label').textContent(), 'Check all');
  assert.equal(await page.evaluate(() => document.querySelector('model-playground').shadowRoot.activeElement?.dataset.pane), '0', 'the focus moves to the result');
  assert.match(await pg.locator('.picker-check').textContent(), /^Last check: fail: key checked (just now|\d+ s ago)$/);
  // Its curl command, asked of the relay when opened (never during the check), is the probe's call.
  assert.equal(world.relay.logs.filter((l) => JSON.parse(l).msg === 'preview').length, 0, 'no preview asked by the check');
  await pg.locator('.pane-results[data-pane="0"] details.inspect summary').click();
  const curl = await pg.locator('.pane-results[data-pane="0"] .inspect-upstream[data-preview="ready"] pre.curl').textContent();
  const { call } = (await world.relay.models()).find((m) => m.display_name === MODELS.wrongKey);
  assert.ok(curl.startsWith(`curl '${call.url}'`), curl);
  assert.match(curl, /\$PROVIDER_KEY/);

  // Kept across a reload, with when; no answer, no request kept.
  await page.waitForFunction(() => /checkAll/.test(localStorage.getItem('model-playground:v1') ?? ''));
  const saved = await page.evaluate(() => localStorage.getItem('model-playground:v1'));
  assert.ok(!saved.includes('You said') && !saved.includes('Reply with OK'), 'no answer and no request kept');
  await page.reload();
  await waitReady(page);
  assert.equal((await state(MODELS.wrongKey)).code, 'key_rejected');
  assert.equal((await state(MODELS.echo)).verdict, 'pass');
  assert.match(await row(pg, MODELS.echo).locator('[data-role="checked-at"]').textContent(), /^checked (just now|\d+ s ago)$/);
  assert.match(await option(MODELS.echo).textContent(), / — pass$/);
  await row(pg, MODELS.missing).locator('button[data-action="open-check"]').click();
  assert.equal((await checklist(pg)).model, 'fail');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] [data-role="restored"]').count(), 1, 'the checklist only: the request and the answer were not kept');

  // Two hours later: stale. (The saved times are moved back as the next page starts: the page
  // going away saves its own state first.)
  await page.addInitScript(() => {
    if (sessionStorage.getItem('aged')) return;
    sessionStorage.setItem('aged', '1');
    const s = JSON.parse(localStorage.getItem('model-playground:v1'));
    for (const r of Object.values(s.checkAll.results)) r.at = new Date(Date.parse(r.at) - 2 * 3600_000).toISOString();
    localStorage.setItem('model-playground:v1', JSON.stringify(s));
  });
  await page.reload();
  await waitReady(page);
  assert.equal((await state(MODELS.echo)).stale, 'true');
  assert.match(await row(pg, MODELS.echo).locator('[data-role="checked-at"]').textContent(), /^checked 2 h ago \(stale\)$/);
  assert.match(await option(MODELS.echo).textContent(), / — pass \(stale\)$/);
  assert.match(await pg.locator('[data-role="check-counts"]').textContent(), /; 12 stale \(checked over 60 minutes ago\)$/);
  await done(p);
});

test('check selected, and Stop: the calls in flight are aborted, the rest of the queue never starts, nothing is recorded', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  // Every chat call held back by the browser for a while, so Stop finds calls in flight.
  await page.route('**/api/playground/chat', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue().catch(() => {});
  });
  for (const name of [MODELS.echo, MODELS.echo2, MODELS.slow, MODELS.reasoner]) await row(pg, name).locator('input[type="checkbox"]').check();
  const selected = pg.locator('button[data-action="check-selected"]');
  assert.equal(await selected.textContent(), 'Check selected (4)');
  const upstreamBefore = world.upstream.seen.length;
  await untilCheckEnds(page, async () => {
    await selected.click();
    await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelectorAll('tr[data-status="running"]').length === 2);
    assert.equal(await pg.locator('tr[data-status="queued"]').count(), 2);
    await pg.locator('button[data-action="check-stop"]').click();
  });
  assert.equal(await pg.locator('[data-role="check-progress"]').textContent(), 'Stopped after 0 of 4; the rest were not checked.');
  assert.equal(await pg.locator('tr[data-status="running"], tr[data-status="queued"]').count(), 0);
  assert.equal(await row(pg, MODELS.echo).getAttribute('data-status'), 'none', 'a stopped probe is not a result');
  assert.equal(await row(pg, MODELS.slow).getAttribute('data-status'), 'none');
  await new Promise((r) => setTimeout(r, 1800)); // past the held-back time: nothing went out after Stop
  assert.equal(world.upstream.seen.length, upstreamBefore, 'no call reached the provider');
  assert.equal(await pg.locator('button[data-action="check-stop"]').isDisabled(), true);
  assert.equal(await pg.locator('button[data-action="check-all"]').isDisabled(), false);
  await page.unroute('**/api/playground/chat');
  await done(p);
});

test('a multi-target model: "Check its targets" probes each target on its own and says routing is not tested', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  const upstreamBefore = world.upstream.seen.length;
  await untilCheckEnds(page, () => row(pg, MODELS.failover).locator('button[data-action="check-targets"]').click());
  const note = await pg.locator('[data-role="check-targets-note"]').textContent();
  assert.match(note, /^Checking the targets of Chat with failover \(Echo, Echo two\), each on its own: this tests the target models only\. The routing and failover themselves are tested through the managed gateway/);
  assert.equal(await pg.locator('[data-role="check-progress"]').textContent(), 'Checked 2 of 2 targets of Chat with failover: 2 passed, 0 failed.');
  assert.deepEqual(world.upstream.seen.slice(upstreamBefore).map((s) => s.body.model).sort(), ['echo-1', 'echo-2']);
  assert.equal(await row(pg, MODELS.echo).getAttribute('data-verdict'), 'pass');
  assert.equal(await row(pg, MODELS.echo2).getAttribute('data-verdict'), 'pass');
  assert.equal(await row(pg, MODELS.slow).getAttribute('data-status'), 'none');
  assert.equal(await row(pg, MODELS.failover).getAttribute('data-status'), 'not_testable', 'the routing model itself has no verdict');
  await done(p);
});
