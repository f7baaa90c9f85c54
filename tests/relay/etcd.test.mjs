// Models and provider keys from a real etcd (Debian's etcd-server), in the gateway's layout,
// served by two relay replicas that share nothing but etcd and SESSION_SECRET. Ends with a
// scan of every byte both replicas returned (and every log line) for every secret in etcd.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRelayCore } from '../../relay/core.js';
import { Sessions } from '../../relay/session.js';
import { EtcdSource } from '../../relay/sources/etcd-source.js';
import { FileSource } from '../../relay/sources/file-source.js';
import { completion } from '../support/fake-upstreams.mjs';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';
import { haveEtcd, startEtcd, freePort, makeCertificates } from '../support/etcd-harness.mjs';
import { tempDir } from '../support/temp-dir.mjs';

// Outside `make test` a machine without etcd skips this suite; `make test` installs etcd and
// sets PG_REQUIRE_SERVICES=1, so there a missing etcd or nginx fails instead of passing quietly.
const required = process.env.PG_REQUIRE_SERVICES === '1';
const skip = haveEtcd ? false : 'etcd is not installed (/usr/bin/etcd, Debian package etcd-server)';
if (required && skip) throw new Error(`${skip}: run scripts/setup.sh`);
if (required && !existsSync('/usr/sbin/nginx')) throw new Error('nginx is not installed (Debian package nginx-light): run scripts/setup.sh');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PREFIX = '/pgtest';
const SESSION_SECRET = 'etcd-suite-shared-session-secret';
const SECRETS = {
  a: 'sk-etcd-KEYALPHA-0000000000000000000001',
  b: 'sk-etcd-KEYBRAVO-0000000000000000000002',
  rotated: 'sk-etcd-ROTATED-00000000000000000000003',
  malformed: 'sk-etcd-INMALFORMEDROW-000000000000004',
  env: 'sk-etcd-ENVIDTENANT-0000000000000000005',
  seedOpenai: 'sk-etcd-SEEDOPENAI-00000000000000000006',
  seedAnthropic: 'sk-ant-etcd-SEEDANTHROPIC-0000000000007',
  seedDeepseek: 'sk-etcd-SEEDDEEPSEEK-000000000000000008',
  seedDemo: 'demo-etcd-SEEDDEMO-00000000000000000009',
};

let etcd;
let upA; // two upstreams that say who answered and check the key they were sent
let upB;
let relayA;
let relayB;
const others = []; // more relays and sources made by single tests, closed at the end

const key = (id) => `${PREFIX}/provider_keys/${id}`;
const model = (id) => `${PREFIX}/models/${id}`;
const keyRow = (name, up, apiKey) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: `http://127.0.0.1:${up.port}/v1`, api_key: apiKey });
const modelRow = (name, keyId) => ({ display_name: name, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key_id: keyId });
const hello = { messages: [{ role: 'user', content: 'Say hello' }] };

function upstream(name) {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      server.keys.push(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(JSON.parse(raw).model, `served by ${name}`)));
    });
  });
  server.keys = [];
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => { server.port = server.address().port; resolve(server); }));
}

