// The relay's chat request, bytes in and bytes out (core.openChatRequest, relay/chat-request.js):
// the core reads a request's bytes as JSON.parse reads them. Each request is answered as the
// same request once JSON.parse and JSON.stringify have made it canonical (the relay's earlier
// path read it that way), on fixtures, on what JSON.parse accepts and the core's reader does
// not, and on seeded mutations; on both check paths (inline and worker). The check's own
// rules are the core's (tests/native/chat_body_test.cpp, chat_request_test.cpp).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, CoreError } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';
import { RelayError } from '../../relay/errors.js';
import { RequestChecker } from '../../relay/request-checker.js';

const core = await loadRelayCore();
const inline = new RequestChecker({ core, inlineBytes: Infinity });
const worker = new RequestChecker({ core, inlineBytes: 0 });
after(() => Promise.all([inline.close(), worker.close()]));

const decoder = new TextDecoder();
const SHAPING = {
  protocol: 'openai', paramRenames: { max_tokens: 'max_output_tokens' }, temperatureMax: 1,
  defaultBodyFields: { user: 'playground' }, defaultHeaders: { 'x-team': '${request.id}' },
};
const TARGETS = [
  { model_name: 'gpt-4.1-mini', provider: 'openai' },
  { model_name: 'o3-mini', provider: 'openai', shaping: SHAPING, requestId: 'req-1' },
];

/** The request as JSON.parse reads it, made canonical by JSON.stringify, then checked: as data. */
function earlier(bytes, target) {
  let input;
  try {
    input = JSON.parse(decoder.decode(bytes));
  } catch {
    return { kind: 'invalid_request', message: 'the request body is not valid JSON' };
  }
  if (!input || typeof input !== 'object' || typeof input.model !== 'string' || !input.model) {
    return { kind: 'invalid_request', message: 'send {"model": "<model id>", "body": {...}}' };
  }
  let canonical;
  try {
    canonical = JSON.stringify({ model: input.model, body: input.body ?? null });
  } catch (err) {
    // Nested past what JSON.stringify can write: past the core's depth limit too.
    if (!(err instanceof RangeError)) throw err;
    return { model: input.model, kind: 'invalid_request', reason: 'bad_input' };
  }
  const request = core.openChatRequest(new TextEncoder().encode(canonical));
  assert.equal(request.ok, true, `a canonical request opens: ${canonical.slice(0, 200)}`);
  const checked = request.check(target);
  if (checked.badInput) return { model: input.model, kind: 'invalid_request', reason: 'bad_input' };
  if (!checked.ok) return { model: input.model, ok: false, errors: checked.errors };
  return {
    model: input.model, ok: true, body: JSON.parse(decoder.decode(checked.payload)),
    stream: checked.stream, headers: checked.headers, changes: checked.changes,
  };
}

/** The same request through a RequestChecker, as data. */
async function now(checker, bytes, target) {
  let model;
  try {
    const request = await checker.open(Buffer.from(bytes));
    model = request.model;
    const r = await request.check(target);
    if (!r.ok) return { model, ok: false, errors: r.errors };
    return { model, ok: true, body: JSON.parse(Buffer.from(r.payload).toString()), stream: r.stream, headers: r.headers, changes: r.changes };
  } catch (err) {
    assert.ok(err instanceof RelayError, String(err?.stack ?? err));
    return err.extra.reason === 'bad_input'
      ? { model, kind: err.kind, reason: 'bad_input' }
      : { ...(model === undefined ? {} : { model }), kind: err.kind, message: err.message };
  }
}

const enc = (s) => (typeof s === 'string' ? new TextEncoder().encode(s) : s);
const envelope = (body, model = '"m1"') => enc(`{"model":${model},"body":${body}}`);

