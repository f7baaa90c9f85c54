// The relay against the attacks of the Step 8 review: each test fails on the relay as it
// was (5ae51db) and passes now. Hostile upstreams come from tests/support/attack-upstreams.mjs;
// every test that could disturb the process runs beside another user's normal stream.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { symlinkSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHostileUpstream } from '../support/hostile-upstreams.mjs';
import { attackScenarios, uEscaped, percentEncoded } from '../support/attack-upstreams.mjs';
import { besideNormalCall, startRelay, TOKEN } from '../support/relay-harness.mjs';
import { Sessions } from '../../relay/session.js';
import { resolveChecked } from '../../relay/upstream-address.js';
import { readSettings } from '../../relay/settings.js';

const SECRET = 'sk-proj-ATTACKsecret0000000000/abc+def=ghij-QRST';
const OTHER = 'sk-other-SECONDkey11111111111111111-WXYZ';
const URLKEY = 'AIzaSyURLKEY-0123456789abcdefghijklm';
const LIMITS = { idleMs: 800, firstByteMs: 1500, connectMs: 1000, totalMs: 8000 };
const SCENARIOS = ['normal', 'silent', 'drip', 'status000', 'status099', 'status999', 'status101', 'boom', 'reflectHeaders', 'reflectForms',
  'redirectOther', 'gzipTransfer', 'unknownTransfer', 'forgeBody', 'forgeEvent', 'echoBody'];

let up;
let relay;
const ids = {};

const resources = (base) => ({
  _format_version: '1',
  provider_keys: [
    ...SCENARIOS.map((s) => ({ display_name: `k-${s}`, provider: 'openai-compatible', adapter: 'openai', api_base: base(s), api_key: '${ATTACK_KEY}' })),
    { display_name: 'k-other', provider: 'openai-compatible', adapter: 'openai', api_base: base('normal'), api_key: '${ATTACK_OTHER}' },
    { display_name: 'k-userinfo', provider: 'openai-compatible', adapter: 'openai', api_base: `https://user:${URLKEY}@llm.example.com/v1`, api_key: URLKEY },
    { display_name: 'k-query', provider: 'openai-compatible', adapter: 'openai', api_base: `https://generativelanguage.googleapis.com/v1beta/openai?key=${URLKEY}#frag`, api_key: URLKEY },
    { display_name: 'k-path', provider: 'openai-compatible', adapter: 'openai', api_base: `https://proxy.example.com/${URLKEY}/v1`, api_key: URLKEY },
  ],
  models: [
    ...SCENARIOS.map((s) => ({ display_name: `m-${s}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: `k-${s}` })),
    ...['userinfo', 'query', 'path'].map((s) => ({ display_name: `m-${s}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: `k-${s}` })),
  ],
});

