// The call as the gateway shapes it, through the real relay to local providers: a key's
// `request` block reaching the provider exactly as the gateway would send it (headers and
// body asserted where they arrive), a private CA trusted only through the key's tls.ca_cert
// (generated with openssl at test time), `verify: false`, and a model's `timeout` and
// `stream_timeout` ending slow calls with an error that names the model's limit. The
// relay's guards stay on: the address allowlist, the pin, redaction, the header allowlist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeUpstream, completion } from '../support/fake-upstreams.mjs';
import { startRelay, shapedRequestSettings } from '../support/relay-harness.mjs';
import { tempDir } from '../support/temp-dir.mjs';

const SECRETS = {
  SHAPE_KEY: 'sk-proj-TESTSECRETshaping00000000000000-SHAP',
  PORTKEY: 'pk-TESTSECRETdefaultheader0000000-PORT',
};

let up;      // plain HTTP scenario server (allow-listed)
let ca;      // the private CA and a server certificate it signed, for 127.0.0.1
let privateTls; // an HTTPS provider whose certificate only the private CA vouches for
let relay;
let dir;
const ids = {};

function makeCa() {
  dir = tempDir('private-ca');
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Playground Test Private CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  run('x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf');
  return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'srv.key')), cert: readFileSync(join(dir, 'srv.pem')) };
}

async function startPrivateTls({ key, cert }) {
  const server = https.createServer({ key, cert }, (req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(body.model, 'Hello over a private CA.')));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.port = server.address().port;
  return server;
}

function resources() {
  const base = (scenario) => up.base(scenario);
  const key = (name, api_base, extra = {}) => ({ display_name: name, provider: 'vllm', adapter: 'openai', api_base, api_key: '${SHAPE_KEY}', ...extra });
  const tlsBase = `https://127.0.0.1:${privateTls.port}/v1`;
  return {
    _format_version: '1',
    provider_keys: [
      key('shaped', base('inspect'), {
        request: shapedRequestSettings('PORTKEY'),
        response: { content_list_to_string: true, reasoning_field: 'delta.reasoning', stream_done_marker: 'required' },
      }),
      key('private-ca', tlsBase, { tls: { ca_cert: ca.ca } }),
      key('no-ca', tlsBase),
      key('bad-ca', tlsBase, { tls: { ca_cert: '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n' } }),
      key('no-verify', tlsBase, { tls: { verify: false } }),
      key('silent', base('silent')),
      key('drip', base('drip')),
      { display_name: 'entra', provider: 'azure', adapter: 'azure-openai', api_base: 'https://myres.openai.azure.com',
        api_key: '{"tenant_id":"t","client_id":"c","client_secret":"TESTSECRETentra-client-secret"}' },
    ],
    models: [
      { display_name: 'shaped', provider: 'vllm', model_name: 'llama-3', provider_key: 'shaped' },
      { display_name: 'private-ca', provider: 'vllm', model_name: 'llama-3', provider_key: 'private-ca' },
      { display_name: 'no-ca', provider: 'vllm', model_name: 'llama-3', provider_key: 'no-ca' },
      { display_name: 'bad-ca', provider: 'vllm', model_name: 'llama-3', provider_key: 'bad-ca' },
      { display_name: 'no-verify', provider: 'vllm', model_name: 'llama-3', provider_key: 'no-verify' },
      { display_name: 'one-second', provider: 'vllm', model_name: 'llama-3', provider_key: 'silent', timeout: 400 },
      { display_name: 'stream-budget', provider: 'vllm', model_name: 'llama-3', provider_key: 'silent', timeout: 60000, stream_timeout: 400 },
      { display_name: 'chunk-gap', provider: 'vllm', model_name: 'llama-3', provider_key: 'drip', stream_timeout: 300 },
      { display_name: 'entra', provider: 'azure', model_name: 'gpt-4o', provider_key: 'entra' },
    ],
  };
}