const CASES = {
  valid: envelope('{"stream":true,"max_tokens":64,"temperature":0.7,"messages":[{"role":"user","content":"Hi é 🙂"}]}'),
  'invalid body': envelope('{"messages":[{"role":"pilot","content":3}],"temperature":"hot"}'),
  'body not an object': envelope('[1,2]'),
  'no body': enc('{"model":"m1"}'),
  'null body': envelope('null'),
  'no model': enc('{"body":{"messages":[]}}'),
  'empty model': envelope('{}', '""'),
  'array top': enc('[{"model":"m1"}]'),
  'not JSON': enc('{"model": "m1", "body": '),
  'not UTF-8': Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]),
  'empty': enc(''),
  'BOM': enc('\uFEFF{"model":"m1","body":{"messages":[{"role":"user","content":"hi"}]}}'),
  'steering fields': envelope('{"messages":[{"role":"user","content":"hi"}],"api_base":"https://attacker.example","extra_headers":{"a":"b"}}'),
  'integers as floats': envelope('{"messages":[{"role":"user","content":"hi"}],"max_tokens":64.0,"seed":1e3}'),
  'big integer': envelope('{"messages":[{"role":"user","content":"hi"}],"seed":12345678901234567890}'),
  'nested 130': envelope(`{"messages":[],"metadata":${'['.repeat(130)}${']'.repeat(130)}}`),
  'nested 100,000': envelope(`{"messages":[],"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  'nested elsewhere': enc(`{"model":"m1","x":${'['.repeat(5000)}${']'.repeat(5000)},"body":{"messages":[{"role":"user","content":"hi"}]}}`),
  'lone surrogate': envelope('{"messages":[{"role":"user","content":"\\ud800"}]}'),
  'invalid UTF-8 in a string': Uint8Array.from([...enc('{"model":"m1","body":{"messages":[{"role":"user","content":"a'), 0xc3, 0x28, 0xf0, 0x9f, 0x99, ...enc('z"}]}}')]),
  'number past a double': envelope('{"messages":[{"role":"user","content":"hi"}],"temperature":1e400,"metadata":{"n":-1e999}}'),
  'duplicate keys': enc('{"model":7,"body":{"messages":[]},"model":"m2","body":{"messages":[{"role":"user","content":"hi"}],"messages":[{"role":"user","content":"last"}]}}'),
  'escaped keys': enc('{"mod\\u0065l":"m\\u00e9","b\\u006fdy":{"messages":[{"role":"user","content":"hi"}]}}'),
};

test('the bytes-in check answers as for the request JSON.parse reads, inline and on the worker', async () => {
  for (const target of TARGETS) {
    for (const [name, bytes] of Object.entries(CASES)) {
      const expected = earlier(bytes, target);
      assert.deepEqual(await now(inline, bytes, target), expected, `inline: ${name}`);
      assert.deepEqual(await now(worker, bytes, target), expected, `worker: ${name}`);
    }
  }
});

test('seeded mutations of requests: the same answers as for the request JSON.parse reads', async () => {
  let seed = 7;
  const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const pieces = ['{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\ud83d', '\\ude00', '1e999', '-0', '0.5', 'null', 'true', ' ', '\u00e9', '\u{1F642}', 'model', 'body', 'messages', 'stream'];
  const bases = Object.values(CASES).filter((b) => b.length < 2000);
  let answered = 0;
  for (let i = 0; i < 1500; i++) {
    const base = [...bases[random(bases.length)]];
    for (let k = 1 + random(3); k > 0; k--) {
      const at = random(base.length + 1);
      const op = random(3);
      if (op === 0) base.splice(at, 1);
      else if (op === 1) base.splice(at, 0, ...enc(pieces[random(pieces.length)]));
      else base.splice(at, 0, random(256));
    }
    const bytes = Uint8Array.from(base);
    const target = TARGETS[i % 2];
    assert.deepEqual(await now(inline, bytes, target), earlier(bytes, target), `mutation ${i}: ${Buffer.from(bytes).toString('latin1')}`);
    answered++;
  }
  assert.equal(answered, 1500);
});

test('the checked body is the core\'s bytes: what the upstream gets, one copy out of the module', async () => {
  const request = core.openChatRequest(envelope('{"stream":true,"max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}'));
  assert.equal(request.ok, true);
  assert.equal(request.model, 'm1');
  const checked = request.check(TARGETS[1]);
  assert.equal(checked.ok, true, JSON.stringify(checked.errors));
  assert.equal(checked.stream, true);
  assert.ok(checked.payload instanceof Uint8Array);
  const sent = JSON.parse(decoder.decode(checked.payload));
  assert.equal(sent.model, 'o3-mini');
  assert.equal(sent.user, 'playground');
  assert.deepEqual(checked.headers, [{ name: 'x-team', value: 'req-1' }]);
  // Checked once: the request is let go, and a second check is refused by the wrapper.
  assert.throws(() => request.check(TARGETS[0]), (err) => err instanceof CoreError && err.code === 'freed');
  // Let go unchecked: free() twice is harmless.
  const unused = core.openChatRequest(CASES.valid);
  unused.free();
  unused.free();
  // The envelope's errors come back as values, with nothing to free.
  assert.deepEqual(core.openChatRequest(CASES['not JSON']), { ok: false, error: { code: 'not_json', message: 'the request body is not valid JSON' } });
  assert.equal(core.openChatRequest(CASES['no model']).error.code, 'no_model');
});

test('the checked body is a copy: later calls into the core leave it as it was; a large one has a buffer of its own', async () => {
  const small = core.openChatRequest(envelope('{"messages":[{"role":"user","content":"first"}]}')).check(TARGETS[0]);
  const text = decoder.decode(small.payload);
  // Calls that overwrite the module's reply buffer, and more copies out (a checked body, a redacted chunk).
  for (let i = 0; i < 200; i++) {
    core.openChatRequest(envelope(`{"messages":[{"role":"user","content":"other ${i} ${'y'.repeat(i * 7)}"}]}`)).check(TARGETS[0]);
    const redactor = core.streamRedactor(['sk-test-0123456789abcdef']);
    redactor.push(new TextEncoder().encode(`chunk ${i} sk-test-0123456789abcdef `.repeat(i % 9)));
    redactor.finish();
    redactor.free();
  }
  assert.equal(decoder.decode(small.payload), text);
  assert.ok(text.includes('"first"'));
  // Small copies may share a slab; past 4 KB a copy has its own buffer, as the worker hands it over.
  const large = core.openChatRequest(envelope(`{"messages":[{"role":"user","content":"${'z'.repeat(10000)}"}]}`)).check(TARGETS[0]);
  assert.equal(large.payload.byteOffset, 0);
  assert.equal(large.payload.buffer.byteLength, large.payload.length);
  assert.equal(JSON.parse(decoder.decode(large.payload)).messages[0].content.length, 10000);
});

test('a large request: 21 MB of text is the builder\'s field error, not a crash; 5 MB of brackets is not JSON', async () => {
  const big = envelope(`{"messages":[{"role":"user","content":"${'x'.repeat(21 << 20)}"}]}`);
  for (const checker of [inline, worker]) {
    const r = await now(checker, big, TARGETS[0]);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
    const brackets = await now(checker, enc('['.repeat(5 << 20)), TARGETS[0]);
    assert.deepEqual(brackets, { kind: 'invalid_request', message: 'the request body is not valid JSON' });
  }
});

test('the page\'s build has no request check: a clear error, and the core stays usable', async () => {
  const page = await loadCore();
  assert.throws(() => page.openChatRequest(CASES.valid), (err) => err instanceof CoreError && err.code === 'unsupported');
  assert.equal(page.buildRequest({ messages: [{ role: 'user', content: 'hi' }] }).ok, true);
});

test('a model\'s target is read once and kept: each call still gets its own request id, and a new configuration its own settings', () => {
  const check = (target) => {
    const request = core.openChatRequest(envelope('{"max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}'));
    const checked = request.check(target);
    assert.equal(checked.ok, true, JSON.stringify(checked.errors));
    return { body: JSON.parse(decoder.decode(checked.payload)), headers: checked.headers };
  };
  // The same shaping object on every call (one configuration snapshot): the request id is the call's.
  const shaping = { ...SHAPING };
  for (const id of ['req-a', 'req-b', 'req-c']) {
    const { body, headers } = check({ model_name: 'o3-mini', provider: 'openai', shaping, requestId: id });
    assert.deepEqual(headers, [{ name: 'x-team', value: id }]);
    assert.equal(body.user, 'playground');
    assert.equal(body.max_completion_tokens, 64);
  }
  // A reload makes new shaping objects: their settings apply at once.
  const reloaded = { ...SHAPING, defaultBodyFields: { user: 'reloaded' } };
  assert.equal(check({ model_name: 'o3-mini', provider: 'openai', shaping: reloaded, requestId: 'r' }).body.user, 'reloaded');
  assert.equal(check({ model_name: 'o3-mini', provider: 'openai', shaping, requestId: 'r' }).body.user, 'playground');
  // One shaping object with another model name: that name, not the kept target's.
  assert.equal(check({ model_name: 'gpt-4.1', provider: 'openai', shaping, requestId: 'r' }).body.model, 'gpt-4.1');
  assert.equal(check({ model_name: 'o3-mini', provider: 'openai', shaping, requestId: 'r' }).body.model, 'o3-mini');
  // Many configurations, one after another: each its own settings.
  for (let i = 0; i < 4200; i++) {
    const own = { ...SHAPING, defaultBodyFields: { user: `u${i}` } };
    assert.equal(check({ model_name: 'o3-mini', provider: 'openai', shaping: own, requestId: `id${i}` }).body.user, `u${i}`);
  }
  assert.equal(check({ model_name: 'o3-mini', provider: 'openai', shaping, requestId: 'again' }).headers[0].value, 'again');
});

test('a chat target JSON cannot carry is the caller\'s error, and the core stays usable', () => {
  const cyclic = { ...SHAPING };
  cyclic.self = cyclic;
  const request = core.openChatRequest(CASES.valid);
  assert.throws(() => request.check({ model_name: 'm', provider: 'openai', shaping: cyclic }), (err) => err instanceof CoreError && err.code === 'bad_input');
  const next = core.openChatRequest(envelope('{"max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}'));
  assert.equal(next.check(TARGETS[1]).ok, true);
});

test('a checked body is written once into a buffer of its size: the check grows the module by the body twice over, not thrice (relay build)', async () => {
  // A fresh module per case, its exports called directly, so its memory (which never shrinks)
  // shows what one check holds at once: the request's tree, the body built from it, and the
  // body's text. Written into a string grown by doubling, the text was held twice over while
  // it was copied to its last size: a 16 MiB image took the module 48 MiB past the open, not 32.
  const { instantiateCore } = await import('../../web/core-module.js');
  const { readFileSync } = await import('node:fs');
  const wasm = new Uint8Array(readFileSync(new URL('../../relay/dist/playground-core.wasm', import.meta.url)));
  const encoder = new TextEncoder();
  for (const mib of [4, 16]) {
    const image = `data:image/png;base64,${'iVBORw0KGgo'.repeat(4 * Math.ceil((mib * 2 ** 20) / 44))}`; // valid base64: a multiple of 4
    const bytes = encoder.encode(JSON.stringify({ model: 'm', body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: image } }] }] } }));
    const mod = await instantiateCore(wasm);
    const staged = (input) => { const ptr = mod.pg_alloc(input.length); mod.heap.set(input, ptr); return ptr; };
    const at = staged(bytes);
    const request = mod.pg_request_open(at, bytes.length);
    mod.pg_free(at);
    const targetText = encoder.encode(JSON.stringify({ model_name: 'gpt-4o', provider: 'openai' }));
    const target = mod.pg_chat_target_new(staged(targetText), targetText.length);
    const opened = mod.heap.buffer.byteLength;
    const len = mod.pg_request_check(request, target, 0, 0);
    const grown = mod.heap.buffer.byteLength - opened;
    const reply = mod.heap.subarray(mod.pg_result_ptr(), mod.pg_result_ptr() + len);
    const bodyLength = new DataView(reply.buffer, reply.byteOffset + len - 4, 4).getUint32(0, true);
    assert.ok(bodyLength > image.length, `the body (${bodyLength} bytes) holds the image`);
    assert.ok(grown <= 2.25 * bodyLength, `${mib} MiB: the check grew the module by ${(grown / 2 ** 20).toFixed(1)} MiB for a ${(bodyLength / 2 ** 20).toFixed(1)} MiB body`);
  }
});