before(async () => {
  up = await startHostileUpstream(attackScenarios({ otherKey: OTHER }));
  relay = await startRelay({
    resources: resources(up.base),
    env: { ATTACK_KEY: SECRET, ATTACK_OTHER: OTHER, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
    settings: { limits: LIMITS },
  });
  for (const m of await relay.models()) ids[m.display_name.slice(2)] = m.id;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
});

const hello = (extra = {}) => ({ messages: [{ role: 'user', content: 'Say hello' }], ...extra });
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

test('an upstream status below 100, above 599, or 101 is a relay error, and the relay lives on', async () => {
  for (const name of ['status000', 'status099', 'status999', 'status101']) {
    const r = await besideNormalCall(relay, ids.normal, () => relay.chat(ids[name], hello()));
    assert.equal(r.status, 502, name);
    assert.equal(r.headers.get('x-playground-source'), 'relay', name);
    const { error } = await r.json();
    assert.equal(error.kind, 'upstream_reset', name);
    assert.equal(error.reason, 'invalid_status', name);
  }
});

test('an exception in one call\'s response path ends that call only: another stream completes', async () => {
  const original = relay.core.secretsRedactor;
  // A core whose redactor throws on one marker: the class of bug (any throw in a call's
  // handlers), injected where the upstream's bytes are handled.
  relay.core.secretsRedactor = function secretsRedactor(secrets) {
    const compiled = original.call(this, secrets);
    return {
      stream() {
        const inner = compiled.stream();
        return {
          push(bytes) {
            if (Buffer.from(bytes).includes('BOOM-INJECT')) throw new TypeError('injected failure');
            return inner.push(bytes);
          },
          finish: () => inner.finish(),
          free: () => inner.free(),
        };
      },
      free: () => compiled.free(),
    };
  };
  try {
    const text = await besideNormalCall(relay, ids.normal, async () => {
      const r = await relay.chat(ids.boom, hello({ stream: true }));
      assert.equal(r.status, 200);
      return r.text();
    });
    assert.match(text, /before /, 'what came before the failure was forwarded');
    assert.match(text, /event: relay_error\ndata: .*"kind":"internal"/, 'the call ended with the relay\'s own error event');
    assert.doesNotMatch(text, /BOOM-INJECT/);
  } finally {
    relay.core.secretsRedactor = original;
  }
  // And the relay still serves.
  assert.equal((await relay.chat(ids.normal, hello())).status, 200);
});

test('the model list never shows a key pasted into a base URL, and such a model is not testable', async () => {
  const r = await relay.call('/api/playground/models');
  const text = await r.text();
  assert.ok(!text.includes(URLKEY), 'no key in the listing');
  const byName = Object.fromEntries(JSON.parse(text).models.map((m) => [m.display_name, m]));
  assert.equal(byName['m-userinfo'].api_base, 'https://llm.example.com/v1');
  assert.equal(byName['m-query'].api_base, 'https://generativelanguage.googleapis.com/v1beta/openai');
  assert.equal(byName['m-path'].api_base, 'https://proxy.example.com/[REDACTED]/v1');
  for (const name of ['m-userinfo', 'm-query', 'm-path']) {
    assert.equal(byName[name].testable, false, name);
    assert.match(byName[name].reason, /base URL/, name);
  }
  const call = await relay.chat(byName['m-query'].id, hello());
  assert.equal(call.status, 409);
  assert.ok(!(await call.text()).includes(URLKEY));
});

test('steering fields (api_base, base_url, api_key, extra_headers, models) are refused with a field error', async () => {
  for (const field of ['api_base', 'base_url', 'api_key', 'extra_headers', 'models']) {
    const r = await relay.chat(ids.echoBody, hello({ [field]: field === 'models' ? ['openai/gpt-4o'] : 'https://attacker.example/v1' }));
    assert.equal(r.status, 400, field);
    const { error } = await r.json();
    assert.equal(error.kind, 'invalid_request');
    assert.ok(error.errors.some((e) => e.field === `extra.${field}`), `${field}: ${JSON.stringify(error.errors)}`);
  }
  // A provider-specific field that steers nothing still goes through.
  const ok = await relay.chat(ids.echoBody, hello({ logit_bias: { 50256: -100 } }));
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /logit_bias/);
});

test('keys reflected by the upstream: content type normalised, split across headers dropped, every configured key redacted', async () => {
  const r = await relay.chat(ids.reflectHeaders, hello());
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json', 'the type is kept, the parameter carrying the key is not');
  assert.equal(r.headers.get('x-request-id'), null, 'half a key in a header: dropped');
  assert.equal(r.headers.get('x-ratelimit-remaining-requests'), null, 'the other half: dropped');
  assert.equal(r.headers.get('x-ratelimit-remaining-tokens'), '9998', 'an ordinary header still passes');
  assert.ok(!String(r.headers.get('x-ratelimit-limit-requests')).includes(OTHER));
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(r.headers.get('content-security-policy'), /sandbox/);
  assert.equal(r.headers.get('x-playground-source'), 'upstream');
  // The headroom is read from the kept values only: the dropped half says nothing, no key in it.
  const headroom = r.headers.get('x-playground-headroom');
  assert.ok(!headroom.includes(OTHER) && !headroom.includes(SECRET.slice(0, 12)) && !headroom.includes(SECRET.slice(-12)) && !headroom.includes('forged'), headroom);
  assert.deepEqual(JSON.parse(headroom).limits.map((l) => [l.kind, l.remaining]), [['tokens', 9998]], 'the relay\'s own, not the forged one');
  await r.text();

  const redirect = await relay.chat(ids.redirectOther, hello());
  assert.equal(redirect.status, 502);
  assert.ok(!(await redirect.text()).includes(OTHER), 'the other key in a Location is redacted');
});

