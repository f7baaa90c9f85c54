// The checklist after a run, for each kind of wrong setting and for a success; the compact
// "Test connection"; models that cannot be tested; the login hint when the session is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, checklist, MODELS, SECRETS } from './helpers.mjs';

const world = useWorld();

async function runWith(p, model, text = 'Say hello') {
  const { pg, page } = p;
  await pickModel(pg, world, model);
  await pg.locator('textarea[name="message"]').fill(text);
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
}

const ORDER = ['reach', 'endpoint', 'key', 'model', 'answer'];
/** Every step before `failed` passes, `failed` fails, the rest are not reached. */
function expectFailAt(failed) {
  const at = ORDER.indexOf(failed);
  return Object.fromEntries(ORDER.map((s, i) => [s, i < at ? 'pass' : i === at ? 'fail' : 'not_reached']));
}

const stepText = (pg, step) => pg.locator(`.pane-results[data-pane="0"] li[data-step="${step}"]`).textContent();

test('a success: all five steps pass', async () => {
  const p = await openPage(world);
  await runWith(p, MODELS.echo);
  assert.deepEqual(await checklist(p.pg), Object.fromEntries(ORDER.map((s) => [s, 'pass'])));
  assert.equal(await p.pg.locator('.pane-results[data-pane="0"] .checklist').getAttribute('data-verdict'), 'pass');
  assert.match(await p.pg.locator('.pane-results[data-pane="0"] .metric[data-metric="cost"] dd').textContent(), /^\$\d/, 'a priced model shows its cost');
  await screenshot(p.page, 'success-checklist');
  await done(p);
});

test('a wrong key: the key step fails, with the evidence and no secret', async () => {
  const p = await openPage(world);
  await runWith(p, MODELS.wrongKey);
  assert.deepEqual(await checklist(p.pg), expectFailAt('key'));
  const evidence = await stepText(p.pg, 'key');
  assert.match(evidence, /401/);
  assert.match(evidence, /invalid_api_key/);
  assert.equal(evidence.includes(SECRETS.PG_WRONG_KEY.slice(-4)), false, 'not even the masked tail of the key');
  assert.equal(await p.pg.locator('.msg.assistant').first().getAttribute('data-status'), 'error');
  await screenshot(p.page, 'wrong-key-checklist');
  await done(p);
});

test('a wrong model name (404 model_not_found): the model step fails', async () => {
  const p = await openPage(world);
  await runWith(p, MODELS.missing);
  assert.deepEqual(await checklist(p.pg), expectFailAt('model'));
  assert.match(await stepText(p.pg, 'model'), /model_not_found|does not exist/);
  await done(p);
});

test('an unreachable host: connection refused, and a name that does not resolve, fail the reach step', async () => {
  const p = await openPage(world);
  await runWith(p, MODELS.refused);
  assert.deepEqual(await checklist(p.pg), expectFailAt('reach'));
  assert.match(await p.pg.locator('.pane-results[data-pane="0"] .metric[data-metric="outcome"] dd').textContent(), /Relay: refused/);

  await p.pg.locator('button[data-action="clear"]').click();
  await runWith(p, MODELS.dns);
  assert.deepEqual(await checklist(p.pg), expectFailAt('reach'));
  assert.match(await p.pg.locator('.pane-results[data-pane="0"] .metric[data-metric="outcome"] dd').textContent(), /Relay: dns/);
  assert.match(await stepText(p.pg, 'reach'), /no-such-host\.invalid/);
  await done(p);
});

test('Test connection runs a tiny request and leaves the conversation alone', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('my draft');
  await untilRunEnds(page, () => pg.locator('button[data-action="probe"]').click());
  const sent = world.upstream.seen.at(-1).body;
  assert.deepEqual(sent.messages, [{ role: 'user', content: 'Reply with OK' }]);
  assert.equal(sent.max_tokens, 64);
  assert.equal(sent.stream, undefined, 'not streamed');
  assert.deepEqual(await checklist(pg), Object.fromEntries(ORDER.map((s) => [s, 'pass'])));
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .run-label').textContent(), 'Connection test');
  assert.equal(await pg.locator('.turn').count(), 0, 'no turn was added');
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), 'my draft', 'the draft is untouched');

  // The same action on a wrong key names the key.
  await pickModel(pg, world, MODELS.wrongKey);
  await untilRunEnds(page, () => pg.locator('button[data-action="probe"]').click());
  assert.deepEqual(await checklist(pg), expectFailAt('key'));
  await done(p);
});

test('a multi-target model is listed but disabled, with the reason', async () => {
  const p = await openPage(world);
  const option = p.pg.locator(`select[name="model-0"] option[value="${world.ids[MODELS.failover]}"]`);
  assert.equal(await option.isDisabled(), true);
  const reason = await option.getAttribute('data-reason');
  assert.ok(reason.length > 10, 'a reason is given');
  assert.ok((await option.textContent()).includes(reason));
  await p.pg.locator('details.untestable summary').click();
  const item = p.pg.locator(`details.untestable li[data-model-id="${world.ids[MODELS.failover]}"]`);
  assert.ok((await item.textContent()).includes(reason));
  assert.match(await p.pg.locator('details.untestable').textContent(), /managed gateway/);
  await done(p);
});

test('without a session the page says to open the login link', async () => {
  const context = await world.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${world.relay.base}/`);
  const banner = page.locator('model-playground .banner[data-kind="login"]');
  await banner.waitFor();
  assert.match(await banner.textContent(), /open the login link printed by `make run`/);
  assert.equal(await page.locator('model-playground button[data-action="run"]').isDisabled(), true);
  await context.close();
});
