// The real relay against upstreams that misbehave at the byte level (tests/support/hostile-upstreams.mjs).
// Every call ends with a relay error of a clear kind, or passes the bytes on and the core
// reports a finding on what the client got; and in every test another user's normal
// stream, running at the same time, succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHostileUpstream, invalidUtf8Stream, invalidUtf8Json } from '../support/hostile-upstreams.mjs';
import { besideNormalCall, startRelay } from '../support/relay-harness.mjs';

const SECRET = 'sk-proj-TESTSECREThostile00000000000000-QRST';
const LIMITS = { idleMs: 400, firstByteMs: 500, connectMs: 1000, totalMs: 8000, responseBytes: 256 * 1024 };
const SCENARIOS = ['normal', 'endless', 'gigabyte', 'gigabyteChunked', 'drip', 'badUtf8Stream', 'badUtf8Json', 'hugeHeaders', 'resetAfterHeaders', 'silent', 'gzip', 'br', 'badChunk'];

let up;
let relay;
const ids = {};

before(async () => {
  up = await startHostileUpstream();
  relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: SCENARIOS.map((s) => ({ display_name: `k-${s}`, provider: 'openai-compatible', adapter: 'openai', api_base: up.base(s), api_key: '${HOSTILE_T}' })),
      models: SCENARIOS.map((s) => ({ display_name: `m-${s}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: `k-${s}` })),
    },
    env: { HOSTILE_T: SECRET, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
    settings: { limits: LIMITS },
  });
  for (const m of await relay.models()) ids[m.display_name.slice(2)] = m.id;
});

after(async () => {
  await relay?.stop();
  await up?.stop();
});

const hello = (extra = {}) => ({ messages: [{ role: 'user', content: 'Say hello' }], ...extra });

/** The relay's own final event in an SSE body, or null. */
function relayErrorEvent(text) {
  const decoder = relay.core.sseDecoder();
  try {
    const events = [...decoder.push(new TextEncoder().encode(text)), ...decoder.end()];
    const e = events.find((ev) => ev.event === 'relay_error');
    return e ? JSON.parse(e.data).error : null;
  } finally { decoder.free(); }
}

test('an event stream that never ends is cut at the response size limit with a relay_error event', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.endless, hello({ stream: true }));
  assert.equal(r.status, 200);
  const text = await r.text();
  const err = relayErrorEvent(text);
  assert.equal(err?.source, 'relay');
  assert.equal(err.kind, 'too_large');
  assert.match(err.message, /response size limit/);
  assert.ok(text.length <= LIMITS.responseBytes + 4096, `the client got ${text.length} bytes, no more than the cap`);
  await up.waitClosed('endless');
}));

test('a 1 GB response with a declared length is refused before a byte goes on, and the upstream is closed', () => besideNormalCall(relay, ids.normal, async () => {
  const before = up.state.bytesSent;
  const r = await relay.chat(ids.gigabyte, hello());
  assert.equal(r.status, 502);
  const { error } = await r.json();
  assert.equal(error.source, 'relay');
  assert.equal(error.kind, 'too_large');
  assert.match(error.message, /1073741824-byte response/);
  await up.waitClosed('gigabyte');
  const sent = up.state.bytesSent - before;
  assert.ok(sent < 64 * 1024 * 1024, `the relay stopped reading: the upstream wrote ${sent} bytes of 1 GB`);
}));

test('a 1 GB chunked JSON body is cut at the cap (not buffered): the client sees a truncated body the core rejects', () => besideNormalCall(relay, ids.normal, async () => {
  const before = up.state.bytesSent;
  const r = await relay.chat(ids.gigabyteChunked, hello());
  assert.equal(r.status, 200, 'the headers were already on their way');
  let got = Buffer.alloc(0);
  await assert.rejects((async () => { for await (const c of r.res.body) got = Buffer.concat([got, c]); })(), 'the body ends in an error, not a clean end');
  assert.ok(got.length <= LIMITS.responseBytes, `client got ${got.length} bytes`);
  const result = relay.core.validateCompletion(got.toString('utf8'));
  assert.equal(result.ok, false);
  assert.ok(result.findings.some((f) => f.severity === 'error'));
  await up.waitClosed('gigabyteChunked');
  const sent = up.state.bytesSent - before;
  assert.ok(sent < 64 * 1024 * 1024, `the upstream wrote ${sent} bytes of 1 GB`);
  const line = relay.logs.map((l) => JSON.parse(l)).findLast((l) => l.msg === 'chat' && l.model === ids.gigabyteChunked);
  assert.equal(line?.kind, 'too_large', 'the log names the cap');
}));

test('a stream that sends an event every 100 ms is never idle and ends at the total time limit', async () => {
  // Its own relay, with a short total limit: every event moves the idle deadline (400 ms) on,
  // so the call's one timer must fire for the total limit (1.5 s), not for the idle one.
  const short = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [{ display_name: 'k-trickle', provider: 'openai-compatible', adapter: 'openai', api_base: up.base('trickle'), api_key: '${HOSTILE_T}' }],
      models: [{ display_name: 'm-trickle', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-trickle' }],
    },
    env: { HOSTILE_T: SECRET, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
    settings: { limits: { ...LIMITS, totalMs: 1500 } },
  });
  try {
    const [model] = await short.models();
    const t0 = Date.now();
    const r = await short.chat(model.id, hello({ stream: true }));
    const text = await r.text();
    const elapsed = Date.now() - t0;
    const err = relayErrorEvent(text);
    assert.equal(err?.kind, 'timeout');
    assert.equal(err.phase, 'total');
    assert.equal(err.reason, 'total_timeout');
    assert.ok((text.match(/tick/g) ?? []).length >= 8, 'the events before the limit went through');
    assert.ok(elapsed >= 1500 && elapsed < 4000, `ended after ${elapsed} ms`);
    await up.waitClosed('trickle');
  } finally {
    await short.stop();
  }
});

test('a stream that drips one byte per second ends at the idle limit', () => besideNormalCall(relay, ids.normal, async () => {
  const t0 = Date.now();
  const r = await relay.chat(ids.drip, hello({ stream: true }));
  const err = relayErrorEvent(await r.text());
  assert.equal(err?.kind, 'timeout');
  assert.equal(err.phase, 'idle');
  assert.ok(Date.now() - t0 < LIMITS.totalMs, 'the idle limit, not the total one, ended it');
  await up.waitClosed('drip');
}));

/** What the core made of the bad bytes: replacement characters, never a crash or a silent drop. */
function decodeBadStream(bytes) {
  const stream = relay.core.openStream();
  try { stream.push(bytes); return stream.end(); } finally { stream.free(); }
}

test('invalid UTF-8 in a stream passes byte for byte; the core shows it as U+FFFD', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.badUtf8Stream, hello({ stream: true }));
  assert.equal(r.status, 200);
  const bytes = Buffer.from(await r.res.arrayBuffer());
  assert.ok(bytes.equals(invalidUtf8Stream()), 'the relay changed no byte');
  const result = decodeBadStream(bytes);
  assert.equal(result.done, true);
  assert.match(result.content, /^fine \uFFFD+$/, 'the bad bytes are visible as replacement characters');
}));

test('invalid UTF-8 in a JSON body passes byte for byte; the page\'s decoding shows it as U+FFFD', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.badUtf8Json, hello());
  assert.equal(r.status, 200);
  const bytes = Buffer.from(await r.res.arrayBuffer());
  assert.ok(bytes.equals(invalidUtf8Json()), 'the relay changed no byte');
  // Decoded the way a browser's response.text() does: one U+FFFD per bad sequence.
  const result = relay.core.validateCompletion(new TextDecoder().decode(bytes));
  assert.match(result.content, /^\uFFFD+$/);
}));

test('the core reports invalid UTF-8 in a streamed answer as a finding', () => {
  const result = decodeBadStream(invalidUtf8Stream());
  const finding = result.findings.find((f) => /invalid UTF-8/.test(f.message));
  assert.ok(finding, JSON.stringify(result.findings));
  assert.equal(finding.severity, 'warning');
});

test('a 1 MB header block is a clear relay error, not a hang or a crash', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.hugeHeaders, hello());
  assert.equal(r.status, 502);
  const { error } = await r.json();
  assert.equal(error.kind, 'upstream_reset');
  assert.match(error.message, /headers larger/);
}));

test('a reset right after the headers ends the stream with upstream_reset after what arrived', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.resetAfterHeaders, hello({ stream: true }));
  const text = await r.text();
  assert.match(text, /partial/);
  assert.equal(relayErrorEvent(text)?.kind, 'upstream_reset');
}));

test('a server that accepts and never answers hits the first-byte timeout, and its connection is closed', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.silent, hello({ stream: true }));
  assert.equal(r.status, 504);
  const { error } = await r.json();
  assert.equal(error.kind, 'timeout');
  assert.equal(error.phase, 'first_byte');
  await up.waitClosed('silent');
}));

test('gzip and br bodies are decoded and the echoed key is redacted', () => besideNormalCall(relay, ids.normal, async () => {
  const gz = await relay.chat(ids.gzip, hello());
  assert.equal(gz.status, 200);
  assert.equal(gz.headers.get('content-encoding'), null, 'the relay sends plain bytes');
  const gzText = await gz.text();
  assert.ok(!gzText.includes(SECRET));
  const gzResult = relay.core.validateCompletion(gzText);
  assert.equal(gzResult.ok, true, JSON.stringify(gzResult.findings));
  assert.match(gzResult.content, /^gz echo \S/);

  const br = await relay.chat(ids.br, hello({ stream: true }));
  const brBytes = new Uint8Array(await br.res.arrayBuffer());
  assert.ok(!Buffer.from(brBytes).toString().includes(SECRET));
  const stream = relay.core.openStream();
  try {
    stream.push(brBytes);
    const result = stream.end();
    assert.equal(result.ok, true, JSON.stringify(result.findings));
    assert.match(result.content, /^br echo \S/);
    assert.ok(!result.content.includes(SECRET.slice(8, 30)));
  } finally { stream.free(); }
}));

test('a malformed chunk size ends the stream with upstream_reset after the good part', () => besideNormalCall(relay, ids.normal, async () => {
  const r = await relay.chat(ids.badChunk, hello({ stream: true }));
  const text = await r.text();
  assert.match(text, /before/);
  assert.doesNotMatch(text, /after/);
  const err = relayErrorEvent(text);
  assert.equal(err?.kind, 'upstream_reset');
  assert.match(err.message, /malformed|HPE_/);
}));

test('no upstream connection is left open, and no secret reached a client or a log line', async () => {
  for (const name of SCENARIOS) await up.waitClosed(name);
  assert.deepEqual(relay.leaks([SECRET]), []);
});
