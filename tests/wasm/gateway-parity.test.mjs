// Gateway parity: every fact read from the AISIX gateway (tests/fixtures/gateway-parity) runs
// through the WASM core the relay and the page use, and the playground must agree with it:
// load the files and etcd rows the gateway loads, refuse the ones it refuses (naming the
// same entry, field and names), and predict the upstream URL it calls — or its refusal.
//
// Vectors come from three files, later ones winning by id: the in-repo copy of the shared
// vectors, the shared vectors themselves when this checkout sits next to them, and the
// playground's own (own-vectors.json, same format).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRelayCore } from '../../relay/core.js';
import { readResourcesFile } from '../../relay/sources/file-source.js';
import { fixtureUrl } from '../support/fixtures.mjs';
import { tempDir } from '../support/temp-dir.mjs';

const core = await loadRelayCore(); // the relay's calls (loadRows, planChatCall, openChatRequest): its build

const fixture = (name) => fixtureUrl('gateway-parity', name);
const SHARED = new URL('../../../shared/gateway-parity/vectors.json', import.meta.url);
const readVectors = (url) => JSON.parse(readFileSync(url, 'utf8')).vectors;

const byId = new Map();
for (const v of readVectors(fixture('vectors.json'))) byId.set(v.id, v);
const sharedPresent = existsSync(SHARED);
if (sharedPresent) for (const v of readVectors(SHARED)) byId.set(v.id, v);
// The playground's own: loading and URLs, then shaping, answer reading, deadlines, TLS and differences.
const own = ['own-vectors.json', 'own-shaping-vectors.json'].flatMap((name) => readVectors(fixture(name)));
for (const v of own) {
  assert.ok(v.id.startsWith('own/'), `own vector ids start with own/: ${v.id}`);
  byId.set(v.id, v);
}
const vectors = [...byId.values()];

// Differences by design, each with its reason; their vectors are checked for that difference.
const KNOWN = {
  'protocol/anthropic-native-messages':
    'the gateway speaks the native Messages API (POST base + /v1/messages, x-api-key) to a native-Anthropic key; ' +
    'the playground sends OpenAI-compatible chat, so it calls Anthropic\'s OpenAI-compatible endpoint on the same ' +
    'base (base + /v1/chat/completions, Authorization: Bearer). The base is the same; the plan names the gateway\'s URL too.',
};

const tmp = tempDir('parity');

/** A file vector through the relay's own reader (YAML → JSON) and the core, as `make run` loads it. */
let fileCounter = 0;
async function loadFile(vector) {
  const path = join(tmp, `r${fileCounter++}.yaml`);
  writeFileSync(path, vector.document);
  return readResourcesFile(core, path, vector.env ?? {});
}

const loadRows = (vector) => core.loadRows(vector.rows);

