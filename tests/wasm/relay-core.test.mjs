// The relay runs its own build of the core (relay/dist, -O3: relay/core.js); the page runs
// web/dist (-Oz). Same sources, same bindings, only the optimiser differs, and an optimiser
// can turn a latent bug into different behaviour. So the two builds are compared call by
// call on every fixture and on seeded mutations of them: any difference fails. The calls
// only the relay makes (src/wasm/exports-relay.txt: the body check, resources and rows, URL
// plans, addresses, redaction) are not in the page's build: they run on the relay's build
// alone, which must answer every one without a trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadCore } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';
import { prng as random } from '../support/prng.mjs';
import { fixtureUrl } from '../support/fixtures.mjs';

const page = await loadCore();
const relay = await loadRelayCore();

const dir = (name) => fixtureUrl(name);
const files = (name) => readdirSync(dir(name)).sort().map((f) => ({ name: f, text: readFileSync(new URL(f, dir(name)), 'utf8') }));
const tryParse = (text) => { try { return JSON.parse(text); } catch { return undefined; } };

/** What one call gives on a core: its value, or the error it threw (name, code, message). */
function outcome(core, call) {
  try {
    return { value: call(core) };
  } catch (err) {
    return { error: { name: err?.name, code: err?.code, message: err?.message } };
  }
}

let compared = 0;
function same(what, call) {
  const a = outcome(page, call);
  const b = outcome(relay, call);
  assert.deepEqual(b, a, `${what}: the relay build answered differently from the page build`);
  compared++;
}

let relayOnlyCalls = 0;
/** A call the page's build does not export: the relay's build answers it (no trap). */
function relayAnswers(what, call) {
  const b = outcome(relay, call);
  assert.ok(!b.error || b.error.code === 'bad_input', `${what}: the relay build failed: ${JSON.stringify(b.error)}`);
  relayOnlyCalls++;
}

/** A chat stream pushed in pieces cut at `cuts`, then ended. */
const streamed = (bytes, cuts) => (core) => {
  const s = core.openStream();
  try {
    const deltas = [];
    let at = 0;
    for (const cut of [...cuts, bytes.length]) { deltas.push(s.push(bytes.subarray(at, cut))); at = cut; }
    return { deltas, end: s.end() };
  } finally { s.free(); }
};

/** The relay's check of a request's bytes (openChatRequest, then check once). */
const checkedRequest = (bytes, target) => (core) => {
  const request = core.openChatRequest(bytes);
  if (!request.ok) return request;
  const checked = request.check(target);
  return checked.ok ? { ...checked, payload: text(checked.payload) } : checked;
};

const redactedStream = (bytes, secrets, cuts, compiled = '') => (core) => {
  const r = compiled ? core.secretsRedactor(secrets).stream() : core.streamRedactor(secrets);
  try {
    const parts = [];
    let at = 0;
    for (const cut of [...cuts, bytes.length]) { parts.push([...r.push(bytes.subarray(at, cut))]); at = cut; }
    parts.push([...r.finish()]);
    return parts;
  } finally { r.free(); }
};

/** Truncations, flipped bytes, duplicated and deleted spans: inputs a provider might break. */
function mutations(bytes, count, rnd) {
  const out = [];
  const at = () => Math.floor(rnd() * (bytes.length + 1));
  for (let i = 0; i < count; i++) {
    const m = Uint8Array.from(bytes);
    const kind = i % 4;
    if (kind === 0) { out.push(m.subarray(0, at())); continue; }
    if (kind === 1) { for (let k = 0; k < 3 && m.length; k++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256); out.push(m); continue; }
    const a = at();
    const b = Math.min(bytes.length, a + Math.floor(rnd() * 40));
    out.push(kind === 2
      ? Uint8Array.from([...m.subarray(0, b), ...m.subarray(a, b), ...m.subarray(b)])
      : Uint8Array.from([...m.subarray(0, a), ...m.subarray(b)]));
  }
  return out;
}
const cutsFor = (length, rnd) => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * (length + 1))).sort((x, y) => x - y);
const text = (bytes) => new TextDecoder().decode(bytes);

test('the relay build is a build of its own, not a copy of the page module', () => {
  const wasm = (base) => statSync(new URL(`${base}/dist/playground-core.wasm`, new URL('../../', import.meta.url))).size;
  // The part after '+' names the commit each build was configured at.
  assert.equal(relay.version.split('+')[0], page.version.split('+')[0], 'the same core version');
  assert.notEqual(wasm('relay'), wasm('web'), 'relay/dist holds the speed build (make wasm, preset wasm-relay)');
});

