// Step 4 scenarios: the REAL relay against local upstreams that answer the way real providers
// do (one fixture per behaviour in tests/scenarios/*.json), the outcome assembled by the
// page's own runOnce (web/playground/run.js), and core.diagnose's checklist asserted: the
// five step statuses, the condition kinds, the verdict, and that no secret is in it.
// Adding a scenario = adding one JSON file; this file iterates the folder. A fixture holds
// title, upstream (see tests/scenarios/server.mjs), target? (nxdomain | refused | tls | forbidden:
// fail before HTTP), model? {provider, model_name}, request? {stream, params}, and expect:
// {reach, endpoint, key, model, answer, verdict, code?, conditions?, relayError?, mentions?, absent?}: code is
// the failed step's code (none when no step fails);
// relayError names the kind the page must take as the relay's own (null: the page must take
// none, the answer is the provider's), absent lists phrases the diagnosis must not contain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startScenarioUpstream } from '../scenarios/server.mjs';
import { runOnce } from '../../web/playground/run.js';
import { scrambleMessages, verdictFacts } from '../support/scramble-messages.mjs';

// run.js yields to the browser through scheduler.yield or, failing that, a MessageChannel whose
// ports it never closes; in Node an open port keeps the process alive after the tests, so give
// Node the scheduler.yield the page would use in Chromium.
globalThis.scheduler ??= { yield: () => new Promise((resolve) => setImmediate(resolve)) };

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../scenarios');
const fixtures = Object.fromEntries(readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(DIR, f), 'utf8'))]));

const KEY = 'sk-proj-TESTSECRETscenario00000000000000-QRST';
const SECRETS = [KEY];

let up; let tlsUp; let forbidden; let refusedPort; let relay;
const models = {};

// Where a scenario's key points: the scenario server, or a target that fails before HTTP.
function apiBase(name, fixture) {
  switch (fixture.target) {
    case 'nxdomain': return 'https://no-such-host.invalid/v1';
    case 'refused': return `http://127.0.0.1:${refusedPort}/v1`;
    case 'tls': return tlsUp.base('openai');
    case 'forbidden': return `http://127.0.0.1:${forbidden.address().port}/v1`;
    default: return up.base(name);
  }
}

before(async () => {
  up = await startScenarioUpstream(fixtures);
  tlsUp = await startFakeUpstream({ tls: true });
  forbidden = net.createServer((s) => s.destroy());
  await new Promise((r) => forbidden.listen(0, '127.0.0.1', r));
  const tmp = net.createServer();
  await new Promise((r) => tmp.listen(0, '127.0.0.1', r));
  refusedPort = tmp.address().port;
  await new Promise((r) => tmp.close(r));

  const names = Object.keys(fixtures);
  const resources = {
    _format_version: '1',
    provider_keys: names.map((n) => ({ display_name: `k-${n}`, provider: 'openai-compatible', adapter: 'openai', api_base: apiBase(n, fixtures[n]), api_key: '${SCENARIO_KEY}' })),
    models: names.map((n) => ({ display_name: `m-${n}`, provider: fixtures[n].model?.provider ?? 'openai', model_name: fixtures[n].model?.model_name ?? 'gpt-4.1-mini', provider_key: `k-${n}` })),
  };
  relay = await startRelay({
    resources,
    env: { SCENARIO_KEY: KEY, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port},127.0.0.1:${tlsUp.port},127.0.0.1:${refusedPort}` },
    settings: { limits: { idleMs: 400, firstByteMs: 500, connectMs: 1000, totalMs: 5000 } },
  });
  for (const m of await relay.models()) models[m.display_name.replace(/^m-/, '')] = m;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
  await tlsUp?.stop();
  forbidden?.close();
});

// The page's RelayApi, but with bearer auth (Node has no session cookie).
const api = {
  chat: (id, body, signal) => fetch(`${relay.base}/api/playground/chat`, {
    method: 'POST', signal,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: id, body }),
  }),
};

const STEPS = ['reach', 'endpoint', 'key', 'model', 'answer'];

for (const [name, fixture] of Object.entries(fixtures)) {
  test(`${name}: ${fixture.title ?? ''}`, async () => {
    const model = models[name];
    assert.ok(model, `model m-${name} is listed`);
    const body = { messages: [{ role: 'user', content: 'Say hello' }], stream: Boolean(fixture.request?.stream), ...fixture.request?.params };
    const run = await runOnce({ core: relay.core, api, model, body, signal: new AbortController().signal });
    const outcome = { ...run.outcome, secrets: SECRETS };
    const d = relay.core.diagnose(outcome);
    const dumped = JSON.stringify(d);
    const context = `${name}\noutcome: ${JSON.stringify({ ...outcome, secrets: undefined }).slice(0, 1500)}\ndiagnosis: ${JSON.stringify(d, null, 1)}`;
    const { expect } = fixture;
    assert.deepEqual(d.steps.map((s) => s.step), STEPS);
    assert.deepEqual(Object.fromEntries(d.steps.map((s) => [s.step, s.status])), Object.fromEntries(STEPS.map((s) => [s, expect[s]])), context);
    assert.deepEqual(d.conditions.map((c) => c.kind), expect.conditions ?? [], context);
    assert.equal(d.verdict, expect.verdict, context);
    // The failed step's code (core.d.ts's StepCode): what decides, not the wording.
    assert.equal(d.steps.find((s) => s.status === 'fail')?.code ?? null, expect.code ?? null, context);
    // Wording-independence: the same verdict with every message we and the relay wrote scrambled.
    assert.deepEqual(verdictFacts(relay.core.diagnose(scrambleMessages(outcome))), verdictFacts(d), `${context}\n(messages scrambled)`);
    if (expect.relayError) assert.equal(outcome.relayError?.kind, expect.relayError, context);
    if (expect.relayError === null) assert.equal(outcome.relayError, undefined, context);
    for (const phrase of expect.mentions ?? []) assert.ok(dumped.includes(phrase), `${context}\nmissing phrase: ${phrase}`);
    for (const phrase of expect.absent ?? []) assert.ok(!dumped.includes(phrase), `${context}\nunexpected phrase: ${phrase}`);
    for (const s of SECRETS) {
      assert.ok(!dumped.includes(s), `${name}: the diagnosis contains the key`);
      assert.ok(!dumped.includes(s.slice(-12)), `${name}: the diagnosis contains the key's tail`);
      // The masked echo OpenAI sends back (prefix, stars, last 4) is redacted too.
      assert.ok(!dumped.includes(`${'*'.repeat(28)}${s.slice(-4)}`), `${name}: the diagnosis contains the masked key`);
    }
  });
}
