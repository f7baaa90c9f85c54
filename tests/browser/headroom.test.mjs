// A key's headroom in the page (issue 20, item 8): the provider's rate-limit headers pass the
// relay's allow-list, the core reads them, and the result says them — OpenAI's counts and
// duration resets, Anthropic's RFC 3339 resets as "in …", retry-after — and nothing at all
// when none came; malformed headers are named as not read, never turned into a number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, pickModel, untilRunEnds, screenshot, done } from './helpers.mjs';
import { startFakeProvider } from './fake-provider.mjs';
import { startRelay } from '../support/relay-harness.mjs';

const KEY = 'sk-proj-TESTSECRETheadroom0000000000000-HDRM';
let world;

before(async () => {
  const up = await startFakeProvider({ key: KEY });
  const model = (display_name, model_name) => ({ display_name, provider: 'openai-compatible', model_name, provider_key: 'fake' });
  const relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [{ display_name: 'fake', provider: 'openai-compatible', adapter: 'openai', api_base: up.base, api_key: '${PG_HEADROOM_KEY}' }],
      models: [model('OpenAI-like', 'headroom-1'), model('Anthropic-like', 'anthropic-1'), model('Malformed', 'bad-headroom-1'), model('Silent', 'plain-1')],
    },
    env: { PG_HEADROOM_KEY: KEY, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
  });
  const browser = await launchBrowser();
  const ids = Object.fromEntries((await relay.models()).map((m) => [m.display_name, m.id]));
  world = {
    relay, browser, ids,
    secrets: [KEY],
    async close() {
      await browser.close().catch(() => {});
      await relay.stop().catch(() => {});
      await up.stop().catch(() => {});
    },
  };
});
after(async () => { await world?.close(); });

const pane = '.pane-results[data-pane="0"]';

async function send(p, model) {
  await pickModel(p.pg, world, model);
  await p.pg.locator('textarea[name="message"]').fill('Hello');
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
}

async function headroom(p) {
  const box = p.pg.locator(`${pane} [data-metric="headroom"]`);
  if (!(await box.count())) return null;
  return {
    lines: await box.locator('li').allTextContents(),
    problems: (await box.locator('[data-role="headroom-problems"]').allTextContents()).join(''),
  };
}

test('OpenAI\'s rate-limit headers read out: counts of the limit, resets as sent', async () => {
  const p = await openPage(world);
  await send(p, 'OpenAI-like');
  const h = await headroom(p);
  assert.deepEqual(h?.lines, ['9,998 of 10,000 requests left; resets in 6 s', '199,000 of 200,000 tokens left; resets in 1 min 30 s']);
  assert.equal(h.problems, '');
  await screenshot(p.page, 'headroom');
  await done(p);
});

test('Anthropic\'s RFC 3339 resets are said as "in …" and retry-after as a wait', async () => {
  const p = await openPage(world);
  await send(p, 'Anthropic-like');
  const h = await headroom(p);
  assert.equal(h?.lines.length, 2);
  assert.match(h.lines[0], /^49 of 50 requests left; resets in ([1-7](\.\d)?) s$/);
  assert.equal(h.lines[1], 'the provider asks to wait 20 s before retrying');
  await done(p);
});

test('malformed headers are named as not read, never made into a number; none sent, nothing shown', async () => {
  const p = await openPage(world);
  await send(p, 'Malformed');
  const h = await headroom(p);
  assert.deepEqual(h?.lines, ['a limit of 1,000 tokens']);
  assert.match(h.problems, /x-ratelimit-remaining-requests/);
  assert.match(h.problems, /x-ratelimit-reset-requests/);
  assert.doesNotMatch(h.problems, /9,998 of|requests left/);
  await send(p, 'Silent');
  assert.equal(await headroom(p), null);
  await done(p);
});
