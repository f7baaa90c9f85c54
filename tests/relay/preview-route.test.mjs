// POST /api/playground/preview: the call the relay would make for a body (the key's shaped
// headers, the shaping's changes, "Copy as curl"), for the page's inspect view, whose module
// no longer has shapeChatBody and curlCommand. These tests check the reply is exactly what
// the page computed itself before (the relay's build of the core, on the public model list),
// for shaped and plain keys and for a body large enough for the request-check worker; that
// no key nor a piece of one is in it; that it is guarded like the chat route (auth, same
// origin, the same errors, the upload budget); and that the provider is never called. Then
// the page's side: RelayApi.preview and upstreamInfo (the inspect view's text) over it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startRelay, TOKEN, shapedRequestSettings, withRefusedPlan } from '../support/relay-harness.mjs';
import { RelayApi } from '../../web/playground/api.js';
import { upstreamInfo } from '../../web/playground/upstream-view.js';
import { PER_CALL } from '../../web/contract.js';

const SECRETS = {
  PREVIEW_KEY: 'TESTSECRETpreviewKq7Zr4Wm2Xv9Lp3Nt8-PREV',
  PREVIEW_ANT: 'TESTSECRETpreviewAnt5Hc1Jd6Fg7Bk-ANTH',
  PREVIEW_AZURE: 'TESTSECRETpreview5e2b7c9d1f4a6e8b3cAZ',
  PREVIEW_HEADER: 'TESTSECRETpreviewHdr3Qw8Er5Ty1Ui6-PORT',
};
// What the page passed to shapeChatBody as the request id (web/playground/upstream-view.js).
const INLINE_BYTES = 4 * 1024; // bodies past this are checked on the worker
const REQUEST_BYTES = 1024 * 1024; // the relay's size cap here (25 MiB by default)

let up;
let relay;
const ids = {};

