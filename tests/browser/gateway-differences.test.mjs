// What a pass does not prove, on the page: after a run against a model with a native-Anthropic
// key, the results show one short block, "What this test does not cover", with the core's
// differences (here the Messages API the gateway speaks instead of the OpenAI-compatible
// endpoint the playground calls). A key whose `request` block shapes the call shows, in the
// inspect view, what the gateway changes ("sent as the gateway sends it: …").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from '../support/relay-harness.mjs';
import { startScenarioUpstream } from './scenario-upstream.mjs';
import { done, launchBrowser, openPage, untilRunEnds, pickModel, SECRETS } from './helpers.mjs';

const CLAUDE = 'Claude (native key)';
const SHAPED = 'Echo, shaped by its key';
const PLAIN = 'Echo, plain key';

let world;

before(async () => {
  const upstream = await startScenarioUpstream({ key: SECRETS.PG_SCENARIO_KEY });
  const root = upstream.base.replace(/\/v1$/, '');
  const relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [
        { display_name: 'Anthropic', provider: 'anthropic', api_base: root, api_key: '${PG_SCENARIO_KEY}' },
        { display_name: 'Shaping key', provider: 'openai-compatible', adapter: 'openai', api_base: upstream.base, api_key: '${PG_SCENARIO_KEY}',
          request: { param_renames: { max_tokens: 'max_completion_tokens' }, default_headers: { 'x-tenant': 'acme' } } },
        { display_name: 'Plain key', provider: 'openai-compatible', adapter: 'openai', api_base: upstream.base, api_key: '${PG_SCENARIO_KEY}' },
      ],
      models: [
        { display_name: CLAUDE, provider: 'anthropic', model_name: 'echo-claude', provider_key: 'Anthropic' },
        { display_name: SHAPED, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Shaping key' },
        { display_name: PLAIN, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Plain key' },
      ],
    },
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upstream.port}` },
    settings: { limits: { connectMs: 3000, firstByteMs: 10_000, idleMs: 10_000, totalMs: 60_000 } },
  });
  const browser = await launchBrowser();
  const ids = Object.fromEntries((await relay.models()).map((m) => [m.display_name, m.id]));
  world = {
    upstream, relay, browser, ids,
    async close() {
      await browser.close().catch(() => {});
      await relay.stop().catch(() => {});
      await upstream.stop().catch(() => {});
    },
  };
});

after(async () => { await world?.close(); });

const results = (pg) => pg.locator('.pane-results[data-pane="0"]');

async function run(p, model, message) {
  await pickModel(p.pg, world, model);
  await p.pg.locator('textarea[name="message"]').fill(message);
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
}

test('a native-Anthropic key: the result says the gateway uses the Messages API, which this test did not', async () => {
  const p = await openPage(world);
  await run(p, CLAUDE, 'Hello Claude');
  const block = results(p.pg).locator('section.not-covered');
  await block.waitFor();
  assert.equal(await block.locator('h4').textContent(), 'What this test does not cover');
  const item = block.locator('li[data-code="anthropic_messages_api"]');
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), /native Messages API \(POST http:\/\/127\.0\.0\.1:\d+\/v1\/messages with x-api-key/);
  // The call itself went to the OpenAI-compatible endpoint on the same base, and passed.
  assert.match(world.upstream.seen.at(-1).headers.authorization ?? '', /^Bearer /);
  assert.equal(await results(p.pg).locator('.checklist').getAttribute('data-verdict'), 'pass');
  await done(p);
});

test('a plain key with nothing the gateway adds: no block', async () => {
  const p = await openPage(world);
  await run(p, PLAIN, 'Hello');
  assert.equal(await results(p.pg).locator('.checklist').count(), 1);
  assert.equal(await results(p.pg).locator('section.not-covered').count(), 0);
  await done(p);
});

test('a key that shapes the call: the inspect view says what the gateway changes, and the provider got it', async () => {
  const p = await openPage(world);
  await p.pg.locator('input[name="max_tokens"]').fill('64');
  await run(p, SHAPED, 'Shape me');
  const inspect = results(p.pg).locator('details.inspect');
  await inspect.locator('summary').click();
  // The key's headers and the body's changes come with the relay's preview of the call.
  await inspect.locator('.inspect-upstream[data-preview="ready"]').waitFor();
  const upstreamCall = await inspect.locator('pre[aria-label="Upstream call"]').textContent();
  assert.match(upstreamCall, /^X-Tenant: acme$/m);
  assert.match(upstreamCall, /# sent as the gateway sends it: `max_tokens` renamed to `max_completion_tokens` by the key's settings/);
  const curl = await inspect.locator('pre.curl').textContent();
  assert.match(curl, /-H 'x-tenant: acme'/);
  assert.match(curl, /"max_completion_tokens": 64/);
  const seen = world.upstream.seen.at(-1);
  assert.equal(seen.body.max_completion_tokens, 64);
  assert.equal(seen.headers['x-tenant'], 'acme');
  await done(p);
});