/** Polls `fn` until it returns a truthy value; generous, since the machine may be loaded. */
async function eventually(fn, what, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A source's start() waits for etcd forever by design; a test must not. */
function within(promise, what, timeoutMs = 20_000) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const byName = async (relay, name) => (await relay.models()).find((m) => m.display_name === name);
const replicas = () => [relayA, relayB];
const answer = async (relay, id) => {
  const r = await relay.chat(id, hello);
  const body = await r.json();
  return { status: r.status, content: body.choices?.[0]?.message?.content ?? null, body };
};

async function replica(extraEnv = {}) {
  const relay = await within(startRelay({
    env: {
      ETCD_ENDPOINTS: etcd.endpoint, ETCD_PREFIX: PREFIX, SESSION_SECRET,
      ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upA.port},127.0.0.1:${upB.port}`, ...extraEnv,
    },
    etcd: { backoff: { initialMs: 100, maxMs: 1000 } },
  }), 'a replica\'s first listing');
  return relay;
}

before(async () => {
  if (skip) return;
  etcd = await startEtcd();
  upA = await upstream('A');
  upB = await upstream('B');
  [relayA, relayB] = await Promise.all([replica(), replica()]);
});

after(async () => {
  for (const o of [relayA, relayB, ...others]) await o?.stop?.().catch(() => {});
  for (const o of others) await o?.close?.().catch(() => {});
  upA?.close();
  upB?.close();
  await etcd?.close();
});

test('rows in the gateway layout reach both replicas; changes are used by the next call', { skip }, async () => {
  await etcd.put(key('k1'), keyRow('Key one', upA, SECRETS.a));
  await etcd.put(model('m1'), modelRow('Model one', 'k1'));
  for (const relay of replicas()) {
    const m = await eventually(() => byName(relay, 'Model one'), 'the new model on a replica');
    assert.equal(m.id, 'm1');
    assert.equal(m.testable, true);
    assert.equal(m.api_base, `http://127.0.0.1:${upA.port}/v1`);
    assert.equal(m.provider_key.display_name, 'Key one');
    const a = await answer(relay, 'm1');
    assert.equal(a.status, 200);
    assert.equal(a.content, 'served by A');
  }
  assert.deepEqual(upA.keys.slice(-2), [SECRETS.a, SECRETS.a]);

  // The key's api_base moves to B: every replica's next call goes there.
  await etcd.put(key('k1'), keyRow('Key one', upB, SECRETS.a));
  for (const relay of replicas()) {
    await eventually(async () => (await byName(relay, 'Model one'))?.api_base.endsWith(`:${upB.port}/v1`), 'the new api_base');
    assert.equal((await answer(relay, 'm1')).content, 'served by B');
  }
  // The key's secret changes: the next call sends the new one.
  await etcd.put(key('k1'), keyRow('Key one', upB, SECRETS.rotated));
  await eventually(() => relayA.source.snapshot().lookup('m1')?.key.api_key === SECRETS.rotated, 'the new key on A');
  await eventually(() => relayB.source.snapshot().lookup('m1')?.key.api_key === SECRETS.rotated, 'the new key on B');
  for (const relay of replicas()) assert.equal((await answer(relay, 'm1')).status, 200);
  assert.deepEqual(upB.keys.slice(-2), [SECRETS.rotated, SECRETS.rotated]);

  // Deleted: gone from the list, and a call names the relay's unknown_model.
  await etcd.del(model('m1'));
  for (const relay of replicas()) {
    await eventually(async () => !(await byName(relay, 'Model one')), 'the deleted model to go');
    const r = await answer(relay, 'm1');
    assert.equal(r.status, 404);
    assert.equal(r.body.error.kind, 'unknown_model');
  }
});

test('a model whose provider key row is missing is listed as not testable, with the reason', { skip }, async () => {
  await etcd.put(model('orphan'), modelRow('Orphan model', 'no-such-key'));
  for (const relay of replicas()) {
    const m = await eventually(() => byName(relay, 'Orphan model'), 'the orphan model');
    assert.equal(m.testable, false);
    assert.match(m.reason, /provider key \(id no-such-key\) is not defined/);
    assert.equal((await answer(relay, 'orphan')).body.error.kind, 'not_testable');
  }
  // The key arrives later: the same model becomes testable without being written again.
  await etcd.put(key('no-such-key'), keyRow('Late key', upA, SECRETS.a));
  for (const relay of replicas()) {
    await eventually(async () => (await byName(relay, 'Orphan model'))?.testable, 'the model to become testable');
    assert.equal((await answer(relay, 'orphan')).content, 'served by A');
  }
  // And loses it again when the key row is deleted.
  await etcd.del(key('no-such-key'));
  for (const relay of replicas()) await eventually(async () => (await byName(relay, 'Orphan model'))?.testable === false, 'the model to lose its key');
});

test('a malformed row is skipped and reported; the other rows keep serving', { skip }, async () => {
  await etcd.put(key('good'), keyRow('Good key', upA, SECRETS.a));
  await etcd.put(model('good'), modelRow('Good model', 'good'));
  await etcd.put(model('broken-json'), `{"display_name": "Broken", "api_key": "${SECRETS.malformed}"`);
  await etcd.put(model('wrong-types'), { display_name: 7, provider: 'openai', model_name: 'x', provider_key_id: 'good', api_key: SECRETS.malformed });
  await etcd.put(key('bad-key'), { display_name: 'Bad key', api_key: { value: SECRETS.malformed } });
  for (const relay of replicas()) {
    await eventually(async () => (await byName(relay, 'Good model'))?.testable, 'the good model');
    const health = await eventually(async () => {
      const h = await (await relay.call('/api/playground/status')).json();
      return h.source.skippedRows >= 3 ? h : null;
    }, 'three skipped rows in the source status');
    const open = await (await relay.call('/healthz', { auth: null })).json();
    assert.deepEqual(open, { status: 'ok', problems: 3 }, '/healthz tells a stranger a state and a count only');
    assert.equal(health.status, 'ok', 'skipped rows do not make the source unhealthy');
    const reported = new Map(health.source.rowProblems.map((p) => [p.row, p.problems.map((x) => `${x.field}: ${x.message}`).join(' | ')]));
    assert.match(reported.get('models/broken-json'), /not JSON/);
    assert.match(reported.get('models/wrong-types'), /display_name: must be a non-empty string/);
    assert.match(reported.get('provider_keys/bad-key'), /api_key: must be a non-empty string/);
    assert.ok(relay.logs.some((l) => l.includes('etcd row skipped') && l.includes(`${PREFIX}/models/broken-json`)), 'a log line names the row');
    const names = (await relay.models()).map((m) => m.display_name);
    assert.ok(!names.includes('Broken') && !names.includes(7));
    assert.equal((await answer(relay, 'good')).content, 'served by A');
  }
  // Fixed in place: the report goes away.
  await etcd.put(model('broken-json'), modelRow('Mended model', 'good'));
  for (const relay of replicas()) {
    await eventually(async () => (await byName(relay, 'Mended model'))?.testable, 'the mended model');
    const h = await (await relay.call('/api/playground/status')).json();
    assert.ok(!h.source.rowProblems.some((p) => p.row === 'models/broken-json'));
  }
  await etcd.del(model('wrong-types'));
  await etcd.del(key('bad-key'));
});

test('etcd stopped: both replicas serve the last snapshot and say degraded; restarted: they catch up', { skip }, async () => {
  await etcd.put(key('steady'), keyRow('Steady key', upA, SECRETS.a));
  await etcd.put(model('steady'), modelRow('Steady model', 'steady'));
  for (const relay of replicas()) await eventually(() => byName(relay, 'Steady model'), 'the steady model');
  const before = await relayA.models();

  await etcd.stop();
  for (const relay of replicas()) {
    const health = await eventually(async () => {
      const r = await relay.call('/healthz', { auth: null });
      const h = await r.json();
      return h.status === 'degraded' ? { code: r.status, h } : null;
    }, '/healthz to say degraded');
    assert.equal(health.code, 503);
    const details = await (await relay.call('/api/playground/status')).json();
    assert.ok(details.source.lastError.message.length > 0, 'says why, to a signed-in operator');
    assert.deepEqual(await relay.models(), before, 'the last snapshot, whole');
    assert.equal((await answer(relay, 'steady')).content, 'served by A', 'calls still work: the upstream does not need etcd');
  }

  await etcd.start(); // the same data dir and ports
  await etcd.put(model('while-away'), modelRow('Written after the restart', 'steady'));
  await etcd.put(key('steady'), keyRow('Steady key', upB, SECRETS.a));
  for (const relay of replicas()) {
    await eventually(async () => (await byName(relay, 'Written after the restart'))?.testable, 'the change made after the restart');
    await eventually(async () => (await relay.call('/healthz', { auth: null })).status === 200, '/healthz back to ok');
    // The two writes may straddle the moment the replica listed again: the second then comes by the watch.
    await eventually(async () => (await byName(relay, 'Steady model'))?.api_base.endsWith(`:${upB.port}/v1`), 'the key moved to B');
    assert.equal((await answer(relay, 'steady')).content, 'served by B');
    assert.ok(relay.logs.some((l) => l.includes('etcd unreachable: serving the last good configuration')));
  }
});

test('a cookie from replica A works on B; tampered, expired or other-secret cookies are refused on both', { skip }, async () => {
  const login = await relayA.call(`/?token=${TOKEN}`, { auth: null });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const value = cookie.slice(cookie.indexOf('=') + 1);
  const withCookie = (relay, v) => relay.call('/api/playground/models', { auth: null, headers: { cookie: `pg_session=${v}` } });
  for (const relay of replicas()) assert.equal((await withCookie(relay, value)).status, 200);

  const [payload, signature] = value.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 86_400 })).toString('base64url');
  const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
  const expired = new Sessions({ token: TOKEN, secret: SESSION_SECRET, ttlSeconds: 60 }).issue('playground', Date.now() - 3600_000);
  const stranger = new Sessions({ token: TOKEN, secret: 'some-other-secret', ttlSeconds: 3600 }).issue('playground');
  for (const relay of replicas()) {
    for (const [what, bad] of [['a longer expiry', `${longer}.${signature}`], ['a changed signature', `${payload}.${flipped}`], ['expired', expired], ['another secret', stranger]]) {
      const r = await withCookie(relay, bad);
      assert.equal(r.status, 401, what);
      assert.equal((await r.json()).error.kind, 'unauthorized');
    }
  }

  // Rotation: a replica with a new secret still accepts cookies signed with the previous one.
  const rotated = await replica({ SESSION_SECRET: 'the-next-session-secret', SESSION_SECRET_PREVIOUS: SESSION_SECRET });
  others.push(rotated);
  assert.equal((await withCookie(rotated, value)).status, 200);
  const fresh = (await rotated.call(`/?token=${TOKEN}`, { auth: null })).headers.get('set-cookie').split(';')[0].split('=')[1];
  assert.equal((await withCookie(relayA, fresh)).status, 401, 'a replica that does not know the new secret refuses it');
});