test('chat bodies: both builds build the form alike; the relay\'s check answers fixtures and mutations', () => {
  const rnd = random(1);
  const targets = [{ model_name: 'gpt-4o', provider: 'openai' }, { model_name: 'o3-mini', provider: 'openai' }, { model_name: 'claude-sonnet-4-0', provider: 'anthropic' }, { model_name: 'deepseek-chat', provider: 'deepseek' }];
  for (const { name, text: t } of files('request')) {
    const { form } = JSON.parse(t);
    same(`${name} buildRequest`, (c) => c.buildRequest(form));
    const built = page.buildRequest(form);
    const body = built.ok ? built.body : { messages: form.messages, ...form.params };
    const request = new TextEncoder().encode(JSON.stringify({ model: 'm1', body }));
    for (const target of targets) relayAnswers(`${name} request check ${target.model_name}`, checkedRequest(request, target));
    // The relay's check takes the request's bytes: mutated bytes go in as they are.
    for (const m of mutations(request, 40, rnd)) relayAnswers(`${name} mutated request`, checkedRequest(m, targets[0]));
  }
});

test('answers, streams and provider errors: every fixture and its mutations', () => {
  const rnd = random(2);
  for (const folder of ['responses', 'diagnose', 'errors']) {
    for (const { name, text: t } of files(folder)) {
      const bytes = new TextEncoder().encode(t);
      for (const input of [bytes, ...mutations(bytes, 24, rnd)]) {
        same(`${folder}/${name} validateCompletion`, (c) => c.validateCompletion(text(input)));
        same(`${folder}/${name} openStream`, streamed(input, cutsFor(input.length, rnd)));
        const status = 400 + Math.floor(rnd() * 200);
        same(`${folder}/${name} parseError`, (c) => c.parseError(status, name.endsWith('.html') ? 'text/html' : 'application/json', text(input)));
      }
    }
  }
});

test('diagnosis of whole runs: the same checklist from both builds', () => {
  const model = { provider: 'openai', model_name: 'gpt-4o-mini', api_base: 'https://api.openai.com/v1' };
  for (const { name, text: t } of files('diagnose')) {
    const sse = name.endsWith('.sse');
    const result = sse ? streamed(new TextEncoder().encode(t), [])(page).end : page.validateCompletion(t);
    for (const status of [200, 401, 404, 502]) {
      // No secrets: the page never has any, and its build has no matcher (redact.h).
      same(`diagnose ${name} ${status}`, (c) => c.diagnose({ status, contentType: sse ? 'text/event-stream' : 'application/json', body: t, result, model }));
    }
  }
});

test('diagnosis with secrets: the relay\'s build redacts the key out of what it shows, the page\'s withholds every text it would check', () => {
  const secret = 'sk-diagnose-secret-0123456789';
  const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}. You can find your API key at https://platform.openai.com`, type: 'invalid_request_error', code: 'invalid_api_key' } });
  const outcome = { status: 401, contentType: 'application/json', body, model: { provider: 'openai', model_name: 'gpt-4o-mini', api_base: 'https://api.openai.com/v1' }, secrets: [secret] };
  const shown = (c) => JSON.stringify(c.diagnose(outcome));
  const fromRelay = shown(relay);
  const fromPage = shown(page);
  for (const text of [fromRelay, fromPage]) assert.ok(!text.includes(secret) && !text.includes('0123456789'), 'no part of the key');
  assert.match(fromRelay, /Incorrect API key provided: \[REDACTED\]/, 'the relay keeps the provider\'s words around the key');
  assert.ok(!fromPage.includes('Incorrect API key provided'), 'the page withholds the whole message');
  assert.match(fromPage, /\[REDACTED\]/);
  // The verdict comes from codes, not words: the same in both builds.
  const verdict = (c) => { const d = c.diagnose(outcome); return { verdict: d.verdict, steps: d.steps.map((s) => [s.step, s.status, s.code]), conditions: d.conditions.map((k) => k.kind) }; };
  assert.deepEqual(verdict(page), verdict(relay));
  assert.deepEqual(verdict(relay).steps.find(([step]) => step === 'key'), ['key', 'fail', 'key_rejected']);
});

