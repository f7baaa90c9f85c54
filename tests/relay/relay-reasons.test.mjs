// The relay's error `reason`s as real Node failures produce them (docs/contracts.md, "Relay
// errors"): TLS certificates made with openssl at test time (self-signed, a private CA,
// a wrong host name, expired), plain HTTP on a TLS port, a refused port, a malformed HTTP
// answer, the request and response size limits, the first-byte timeout. The reason, never
// the message, is what the core's diagnosis reads; the last tests run the diagnosis on
// what the relay answered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { startHostileUpstream } from '../support/hostile-upstreams.mjs';
import { startRelay, withRefusedPlan } from '../support/relay-harness.mjs';
import { RelayError, RELAY_REASONS, isRelayReason, fromNetworkError } from '../../relay/errors.js';
import { tempDir } from '../support/temp-dir.mjs';

const SECRET = 'sk-proj-TESTSECRETreasons000000000000000-QRST';
const LIMITS = { firstByteMs: 400, connectMs: 2000, idleMs: 2000, totalMs: 10_000, requestBytes: 16 * 1024, responseBytes: 64 * 1024 };
const LOCAL = async () => [{ address: '127.0.0.1', family: 4 }]; // every host name is this machine

let haveOpenssl = true;
try { execFileSync('openssl', ['version'], { stdio: 'ignore' }); } catch { haveOpenssl = false; }
const needsOpenssl = haveOpenssl ? false : 'openssl is not installed: no certificates to test TLS failures with';

let dir;
let certs;
let hostile;
const servers = [];
let refusedPort;
let relay;
const ids = {};

/** A throwaway CA; a server certificate for llm.test it signed; the same, expired; a self-signed one. */
function makeCertificates(where) {
  const run = (args) => execFileSync('openssl', args, { cwd: where, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=reasons-test-ca']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=llm.test']);
  writeFileSync(join(where, 'san.cnf'), 'subjectAltName=DNS:llm.test\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.cnf']);
  // Valid from now until a day ago: expired (OpenSSL 3 takes a negative -days; an openssl
  // that does not leaves the expired case out, said in the test's output).
  let expired = true;
  try {
    run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'expired.pem', '-days', '-1', '-extfile', 'san.cnf']);
  } catch { expired = false; }
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', '/CN=llm.test', '-addext', 'subjectAltName=DNS:llm.test']);
  const read = (name) => readFileSync(join(where, name));
  return {
    caFile: join(where, 'ca.pem'),
    server: { key: read('server.key'), cert: read('server.pem') },
    expired: expired ? { key: read('server.key'), cert: read('expired.pem') } : null,
    self: { key: read('self.key'), cert: read('self.pem') },
  };
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return server.address().port;
}

const answer = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); };

