// The relay, driven over HTTP against local upstreams that behave like real providers.
// Ends with a scan of every byte the relay returned (and every log line) for every secret.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';

const SECRETS = {
  OPENAI_T: 'sk-proj-TESTSECRETopenai0000000000000000-WXYZ',
  ANTHROPIC_T: 'sk-ant-api03-TESTSECRETanthropic0000000000-AAAA',
  AZURE_T: 'azTESTSECRET0123456789abcdef0123',
};

let up; // the scenario server (allow-listed)
let forbidden; // a loopback server that is NOT allow-listed: must never see a connection
let tlsUp; // self-signed TLS upstream
let relay;
const ids = {};

function resources() {
  const key = (name, base, extra = {}) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: '${OPENAI_T}', ...extra });
  const scenarioNames = ['openai', 'echo401', 'echoStream', 'html404', 'redirect', 'drip', 'reset', 'silent', 'endless', 'huge', 'ratelimit', 'gzip', 'inspect'];
  const keys = scenarioNames.map((s) => key(`k-${s}`, up.base(s)));
  keys.push({ display_name: 'k-anthropic', provider: 'anthropic-compatible', adapter: 'openai', api_base: up.base('anthropic'), api_key: '${ANTHROPIC_T}' });
  keys.push({ display_name: 'k-azure', provider: 'azure', adapter: 'azure-openai', api_base: `http://127.0.0.1:${up.port}/azure`, api_key: '${AZURE_T}' });
  keys.push(key('k-forbidden', `http://127.0.0.1:${forbidden.address().port}/v1`));
  keys.push(key('k-localhost', `http://localhost:${forbidden.address().port}/v1`));
  keys.push(key('k-tls', tlsUp.base('openai')));
  keys.push(key('k-nxdomain', 'https://no-such-host.invalid/v1'));
  keys.push(key('k-refused', `http://127.0.0.1:${refusedPort}/v1`));
  const models = [...scenarioNames, 'anthropic', 'azure', 'forbidden', 'localhost', 'tls', 'nxdomain', 'refused'].map((s) => ({
    display_name: `m-${s}`, provider: 'openai', model_name: s === 'anthropic' ? 'claude-sonnet-4-5' : s === 'azure' ? 'my-deployment' : 'gpt-4.1-mini', provider_key: `k-${s}`,
  }));
  models.push({ display_name: 'm-failover', routing: { strategy: 'failover', targets: [{ model: 'm-openai' }, { model: 'm-anthropic' }] } });
  return { _format_version: '1', provider_keys: keys, models };
}

let refusedPort;

