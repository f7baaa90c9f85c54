// "Did you mean …?" through the relay (issue 19, step 12, item 3): a local provider answers
// 404 model_not_found to chat and serves GET /v1/models; the relay's upstream-models route asks
// it with the model's key, through the chat call's guard (the address check, the pin), and
// returns the list and the closest names, never the key. The page's flow (runOnce, then
// withSuggestions) re-diagnoses the run: the model step's advice names the closest model. A
// list that cannot be had is said so; models that are not testable are refused; no key in
// any byte the relay returned or logged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';
import { runOnce } from '../../web/playground/run.js';
import { probeForm } from '../../web/playground/state.js';
import { diagnose } from '../../web/playground/render-checklist.js';
import { suggestionsInput, wantsSuggestions, withSuggestions } from '../../web/playground/model-suggestions.js';
import { PLAYGROUND_HEADER } from '../../web/contract.js';

const SECRETS = {
  LIST_KEY: 'sk-proj-TESTSECRETlistkey0000000000000-LIST',
  NOLIST_KEY: 'sk-proj-TESTSECRETnolistkey00000000000-NOLS',
  BLOCKED_KEY: 'sk-proj-TESTSECRETblockedkey0000000000-BLKD',
  AZURE_KEY: 'azTESTSECRETlist0123456789abcdef0123',
};

let up;
let relay;

function resources() {
  const key = (name, base, secret, extra = {}) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: secret, ...extra });
  return {
    _format_version: '1',
    provider_keys: [
      key('k-list', up.base('modelMissing'), '${LIST_KEY}'),
      key('k-nolist', up.base('modelMissingNoList'), '${NOLIST_KEY}'),
      // Loopback on a port that is not allow-listed: the address check refuses it.
      key('k-blocked', 'http://127.0.0.1:9/v1', '${BLOCKED_KEY}'),
      { display_name: 'k-azure', provider: 'azure', adapter: 'azure-openai', api_base: `http://127.0.0.1:${up.port}/azure`, api_key: '${AZURE_KEY}' },
    ],
    models: [
      { display_name: 'Typo', provider: 'openai', model_name: 'upstream-model-y', provider_key: 'k-list' },
      { display_name: 'Dated', provider: 'openai', model_name: 'gpt-4o', provider_key: 'k-list' },
      { display_name: 'Unrelated', provider: 'openai', model_name: 'llama-3.3-70b', provider_key: 'k-list' },
      { display_name: 'No list', provider: 'openai', model_name: 'upstream-model-y', provider_key: 'k-nolist' },
      { display_name: 'Blocked', provider: 'openai', model_name: 'gpt-4o', provider_key: 'k-blocked' },
      { display_name: 'Azure', provider: 'openai', model_name: 'my-deployment', provider_key: 'k-azure' },
      { display_name: 'Failover', routing: { strategy: 'failover', targets: [{ model: 'Typo' }, { model: 'Dated' }] } },
    ],
  };
}