before(async () => {
  up = await startFakeUpstream();
  ca = makeCa();
  privateTls = await startPrivateTls(ca);
  relay = await startRelay({
    resources: resources(),
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port},127.0.0.1:${privateTls.port}` },
    // The relay's own limits are long: only the models' deadlines can end the slow calls.
    settings: { limits: { connectMs: 5000, firstByteMs: 10_000, idleMs: 10_000, totalMs: 20_000 } },
  });
  for (const m of await relay.models()) ids[m.display_name] = m.id;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
  await new Promise((r) => (privateTls ? privateTls.close(() => r()) : r()));
});

const ask = (extra = {}) => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'hello' }] }], ...extra });

test('a key\'s request block shapes the call: the provider gets the body and headers the gateway would send', async () => {
  const r = await relay.chat(ids.shaped, ask({ max_tokens: 50, temperature: 1.6 }));
  assert.equal(r.status, 200, await r.text());
  const seen = up.seen.at(-1);
  const { body, headers } = seen;
  // Body: renamed, clamped, a default added where the body had none, text parts joined.
  assert.equal(body.max_completion_tokens, 50);
  assert.equal('max_tokens' in body, false);
  assert.equal(body.temperature, 1);
  assert.equal(body.safe_prompt, true);
  assert.equal(body.messages[0].content, 'Say hello');
  assert.equal(body.model, 'llama-3');
  // Headers: the key's defaults, rendered; never over the key's own Authorization.
  assert.equal(headers['x-tenant'], 'acme');
  assert.equal(headers['x-model'], 'shaped');
  assert.match(headers['x-aisix-request-id'], /^[0-9a-f-]{36}$/);
  assert.equal(headers['x-call'], headers['x-aisix-request-id'], '${request.id} is the id the gateway sends as x-aisix-request-id');
  assert.equal('x-team' in headers, false, 'a header naming the caller\'s API key is dropped, never sent blank');
  assert.equal(headers.authorization, `Bearer ${SECRETS.SHAPE_KEY}`);
  assert.equal(headers['x-portkey-api-key'], SECRETS.PORTKEY);
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['accept-encoding'], 'identity', 'the relay keeps its own transport headers');

  // A default body field the caller set stays the caller's.
  const own = await relay.chat(ids.shaped, ask({ temperature: 0.4, stream: true }));
  assert.equal(own.status, 200);
  await own.text();
  assert.equal(up.seen.at(-1).body.temperature, 0.4);
  assert.equal(up.seen.at(-1).headers.accept, 'text/event-stream');
});

test('the model list says how the key shapes the call, hides credential-like values and lists the differences', async () => {
  const r = await relay.call('/api/playground/models');
  const text = await r.text();
  for (const s of Object.values(SECRETS)) assert.equal(text.includes(s), false, 'no secret in the list');
  assert.equal(text.includes('TESTSECRETentra'), false);
  const { models } = JSON.parse(text);
  const shaped = models.find((m) => m.display_name === 'shaped');
  const shaping = shaped.gateway.shaping;
  assert.deepEqual(shaping.paramRenames, { max_tokens: 'max_completion_tokens' });
  assert.equal(shaping.defaultHeaders['X-Tenant'], 'acme');
  assert.equal(shaping.defaultHeaders['x-portkey-api-key'], '***');
  assert.equal(shaping.reasoningField, 'delta.reasoning');
  assert.deepEqual(shaped.gateway.differences.map((d) => d.code), ['caller_header_dropped']);

  // The page's preview of the same call, and the plan's answer-reading data.
  const preview = relay.core.shapeChatBody({ model: 'llama-3', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }, shaping, 'req-1');
  assert.equal(preview.body.max_completion_tokens, 5);
  assert.ok(preview.changes.some((c) => c.text === '`max_tokens` renamed to `max_completion_tokens` by the key\'s settings'));
  const plan = relay.core.planChatCall({ provider: 'vllm', adapter: 'openai', api_base: shaped.api_base, model_name: 'llama-3', shaping });
  assert.deepEqual(plan.gateway.answerReading, { reasoningField: 'delta.reasoning', streamDoneMarker: 'required', contentListToString: true });

  const noVerify = models.find((m) => m.display_name === 'no-verify');
  assert.deepEqual(noVerify.gateway.differences.map((d) => d.code), ['tls_verify_off']);
  const entra = models.find((m) => m.display_name === 'entra');
  assert.equal(entra.testable, false);
  assert.match(entra.reason, /Entra ID client credentials/);
  assert.match(entra.reason, /Authorization: Bearer/);
});

test('an Azure key holding Entra ID credentials is refused before any call, never sent as api-key', async () => {
  const before = up.seen.length;
  const r = await relay.chat(ids.entra, ask());
  assert.equal(r.status, 409);
  const error = (await r.json()).error;
  assert.equal(error.kind, 'not_testable');
  assert.equal(JSON.stringify(error).includes('TESTSECRETentra'), false);
  assert.equal(up.seen.length, before);
});

test('a private CA: trusted only through the key\'s tls.ca_cert, for that key only', async () => {
  const ok = await relay.chat(ids['private-ca'], ask());
  assert.equal(ok.status, 200);
  assert.equal((await ok.json()).choices[0].message.content, 'Hello over a private CA.');

  // The same server for a key without the CA: the certificate is not trusted.
  const refused = await relay.chat(ids['no-ca'], ask());
  assert.equal(refused.status, 502);
  const error = (await refused.json()).error;
  assert.equal(error.kind, 'tls');
  assert.match(error.reason, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED/);

  // A ca_cert that holds no certificate: the gateway ignores it, so the call is not trusted.
  const bad = await relay.chat(ids['bad-ca'], ask());
  assert.equal((await bad.json()).error.kind, 'tls');
});

test('tls.verify: false is honoured as the gateway honours it: any certificate, this key only', async () => {
  const r = await relay.chat(ids['no-verify'], ask());
  assert.equal(r.status, 200);
  await r.text();
  // The key without the setting still refuses the same server.
  assert.equal((await (await relay.chat(ids['no-ca'], ask())).json()).error.kind, 'tls');
});

test('a model\'s timeout ends a slow whole answer, naming the model\'s limit', async () => {
  const t0 = Date.now();
  const r = await relay.chat(ids['one-second'], ask());
  const elapsed = Date.now() - t0;
  assert.equal(r.status, 504);
  const { error } = await r.json();
  assert.equal(error.kind, 'timeout');
  assert.equal(error.reason, 'model_timeout');
  assert.equal(error.limit, 'model.timeout');
  assert.equal(error.limitMs, 400);
  assert.match(error.message, /400 ms, the model's `timeout`/);
  assert.ok(elapsed < 5000, `ended by the model's 400 ms, not the relay's 20 s (${elapsed} ms)`);
});

test('a model\'s stream_timeout bounds a stream\'s wait for the response headers', async () => {
  const t0 = Date.now();
  const r = await relay.chat(ids['stream-budget'], ask({ stream: true }));
  assert.equal(r.status, 504);
  const { error } = await r.json();
  assert.equal(error.reason, 'model_stream_timeout');
  assert.equal(error.limit, 'model.stream_timeout');
  assert.equal(error.phase, 'first_byte');
  assert.ok(Date.now() - t0 < 5000);
  // Without a stream the same model's own `timeout` (60 s) applies, not stream_timeout.
  const plan = relay.core.planChatCall({ provider: 'vllm', adapter: 'openai', api_base: up.base('silent'), model_name: 'llama-3',
    shaping: (await relay.models()).find((m) => m.display_name === 'stream-budget').gateway.shaping });
  assert.deepEqual(plan.gateway.deadlines, { request: { ms: 60000, from: 'model.timeout' }, stream: { ms: 400, from: 'model.stream_timeout' } });
});

test('a model\'s stream_timeout bounds the gap between chunks: the stream ends with the relay\'s event naming it', async () => {
  const r = await relay.chat(ids['chunk-gap'], ask({ stream: true }));
  assert.equal(r.status, 200);
  const nonce = r.headers.get('x-playground-relay-nonce');
  const text = await r.text();
  const event = JSON.parse(text.slice(text.indexOf('event: relay_error')).split('\ndata: ')[1].split('\n')[0]);
  assert.equal(event.error.reason, 'model_stream_timeout');
  assert.equal(event.error.phase, 'idle');
  assert.equal(event.error.limitMs, 300);
  assert.equal(event.error.nonce, nonce);
});

test('no secret reached a client or a log line', () => {
  assert.deepEqual(relay.leaks([...Object.values(SECRETS), 'TESTSECRETentra-client-secret']), []);
});