before(async () => {
  up = await startFakeUpstream();
  up.expectedKeys.azure = SECRETS.AZURE_T;
  tlsUp = await startFakeUpstream({ tls: true });
  forbidden = net.createServer((s) => { forbidden.connections++; s.destroy(); });
  forbidden.connections = 0;
  await new Promise((r) => forbidden.listen(0, '127.0.0.1', r));
  // A port with nobody listening: take one and close it.
  const tmp = net.createServer();
  await new Promise((r) => tmp.listen(0, '127.0.0.1', r));
  refusedPort = tmp.address().port;
  await new Promise((r) => tmp.close(r));

  relay = await startRelay({
    resources: resources(),
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port},127.0.0.1:${tlsUp.port},127.0.0.1:${refusedPort}` },
    settings: { limits: { idleMs: 400, firstByteMs: 500, connectMs: 1000, totalMs: 5000, responseBytes: 1024 * 1024, requestBytes: 256 * 1024 } },
  });
  for (const m of await relay.models()) ids[m.display_name.replace(/^m-/, '')] = m.id;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
  await tlsUp?.stop();
  forbidden?.close();
});

const hello = (extra = {}) => ({ messages: [{ role: 'user', content: 'Say hello' }], ...extra });

test('the model list shows settings but never a secret, and marks multi-target models', async () => {
  const r = await relay.call('/api/playground/models');
  assert.equal(r.status, 200);
  const text = await r.text();
  for (const s of Object.values(SECRETS)) assert.ok(!text.includes(s));
  const { models } = JSON.parse(text);
  const openai = models.find((m) => m.display_name === 'm-openai');
  assert.equal(openai.model_name, 'gpt-4.1-mini');
  assert.equal(openai.api_base, up.base('openai'));
  assert.equal(openai.provider_key.display_name, 'k-openai');
  assert.equal(openai.testable, true);
  const failover = models.find((m) => m.display_name === 'm-failover');
  assert.equal(failover.testable, false);
  assert.match(failover.reason, /routing|gateway/i);
});

test('authentication comes first: no token, wrong token, unknown model all look the same before auth', async () => {
  for (const auth of [null, 'Bearer wrong']) {
    const headers = auth ? { authorization: auth } : {};
    const r = await relay.call('/api/playground/chat', { method: 'POST', auth: null, headers, body: { model: 'nope', body: hello() } });
    assert.equal(r.status, 401);
    assert.deepEqual((await r.json()).error.kind, 'unauthorized');
  }
});

test('the token login sets an HttpOnly SameSite=Strict cookie that works with the custom header only', async () => {
  const login = await relay.call(`/?token=${TOKEN}`, { auth: null });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const session = cookie.split(';')[0];
  const list = await relay.call('/api/playground/models', { auth: null, headers: { cookie: session } });
  assert.equal(list.status, 200);
  await list.text();
  // A POST with the cookie but without the custom header is what a cross-site form would send.
  const noHeader = await relay.call('/api/playground/chat', { method: 'POST', auth: null, headers: { cookie: session }, body: { model: ids.openai, body: hello() } });
  assert.equal(noHeader.status, 403);
  assert.equal((await noHeader.json()).error.kind, 'cross_site');
  const crossOrigin = await relay.call('/api/playground/chat', { method: 'POST', auth: null, headers: { cookie: session, 'x-playground': '1', origin: 'https://evil.example' }, body: { model: ids.openai, body: hello() } });
  assert.equal((await crossOrigin.json()).error.kind, 'cross_site');
  const ok = await relay.call('/api/playground/chat', { method: 'POST', auth: null, headers: { cookie: session, 'x-playground': '1' }, body: { model: ids.openai, body: hello() } });
  assert.equal(ok.status, 200);
  await ok.text();
  const bad = await relay.call('/api/playground/models', { auth: null, headers: { cookie: `${session}x` } });
  assert.equal(bad.status, 401);
  await bad.text();
});

test('a non-streaming call passes the upstream status, content type and body through, with Server-Timing', async () => {
  const r = await relay.chat(ids.openai, hello());
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.match(r.headers.get('server-timing'), /ttfb;dur=\d/);
  assert.match(r.headers.get('server-timing'), /dns;dur=|connect;dur=/);
  const body = await r.json();
  assert.equal(body.choices[0].message.content, 'Hello there.');
});

test('a streaming call arrives as text/event-stream, byte for byte', async () => {
  const r = await relay.chat(ids.openai, hello({ stream: true }));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/event-stream/);
  const text = await r.text();
  assert.ok(text.endsWith('data: [DONE]\n\n'));
  assert.equal((text.match(/^data: /gm) ?? []).length, 6);
  const stream = relay.core.openStream();
  stream.push(new TextEncoder().encode(text));
  const result = stream.end();
  stream.free();
  assert.equal(result.content, 'Hello there.');
  assert.equal(result.ok, true);
});

test('the relay sets the upstream model name and key, re-validates the body, and forwards no browser header', async () => {
  up.seen.length = 0;
  const r = await relay.chat(ids.inspect, { ...hello(), model: 'something-else' }, { headers: { cookie: 'a=b', 'x-custom': 'y' } });
  assert.equal(r.status, 200);
  await r.text();
  const seen = up.seen.at(-1);
  assert.equal(seen.body.model, 'gpt-4.1-mini');
  assert.equal(seen.headers.authorization, `Bearer ${SECRETS.OPENAI_T}`);
  assert.equal(seen.headers.cookie, undefined);
  assert.equal(seen.headers['x-custom'], undefined);

  const invalid = await relay.chat(ids.openai, { messages: [{ role: 'user', content: 'x' }], temperature: 9 });
  assert.equal(invalid.status, 400);
  const err = (await invalid.json()).error;
  assert.equal(err.source, 'relay');
  assert.equal(err.kind, 'invalid_request');
  assert.ok(err.errors.some((e) => /temperature/.test(e.field)));
});

test('Anthropic-compatible and Azure keys are sent the way each provider expects', async () => {
  const a = await relay.chat(ids.anthropic, hello());
  assert.equal(a.status, 200, await a.text());
  const z = await relay.chat(ids.azure, hello());
  assert.equal(z.status, 200, await z.text());
});

test('relay errors: unknown model, not testable, too large, bad JSON', async () => {
  const unknown = await relay.chat('no-such-id', hello());
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.kind, 'unknown_model');
  const multi = await relay.chat(ids.failover, hello());
  assert.equal((await multi.json()).error.kind, 'not_testable');
  const big = await relay.chat(ids.openai, hello({ messages: [{ role: 'user', content: 'x'.repeat(300 * 1024) }] }));
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.kind, 'too_large');
  const junk = await relay.call('/api/playground/chat', { method: 'POST', body: '{nope' });
  assert.equal((await junk.json()).error.kind, 'invalid_request');
});

test('reach failures are relay errors of their own kind', async () => {
  const cases = [
    [ids.nxdomain, 'dns'], [ids.refused, 'refused'], [ids.tls, 'tls'], [ids.silent, 'timeout'],
    [ids.redirect, 'redirect'],
  ];
  for (const [id, kind] of cases) {
    const r = await relay.chat(id, hello());
    const body = await r.json();
    assert.equal(body.error.source, 'relay', kind);
    assert.equal(body.error.kind, kind, `${kind}: ${body.error.message}`);
  }
});

test('the SSRF guard refuses private targets without sending a packet', async () => {
  const before = forbidden.connections;
  for (const id of [ids.forbidden, ids.localhost]) {
    const r = await relay.chat(id, hello());
    assert.equal(r.status, 403);
    const e = (await r.json()).error;
    assert.equal(e.kind, 'blocked_address');
    assert.match(e.message, /loopback/);
    assert.match(e.message, /ALLOW/);
  }
  assert.equal(forbidden.connections, before);
});

test('a provider error passes through with its status, useful headers, and the key redacted', async () => {
  const r = await relay.chat(ids.echo401, hello());
  assert.equal(r.status, 401);
  const text = await r.text();
  assert.ok(!text.includes(SECRETS.OPENAI_T));
  assert.ok(!text.includes(SECRETS.OPENAI_T.slice(-4) + '.'), 'the masked echo is gone too');
  assert.match(text, /invalid_api_key/);
  const rl = await relay.chat(ids.ratelimit, hello());
  assert.equal(rl.status, 429);
  assert.equal(rl.headers.get('retry-after'), '2');
  assert.equal(rl.headers.get('x-ratelimit-remaining-requests'), '0');
  assert.equal(rl.headers.get('set-cookie'), null);
  // The key's headroom, read by the relay from the headers it forwards (the page shows it).
  const headroom = JSON.parse(rl.headers.get('x-playground-headroom'));
  assert.deepEqual(headroom.limits.map((l) => [l.kind, l.remaining, l.text]), [['requests', 0, '0 requests left']]);
  assert.equal(headroom.retryAfter.text, 'the provider asks to wait 2 s before retrying');
  assert.deepEqual(headroom.problems, []);
  await rl.text();
  // Nothing about limits in the headers: no headroom header.
  const plain = await relay.chat(ids.echo401, hello());
  assert.equal(plain.headers.get('x-playground-headroom'), null);
  await plain.text();
  const h = await relay.chat(ids.html404, hello());
  assert.equal(h.status, 404);
  assert.match(h.headers.get('content-type'), /text\/html/);
  assert.match(await h.text(), /404 Not Found/);
});

test('a secret split across stream chunks is still redacted', async () => {
  const r = await relay.chat(ids.echoStream, hello({ stream: true }));
  const text = await r.text();
  assert.ok(!text.includes(SECRETS.OPENAI_T));
  assert.match(text, /your key is \[REDACTED\] ok/);
});

test('compressed bodies are decoded so redaction still sees the key', async () => {
  const r = await relay.chat(ids.gzip, hello());
  const body = await r.json();
  assert.equal(r.headers.get('content-encoding'), null);
  assert.equal(body.choices[0].message.content, 'compressed [REDACTED]');
});

test('limits mid-stream: idle gap, reset, size cap', async () => {
  const drip = await relay.chat(ids.drip, hello({ stream: true }));
  assert.equal(drip.status, 200);
  const dripText = await drip.text();
  assert.match(dripText, /event: relay_error/);
  assert.match(dripText, /"kind":"timeout"/);
  assert.match(dripText, /idle limit/, 'the idle gap, not the total time, ended it');

  const reset = await relay.chat(ids.reset, hello({ stream: true }));
  const resetText = await reset.text();
  assert.match(resetText, /partial/);
  assert.match(resetText, /"kind":"upstream_reset"/);

  const huge = await relay.chat(ids.huge, hello());
  await assert.rejects(huge.text(), 'a JSON body past the cap is cut, not completed');
});

test('when the browser goes away the upstream call is closed within 100 ms', async () => {
  const controller = new AbortController();
  const r = await relay.chat(ids.endless, hello({ stream: true }), { signal: controller.signal });
  const reader = r.res.body.getReader();
  await reader.read();
  const t0 = Date.now();
  up.closedAt.length = 0;
  controller.abort();
  for (let i = 0; i < 50 && !up.closedAt.length; i++) await new Promise((s) => setTimeout(s, 10));
  assert.ok(up.closedAt.length, 'the upstream saw its connection closed');
  assert.ok(up.closedAt[0] - t0 <= 100, `closed after ${up.closedAt[0] - t0} ms`);
});

test('SIGHUP-style reload: a good file replaces the models, a bad one keeps the last good', async () => {
  const good = resources();
  good.models.push({ display_name: 'm-added', provider: 'openai', model_name: 'gpt-4.1', provider_key: 'k-openai' });
  writeFileSync(relay.file, stringify(good));
  assert.equal(await relay.source.reload(), true);
  assert.ok((await relay.models()).some((m) => m.display_name === 'm-added'));
  writeFileSync(relay.file, '_format_version: 1\nmodels: []\n');
  assert.equal(await relay.source.reload(), false);
  assert.ok((await relay.models()).some((m) => m.display_name === 'm-added'), 'the last good configuration stays');
  const health = await relay.call('/healthz', { auth: null });
  assert.equal(health.status, 503);
  assert.deepEqual(await health.json(), { status: 'degraded', problems: 1 });
  const details = await (await relay.call('/api/playground/status')).json();
  assert.match(JSON.stringify(details.source.lastReloadError), /quote/i, 'the reason, for a signed-in operator');
});

test('a key variable set after start is not seen by a reload (the advice says restart, and it is true)', async () => {
  const name = 'PG_SET_LATER_KEY';
  delete process.env[name];
  const lenient = await startRelay({
    resources: { _format_version: '1', provider_keys: [{ display_name: 'later', provider: 'openai', api_key: `\${${name}}` }], models: [{ display_name: 'm', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'later' }] },
    env: { RESOURCES_ALLOW_UNSET_VARS: '1' },
  });
  try {
    const before = (await lenient.models())[0];
    assert.equal(before.testable, false);
    assert.match(before.reason, /restart/);
    process.env[name] = 'sk-set-after-the-relay-started-000000';
    assert.equal(await lenient.source.reload(), true);
    assert.equal((await lenient.models())[0].testable, false, 'the environment the relay started with is the one it keeps');
  } finally {
    delete process.env[name];
    await lenient.stop();
  }
});

test('a user with too many calls in flight gets busy, and a slot frees when one ends', async () => {
  // The relay allows 8 calls in flight per user (the default limit, per replica).
  const controllers = Array.from({ length: 8 }, () => new AbortController());
  const open = await Promise.all(controllers.map((c) => relay.chat(ids.endless, hello({ stream: true }), { signal: c.signal })));
  assert.ok(open.every((r) => r.status === 200));
  const ninth = await relay.chat(ids.openai, hello());
  assert.equal(ninth.status, 429);
  assert.equal((await ninth.json()).error.kind, 'busy');
  controllers[0].abort();
  await new Promise((s) => setTimeout(s, 100));
  const next = await relay.chat(ids.openai, hello());
  assert.equal(next.status, 200);
  await next.text();
  for (const c of controllers) c.abort();
  await new Promise((s) => setTimeout(s, 100));
});

test('a real SIGHUP reloads the resources file', async () => {
  const stop = relay.source.watchSignals();
  try {
    const next = resources();
    next.models.push({ display_name: 'm-after-sighup', provider: 'openai', model_name: 'gpt-4.1', provider_key: 'k-openai' });
    writeFileSync(relay.file, stringify(next));
    process.kill(process.pid, 'SIGHUP');
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      await new Promise((s) => setTimeout(s, 20));
      seen = (await relay.models()).some((m) => m.display_name === 'm-after-sighup');
    }
    assert.ok(seen, 'the model added before SIGHUP is listed');
  } finally {
    stop();
  }
});

test('one log line per chat call, with timings and no prompt text', async () => {
  const before = relay.logs.length;
  const r = await relay.chat(ids.openai, hello({ messages: [{ role: 'user', content: 'very private prompt' }] }));
  await r.text();
  const lines = relay.logs.slice(before).map((l) => JSON.parse(l)).filter((l) => l.msg === 'chat');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].status, 200);
  assert.ok(lines[0].ms.ttfb >= 0);
  assert.ok(!relay.logs.slice(before).join('\n').includes('very private prompt'));
});

test('leak scan: no byte of any secret in any response or log line of this suite', () => {
  assert.ok(relay.captured.length > 20, `scanned ${relay.captured.length} responses`);
  assert.deepEqual(relay.leaks(Object.values(SECRETS)), []);
});