// Mentions are words of the gateway's error text. The playground's errors are structured
// (entry, field, message); a mention agrees when it appears in them, quotes and case aside.
const norm = (s) => String(s).toLowerCase().replace(/[`"'“”:]/g, ' ').replace(/\s+/g, ' ').trim();
// The relay reports a YAML error by its parser's code, never quoting the file (docs/scale-out.md).
const YAML_CODES = { 'single yaml document': 'multiple_docs' };
function errorText(errors) {
  return norm(errors.map((e) => `${e.entry} ${e.field ? `field ${e.field}` : ''} ${e.message}`).join(' | '));
}
function assertMentions(errors, mentions = []) {
  const text = errorText(errors);
  for (const m of mentions) {
    const want = norm(m);
    assert.ok(text.includes(want) || (YAML_CODES[want] && text.includes(YAML_CODES[want])),
      `the errors should mention ${JSON.stringify(m)}; they are:\n${JSON.stringify(errors, null, 1)}`);
  }
}

function assertKeys(loaded, expected = []) {
  for (const want of expected) {
    const got = loaded.providerKeys.find((k) => k.display_name === want.display_name);
    assert.ok(got, `provider key ${want.display_name} is loaded`);
    for (const field of ['provider', 'api_key', 'api_base', 'adapter']) {
      if (field in want) assert.equal(got[field] ?? '', want[field] ?? '', `provider key ${want.display_name}: ${field}`);
    }
  }
}

function assertModels(loaded, expect) {
  const direct = loaded.models.filter((m) => m.kind === 'direct');
  const multi = loaded.models.filter((m) => m.kind !== 'direct');
  for (const want of expect.direct_models ?? []) {
    const got = direct.find((m) => m.display_name === want.display_name);
    assert.ok(got, `direct model ${want.display_name} is loaded`);
    if ('model_name' in want) assert.equal(got.model_name, want.model_name, `${want.display_name}: model_name`);
    if ('id' in want) assert.equal(got.id, want.id, `${want.display_name}: id`);
    if ('provider_key_id' in want) assert.equal(got.provider_key?.id, want.provider_key_id, `${want.display_name}: provider_key_id`);
    if ('provider_key' in want) assert.equal(got.provider_key?.display_name, want.provider_key, `${want.display_name}: provider_key`);
  }
  for (const want of expect.multi_target_models ?? []) {
    const got = multi.find((m) => m.display_name === want.display_name);
    assert.ok(got, `multi-target model ${want.display_name} is loaded`);
    assert.equal(got.kind, want.kind, `${want.display_name}: kind`);
  }
}

function checkFile(vector, loaded) {
  const { expect } = vector;
  if (!expect.accepted) {
    assert.equal(loaded.ok, false, 'the gateway refuses this file; the playground must too');
    assert.ok(loaded.errors.length >= (expect.error_count ?? 1),
      `the gateway reports ${expect.error_count} error(s); the playground ${loaded.errors.length}`);
    assertMentions(loaded.errors, expect.mentions);
    return;
  }
  assert.equal(loaded.ok, true, `the gateway loads this file; the playground refused it:\n${JSON.stringify(loaded.errors, null, 1)}`);
  // The vectors list every key and model the gateway's snapshot holds.
  if (expect.provider_keys) assert.equal(loaded.providerKeys.length, expect.provider_keys.length, 'provider key count');
  if (expect.direct_models || expect.multi_target_models) {
    assert.equal(loaded.models.length, (expect.direct_models ?? []).length + (expect.multi_target_models ?? []).length, 'model count');
  }
  assertKeys(loaded, expect.provider_keys);
  assertModels(loaded, expect);
}

function checkRows(vector, loaded) {
  const { expect } = vector;
  const accepted = new Set([
    ...loaded.models.map((m) => `models/${m.id}`),
    ...loaded.providerKeys.map((k) => `provider_keys/${k.id}`),
  ]);
  const names = vector.rows.map((r) => `${r.kind}/${r.id}`);
  assert.deepEqual(names.filter((n) => accepted.has(n)).sort(), [...expect.accepted].sort(), 'rows kept');
  assert.deepEqual(names.filter((n) => !accepted.has(n)).sort(), expect.rejected.map((r) => r.row).sort(), 'rows skipped');
  // Every skipped row is reported, naming the row.
  for (const r of expect.rejected) {
    assert.ok(loaded.warnings.some((w) => w.entry === r.row || w.entry.startsWith(`${r.row} `)), `row ${r.row} is reported`);
  }
  const keptWarned = loaded.warnings.some((w) => expect.accepted.some((a) => w.entry === a || w.entry.startsWith(`${a} `)));
  assert.equal(keptWarned, Boolean(expect.warns), expect.warns ? 'the gateway reports ignored fields of a kept row' : 'a kept row has nothing to report');
  assertKeys(loaded, expect.provider_keys);
  assertModels(loaded, expect);
}

/** The plan must predict the gateway's outcome and URL (for Anthropic keys: the same base). */
function checkPlan(plan, expect, what) {
  assert.equal(plan.gatewayOutcome, expect.outcome, `${what}: the gateway's outcome (plan: ${JSON.stringify(plan)})`);
  switch (expect.outcome) {
    case 'dispatch':
      assert.equal(plan.ok, true, `${what}: the playground calls it too (${plan.error ?? ''})`);
      assert.equal(plan.gatewayUrl, expect.url, `${what}: the gateway's URL`);
      if (expect.protocol === 'anthropic') assert.equal(plan.url, `${expect.base}/v1/chat/completions`, `${what}: same base`);
      else assert.equal(plan.url, expect.url, `${what}: the playground calls the gateway's URL`);
      break;
    case 'misrouted':
      // Predicted and said: either the call is refused, or it is made with a note that it fails.
      assert.equal(plan.gatewayUrl, expect.url, `${what}: the gateway's (wrong) URL`);
      assert.ok(!plan.ok || (plan.notes ?? []).some((n) => /fail/.test(n)), `${what}: says the call fails`);
      break;
    default:
      assert.equal(plan.ok, false, `${what}: refused before any request, as the gateway refuses it`);
      assert.equal(plan.gatewayUrl, undefined, `${what}: no URL is predicted for a refusal`);
  }
}

function checkUrl(vector) {
  const { target, expect } = vector;
  checkPlan(core.planChatCall(target), expect, vector.id);
}

/** A url-doc vector: the model (or key) of a loaded file or rows vector. */
async function checkUrlDoc(vector) {
  const via = byId.get(vector.via);
  assert.ok(via, `${vector.via} is a vector`);
  const loaded = via.kind === 'rows' ? loadRows(via) : await loadFile(via);
  const { expect } = vector;
  let key;
  let model;
  if (vector.model == null) {
    key = loaded.providerKeys.find((k) => k.display_name === vector.key);
    assert.ok(key, `provider key ${vector.key} is loaded`);
  } else {
    model = loaded.models.find((m) => m.display_name === vector.model);
    assert.ok(model, `model ${vector.model} is loaded`);
    key = loaded.providerKeys.find((k) => k.id === model.provider_key?.id);
    assert.ok(key, `the key of ${vector.model} is loaded`);
  }
  const plan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model?.model_name ?? 'model' });
  if (expect.outcome === 'credentials_error') {
    // The key's value, not its URL, is what the gateway refuses (401): the plan is fine,
    // the model is listed as not testable, saying so.
    assert.equal(plan.ok, true, 'the URL itself is fine');
    assert.equal(model.testable, false, 'not testable');
    assert.match(model.reason, /401/, `the reason names the gateway's 401: ${model.reason}`);
    return;
  }
  checkPlan(plan, expect, vector.id);
  if (model) assert.equal(model.testable, expect.outcome === 'dispatch', `testable: ${model.reason ?? ''}`);
}