before(async () => {
  up = await startFakeUpstream();
  relay = await startRelay({ resources: resources(), env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` } });
});

after(async () => {
  await relay?.stop();
  await up?.stop();
  const leaks = relay ? relay.leaks(Object.values(SECRETS)) : [];
  assert.deepEqual(leaks, [], 'no key in any response or log line');
});

const listOf = async (name) => {
  const id = await relay.idOf(name);
  return relay.call(`/api/playground/models/${encodeURIComponent(id)}/upstream-models`);
};

/** The page's RelayApi, with the test's bearer token (as relay/check.js does). */
function apiFor() {
  const headers = { authorization: `Bearer ${TOKEN}` };
  return {
    chat: (modelId, body, signal) => fetch(`${relay.base}/api/playground/chat`, {
      method: 'POST', signal, headers: { ...headers, 'content-type': 'application/json', [PLAYGROUND_HEADER]: '1' }, body: JSON.stringify({ model: modelId, body }),
    }),
    upstreamModels: async (modelId) => (await relay.call(`/api/playground/models/${encodeURIComponent(modelId)}/upstream-models`)).json(),
  };
}

/** The page's Test connection on a model, then "did you mean" as the page does it. */
async function probe(name) {
  const model = (await relay.models()).find((m) => m.display_name === name);
  const built = relay.core.buildRequest(probeForm(model, relay.core));
  assert.equal(built.ok, true);
  const api = apiFor();
  const run = await runOnce({ core: relay.core, api, model, body: built.body });
  const first = diagnose(relay.core, run.outcome);
  const { diagnosis, list } = await withSuggestions(relay.core, api, model, run.outcome, first);
  return { first, diagnosis, list, model: diagnosis.steps.find((s) => s.step === 'model') };
}

test('the route lists the provider\'s models for the key, with the closest names, through the key and never returning it', async () => {
  const before = up.seen.length;
  const r = await listOf('Typo');
  assert.equal(r.status, 200);
  const reply = await r.json();
  assert.equal(reply.ok, true);
  assert.deepEqual(reply.suggestions, ['upstream-model-x']);
  assert.equal(reply.models.length, 4);
  assert.ok(reply.models.includes('gpt-4o-2024-08-06'));
  // The id that echoed the key comes back redacted.
  assert.ok(reply.models.every((id) => !id.includes(SECRETS.LIST_KEY)));
  assert.equal(up.seen.length, before + 1, 'one GET /models');
  const seen = up.seen.at(-1);
  assert.equal(seen.method, 'GET');
  assert.equal(seen.url, '/modelMissing/v1/models');
  assert.equal(seen.headers.authorization, `Bearer ${SECRETS.LIST_KEY}`, 'the model\'s key, as the chat call sends it');

  const dated = await (await listOf('Dated')).json();
  assert.deepEqual(dated.suggestions, ['gpt-4o-2024-08-06']);
  const unrelated = await (await listOf('Unrelated')).json();
  assert.equal(unrelated.ok, true);
  assert.deepEqual(unrelated.suggestions, [], 'nothing close suggests nothing');
});

test('the page\'s flow: a 404 model_not_found with the key accepted asks for the list; the advice names the closest model', async () => {
  const { first, diagnosis, list, model } = await probe('Typo');
  assert.equal(wantsSuggestions(first), true);
  assert.equal(list.ok, true);
  assert.equal(model.status, 'fail');
  assert.equal(model.code, 'model_not_found', 'the code is unchanged');
  assert.equal(diagnosis.verdict, first.verdict);
  assert.match(model.advice, /the provider serves `upstream-model-x` for this key; did you mean it\?/);
  assert.match(diagnosis.summary, /did you mean it\?/);
  assert.doesNotMatch(first.steps[3].advice, /did you mean/);

  const none = await probe('Unrelated');
  assert.match(none.model.advice, /none of the 4 models this key can list is close to it/);
});

test('a list that cannot be had is said so: an HTTP error, a blocked address, Azure', async () => {
  const noList = await probe('No list');
  assert.deepEqual(suggestionsInput(noList.list), { unavailable: 'http_error', status: 403 });
  assert.equal(noList.model.code, 'model_not_found');
  assert.match(noList.model.advice, /the provider's model list could not be had \(it answered GET \/models with HTTP 403\)/);

  const blocked = await (await listOf('Blocked')).json();
  assert.equal(blocked.ok, false);
  assert.equal(blocked.unavailable, 'unreachable');
  assert.equal(blocked.kind, 'blocked_address', 'the chat call\'s address check applies');

  const azure = await (await listOf('Azure')).json();
  assert.equal(azure.ok, false);
  assert.equal(azure.unavailable, 'not_listed');
  assert.match(azure.message, /Azure/);
});

test('the route is authenticated, and refuses unknown and multi-target models, a bad path and other methods', async () => {
  const id = await relay.idOf('Typo');
  const path = `/api/playground/models/${encodeURIComponent(id)}/upstream-models`;
  assert.equal((await relay.call(path, { auth: 'none' })).status, 401);
  assert.equal((await relay.call('/api/playground/models/no-such-model/upstream-models')).status, 404);
  assert.equal((await relay.call(`/api/playground/models/${encodeURIComponent(await relay.idOf('Failover'))}/upstream-models`)).status, 409);
  assert.equal((await relay.call('/api/playground/models/%E0%A4%A/upstream-models')).status, 400);
  assert.equal((await relay.call(path, { method: 'POST' })).status, 404);
});

test('the page never asks when the model step did not fail', async () => {
  let asked = 0;
  const api = { upstreamModels: async () => { asked++; return { ok: true, models: [], suggestions: [] }; } };
  const passed = { steps: ['reach', 'endpoint', 'key', 'model', 'answer'].map((step) => ({ step, status: 'pass' })) };
  const keyFailed = { steps: [{ step: 'key', status: 'fail' }, { step: 'model', status: 'not_reached' }] };
  for (const d of [passed, keyFailed, null]) {
    const out = await withSuggestions(relay.core, api, { id: 'x' }, {}, d);
    assert.equal(out.diagnosis, d);
    assert.equal(out.list, null);
  }
  assert.equal(asked, 0);
  // A relay call that throws is "the list could not be had", never an exception.
  const failing = { upstreamModels: async () => { throw new Error('down'); } };
  const model = { step: 'model', status: 'fail' };
  const out = await withSuggestions(relay.core, failing, { id: 'x' }, { status: 404, body: '{"error":{"code":"model_not_found","message":"no"}}', contentType: 'application/json' },
    { steps: [{ step: 'key', status: 'pass' }, model] });
  assert.match(out.diagnosis.steps[3].advice, /could not be had \(the relay could not get it\)/);
});