test('without SESSION_SECRET a replica makes one up and says so in its log', { skip }, async () => {
  const logs = [];
  const sessions = new Sessions({ token: TOKEN, secret: '', ttlSeconds: 60, log: (e) => logs.push(e.msg) });
  assert.ok(sessions.verify(sessions.issue()));
  assert.ok(logs.some((m) => /SESSION_SECRET is not set/.test(m) && /not survive a restart/.test(m)));
  const other = new Sessions({ token: TOKEN, secret: '', ttlSeconds: 60 });
  assert.equal(other.verify(sessions.issue()), null, 'two generated secrets differ');
});

test('ETCD_ENV_ID reads <prefix>/<env_id>/<kind>/<id> and nothing else', { skip }, async () => {
  const core = await loadRelayCore();
  await etcd.put(`${PREFIX}/tenant-7/provider_keys/tk`, keyRow('Tenant key', upA, SECRETS.env));
  await etcd.put(`${PREFIX}/tenant-7/models/tm`, modelRow('Tenant model', 'tk'));
  await etcd.put(`${PREFIX}/tenant-8/models/other`, modelRow('Other tenant model', 'tk'));
  const logs = [];
  const source = new EtcdSource({ core, endpoints: [etcd.endpoint], prefix: PREFIX, envId: 'tenant-7', log: (e) => logs.push(e) });
  others.push(source);
  await within(source.start(), 'the first listing of the environment');
  const names = source.snapshot().models.map((m) => m.display_name);
  assert.deepEqual(names, ['Tenant model']);
  assert.equal(source.snapshot().lookup('tm').key.api_key, SECRETS.env);
  // The replicas without an environment id see none of it (tenant-7 is not a kind).
  for (const relay of replicas()) assert.equal(await byName(relay, 'Tenant model'), undefined);
  // And its watch follows its own segment only.
  await etcd.put(`${PREFIX}/tenant-7/models/tm2`, modelRow('Tenant model 2', 'tk'));
  await etcd.put(`${PREFIX}/models/not-mine`, modelRow('Not the tenant\'s', 'tk'));
  await eventually(() => source.snapshot().lookup('tm2'), 'the tenant\'s new model');
  await eventually(async () => byName(relayA, 'Not the tenant\'s'), 'the unprefixed model on A');
  assert.equal(source.snapshot().lookup('not-mine'), null);
  assert.equal(source.status().prefix, `${PREFIX}/tenant-7/`);
});