function resources() {
  const base = up.base('inspect');
  const key = (name, extra = {}) => ({ display_name: name, provider: 'vllm', adapter: 'openai', api_base: base, api_key: '${PREVIEW_KEY}', ...extra });
  return {
    _format_version: '1',
    provider_keys: [
      key('k-shaped', {
        request: shapedRequestSettings('PREVIEW_HEADER'),
        response: { content_list_to_string: true },
      }),
      key('k-plain'),
      { display_name: 'k-anthropic', provider: 'anthropic', api_base: `http://127.0.0.1:${up.port}/inspect`, api_key: '${PREVIEW_ANT}' },
      { display_name: 'k-azure', provider: 'azure', adapter: 'azure-openai', api_base: `http://127.0.0.1:${up.port}/inspect`, api_key: '${PREVIEW_AZURE}' },
    ],
    models: [
      { display_name: 'shaped', provider: 'vllm', model_name: 'llama-3', provider_key: 'k-shaped' },
      { display_name: 'plain', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-plain' },
      { display_name: 'anthropic', provider: 'openai', model_name: 'claude-sonnet-4-5', provider_key: 'k-anthropic' },
      { display_name: 'azure', provider: 'openai', model_name: 'my-deployment', provider_key: 'k-azure' },
      { display_name: 'failover', routing: { strategy: 'failover', targets: [{ model: 'plain' }, { model: 'azure' }] } },
    ],
  };
}

before(async () => {
  up = await startFakeUpstream();
  relay = await startRelay({
    resources: resources(),
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
    settings: { limits: { inlineCheckBytes: INLINE_BYTES, requestBytes: REQUEST_BYTES } },
  });
  for (const m of await relay.models()) ids[m.display_name] = m.id;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
});

const preview = (model, body, opts = {}) => relay.call('/api/playground/preview', { method: 'POST', body: { model, body }, ...opts });

/** A body as the page builds it for a model (core.buildRequest). */
function pageBody(model, { messages = [{ role: 'user', content: 'Preview me' }], params = {}, stream = false } = {}) {
  const built = relay.core.buildRequest({ system: 'Be brief.', messages, params, stream, model: { model_name: model.model_name, provider: model.provider } });
  assert.equal(built.ok, true, JSON.stringify(built.errors));
  return built.body;
}

/** What the page computed itself before this route (upstream-view.js with the page's core). */
function pageComputed(model, body) {
  const { core } = relay;
  const call = model.call;
  const shaped = model.gateway?.shaping ? core.shapeChatBody(body, model.gateway.shaping, PER_CALL) : null;
  return {
    headers: shaped?.headers ?? [],
    changes: shaped?.changes ?? [],
    curl: core.curlCommand({ url: call.url, auth: call.auth, headers: [...call.headers, ...(shaped?.headers ?? [])] }, shaped?.body ?? body),
  };
}

/** Every secret, and every 8-byte piece of one, absent from `text`. */
function assertNoSecret(text, what) {
  for (const secret of Object.values(SECRETS)) {
    for (let i = 0; i + 8 <= secret.length; i++) {
      const piece = secret.slice(i, i + 8);
      assert.equal(text.includes(piece), false, `${what}: a piece of ${secret.slice(0, 6)}… (${piece})`);
    }
  }
}

test('the reply is what the page computed itself: the key\'s shaped headers, the changes, and the same curl command', async () => {
  const models = await relay.models();
  const bodies = [
    {},
    { params: { max_tokens: 50, temperature: 1.6 }, stream: true },
    { messages: [{ role: 'user', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'it\'s "quoted" $HOME `x`' }] }], params: { temperature: 0.4 } },
  ];
  for (const name of ['shaped', 'plain', 'anthropic', 'azure']) {
    const model = models.find((m) => m.display_name === name);
    for (const opts of bodies) {
      const body = pageBody(model, opts);
      const r = await preview(model.id, body);
      const text = await r.text();
      assert.equal(r.status, 200, `${name}: ${text}`);
      const reply = JSON.parse(text);
      assert.deepEqual(reply, { ok: true, ...pageComputed(model, body) }, `${name} ${JSON.stringify(opts)}`);
    }
  }
  // The shaped model's reply says what the key's settings do, the secret header as ***.
  const shaped = models.find((m) => m.display_name === 'shaped');
  const reply = await (await preview(shaped.id, pageBody(shaped, { params: { max_tokens: 50, temperature: 1.6 } }))).json();
  const header = Object.fromEntries(reply.headers.map((h) => [h.name.toLowerCase(), h.value]));
  assert.equal(header['x-tenant'], 'acme');
  assert.equal(header['x-call'], PER_CALL);
  assert.equal(header['x-portkey-api-key'], '***');
  assert.ok(reply.changes.some((c) => c.text === '`max_tokens` renamed to `max_completion_tokens` by the key\'s settings'), JSON.stringify(reply.changes));
  assert.ok(reply.curl.startsWith(`curl '${shaped.call.url}'`), reply.curl);
  assert.ok(reply.curl.includes('"authorization: Bearer $PROVIDER_KEY"'), reply.curl);
  assert.ok(reply.curl.includes('"max_completion_tokens": 50'), reply.curl);
});

test('a body past the inline size is checked on the worker and gives the same reply', async () => {
  const model = (await relay.models()).find((m) => m.display_name === 'shaped');
  const body = pageBody(model, { messages: [{ role: 'user', content: 'long '.repeat(INLINE_BYTES / 2) }], params: { max_tokens: 7 } });
  assert.ok(JSON.stringify(body).length > INLINE_BYTES);
  const r = await preview(model.id, body);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { ok: true, ...pageComputed(model, body) });
});

test('no key, nor a piece of one, is in any reply or log line, and the provider is never called', async () => {
  const before = up.seen.length;
  const models = await relay.models();
  for (const model of models.filter((m) => m.call?.ok)) {
    const r = await preview(model.id, pageBody(model));
    const text = await r.text();
    assert.equal(r.status, 200, text);
    assertNoSecret(text, model.display_name);
  }
  for (const line of relay.logs) assertNoSecret(line, 'log');
  assert.deepEqual(relay.leaks(Object.values(SECRETS)), []);
  assert.equal(up.seen.length, before, 'not one call reached the provider');
});