/** A protocol vector: the auth header and endpoint, through a one-model file holding the secret. */
async function checkProtocol(vector) {
  const { target, expect } = vector;
  const plan = core.planChatCall(target);
  const known = KNOWN[vector.id];
  if (known) {
    // The documented difference: the same base, the gateway's own URL predicted.
    assert.equal(plan.gatewayUrl, expect.url, 'the gateway\'s URL is predicted');
    assert.equal(plan.url, `${expect.url.replace(/\/v1\/messages$/, '')}/v1/chat/completions`, 'the playground calls the same base');
    return;
  }
  const loaded = await loadFile({
    document: JSON.stringify({
      _format_version: '1',
      provider_keys: [{ display_name: 'k', provider: target.provider, adapter: target.adapter, api_base: target.api_base, api_key: vector.secret ?? 'sk-parity' }],
      models: [{ display_name: 'm', provider: 'openai', model_name: target.model_name, provider_key: 'k' }],
    }),
    env: {},
  });
  assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
  const model = loaded.models[0];
  if (expect.refused_before_dispatch) {
    assert.equal(model.testable, false, 'refused before any request');
    assert.match(model.reason, new RegExp(`\\b${expect.status}\\b`), `the reason names the gateway's ${expect.status}: ${model.reason}`);
    return;
  }
  if (expect.url) assert.equal(plan.gatewayUrl, expect.url, 'endpoint');
  if (plan.authHeader === expect.auth_header) {
    assert.equal(plan.ok, true);
    if ('auth_scheme' in expect) assert.equal(plan.authScheme, expect.auth_scheme, 'auth scheme');
    assert.equal(model.testable, true, model.reason);
  } else {
    // A credential the gateway turns into another header (Azure's Entra ID JSON): the
    // playground cannot, so the model is not testable and the reason names the gateway's header.
    assert.equal(model.testable, false, `the playground would send ${plan.authHeader}, the gateway ${expect.auth_header}`);
    assert.match(model.reason.toLowerCase(), new RegExp(`${expect.auth_header}: ${expect.auth_scheme ?? ''}`.toLowerCase().trim()), model.reason);
  }
}