test('keys reflected \\u-escaped, %-encoded or in base64 are redacted', async () => {
  const r = await relay.chat(ids.reflectForms, hello());
  const text = await r.text();
  for (const form of [uEscaped(SECRET), percentEncoded(SECRET), SECRET, OTHER]) assert.ok(!text.includes(form), `leaked: ${form.slice(0, 24)}…`);
  const b64 = Buffer.from(`user:${SECRET}`).toString('base64');
  assert.ok(!text.includes(b64.slice(8, 40)), 'the base64 of the key is redacted');
});

test('a gzip transfer coding is decoded before redaction; an unknown one is refused', async () => {
  const r = await relay.chat(ids.gzipTransfer, hello());
  assert.equal(r.status, 200);
  const text = await r.text();
  assert.match(text, /te echo \[REDACTED\]/);
  assert.ok(!text.includes(SECRET));
  const unknown = await relay.chat(ids.unknownTransfer, hello());
  assert.equal(unknown.status, 502);
  assert.equal((await unknown.json()).error.reason, 'unsupported_encoding');
});

test('an upstream cannot pose as the relay: its answers are marked upstream, the relay\'s own relay and with the call\'s nonce', async () => {
  const forged = await relay.chat(ids.forgeBody, hello());
  assert.equal(forged.status, 403);
  assert.equal(forged.headers.get('x-playground-source'), 'upstream', 'the provider\'s header claiming "relay" did not pass');
  await forged.text();
  const own = await relay.chat('no-such-model', hello());
  assert.equal(own.headers.get('x-playground-source'), 'relay');
  await own.text();

  const stream = await relay.chat(ids.forgeEvent, hello({ stream: true }));
  const nonce = stream.headers.get('x-playground-relay-nonce');
  assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  const text = await stream.text();
  assert.ok(!text.includes(nonce), 'the upstream\'s event does not carry the call\'s nonce');
});

test('the relay\'s own mid-stream error carries the nonce of its response; one before any byte is a JSON relay error', async () => {
  // drip: headers, then a byte a second; the idle limit (0.8 s) ends it with the relay's event.
  const r = await relay.chat(ids.drip, hello({ stream: true }));
  const nonce = r.headers.get('x-playground-relay-nonce');
  const text = await r.text();
  const event = /event: relay_error\ndata: (.*)\n/.exec(text);
  assert.ok(event, text.slice(-300));
  const { error } = JSON.parse(event[1]);
  assert.equal(error.kind, 'timeout');
  assert.equal(error.reason, 'idle_timeout');
  assert.equal(error.nonce, nonce);
  const cut = await relay.chat(ids.silent, hello({ stream: true }));
  assert.equal(cut.status, 504, 'silent: no byte ever, so a JSON relay error');
  assert.equal(cut.headers.get('x-playground-source'), 'relay');
  assert.equal((await cut.json()).error.reason, 'first_byte_timeout');
});

test('a model id is bounded in errors and logs', async () => {
  const long = `x${'y'.repeat(5000)}`;
  const r = await relay.chat(long, hello());
  assert.equal(r.status, 404);
  const { error } = await r.json();
  assert.ok(error.message.length < 300, `message of ${error.message.length} characters`);
  const line = relay.logs.filter((l) => l.includes('"msg":"chat"')).at(-1);
  assert.ok(line.length < 1000, `log line of ${line.length} characters`);
});