test('one log line per call, msg "preview", never the body', async () => {
  const model = (await relay.models()).find((m) => m.display_name === 'plain');
  const n = relay.logs.length;
  const r = await preview(model.id, pageBody(model, { messages: [{ role: 'user', content: 'a prompt never logged' }] }));
  assert.equal(r.status, 200);
  await r.text();
  const lines = relay.logs.slice(n).map((l) => JSON.parse(l));
  assert.equal(lines.length, 1);
  assert.equal(lines[0].msg, 'preview');
  assert.equal(lines[0].status, 200);
  assert.equal(lines[0].modelName, 'gpt-4.1-mini');
  assert.equal(relay.logs.slice(n).join('\n').includes('a prompt never logged'), false);
});

test('authentication first: no token or a wrong one is 401', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
    const r = await preview(ids.plain, { messages: [{ role: 'user', content: 'x' }] }, { auth: null, headers });
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.kind, 'unauthorized');
  }
});

test('a browser call must be same-origin and carry the playground header', async () => {
  const login = await relay.call(`/?token=${TOKEN}`, { auth: null });
  const session = login.headers.get('set-cookie').split(';')[0];
  const body = { messages: [{ role: 'user', content: 'x' }] };
  const noHeader = await preview(ids.plain, body, { auth: null, headers: { cookie: session } });
  assert.equal(noHeader.status, 403);
  assert.equal((await noHeader.json()).error.kind, 'cross_site');
  const crossOrigin = await preview(ids.plain, body, { auth: null, headers: { cookie: session, 'x-playground': '1', origin: 'https://evil.example' } });
  assert.equal(crossOrigin.status, 403);
  assert.equal((await crossOrigin.json()).error.kind, 'cross_site');
  const ok = await preview(ids.plain, body, { auth: null, headers: { cookie: session, 'x-playground': '1' } });
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).ok, true);
});

test('the chat route\'s errors: unknown model, untestable model, invalid body, bad JSON, too large', async () => {
  const hello = { messages: [{ role: 'user', content: 'x' }] };
  const unknown = await preview('no-such-id', hello);
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.kind, 'unknown_model');
  const multi = await preview(ids.failover, hello);
  assert.equal(multi.status, 409);
  assert.equal((await multi.json()).error.kind, 'not_testable');
  const invalid = await preview(ids.plain, { ...hello, temperature: 9 });
  assert.equal(invalid.status, 400);
  const error = (await invalid.json()).error;
  assert.equal(error.kind, 'invalid_request');
  assert.ok(error.errors.some((e) => /temperature/.test(e.field)));
  const junk = await relay.call('/api/playground/preview', { method: 'POST', body: '{nope' });
  assert.equal(junk.status, 400);
  assert.equal((await junk.json()).error.kind, 'invalid_request');
  const big = await relay.call('/api/playground/preview', { method: 'POST', body: { model: ids.plain, body: { messages: [{ role: 'user', content: 'x'.repeat(REQUEST_BYTES) }] } } });
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.kind, 'too_large');
  const get = await relay.call('/api/playground/preview');
  assert.equal(get.status, 404);
  await get.text();
});

test('a base URL the core refuses is the chat route\'s config error, redacted', async () => {
  const secret = SECRETS.PREVIEW_KEY;
  const r = await withRefusedPlan(relay, `the base URL https://u:${secret}@x.example/v1 carries credentials`, () => preview(ids.plain, { messages: [{ role: 'user', content: 'x' }] }));
  assert.equal(r.status, 503);
  const { error } = await r.json();
  assert.equal(error.kind, 'config');
  assert.equal(error.reason, 'bad_base_url');
  assert.equal(JSON.stringify(error).includes(secret), false);
});

test('it reads its body within the replica\'s upload budget', async () => {
  const small = await startRelay({
    resources: resources(),
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
    settings: { limits: { uploadsInFlight: 1 } },
  });
  try {
    const id = await small.idOf('plain');
    // One upload held open (its body never ends) takes the replica's only slot.
    const held = new AbortController();
    const stalled = fetch(`${small.base}/api/playground/chat`, {
      method: 'POST', signal: held.signal, duplex: 'half',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': '100000' },
      body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"model":')); } }),
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 200));
    const r = await small.call('/api/playground/preview', { method: 'POST', body: { model: id, body: { messages: [{ role: 'user', content: 'x' }] } } });
    assert.equal(r.status, 503);
    const { error } = await r.json();
    assert.equal(error.kind, 'overloaded');
    assert.equal(error.reason, 'upload_budget');
    held.abort();
    await stalled;
  } finally {
    await small.stop();
  }
});

