// The model list carries each model's call plan (PublicModel.call): the method, URL and
// headers the relay calls the model with, the key as a placeholder. These tests call every
// model through the relay against a local provider that records what it got, and check that
// the plan listed is the call made, that no key is ever in the list, and that the page's
// inspect view and "Copy as curl" (upstream-view.js over the relay's preview route) show the
// relay's URL, not one planned again from the model's own provider, and "Copy as curl" sends
// the headers the relay sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startRelay } from '../support/relay-harness.mjs';
import { upstreamInfo } from '../../web/playground/upstream-view.js';

const SECRETS = {
  PLAN_OPENAI: 'sk-proj-TESTSECRETplanopenai000000000000-PLAN',
  PLAN_ANTHROPIC: 'sk-ant-api03-TESTSECRETplananthropic0000000-PLAN',
  PLAN_AZURE: 'azTESTSECRETplan0123456789abcdef0123',
  PLAN_HEADER: 'TESTSECRETheader-value-0123456789',
};

let up;
let relay;

function resources() {
  const base = `http://127.0.0.1:${up.port}/inspect`;
  return {
    _format_version: '1',
    provider_keys: [
      { display_name: 'k-openai', provider: 'openai-compatible', adapter: 'openai', api_base: `${base}/v1`, api_key: '${PLAN_OPENAI}' },
      // Called at /v1/chat/completions on its base: a plan made from the model's provider
      // ("openai") would name another path.
      { display_name: 'k-anthropic', provider: 'anthropic', api_base: base, api_key: '${PLAN_ANTHROPIC}' },
      { display_name: 'k-azure', provider: 'azure', adapter: 'azure-openai', api_base: base, api_key: '${PLAN_AZURE}' },
      { display_name: 'k-shaped', provider: 'vllm', adapter: 'openai', api_base: `${base}/v1`, api_key: '${PLAN_OPENAI}',
        request: { default_headers: { 'X-Tenant': 'acme', 'x-secret': '${PLAN_HEADER}', 'User-Agent': 'acme-agent/2' } } },
    ],
    models: [
      { display_name: 'm-openai', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-openai' },
      { display_name: 'm-anthropic', provider: 'openai', model_name: 'claude-sonnet-4-5', provider_key: 'k-anthropic' },
      { display_name: 'm-azure', provider: 'openai', model_name: 'my-deployment', provider_key: 'k-azure' },
      { display_name: 'm-shaped', provider: 'vllm', model_name: 'llama-3', provider_key: 'k-shaped' },
      { display_name: 'm-failover', routing: { strategy: 'failover', targets: [{ model: 'm-openai' }, { model: 'm-azure' }] } },
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
});

const hello = { messages: [{ role: 'user', content: 'Plan me' }], stream: false };
// The page's RelayApi.preview, against this relay (the bearer token in place of the cookie).
const api = {
  calls: 0,
  async preview(model, body) {
    this.calls += 1;
    return (await relay.call('/api/playground/preview', { method: 'POST', body: { model, body } })).json();
  },
};
const keyOf = { 'm-openai': SECRETS.PLAN_OPENAI, 'm-anthropic': SECRETS.PLAN_ANTHROPIC, 'm-azure': SECRETS.PLAN_AZURE, 'm-shaped': SECRETS.PLAN_OPENAI };

test('the model list carries each direct model\'s call plan, and never a key', async () => {
  const r = await relay.call('/api/playground/models');
  const text = await r.text();
  for (const secret of Object.values(SECRETS)) assert.equal(text.includes(secret), false, `${secret.slice(0, 8)}… is not in the list`);
  const { models } = JSON.parse(text);
  for (const name of Object.keys(keyOf)) {
    const { call } = models.find((m) => m.display_name === name);
    assert.equal(call.ok, true, name);
    assert.equal(call.method, 'POST');
    assert.match(call.url, new RegExp(`^http://127\\.0\\.0\\.1:${up.port}/inspect/`), name);
    assert.ok(call.headers.some((h) => h.value.includes('***')), `${name}: the key as a placeholder`);
    const keyHeader = call.headers.find((h) => h.name === call.auth.header);
    assert.equal(keyHeader?.value, `${call.auth.scheme}***`, `${name}: auth names the header that carries the key`);
  }
  assert.equal(models.find((m) => m.display_name === 'm-failover').call, undefined, 'a multi-target model has no single call');
  const azure = models.find((m) => m.display_name === 'm-azure').call;
  assert.match(azure.url, /\/openai\/deployments\/my-deployment\/chat\/completions\?api-version=/);
  assert.ok(azure.headers.some((h) => h.name === 'api-key' && h.value === '***'));
});

test('the plan listed is the call the relay makes: method, URL and every listed header', async () => {
  const models = await relay.models();
  for (const [name, key] of Object.entries(keyOf)) {
    const model = models.find((m) => m.display_name === name);
    const before = up.seen.length;
    const r = await relay.chat(model.id, hello);
    assert.equal(r.status, 200, `${name}: ${await r.text()}`);
    assert.equal(up.seen.length, before + 1, `${name}: one call`);
    const got = up.seen.at(-1);
    const url = new URL(model.call.url);
    assert.equal(got.method, model.call.method, name);
    assert.equal(got.url, `${url.pathname}${url.search}`, `${name}: the path and query`);
    assert.equal(got.headers.host, url.host, `${name}: the host`);
    // A key's default headers (rendered per body: shapeChatBody) replace the relay's own.
    const shaped = model.gateway?.shaping ? relay.core.shapeChatBody(hello, model.gateway.shaping, 'r').headers : [];
    for (const { name: header, value } of model.call.headers) {
      const own = shaped.find((h) => h.name === header);
      assert.equal(got.headers[header], own ? own.value : value.replace('***', key), `${name}: ${header}`);
    }
    for (const header of model.call.perCallHeaders) assert.ok(header in got.headers, `${name}: ${header} is set per call`);
  }
});

test('the page shows and copies the relay\'s URL (inspect view, Copy as curl), not a URL planned from the model\'s provider', async () => {
  const core = relay.core;
  const models = await relay.models();
  for (const name of Object.keys(keyOf)) {
    const model = models.find((m) => m.display_name === name);
    const body = core.buildRequest({ messages: hello.messages, stream: false, model: { model_name: model.model_name, provider: model.provider } }).body;
    const info = await upstreamInfo(api, model, body).complete();
    assert.equal(info.summary.split('\n')[0], `POST ${model.call.url}`, name);
    assert.ok(info.curl.startsWith(`curl '${model.call.url}'`), `${name}: ${info.curl.split('\n')[0]}`);
    // The key's header reads $PROVIDER_KEY (the other headers: the next test).
    assert.ok(info.curl.includes(`\n  -H "${model.call.auth.header}: ${model.call.auth.scheme}$PROVIDER_KEY" \\\n`), `${name}: ${info.curl}`);
    assert.equal(info.curl.includes(`${model.call.auth.header}: ${model.call.auth.scheme}***`), false, `${name}: no placeholder for the key`);
    for (const secret of Object.values(SECRETS)) assert.equal(`${info.summary}${info.curl}`.includes(secret), false);
  }
  // The model's own provider would have planned another URL for the Anthropic key.
  const anthropic = models.find((m) => m.display_name === 'm-anthropic');
  const fromModel = core.planChatCall({ provider: anthropic.provider, api_base: anthropic.api_base, model_name: anthropic.model_name });
  assert.notEqual(fromModel.url, anthropic.call.url, 'the case this guards against');
  assert.equal(anthropic.call.url, `http://127.0.0.1:${up.port}/inspect/v1/chat/completions`);
});

/** The -H headers of a curl command (shell_quote's '…' words and the key's "…" one), by lower-cased name. */
function curlHeaders(curl) {
  const out = {};
  for (const [, single, double] of curl.matchAll(/^ {2}-H (?:'((?:[^']|'\\'')*)'|"([^"]*)") \\$/gm)) {
    const line = single !== undefined ? single.replaceAll("'\\''", "'") : double;
    const colon = line.indexOf(': ');
    const name = line.slice(0, colon).toLowerCase();
    assert.equal(out[name], undefined, `${name} is sent once`);
    out[name] = line.slice(colon + 2);
  }
  return out;
}

test('Copy as curl sends the headers the relay sent: its own, the key\'s default headers in their place, the key from $PROVIDER_KEY', async () => {
  const models = await relay.models();
  // Set by the relay per call or by curl itself (content-length, host), or the transport's.
  const perCall = new Set(['host', 'content-length', 'connection', 'x-aisix-request-id', 'accept']);
  for (const [name, key] of Object.entries(keyOf)) {
    const model = models.find((m) => m.display_name === name);
    const r = await relay.chat(model.id, hello);
    assert.equal(r.status, 200, `${name}: ${await r.text()}`);
    const got = up.seen.at(-1);
    const curl = curlHeaders((await upstreamInfo(api, model, hello).complete()).curl);
    const sent = Object.fromEntries(Object.entries(got.headers).filter(([h]) => !perCall.has(h)));
    assert.deepEqual(Object.keys(curl).sort(), Object.keys(sent).sort(), name);
    // A secret in a key's default header is shown as *** (the page never holds it).
    const hidden = (value) => Object.values(SECRETS).reduce((v, secret) => v.replaceAll(secret, '***'), value);
    for (const [h, value] of Object.entries(sent)) {
      assert.equal(curl[h], h === model.call.auth.header ? value.replace(key, '$PROVIDER_KEY') : hidden(value), `${name}: ${h}`);
    }
  }
});

test('a model the relay cannot plan says why in the inspect view, with no curl', async () => {
  const calls = api.calls;
  const upstream = upstreamInfo(api, { id: 'm', call: { ok: false, error: 'the base URL has no host' } }, { messages: [] });
  assert.equal(upstream.summary, '# the relay cannot build this call: the base URL has no host');
  const info = await upstream.complete();
  assert.equal(info.summary, upstream.summary);
  assert.equal(info.curl, null);
  assert.match(info.curlMissing, /No curl command/);
  assert.equal(api.calls, calls, 'the relay is not asked for a call it cannot make');
});

test('no secret in anything the relay returned or logged', () => {
  assert.deepEqual(relay.leaks(Object.values(SECRETS)), []);
});