test('ETCD_USERNAME / ETCD_PASSWORD: an etcd with auth enabled is read with them, refused without', { skip }, async () => {
  // Its own etcd: enabling auth would lock the suite's writer out of the shared one.
  const secured = await startEtcd();
  others.push(secured);
  const core = await loadRelayCore();
  await secured.put('/aisix/models/m', modelRow('Behind auth', 'k'));
  await secured.client.role('root').create();
  await (await secured.client.user('root').create('root-password-xyz')).addRole('root');
  await secured.client.auth.authEnable();
  const logs = [];
  const source = (auth) => {
    const s = new EtcdSource({ core, endpoints: [secured.endpoint], auth, log: (e) => logs.push(JSON.stringify(e)), backoff: { initialMs: 50, maxMs: 200 } });
    others.push(s);
    return s;
  };
  const allowed = source({ username: 'root', password: 'root-password-xyz' });
  await within(allowed.start(), 'the first listing with a user and password');
  assert.deepEqual(allowed.snapshot().models.map((m) => m.display_name), ['Behind auth']);
  for (const [what, auth, reason] of [['a wrong password', { username: 'root', password: 'not-the-password' }, /authentication failed/], ['no user', null, /user name is empty/]]) {
    const refused = source(auth);
    refused.start().catch(() => {});
    const error = await eventually(() => refused.status().lastError, `the error with ${what}`);
    assert.match(error.message, reason, what);
    assert.equal(refused.snapshot(), null, what);
  }
  assert.ok(!logs.some((l) => l.includes('root-password-xyz') || l.includes('not-the-password')), 'no password in the log');
});

