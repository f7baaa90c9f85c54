// "Did you mean …?" in the page (issue 19, step 12, item 3): a model whose name the provider
// does not serve fails the model step with the key accepted; the page asks the relay for the
// provider's list of that key and the checklist's advice names the closest model; "Models this
// key can use" lists the names, the closest marked, and lists them again on demand. A list
// that cannot be had is said so. No key in anything the browser received or shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, openPage, pickModel, untilRunEnds, checklist, screenshot, shadowText } from './helpers.mjs';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startRelay } from '../support/relay-harness.mjs';

const KEY = 'sk-proj-TESTSECRETbrowserlist000000000000-BRWS';
let world;

before(async () => {
  const up = await startFakeUpstream();
  const key = (name, base) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: '${PG_LIST_KEY}' });
  const relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [key('k-missing', up.base('modelMissing')), key('k-nolist', up.base('modelMissingNoList'))],
      models: [
        { display_name: 'Misnamed', provider: 'openai-compatible', model_name: 'upstream-model-y', provider_key: 'k-missing' },
        { display_name: 'No list', provider: 'openai-compatible', model_name: 'upstream-model-y', provider_key: 'k-nolist' },
      ],
    },
    env: { PG_LIST_KEY: KEY, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
  });
  const browser = await launchBrowser();
  const ids = Object.fromEntries((await relay.models()).map((m) => [m.display_name, m.id]));
  world = {
    up, relay, browser, ids,
    async close() {
      await browser.close().catch(() => {});
      await relay.stop().catch(() => {});
      await up.stop().catch(() => {});
    },
  };
});
after(async () => { await world?.close(); });

async function probe(p, model) {
  await pickModel(p.pg, world, model);
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="probe"]').click());
}

async function noKey(p) {
  const bodies = await Promise.all(p.received);
  const hay = [...bodies.map((b) => `${b.url}\n${b.headers}\n${b.body}`), await p.page.content(), await shadowText(p.page)];
  for (const h of hay) assert.ok(!h.includes(KEY) && !h.includes(KEY.slice(8, -6)), `the key reached the browser: ${h.slice(0, 120)}`);
  assert.deepEqual(p.problems, []);
}

const pane = '.pane-results[data-pane="0"]';

test('the checklist says "did you mean" with the provider\'s closest model, and the list shows it marked', async () => {
  const p = await openPage(world);
  await probe(p, 'Misnamed');
  const steps = await checklist(p.pg);
  assert.deepEqual([steps.key, steps.model], ['pass', 'fail']);
  const advice = await p.pg.locator(`${pane} li[data-step="model"] .advice`).textContent();
  assert.match(advice, /the provider serves `upstream-model-x` for this key; did you mean it\?/);
  assert.match(await p.pg.locator(`${pane} .checklist .summary`).textContent(), /did you mean it\?/);

  // "Models this key can use": already answered by the run, open, the closest marked.
  const details = p.pg.locator(`${pane} details.upstream-models`);
  assert.equal(await details.getAttribute('open'), '');
  assert.equal(await details.locator('li').count(), 4);
  assert.deepEqual(await details.locator('li[data-closest]').allTextContents(), ['upstream-model-x (closest)']);
  await screenshot(p.page, 'did-you-mean-checklist');

  // On demand: asked again, listed again.
  const asked = world.up.seen.length;
  await details.locator('button[data-action="upstream-models"]').click();
  await details.locator('.upstream-models-status', { hasText: '4 models this key can use' }).waitFor();
  assert.equal(await details.locator('li').count(), 4);
  assert.ok(world.up.seen.length > asked, 'the button asked the provider again');
  await noKey(p);
  await p.context.close();
});

test('a list that cannot be had: the advice says so, and so does the list', async () => {
  const p = await openPage(world);
  await probe(p, 'No list');
  const advice = await p.pg.locator(`${pane} li[data-step="model"] .advice`).textContent();
  assert.match(advice, /the provider's model list could not be had \(it answered GET \/models with HTTP 403\)/);
  assert.match(await p.pg.locator(`${pane} details.upstream-models .upstream-models-status`).textContent(), /could not be had/);
  await noKey(p);
  await p.context.close();
});