// Key and model rows for each target (display names k-<name> / m-<name>).
function resources(targets) {
  const names = Object.keys(targets);
  return {
    _format_version: '1',
    provider_keys: names.map((n) => ({ display_name: `k-${n}`, provider: 'openai-compatible', adapter: 'openai', api_base: targets[n], api_key: '${REASONS_KEY}' })),
    models: names.map((n) => ({ display_name: `m-${n}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: `k-${n}` })),
  };
}

const tlsTargets = {}; // the ones that need the test CA trusted: checked in a relay of their own process

before(async () => {
  const targets = {};
  hostile = await startHostileUpstream({
    // Not HTTP at all: Node's parser names it (HPE_INVALID_CONSTANT).
    garbage(sock) { sock.end('garbage garbage\r\n\r\n'); },
  });
  for (const s of ['silent', 'gigabyte', 'hugeHeaders', 'garbage']) targets[s] = hostile.base(s);
  targets.config = hostile.base('normal'); // its plan is replaced in the config test
  // Plain HTTP where the base URL says https: the TLS handshake meets an HTTP answer.
  targets.plainOnTls = `https://127.0.0.1:${await listen(http.createServer(answer))}/v1`;
  // A port nobody listens on.
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  refusedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  targets.refused = `http://127.0.0.1:${refusedPort}/v1`;
  if (haveOpenssl) {
    dir = tempDir('reasons');
    certs = makeCertificates(dir);
    targets.selfSigned = `https://llm.test:${await listen(https.createServer(certs.self, answer))}/v1`;
    const good = await listen(https.createServer(certs.server, answer));
    targets.privateCa = `https://llm.test:${good}/v1`;
    tlsTargets.altname = `https://wrong.test:${good}/v1`;
    tlsTargets.trusted = `https://llm.test:${good}/v1`;
    if (certs.expired) tlsTargets.expired = `https://llm.test:${await listen(https.createServer(certs.expired, answer))}/v1`;
  }
  relay = await startRelay({
    resources: resources(targets),
    env: { REASONS_KEY: SECRET, ALLOW_PRIVATE_UPSTREAMS: '1' },
    settings: { limits: LIMITS, lookup: LOCAL },
  });
  for (const m of await relay.models()) ids[m.display_name.slice(2)] = m.id;
});

after(async () => {
  await relay?.stop();
  await hostile?.stop();
  for (const s of servers) { s.closeAllConnections?.(); await new Promise((r) => s.close(() => r())); }
});

const hello = (extra = {}) => ({ messages: [{ role: 'user', content: 'Say hello' }], ...extra });

/** The relay's own error for a call (status, the error object), checking it is the relay's. */
async function relayError(name, body = hello()) {
  const r = await relay.chat(ids[name], body);
  assert.equal(r.headers.get('x-playground-source'), 'relay', `${name}: the relay's own answer`);
  const { error } = await r.json();
  assert.equal(error.source, 'relay');
  assert.ok(isRelayReason(error.reason), `${name}: reason ${error.reason} is a documented one`);
  return { status: r.status, error };
}

test('TLS: a self-signed certificate and one from a CA the relay does not trust', { skip: needsOpenssl }, async () => {
  const self = await relayError('selfSigned');
  assert.equal(self.error.kind, 'tls');
  assert.equal(self.error.reason, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  const privateCa = await relayError('privateCa');
  assert.equal(privateCa.error.kind, 'tls');
  assert.equal(privateCa.error.reason, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});

test('TLS with the CA trusted (a relay in its own process, NODE_EXTRA_CA_CERTS): wrong host name, expired, and a good one', { skip: needsOpenssl }, async (t) => {
  // The relay's agent trusts the system's roots; only a process started with the test CA
  // among them gets past the chain to the host name and date checks.
  const script = `
    const { startRelay } = await import(${JSON.stringify(new URL('../support/relay-harness.mjs', import.meta.url).href)});
    const relay = await startRelay({ resources: JSON.parse(process.env.PG_REASONS_RESOURCES),
      env: { REASONS_KEY: 'sk-child-0000000000000000000000', ALLOW_PRIVATE_UPSTREAMS: '1' },
      settings: { lookup: async () => [{ address: '127.0.0.1', family: 4 }] } });
    const out = {};
    for (const m of await relay.models()) {
      const r = await relay.chat(m.id, { messages: [{ role: 'user', content: 'hi' }] });
      out[m.display_name.slice(2)] = { status: r.status, source: r.headers.get('x-playground-source'), body: await r.text() };
    }
    await relay.stop();
    process.stdout.write(JSON.stringify(out));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caFile, PG_REASONS_RESOURCES: JSON.stringify(resources(tlsTargets)) },
    timeout: 60_000,
  });
  const out = JSON.parse(stdout);
  assert.equal(out.trusted.status, 200, 'with the CA trusted the good certificate passes (the setup works)');
  assert.equal(out.trusted.source, 'upstream');
  const altname = JSON.parse(out.altname.body).error;
  assert.equal(altname.kind, 'tls');
  assert.equal(altname.reason, 'ERR_TLS_CERT_ALTNAME_INVALID');
  if (!out.expired) {
    t.diagnostic('skipped the expired certificate: this openssl cannot make one (x509 -days -1)');
    return;
  }
  const expired = JSON.parse(out.expired.body).error;
  assert.equal(expired.kind, 'tls');
  assert.equal(expired.reason, 'CERT_HAS_EXPIRED');
});

test('plain HTTP on a TLS port is a tls error with EPROTO (or an ERR_SSL_ code)', async () => {
  const { error } = await relayError('plainOnTls');
  assert.equal(error.kind, 'tls');
  assert.ok(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG'].includes(error.reason), error.reason);
});

test('a refused connection is refused / ECONNREFUSED, with the class of the address the relay went to', async () => {
  const { status, error } = await relayError('refused');
  assert.equal(status, 502);
  assert.equal(error.kind, 'refused');
  assert.equal(error.reason, 'ECONNREFUSED');
  assert.equal(error.category, 'loopback'); // 127.0.0.1: the page says "the relay itself" from this
});

test('a malformed HTTP answer is upstream_reset with the parser\'s HPE_ code; an oversized header block is HPE_HEADER_OVERFLOW', async () => {
  const garbage = await relayError('garbage');
  assert.equal(garbage.error.kind, 'upstream_reset');
  assert.equal(garbage.error.reason, 'HPE_INVALID_CONSTANT');
  const huge = await relayError('hugeHeaders');
  assert.equal(huge.error.kind, 'upstream_reset');
  assert.equal(huge.error.reason, 'HPE_HEADER_OVERFLOW');
});

test('too_large says which: request_too_large (413) or response_too_large (502)', async () => {
  const request = await relayError('refused', hello({ messages: [{ role: 'user', content: 'x'.repeat(LIMITS.requestBytes) }] }));
  assert.equal(request.status, 413);
  assert.equal(request.error.kind, 'too_large');
  assert.equal(request.error.reason, 'request_too_large');
  const response = await relayError('gigabyte');
  assert.equal(response.status, 502);
  assert.equal(response.error.kind, 'too_large');
  assert.equal(response.error.reason, 'response_too_large');
  await hostile.waitClosed('gigabyte');
});

test('the diagnosis of each real failure: the step and the advice come from the reason', async () => {
  const model = { provider: 'openai', model_name: 'gpt-4.1-mini', api_base: 'https://llm.test/v1' };
  const diagnose = (error, status) => relay.core.diagnose({ relayError: error, status, model });
  const steps = (d) => d.steps.map((s) => s.status[0]).join('');
  const failed = (d) => d.steps.find((s) => s.status === 'fail');
  const plain = await relayError('plainOnTls');
  const refused = await relayError('refused');
  const garbage = await relayError('garbage');
  assert.equal(steps(diagnose(plain.error, plain.status)), 'fnnnn');
  assert.equal(steps(diagnose(refused.error, refused.status)), 'fnnnn');
  assert.equal(steps(diagnose(garbage.error, garbage.status)), 'pfnnn', 'a server that does not speak HTTP fails the endpoint step');
  // The same errors with their messages swapped: the same steps and advice.
  const swapped = (a, b) => ({ ...a.error, message: b.error.message });
  for (const [a, b] of [[plain, refused], [refused, garbage], [garbage, plain]]) {
    const d = diagnose(swapped(a, b), a.status);
    const original = diagnose(a.error, a.status);
    assert.deepEqual(d.steps.map((s) => [s.status, s.advice]), original.steps.map((s) => [s.status, s.advice]));
    assert.equal(d.summary, original.summary);
    assert.equal(failed(d).advice, failed(original).advice);
  }
});

test('the first-byte timeout: streaming is advised only when the request did not stream', async () => {
  const model = { provider: 'openai', model_name: 'gpt-4.1-mini', api_base: hostile.base('silent') };
  const advice = {};
  for (const stream of [false, true]) {
    const { status, error } = await relayError('silent', hello({ stream }));
    assert.equal(status, 504);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.phase, 'first_byte');
    assert.equal(error.reason, 'first_byte_timeout');
    const d = relay.core.diagnose({ relayError: error, status, model, request: { stream } });
    assert.deepEqual(d.steps.map((s) => s.status), ['pass', 'not_reached', 'not_reached', 'not_reached', 'not_reached']);
    assert.deepEqual(d.conditions.map((c) => c.kind), ['timeout']);
    advice[stream] = d.conditions[0].advice;
  }
  assert.match(advice.false, /turn streaming on/);
  assert.doesNotMatch(advice.true, /turn streaming on/, 'a streamed request is not told to stream');
  assert.notEqual(advice.true, advice.false);
  await hostile.waitClosed('silent');
});

test('a config error carries the plan\'s explanation in `detail`, redacted like the message', async () => {
  // A base URL the core refuses, whose explanation quotes the key (as a URL with the key in
  // it would). The relay plans each model once per snapshot (for the model list and the chat
  // route alike): the plan is replaced in a snapshot of its own.
  const r = await withRefusedPlan(relay, `the base URL https://u:${SECRET}@x.example/v1 carries credentials`, () => relay.chat(ids.config, hello()));
  assert.equal(r.status, 503);
  const { error } = await r.json();
  assert.equal(error.kind, 'config');
  assert.equal(error.reason, 'bad_base_url');
  assert.equal(error.field, 'api_base');
  assert.match(error.detail, /^the base URL https:\/\/u:\S*@x\.example\/v1 carries credentials$/);
  assert.ok(!JSON.stringify(error).includes(SECRET), 'detail and message are redacted');
  const d = relay.core.diagnose({ relayError: error, status: r.status, model: { provider: 'openai', model_name: 'm', api_base: 'https://x.example/v1' } });
  assert.equal(d.steps[1].status, 'fail');
  assert.ok(d.steps[1].advice.includes(error.detail), 'the advice quotes detail');
  // The serializer itself: detail beside the message, and a reason always present.
  const e = new RelayError('config', 'the model\'s base URL cannot be used: no', { reason: 'bad_base_url', detail: 'no' });
  assert.deepEqual(e.toJSON().error, { source: 'relay', kind: 'config', message: 'the model\'s base URL cannot be used: no', reason: 'bad_base_url', detail: 'no' });
});

test('every relay error has a reason from the documented list; an unlisted code becomes unknown', async () => {
  for (const kind of ['unauthorized', 'cross_site', 'misdirected', 'not_found', 'unsupported_media_type', 'invalid_request',
    'unknown_model', 'not_testable', 'busy', 'overloaded', 'config', 'redirect', 'internal', 'dns', 'tls', 'too_large', 'timeout']) {
    const { reason } = new RelayError(kind, 'm').toJSON().error;
    assert.ok(isRelayReason(reason), `${kind}: ${reason}`);
  }
  assert.equal(new RelayError('internal', 'm', { reason: 'Some prose, not a code' }).toJSON().error.reason, 'unknown');
  assert.equal(fromNetworkError({ code: 'EWHATEVER', message: 'x' }, 'h').toJSON().error.reason, 'unknown');
  assert.equal(fromNetworkError({ message: 'no code' }, 'h').toJSON().error.reason, 'unknown');
  assert.equal(fromNetworkError({ code: 'HPE_INVALID_STATUS' }, 'h').toJSON().error.reason, 'HPE_INVALID_STATUS');
  const timeout = fromNetworkError({ code: 'ETIMEDOUT' }, 'h', 'connect').toJSON().error;
  assert.deepEqual([timeout.kind, timeout.phase, timeout.reason], ['timeout', 'connect', 'ETIMEDOUT']);
  const late = fromNetworkError({ code: 'ETIMEDOUT' }, 'h', 'idle').toJSON().error;
  assert.deepEqual([late.kind, late.reason], ['upstream_reset', 'ETIMEDOUT']);
  // docs/contracts.md lists every reason the relay names.
  const contracts = await readFile(new URL('../../docs/contracts.md', import.meta.url), 'utf8');
  for (const reason of RELAY_REASONS) assert.ok(contracts.includes(`\`${reason}\``), `docs/contracts.md lists \`${reason}\``);
});

test('no secret reached a client or a log line in this file', () => {
  assert.deepEqual(relay.leaks([SECRET]), []);
});
