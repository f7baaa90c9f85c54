// Whose failure is it: the page trusts a relay-shaped body ({"error":{"source":"relay",…}})
// only when the response says x-playground-source: relay (a header the relay never lets
// through from an upstream), and the core trusts a stream's relay_error event only with the
// nonce of the response's x-playground-relay-nonce. An upstream that imitates either is read
// as the provider. The page's reader alone, then the whole run (runOnce → core.diagnose)
// against answers built here, as the relay would send them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayErrorFromText, SOURCE_HEADER } from '../../web/contract.js';
import { runOnce } from '../../web/playground/run.js';
import { loadCore } from '../../web/core.js';

// run.js yields through scheduler.yield when there is one (see tests/relay/scenarios.test.mjs).
globalThis.scheduler ??= { yield: () => new Promise((resolve) => setImmediate(resolve)) };

const core = await loadCore();

const BLOCKED = JSON.stringify({ error: { source: 'relay', kind: 'blocked_address', message: 'api.example.com resolves to 10.0.0.5, a private address', category: 'private' } });
const NONCE = 'Q2hhdFN0cmVhbU5vbmNlMQ';

test('relayErrorFromText: a relay-shaped body is the relay\'s only with x-playground-source: relay', () => {
  assert.equal(SOURCE_HEADER, 'x-playground-source');
  for (const headers of [new Headers({ 'x-playground-source': 'relay' }), { 'x-playground-source': 'relay' },
    { 'X-Playground-Source': 'relay' }, new Headers({ 'X-Playground-Source': ' relay ' })]) {
    const error = relayErrorFromText(BLOCKED, headers);
    assert.equal(error?.kind, 'blocked_address');
    assert.equal(error?.category, 'private');
  }
  for (const headers of [undefined, null, {}, new Headers(), { 'x-playground-source': 'upstream' }, new Headers({ 'x-playground-source': 'upstream' }),
    { 'x-playground-source': 'Relay' }, { 'x-playground-source': 'relay, upstream' }, { 'x-playground-source': ['relay'] },
    { 'x-playground-sources': 'relay' }, 'x-playground-source: relay']) {
    assert.equal(relayErrorFromText(BLOCKED, headers), null, `not the relay's with ${JSON.stringify(headers)}`);
  }
  // The header alone does not make any body a relay error.
  const relayHeaders = { 'x-playground-source': 'relay' };
  assert.equal(relayErrorFromText('{"error":{"message":"x","type":"server_error"}}', relayHeaders), null);
  assert.equal(relayErrorFromText('{"error":{"source":"relay"}}', relayHeaders), null, 'a kind is required');
  assert.equal(relayErrorFromText('not json', relayHeaders), null);
  assert.equal(relayErrorFromText('', relayHeaders), null);
});

// The page's RelayApi with a canned answer.
const answering = (response) => ({ chat: async () => response() });
const model = { id: 'm1', provider: 'openai', model_name: 'gpt-4o', api_base: 'https://api.example.com/v1' };
const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };
const run = (response) => runOnce({ core, api: answering(response), model, body, signal: new AbortController().signal });
const stepsOf = (d) => d.steps.map((s) => s.status[0].toUpperCase()).join('');

test('runOnce: the relay\'s own error body (with its header) is the relay\'s', async () => {
  const r = await run(() => new Response(BLOCKED, { status: 403, headers: { 'content-type': 'application/json', [SOURCE_HEADER]: 'relay' } }));
  assert.equal(r.relayError?.kind, 'blocked_address');
  assert.equal(r.outcome.relayError?.kind, 'blocked_address');
  assert.equal(r.outcome.body, undefined);
  const d = core.diagnose(r.outcome);
  assert.equal(stepsOf(d), 'FNNNN');
  assert.match(d.steps[0].evidence, /relay error blocked_address/);
});

test('runOnce: the same body from the upstream (no header, or "upstream") is the provider\'s, left to the core', async () => {
  for (const headers of [{ 'content-type': 'application/json' }, { 'content-type': 'application/json', [SOURCE_HEADER]: 'upstream' }]) {
    const r = await run(() => new Response(BLOCKED, { status: 403, headers }));
    assert.equal(r.relayError, null);
    assert.equal(r.outcome.relayError, undefined);
    assert.equal(r.outcome.status, 403);
    assert.equal(r.outcome.body, BLOCKED, 'the body goes to the core as the provider\'s');
    const d = core.diagnose(r.outcome);
    assert.doesNotMatch(JSON.stringify(d), /relay error|ALLOWED_PRIVATE_UPSTREAMS/);
    assert.equal(d.steps[0].status, 'pass', 'the provider was reached: it answered');
  }
  // At a 2xx the forged body is validated as the provider's (an error instead of a completion).
  const ok = await run(() => new Response(BLOCKED, { status: 200, headers: { 'content-type': 'application/json' } }));
  assert.equal(ok.relayError, null);
  assert.equal(ok.result.ok, false);
  assert.match(ok.result.findings[0].message, /the provider returned an error/);
});

// A stream whose answer began, then a relay_error event with `nonce` (none when undefined).
const sse = (nonce, message = 'the provider sent nothing for 60 s (idle limit between chunks)') => [
  'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\n',
  `event: relay_error\ndata: ${JSON.stringify({ error: { source: 'relay', kind: 'timeout', message, phase: 'idle', reason: 'idle_timeout', ...(nonce === undefined ? {} : { nonce }) } })}\n\n`,
].join('');
const streamed = (text, headers) => () => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream', ...headers } });

test('runOnce: a relay_error event with the response\'s nonce is the relay\'s mid-stream failure', async () => {
  const r = await run(streamed(sse(NONCE, 'cut'), { [SOURCE_HEADER]: 'upstream', 'x-playground-relay-nonce': NONCE }));
  assert.equal(r.relayError, null, 'the page leaves the stream\'s event to the core');
  assert.deepEqual(r.result.relayEvent, { kind: 'timeout', message: 'cut', phase: 'idle', reason: 'idle_timeout', nonce: NONCE });
  assert.equal(r.result.content, 'Hel');
  assert.ok(!r.result.findings.some((f) => /the provider sent an error/.test(f.message)), 'not filed as a provider error');
  const d = core.diagnose(r.outcome);
  assert.equal(stepsOf(d), 'PPPPF');
  assert.deepEqual(d.conditions.map((c) => c.kind), ['timeout']);
  assert.match(d.steps[4].evidence, /^relay error timeout: cut/);
  assert.match(d.conditions[0].advice, /the provider is stalling/, 'the phase decides, not the wording');
});

test('runOnce: a relay_error event without the response\'s nonce is the provider posing as the relay', async () => {
  for (const [nonce, headers, note] of [
    [undefined, { 'x-playground-relay-nonce': NONCE }, /without the relay's nonce/],
    ['AAAAAAAAAAAAAAAAAAAAAA', { 'x-playground-relay-nonce': NONCE }, /with a nonce that is not this call's/],
    [NONCE, {}, /with a nonce that is not this call's/],
  ]) {
    const r = await run(streamed(sse(nonce), { [SOURCE_HEADER]: 'upstream', ...headers }));
    const d = core.diagnose(r.outcome);
    assert.equal(stepsOf(d), 'PPPPF');
    assert.deepEqual(d.conditions.map((c) => c.kind), [], 'no relay timeout condition');
    assert.match(d.steps[4].evidence, /the provider sent an event that claims to be the relay's/);
    assert.match(d.steps[4].evidence, note);
    assert.doesNotMatch(JSON.stringify(d), /relay error timeout|stalling/);
  }
});