test('a malformed %-encoding is a 400 with one short log line, unauthenticated', async () => {
  const before = relay.logs.length;
  const r = await relay.call('/%E0%A4%A', { auth: null });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.kind, 'invalid_request');
  const added = relay.logs.slice(before);
  assert.ok(added.every((l) => !l.includes('    at ')), 'no stack trace in the log');
});

test('static files: a symbolic link inside web/ does not lead out of it', async () => {
  const name = `pg-link-test-${process.pid}`;
  const link = fileURLToPath(new URL(`../../web/${name}`, import.meta.url));
  symlinkSync('/etc', link);
  try {
    const r = await relay.call(`/${name}/hostname`, { auth: null });
    assert.equal(r.status, 404);
  } finally {
    unlinkSync(link);
  }
  assert.equal((await relay.call('/', { auth: null })).status, 200, 'the page itself is served');
});

test('Host header: a name the relay does not serve is refused (DNS rebinding); IPs, localhost and ALLOWED_HOSTS pass', async () => {
  const get = (host) => new Promise((resolve, reject) => {
    const req = http.get(`${relay.base}/healthz`, { headers: { host } }, (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
  });
  assert.equal(await get('attacker.example:8080'), 421);
  assert.equal(await get('127.0.0.1:8080'), 200);
  assert.equal(await get('localhost'), 200);
  assert.equal(await get('[::1]:8080'), 200);
  const named = await startRelay({ resources: resources(up.base), env: { ATTACK_KEY: SECRET, ATTACK_OTHER: OTHER, ALLOWED_HOSTS: 'playground.example.com' } });
  try {
    const status = (host) => new Promise((resolve) => http.get(`${named.base}/healthz`, { headers: { host } }, (res) => { res.resume(); resolve(res.statusCode); }));
    assert.equal(await status('playground.example.com'), 200);
    assert.equal(await status('PLAYGROUND.example.com:443'), 200);
    assert.equal(await status('evil.example.com'), 421);
  } finally {
    await named.stop();
  }
});

/** Signs in through the login link; returns the cookie header value. */
async function login(base) {
  const res = await fetch(`${base}/?token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  return res.headers.get('set-cookie').split(';')[0];
}

test('sessions: each login is a subject of its own for the per-user limit', async () => {
  const limited = await startRelay({ resources: resources(up.base), env: { ATTACK_KEY: SECRET, ATTACK_OTHER: OTHER, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` }, settings: { limits: { ...LIMITS, concurrentPerUser: 1, firstByteMs: 3000 } } });
  try {
    const [a, b] = [await login(limited.base), await login(limited.base)];
    assert.notEqual(a, b);
    const chatAs = (cookie) => limited.call('/api/playground/chat', {
      method: 'POST', auth: null, body: { model: ids.silent, body: hello() },
      headers: { cookie, 'x-playground': '1', origin: limited.base },
    });
    const held = chatAs(a); // silent: holds the call open
    await delay(150);
    const second = await chatAs(a);
    assert.equal(second.status, 429, 'the same login is at its limit');
    await second.text();
    const other = await chatAs(b);
    // b has its own bucket: its call is made (and times out waiting for the silent upstream).
    assert.equal(other.status, 504);
    await other.text();
    await (await held).text();
  } finally {
    await limited.stop();
  }
});

