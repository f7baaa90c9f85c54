// The inspect view: the exact body sent, what the relay adds (the key as ***), the raw
// response (JSON or SSE text), the findings, and "Copy as curl" with $PROVIDER_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS, SECRETS } from './helpers.mjs';

const world = useWorld();

const inspect = (pg) => pg.locator('.pane-results[data-pane="0"] details.inspect');

test('the request sent, the masked key, the raw stream and Copy as curl', async () => {
  const p = await openPage(world);
  const { pg, page, context } = p;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.relay.base });
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[name="max_tokens"]').fill('200');
  await pg.locator('textarea[name="message"]').fill('Inspect me');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  await inspect(pg).locator('summary').click();

  const body = JSON.parse(await inspect(pg).locator('pre[aria-label="Request body"]').textContent());
  assert.deepEqual(body, world.upstream.seen.at(-1).body, 'the body shown is the body the provider got');
  assert.equal(body.max_tokens, 200);

  const upstream = await inspect(pg).locator('pre[aria-label="Upstream call"]').textContent();
  assert.match(upstream, new RegExp(`^POST ${world.upstream.base.replace(/[.]/g, '\\.')}/chat/completions`));
  assert.match(upstream, /Authorization: Bearer \*\*\*/);

  const curl = await inspect(pg).locator('pre.curl').textContent();
  // The URL is the relay's own call plan from the model list, not one the page planned.
  const { call } = (await world.relay.models()).find((m) => m.display_name === MODELS.echo);
  assert.equal(upstream.split('\n')[0], `POST ${call.url}`);
  assert.ok(curl.startsWith(`curl '${call.url}'`), curl.split('\n')[0]);
  assert.match(curl, /\$PROVIDER_KEY/);
  assert.match(curl, /\/v1\/chat\/completions/);
  assert.match(curl, /Inspect me/);
  for (const secret of Object.values(SECRETS)) assert.equal(curl.includes(secret), false);

  await inspect(pg).getByRole('button', { name: 'Copy as curl' }).click();
  await inspect(pg).locator('.copy-status').getByText('curl command copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), curl);

  const raw = await inspect(pg).locator('pre[aria-label="Response body"]').textContent();
  assert.match(raw, /^data: \{"id":"chatcmpl-test"/, 'the raw SSE text');
  assert.match(raw, /data: \[DONE\]\s*$/);
  const headers = await inspect(pg).locator('pre[aria-label="Response headers"]').textContent();
  assert.match(headers, /^HTTP 200\n/);
  assert.match(headers, /^content-type: text\/event-stream$/m);
  assert.match(headers, /^server-timing: .*ttfb;dur=/m);
  assert.match(await inspect(pg).locator('.inspect-findings').textContent(), /follows the OpenAI chat-completions shape|Warning|Error/);
  await done(p);
});

test('a provider error: its raw JSON and the findings, the key still hidden', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.wrongKey);
  await pg.locator('input[name="stream"]').uncheck();
  await pg.locator('textarea[name="message"]').fill('Who am I?');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  await inspect(pg).locator('summary').click();
  const raw = JSON.parse(await inspect(pg).locator('pre[aria-label="Response body"]').textContent());
  assert.equal(raw.error.code, 'invalid_api_key');
  assert.equal(JSON.stringify(raw).includes(SECRETS.PG_WRONG_KEY.slice(-4)), false, 'the masked echo is redacted by the relay');
  assert.match(await inspect(pg).locator('pre[aria-label="Upstream call"]').textContent(), /Bearer \*\*\*/);
  await done(p);
});
