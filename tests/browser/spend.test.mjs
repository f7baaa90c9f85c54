// Spend what the operator agreed to (issue 19, item 4), in Chromium: the worst-case cost shows
// before any run (the next run's and Test connection's, from the core's estimate and the
// model's prices), reasoning_effort is offered for a reasoning model with its family's values
// and sent as chosen, and the reasoning tokens show beside tokens in/out after a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS } from './helpers.mjs';
import { asListed } from '../support/model-list.mjs';

const world = useWorld();

/**
 * A page whose model list shows the scenario provider's Reasoner as `o4-mini`, a model of
 * OpenAI's reasoning family: the page builds for that name (reasoning_effort offered,
 * max_completion_tokens), the relay still calls the Reasoner (its configured model name), which
 * answers with reasoning and reports its reasoning tokens.
 */
async function openWithReasoningModel() {
  const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/api/playground/models', async (route) => {
    const res = await route.fetch();
    const reply = await res.json();
    // The facts the relay's list gives a model of that name (its probe, its reasoning_effort values) come with it.
    for (const m of reply.models ?? []) if (m.display_name === MODELS.reasoner) Object.assign(m, asListed([{ ...m, model_name: 'o4-mini' }])[0]);
    await route.fulfill({ response: res, json: reply });
  });
  return openPage(world, { context });
}

const effortField = (pg) => pg.locator('[data-role="reasoning-effort"]');

test('the worst-case cost shows before a run, and follows max tokens and the message', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo); // $0.5 in, $1.5 out per 1K tokens
  const probeLine = pg.locator('[data-role="probe-worst-case"]');
  await probeLine.waitFor({ state: 'visible' });
  // Test connection: its 64-token budget at $1.5 per 1K, plus a few prompt tokens at $0.5.
  assert.match(await probeLine.textContent(), /^Test connection costs at most \$0\.\d{4} \(≈ \d+ prompt tokens \+ 64 max tokens\)\.$/);

  const runLine = pg.locator('[data-role="worst-case"]');
  assert.equal(await runLine.isVisible(), false, 'no message yet: nothing to price');
  await pg.locator('textarea[name="message"]').fill('What is the capital of France?');
  await runLine.waitFor({ state: 'visible' });
  assert.match(await runLine.textContent(), /^This run costs no upper bound: .*Max tokens/);
  await pg.locator('input[name="max_tokens"]').fill('1000');
  await page.waitForFunction(() => /\+ 1,000 max tokens/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="worst-case"]').textContent));
  const text = await runLine.textContent();
  const [, usd, prompt] = text.match(/at most \$(\d+\.\d+) \(≈ (\d+) prompt tokens/);
  assert.ok(Math.abs(Number(usd) - (Number(prompt) * 0.5 + 1000 * 1.5) / 1000) < 0.0001, text);

  // A model without prices: nothing is said.
  await pickModel(pg, world, MODELS.endless);
  await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('[data-role="worst-case"]').hidden);
  assert.equal(await probeLine.isVisible(), false);
  await done(p);
});

test('reasoning_effort is offered for a reasoning model, sent as chosen; reasoning tokens show after the run', async () => {
  const p = await openWithReasoningModel();
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  assert.equal(await effortField(pg).isVisible(), false, 'not offered for a model of no reasoning family');
  await pickModel(pg, world, MODELS.reasoner);
  await effortField(pg).waitFor({ state: 'visible' });
  const select = pg.locator('select[name="reasoning_effort"]');
  assert.deepEqual(await select.locator('option').evaluateAll((os) => os.map((o) => o.value)), ['', 'low', 'medium', 'high']);
  // Test connection for it: the lowest effort, a 1,024-token budget — said before it runs.
  await page.waitForFunction(() => /\+ 1,024 max tokens\)/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="probe-worst-case"]').textContent));

  await select.selectOption('medium');
  await pg.locator('input[name="max_tokens"]').fill('2000');
  await pg.locator('textarea[name="message"]').fill('Think, then answer.');
  await page.waitForFunction(() => /\+ 2,000 max tokens/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="worst-case"]').textContent));
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const sent = world.upstream.seen.at(-1).body;
  assert.equal(sent.reasoning_effort, 'medium');
  assert.equal(sent.model, 'reasoner-1', 'the relay calls the configured model');

  const tokens = pg.locator('.pane-results[data-pane="0"] [data-metric="tokens"] dd');
  assert.match(await tokens.textContent(), /^\d+ in \/ \d+ out \(\d+ reasoning\)$/);

  // The probe itself: the lowest effort the family takes.
  await untilRunEnds(page, () => pg.locator('button[data-action="probe"]').click());
  const probe = world.upstream.seen.at(-1).body;
  assert.equal(probe.reasoning_effort, 'low');
  assert.equal(probe.max_tokens, 1024, 'max_completion_tokens, renamed to the configured model\'s max_tokens by the relay');
  assert.match(await tokens.textContent(), /\(\d+ reasoning\)$/);
  await done(p);
});