test('resources and etcd rows: the same models, keys and errors', () => {
  const rnd = random(3);
  const env = { OPENAI_API_KEY: 'sk-a', DEEPSEEK_API_KEY: 'sk-b', DEEPSEEK_HOST: 'api.deepseek.com', ANTHROPIC_API_KEY: 'sk-c', AZURE_API_KEY: 'az', GEMINI_API_KEY: 'g' };
  for (const { name, text: t } of files('resources')) {
    const doc = JSON.parse(t);
    if (Array.isArray(doc)) {
      const rows = doc.map(({ key, value }) => { const [kind, ...id] = key.split('/'); return { kind, id: id.join('/'), value }; });
      relayAnswers(`${name} loadRows`, (c) => c.loadRows(rows));
      for (let i = 0; i < 30; i++) {
        const k = Math.floor(rnd() * rows.length);
        const broken = rows.map((r, j) => (j === k ? { ...r, value: text(mutations(new TextEncoder().encode(r.value), 1, rnd)[0]) } : r));
        relayAnswers(`${name} loadRows mutated`, (c) => c.loadRows(broken));
      }
      continue;
    }
    relayAnswers(`${name} loadResources`, (c) => c.loadResources(doc, env));
    relayAnswers(`${name} loadResources, unset variables allowed`, (c) => c.loadResources(doc, {}, { allowUnsetVars: true }));
    for (const m of mutations(new TextEncoder().encode(t), 60, rnd)) {
      const parsed = tryParse(text(m));
      if (parsed !== undefined) relayAnswers(`${name} mutated resources`, (c) => c.loadResources(parsed, env));
    }
  }
});

test('addresses, URLs, plans, redaction and cost: the relay path’s small calls', () => {
  const rnd = random(4);
  for (const ip of ['8.8.8.8', '127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fe80::1', '2001:4860:4860::8888', '64:ff9b::a00:1', '100.64.0.1', '0.0.0.0', '', 'not-an-ip', '1.2.3', '::ffff:8.8.8.8']) {
    relayAnswers(`classifyAddress ${ip}`, (c) => c.classifyAddress(ip));
  }
  for (const base of ['https://api.openai.com/v1', 'https://api.anthropic.com/v1/', 'http://127.0.0.1:11434', 'https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21', 'ftp://x', '', 'https://user:pw@host/v1', 'https://[::1]:8080/v1/chat/completions']) {
    relayAnswers(`upstreamUrl ${base}`, (c) => c.upstreamUrl(base, '/chat/completions'));
    for (const [provider, adapter] of [['openai', ''], ['anthropic', ''], ['azure', 'azure-openai'], ['deepseek', 'openai'], ['gemini', 'gemini']]) {
      const target = { provider, adapter, api_base: base, model_name: 'm' };
      relayAnswers(`planChatCall ${provider} ${base}`, (c) => c.planChatCall(target));
      // "Copy as curl" on the relay's plan of that call (planChatCall is the relay's alone).
      const plan = relay.planChatCall(target);
      if (!plan.ok) continue;
      const call = { url: plan.url, auth: { header: plan.authHeader, scheme: plan.authScheme }, headers: [{ name: 'x-tenant', value: "it's" }] };
      relayAnswers(`curlCommand ${provider} ${base}`, (c) => c.curlCommand(call, { messages: [{ role: 'user', content: 'hi' }], stream: true }));
    }
  }
  const secrets = ['sk-proj-AbCdEf0123456789AbCdEf0123456789', 'short-key-xyz'];
  for (const { name, text: t } of files('errors')) {
    const planted = t.slice(0, t.length >> 1) + secrets[0] + t.slice(t.length >> 1) + ` sk-proj-...6789 ${secrets[1]}`;
    relayAnswers(`redact ${name}`, (c) => c.redact(planted, secrets));
    const bytes = new TextEncoder().encode(planted);
    const cuts = cutsFor(bytes.length, rnd);
    relayAnswers(`streamRedactor ${name}`, redactedStream(bytes, secrets, cuts));
    // What the relay runs: the list compiled once, a fresh redactor per answer, the same bytes.
    const fresh = redactedStream(bytes, secrets, cuts)(relay);
    for (let i = 0; i < 2; i++) assert.deepEqual(redactedStream(bytes, secrets, cuts, 'compiled')(relay), fresh, `secretsRedactor ${name}`);
  }
  for (const usage of [{ prompt_tokens: 1234, completion_tokens: 567 }, { prompt_tokens: -1 }, null, { prompt_tokens: 1e300, completion_tokens: 1 }]) {
    same(`cost ${JSON.stringify(usage)}`, (c) => c.cost(usage, { input_per_1k: 0.0025, output_per_1k: 0.01 }));
  }
});

test('enough calls were compared to mean something', (t) => {
  t.diagnostic(`${compared} calls compared, ${relayOnlyCalls} relay-only calls answered`);
  assert.ok(compared > 2000, `only ${compared} calls compared`);
});