/** The loaded file of a vector and one of its models, with the relay's shaping and the plan made with it. */
async function shapedModel(vector) {
  const loaded = await loadFile(vector);
  assert.equal(loaded.ok, true, JSON.stringify(loaded.errors));
  const model = loaded.models.find((m) => m.display_name === vector.model);
  assert.ok(model, `model ${vector.model} is loaded`);
  const key = loaded.providerKeys.find((k) => k.id === model.provider_key?.id);
  const shaping = loaded.shaping.models[model.id];
  assert.ok(key && shaping, 'the model has a key and a shaping');
  const plan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model.model_name, shaping });
  return { loaded, model, key, shaping, plan };
}

/** A shaping vector: the relay's check and shaping of a body, as the provider would receive it. */
async function checkShaping(vector) {
  const { model, shaping } = await shapedModel(vector);
  // As the relay checks it: the request's bytes into the core, the bytes it sends out.
  const request = core.openChatRequest(new TextEncoder().encode(JSON.stringify({ model: 'parity', body: vector.body })));
  assert.equal(request.ok, true);
  const checked = request.check({ model_name: model.model_name, provider: model.provider, shaping, requestId: vector.request_id ?? 'req-parity' });
  assert.equal(checked.ok, true, JSON.stringify(checked.errors));
  const body = JSON.parse(new TextDecoder().decode(checked.payload));
  const { expect } = vector;
  for (const [field, value] of Object.entries(expect.body ?? {})) assert.deepEqual(body[field], value, `body.${field}`);
  for (const field of expect.absent ?? []) assert.equal(field in body, false, `body.${field} is not sent`);
  assert.deepEqual(Object.fromEntries(checked.headers.map((h) => [h.name, h.value])), expect.headers ?? {}, 'the headers the key adds');
  assert.deepEqual([...new Set(checked.changes.map((c) => c.code))].sort(), [...(expect.changes ?? [])].sort(), 'what the gateway changes');
}

const counts = { agreed: 0, total: 0 };
const tally = (fn) => async () => {
  counts.total++;
  await fn();
  counts.agreed++;
};

const checks = {
  file: async (v) => checkFile(v, await loadFile(v)),
  rows: async (v) => checkRows(v, loadRows(v)),
  url: async (v) => checkUrl(v),
  'url-doc': checkUrlDoc,
  protocol: checkProtocol,
  shaping: checkShaping,
  'answer-reading': async (v) => assert.deepEqual((await shapedModel(v)).plan.gateway.answerReading, v.expect.answerReading),
  deadlines: async (v) => assert.deepEqual((await shapedModel(v)).plan.gateway.deadlines, v.expect.deadlines),
  tls: async (v) => {
    const { gateway } = (await shapedModel(v)).plan;
    assert.deepEqual(gateway.tls && { caCert: Boolean(gateway.tls.caCert), verify: gateway.tls.verify }, v.expect.tls);
    assert.deepEqual(gateway.shaping.map((n) => n.code).filter((c) => c.startsWith('tls_')), v.expect.notes);
  },
  differences: async (v) => assert.deepEqual((await shapedModel(v)).model.gateway.differences.map((d) => d.code), v.expect.codes),
};

for (const vector of vectors) {
  const check = checks[vector.kind];
  const name = `${vector.id}${KNOWN[vector.id] ? ' (known difference)' : ''}`;
  test(name, tally(async () => {
    assert.ok(check, `unknown vector kind ${vector.kind}`);
    await check(vector);
  }));
}

test('the shared vectors were read too, or their absence is said', () => {
  if (!sharedPresent) console.log(`shared vectors not found at ${SHARED.pathname}: only the in-repo copy and the playground's own vectors ran`);
});

after(() => {
  console.log(`gateway parity: ${counts.agreed} of ${counts.total} vectors agree (${vectors.length - own.length} gateway facts, ${own.length} of the playground's own)`);
});