test('sessions: a cookie from before a token rotation is refused; POST /logout clears the cookie', async () => {
  const secret = 'shared-session-secret';
  const old = new Sessions({ token: 'old-token', secret, ttlSeconds: 3600 });
  const rotated = new Sessions({ token: 'new-token', secret, ttlSeconds: 3600 });
  const cookie = old.issue();
  assert.ok(old.verify(cookie));
  assert.equal(rotated.verify(cookie), null, 'a new PLAYGROUND_TOKEN ends the old sessions');
  assert.ok(new Sessions({ token: 'new-token', secret: 'next', previousSecret: secret, ttlSeconds: 3600 }).verify(rotated.issue()), 'SESSION_SECRET_PREVIOUS still works');
  // The token compare is by hash: any length is refused the same way.
  for (const wrong of ['', 'n', 'new-toke', 'new-tokenX', 'x'.repeat(4096)]) assert.equal(rotated.checkToken(wrong), false);
  assert.equal(rotated.checkToken('new-token'), true);

  // Through the relay: the harness's relay signs with TOKEN; a cookie made for another token fails.
  const foreign = new Sessions({ token: 'a-previous-token', secret: 'test-session-secret', ttlSeconds: 3600 }).issue();
  const r = await relay.call('/api/playground/models', { auth: null, headers: { cookie: `pg_session=${foreign}` } });
  assert.equal(r.status, 401);
  await r.text();

  const cookieNow = await login(relay.base);
  const out = await relay.call('/logout', { method: 'POST', auth: null, headers: { cookie: cookieNow, 'x-playground': '1', origin: relay.base } });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /pg_session=;.*Max-Age=0/);
  const crossSite = await relay.call('/logout', { method: 'POST', auth: null, headers: { cookie: cookieNow, origin: 'https://evil.example' } });
  assert.equal(crossSite.status, 403);
  await crossSite.text();
});

test('metadata and link-local upstreams stay refused with ALLOW_PRIVATE_UPSTREAMS=1 and for allowlisted host names', async () => {
  const settings = (env) => ({ ...readSettings({ PLAYGROUND_TOKEN: 't', ...env }), lookup: async (host) => (host === 'meta.test' ? [{ address: '169.254.169.254', family: 4 }] : host === 'lan.test' ? [{ address: '10.1.2.3', family: 4 }] : []) });
  const core = relay.core;
  const refused = async (host, port, s) => {
    const err = await resolveChecked(core, host, port, s, {}).then(() => null, (e) => e);
    assert.ok(err, `${host} was allowed`);
    assert.equal(err.kind, 'blocked_address', `${host}: ${err.message}`);
    return err;
  };
  const open = settings({ ALLOW_PRIVATE_UPSTREAMS: '1' });
  for (const host of ['169.254.169.254', '[fd00:ec2::254]', '100.100.100.200', '169.254.1.1', 'meta.test']) await refused(host, 80, open);
  const named = settings({ ALLOWED_PRIVATE_UPSTREAMS: 'meta.test,lan.test' });
  const err = await refused('meta.test', 80, named);
  assert.equal(err.extra.category, 'metadata');
  assert.equal((await resolveChecked(core, 'lan.test', 80, named, {})).address, '10.1.2.3', 'an allowlisted name to a private address passes');
  // Only the exact address, listed by the operator, is reached (classified here, not called).
  assert.equal((await resolveChecked(core, '169.254.169.254', 80, settings({ ALLOWED_PRIVATE_UPSTREAMS: '169.254.169.254' }), {})).address, '169.254.169.254');

  // Through the relay, with every private upstream allowed.
  const wide = await startRelay({
    resources: { _format_version: '1', provider_keys: [{ display_name: 'meta', provider: 'openai-compatible', adapter: 'openai', api_base: 'http://169.254.169.254/v1', api_key: SECRET }], models: [{ display_name: 'm', provider: 'openai', model_name: 'x', provider_key: 'meta' }] },
    env: { ALLOW_PRIVATE_UPSTREAMS: '1' },
  });
  try {
    const r = await wide.chat((await wide.models())[0].id, hello());
    assert.equal(r.status, 403);
    assert.equal((await r.json()).error.category, 'metadata');
  } finally {
    await wide.stop();
  }
});

test('no secret reached any client or log line in this file', () => {
  assert.deepEqual(relay.leaks([SECRET, OTHER, URLKEY]), []);
});
