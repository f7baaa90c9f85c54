// core.redact and core.streamRedactor through the WASM module: a real-shaped 401 body
// that echoes the key, in one piece and split at every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadCore } from '../../web/core.js';

const core = await loadCore();
const KEY = 'sk-proj-AbCdEfGh1234567890WxYz';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

test('redact: the key, its JSON-escaped form and its masked echoes', () => {
  assert.equal(core.redact(`Bearer ${KEY}`, [KEY]), 'Bearer [REDACTED]');
  assert.equal(core.redact('key sk-proj-\u2026WxYz, sk-...WxYz and sk-Ab***WxYz', [KEY]),
    'key [REDACTED], [REDACTED] and [REDACTED]');
  const secret = 'pa/ss"word\\2024';
  assert.equal(core.redact(JSON.stringify({ k: secret }), [secret]), '{"k":"[REDACTED]"}');
  assert.equal(core.redact('no secrets here', []), 'no secrets here');
  assert.equal(core.redact('****WxYz', [KEY]), '****WxYz'); // last 4 alone reveal nothing
});

test('a 401 body echoing the masked key: redacted whole and over every split', async () => {
  const body = await readFile(new URL('../fixtures/errors/openai_401_invalid_key.json', import.meta.url), 'utf8');
  const whole = core.redact(body, [KEY]);
  assert.equal(whole.includes('WxYz'), false);
  assert.match(whole, /Incorrect API key provided: \[REDACTED\]\. You can find/);
  // The parsed error built from the redacted body carries no part of the key either.
  assert.equal(core.parseError(401, 'application/json', whole).message.includes('sk-proj-'), false);

  const bytes = encoder.encode(body + `\n{"echo":"${KEY}"}`);
  const expected = core.redact(decoder.decode(bytes), [KEY]);
  for (let cut = 0; cut <= bytes.length; cut += 3) {
    const r = core.streamRedactor([KEY]);
    const a = r.push(bytes.subarray(0, cut));
    const b = r.push(bytes.subarray(cut));
    const c = r.finish();
    r.free();
    assert.ok(a instanceof Uint8Array && b instanceof Uint8Array && c instanceof Uint8Array);
    assert.equal(decoder.decode(concat([a, b, c])), expected, `split at ${cut}`);
  }
});

test('streamRedactor: byte by byte, across a UTF-8 character, strings accepted', () => {
  const text = `«${KEY}» then sk-proj-…WxYz — fin`;
  const r = core.streamRedactor([KEY]);
  const chunks = [];
  for (const byte of encoder.encode(text)) chunks.push(r.push(new Uint8Array([byte])));
  chunks.push(r.finish());
  r.free();
  assert.equal(decoder.decode(concat(chunks)), '«[REDACTED]» then [REDACTED] — fin');

  const s = core.streamRedactor([KEY]);
  const out = decoder.decode(concat([s.push(`a ${KEY.slice(0, 10)}`), s.push(`${KEY.slice(10)} b`), s.finish()]));
  s.free();
  assert.equal(out, 'a [REDACTED] b');
});

test('streamRedactor: a long stream passes through with the key removed', () => {
  const r = core.streamRedactor([KEY, 'another-secret-value']);
  const chunk = encoder.encode(`data: {"choices":[{"delta":{"content":"sk-proj- is a prefix, ${KEY} is not"}}]}\n\n`);
  let total = 0;
  for (let i = 0; i < 2000; i++) {
    const out = r.push(chunk);
    total += out.length;
    assert.equal(decoder.decode(out).includes(KEY), false);
  }
  total += r.finish().length;
  r.free();
  const perChunk = decoder.decode(chunk).replace(KEY, '[REDACTED]').length;
  assert.equal(total, perChunk * 2000);
});
