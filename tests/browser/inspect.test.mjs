// The inspect view: the exact body sent, what the relay adds (the key as ***), the raw
// response (JSON or SSE text), the findings, and "Copy as curl" with $PROVIDER_KEY — the
// shaped lines and the command from the relay's preview (POST /api/playground/preview),
// asked when the view opens: the plan at once, the rest when it arrives, or why not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS, SECRETS } from './helpers.mjs';

const world = useWorld();

const inspect = (pg) => pg.locator('.pane-results[data-pane="0"] details.inspect');
/** Opens the inspect view and waits for the relay's preview to fill it in. */
async function openInspect(pg) {
  await inspect(pg).locator('summary').click();
  await inspect(pg).locator('.inspect-upstream[data-preview="ready"]').waitFor();
}
const previews = () => world.relay.logs.filter((l) => JSON.parse(l).msg === 'preview').length;

test('the request sent, the masked key, the raw stream and Copy as curl', async () => {
  const p = await openPage(world);
  const { pg, page, context } = p;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.relay.base });
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[name="max_tokens"]').fill('200');
  await pg.locator('textarea[name="message"]').fill('Inspect me');
  const asked = previews();
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(previews(), asked, 'a run does not ask for the preview');
  await openInspect(pg);
  assert.equal(previews(), asked + 1, 'opening the view does, once');

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
  // The command is the relay's preview of the body the page sent, byte for byte.
  const preview = await (await world.relay.call('/api/playground/preview', { method: 'POST', body: { model: world.ids[MODELS.echo], body } })).json();
  assert.equal(curl, preview.curl);

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
  await openInspect(pg);
  const raw = JSON.parse(await inspect(pg).locator('pre[aria-label="Response body"]').textContent());
  assert.equal(raw.error.code, 'invalid_api_key');
  assert.equal(JSON.stringify(raw).includes(SECRETS.PG_WRONG_KEY.slice(-4)), false, 'the masked echo is redacted by the relay');
  assert.match(await inspect(pg).locator('pre[aria-label="Upstream call"]').textContent(), /Bearer \*\*\*/);
  await done(p);
});

test('while the relay is asked: the call plan at once, a note in place of the command, Copy as curl disabled; then the command', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Wait for me');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  // The preview is held until the test lets it go.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/api/playground/preview', async (route) => { await held; await route.continue(); });
  await inspect(pg).locator('summary').click();
  const section = inspect(pg).locator('.inspect-upstream');
  await section.locator('p.hint', { hasText: 'Asking the relay for the call as it sends it…' }).waitFor();
  assert.equal(await section.getAttribute('data-preview'), 'waiting');
  assert.equal(await section.getAttribute('aria-busy'), 'true');
  assert.equal(await section.getByRole('button', { name: 'Copy as curl' }).isDisabled(), true);
  assert.equal(await section.locator('pre.curl').count(), 0);
  const { call } = (await world.relay.models()).find((m) => m.display_name === MODELS.echo);
  assert.match(await section.locator('pre[aria-label="Upstream call"]').textContent(), new RegExp(`^POST ${call.url.replace(/[.?]/g, '\\$&')}\n`));
  release();
  await section.locator('pre.curl[role="group"][tabindex="0"][aria-label="curl command"]').waitFor();
  assert.equal(await section.getAttribute('data-preview'), 'ready');
  assert.equal(await section.getAttribute('aria-busy'), null);
  assert.equal(await section.getByRole('button', { name: 'Copy as curl' }).isDisabled(), false);
  assert.match(await section.locator('pre.curl').textContent(), /Wait for me/);
  assert.equal(await section.getByText('Asking the relay').count(), 0);
  await page.unroute('**/api/playground/preview');
  await done(p);
});

test('the relay cannot be reached for the preview: the view says so, Copy as curl stays disabled, nothing throws', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Nobody home');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  await page.route('**/api/playground/preview', (route) => route.abort('connectionrefused'));
  await inspect(pg).locator('summary').click();
  const section = inspect(pg).locator('.inspect-upstream[data-preview="failed"]');
  await section.waitFor();
  assert.match(await section.locator('p.hint').last().textContent(), /^No curl command: the relay could not be reached \(.+\)\. What the key's settings add to this call is not shown either\.$/);
  assert.equal(await section.getByRole('button', { name: 'Copy as curl' }).isDisabled(), true);
  assert.match(await section.locator('pre[aria-label="Upstream call"]').textContent(), /^POST /);
  await page.unroute('**/api/playground/preview');
  // The browser logs the refused connection itself; nothing else may go wrong.
  p.problems = p.problems.filter((x) => !/^console: Failed to load resource: net::ERR_CONNECTION_REFUSED/.test(x));
  await done(p);
});