test('ETCD_CA_FILE / ETCD_CERT_FILE / ETCD_KEY_FILE: etcd over TLS with a client certificate', { skip }, async () => {
  const certs = makeCertificates(tempDir('etcd-tls'));
  const secured = await startEtcd({ tls: certs });
  others.push(secured, { close: async () => rmSync(certs.dir, { recursive: true, force: true }) });
  await secured.put('/aisix/provider_keys/k', keyRow('TLS key', upA, SECRETS.a));
  await secured.put('/aisix/models/m', modelRow('Over TLS', 'k'));
  const core = await loadRelayCore();
  const source = (tls) => {
    const s = new EtcdSource({ core, endpoints: [secured.endpoint], tls, backoff: { initialMs: 50, maxMs: 200 }, connectTimeoutMs: 2000 });
    others.push(s);
    return s;
  };
  const trusted = source({ caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile });
  await within(trusted.start(), 'the first listing over TLS');
  assert.deepEqual(trusted.snapshot().models.map((m) => [m.display_name, m.testable]), [['Over TLS', true]]);
  // Without the client certificate etcd refuses the connection; the source says so and waits.
  const anonymous = source({ caFile: certs.caFile });
  anonymous.start().catch(() => {});
  await eventually(() => anonymous.status().lastError, 'the refusal without a client certificate');
  assert.equal(anonymous.snapshot(), null);
});