/**
 * The page's RelayApi against this relay: its fetch with the bearer token added (the page
 * sends its session cookie), every request's path counted.
 */
async function withPageFetch(fn) {
  const real = globalThis.fetch;
  const paths = [];
  globalThis.fetch = (url, init = {}) => {
    paths.push(new URL(String(url)).pathname);
    return real(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${TOKEN}` } });
  };
  try { return await fn(paths); } finally { globalThis.fetch = real; }
}

test('the page\'s view: the call plan at once, then the shaped lines and the curl command from the relay, asked once', async () => {
  const model = (await relay.models()).find((m) => m.display_name === 'shaped');
  const body = pageBody(model, { params: { max_tokens: 50 } });
  const expected = pageComputed(model, body);
  await withPageFetch(async (paths) => {
    const info = upstreamInfo(new RelayApi(`${relay.base}/api/playground`), model, body);
    // At once, from the model list alone: nothing asked yet, no shaped line.
    assert.equal(info.summary.split('\n')[0], `POST ${model.call.url}`);
    assert.doesNotMatch(info.summary, /X-Tenant|sent as the gateway sends it/);
    assert.deepEqual(paths, []);
    const view = await info.complete();
    assert.equal(view.failed, false);
    assert.equal(view.curl, expected.curl);
    assert.equal(view.curlMissing, undefined);
    const lines = view.summary.split('\n');
    // The key's headers after the relay's own, the changes after the plan's notes.
    const tenant = lines.indexOf('X-Tenant: acme');
    assert.ok(tenant > lines.indexOf('Authorization: Bearer ***'), view.summary);
    assert.ok(lines.includes('X-Portkey-Api-Key: ***'), view.summary);
    assert.ok(lines.includes('X-Call: (set per call)'), view.summary);
    for (const change of expected.changes) assert.ok(lines.includes(`# sent as the gateway sends it: ${change.text}`), change.text);
    assert.equal(lines.filter((l) => l.startsWith('# sent as the gateway sends it: ')).length, expected.changes.length);
    assert.equal(view.summary.startsWith(info.summary.split('\n').slice(0, tenant).join('\n')), true);
    assert.equal(await info.complete(), view, 'asked once');
    assert.deepEqual(paths, ['/api/playground/preview']);
  });
});

test('the page\'s view when the relay cannot be asked: why, in place of the command, never an exception', async () => {
  const model = (await relay.models()).find((m) => m.display_name === 'shaped');
  const body = pageBody(model);
  // Nobody listening at this address.
  const closed = net.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = /** @type {import('node:net').AddressInfo} */ (closed.address());
  await new Promise((r) => closed.close(r));
  const unreachable = new RelayApi(`http://127.0.0.1:${port}/api/playground`);
  const reply = await unreachable.preview(model.id, body);
  assert.equal(reply.ok, false);
  assert.match(reply.message, /^the relay could not be reached/);
  const info = upstreamInfo(unreachable, model, body);
  const view = await info.complete();
  assert.equal(view.failed, true);
  assert.equal(view.curl, null);
  assert.equal(view.summary, info.summary);
  assert.match(view.curlMissing, /^No curl command: the relay could not be reached .*\. What the key's settings add to this call is not shown either\.$/);
  assert.notEqual(await info.complete(), view, 'asked again after a failure');

  // A relay error (here: not signed in) says the relay's message.
  const refused = await new RelayApi(`${relay.base}/api/playground`).preview(model.id, body);
  assert.equal(refused.ok, false);
  assert.match(refused.message, /^sign in first/);
  const unknown = await withPageFetch(() => new RelayApi(`${relay.base}/api/playground`).preview('no-such-id', body));
  assert.equal(unknown.ok, false);
  assert.match(unknown.message, /^no model with id "no-such-id"/);
});