test('before its first complete listing a source serves nothing and says why', { skip }, async () => {
  const core = await loadRelayCore();
  const logs = [];
  const source = new EtcdSource({ core, endpoints: [`http://127.0.0.1:${await freePort()}`], log: (e) => logs.push(e), backoff: { initialMs: 50, maxMs: 200 }, connectTimeoutMs: 1000 });
  others.push(source);
  let started = false;
  source.start().then(() => { started = true; }, () => {});
  await eventually(() => source.status().lastError, 'a reported error');
  assert.equal(started, false);
  assert.equal(source.snapshot(), null);
  assert.equal(source.status().state, 'starting');
  assert.ok(logs.some((e) => e.msg === 'etcd unreachable: no configuration loaded yet, retrying'));
});

test('seed-etcd writes a resources file in the gateway layout; both replicas list what the file source lists', { skip }, async () => {
  const env = {
    OPENAI_API_KEY: SECRETS.seedOpenai, ANTHROPIC_API_KEY: SECRETS.seedAnthropic, DEEPSEEK_API_KEY: SECRETS.seedDeepseek,
    DEMO_PROVIDER_KEY: SECRETS.seedDemo, DEMO_PROVIDER_BASE: `http://127.0.0.1:${upA.port}/v1`,
  };
  const child = spawn(process.execPath, ['relay/main.js', 'seed-etcd', '--resources', 'examples/resources.yaml', '--prune'], {
    cwd: ROOT, env: { PATH: process.env.PATH, ETCD_ENDPOINTS: etcd.endpoint, ETCD_PREFIX: PREFIX, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /4 provider keys, 8 models, \d+ stale rows deleted/);
  assert.ok(!Object.values(SECRETS).some((s) => out.includes(s)), 'the command prints no secret');

  const core = await loadRelayCore();
  const file = new FileSource({ core, path: `${ROOT}examples/resources.yaml`, env });
  await file.start();
  const expected = [...file.snapshot().models].sort((a, b) => a.id.localeCompare(b.id));
  assert.equal(expected.length, 8);
  for (const relay of replicas()) {
    const listed = await eventually(async () => {
      const models = await relay.models();
      return models.length === expected.length && models.every((m) => expected.some((e) => e.id === m.id)) ? models : null;
    }, 'the seeded models, and only them');
    // The relay's list adds each direct model's call plan (PublicModel.call), and each named
    // model's probe form and reasoning_effort values, to the source's models.
    const sourceFields = ({ call, probe, reasoningEffort, ...model }) => model;
    assert.deepEqual([...listed].map(sourceFields).sort((a, b) => a.id.localeCompare(b.id)), expected);
    for (const m of listed) if (m.model_name) assert.equal(m.probe.model.model_name, m.model_name, m.display_name);
    const demo = listed.find((m) => m.display_name.startsWith('Demo chat'));
    assert.equal((await answer(relay, demo.id)).content, 'served by A');
  }
});

test('no byte of any secret stored in etcd reached a client or a log line', { skip }, () => {
  const secrets = Object.values(SECRETS);
  for (const relay of [relayA, relayB, ...others.filter((o) => o.leaks)]) assert.deepEqual(relay.leaks(secrets), []);
});

test('examples/scale-out: etcd, two relays and nginx from one command; the demo model answers through nginx', { skip: skip || (!existsSync('/usr/sbin/nginx') && 'nginx is not installed (Debian package nginx-light)') }, async () => {
  const child = spawn(process.execPath, ['examples/scale-out/up.mjs', '--check'], { cwd: ROOT, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const timer = setTimeout(() => child.kill('SIGTERM'), 90_000);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, out);
  assert.match(out, /the demo model answered through nginx/);
  assert.match(out, /one session cookie on both relays; a streamed answer through nginx/);
  assert.match(out, /open http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
});
