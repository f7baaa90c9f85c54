// The wrapper's copies into and out of the module (web/core.js #stage, web/core-input.js
// copyOut and ownBuffer): text goes in as UTF-8 written straight into the module, whatever its
// characters and length; what comes out is the caller's, unchanged by later calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyOut, ownBuffer } from '../../web/core-input.js';
import { loadRelayCore } from '../../relay/core.js';

const core = await loadRelayCore();
const SECRET = 'sk-test-0123456789abcdef';

test('text reaches the core as TextEncoder would write it: any character, short or past the direct limit', () => {
  const texts = {
    ascii: `key ${SECRET} end`,
    'two- to four-byte characters': `é ü € 🙂 ${SECRET} 日本語`,
    'three bytes a character, at the direct limit': `${'€'.repeat(64 * 1024 - SECRET.length - 1)} ${SECRET}`,
    'one past the direct limit': `${'€'.repeat(64 * 1024)} ${SECRET}`,
    'a long mixed text': `${'ab🙂'.repeat(40000)} ${SECRET} ${'x'.repeat(100)}`,
    empty: '',
  };
  for (const [name, text] of Object.entries(texts)) {
    const expected = new TextDecoder().decode(new TextEncoder().encode(text)).replaceAll(SECRET, '[REDACTED]');
    assert.equal(core.redact(text, [SECRET]), expected, name);
  }
  // The header pass's text input (not JSON): characters of every width, and a lone surrogate,
  // which becomes U+FFFD as TextEncoder makes it. (In a JSON input, JSON.stringify escapes it
  // and the core refuses the escape.)
  const { values } = core.forwardAnswerHeaders([['x-note', `naïve ${SECRET} 🙂`], ['x-id', 'req-日本'], ['x-odd', 'a\ud800b']], [SECRET]);
  assert.deepEqual(values, ['naïve [REDACTED] 🙂', 'req-日本', 'a\ufffdb']);
  // Around the direct limit (64 Ki UTF-16 units of input, each up to three bytes): the input
  // is the clock line, the secrets' JSON line, then each name and value ended by a NUL.
  const fixed = `\n${JSON.stringify([SECRET])}\n`.length + 'x-long\0'.length + 1;
  for (const length of [64 * 1024 - fixed - 1, 64 * 1024 - fixed, 64 * 1024 - fixed + 1]) {
    const value = `${'€'.repeat(length - SECRET.length - 1)} ${SECRET}`;
    assert.equal(value.length, length);
    const long = core.forwardAnswerHeaders([['x-long', value]], [SECRET]).values[0];
    assert.equal(long, value.replace(SECRET, '[REDACTED]'), `a value of ${length} characters`);
  }
});

test('a copy out is the caller\'s: later copies and calls leave it as it was', () => {
  const source = new Uint8Array(9000).map((_, i) => i % 251);
  const copies = [];
  // Enough copies to fill several slabs, of every small size.
  for (let i = 0; i < 3000; i++) {
    const n = i % 97;
    copies.push({ n, at: i % 50, bytes: copyOut(source.subarray(i % 50, (i % 50) + n)) });
  }
  for (const { n, at, bytes } of copies) {
    assert.equal(bytes.length, n);
    assert.deepEqual([...bytes], [...source.subarray(at, at + n)]);
  }
  // Writing into one copy changes no other (views never overlap).
  copies[10].bytes.fill(255);
  assert.deepEqual([...copies[11].bytes], [...source.subarray(copies[11].at, copies[11].at + copies[11].n)]);
  // Past 4 KB a copy has a buffer of its own.
  const large = copyOut(source.subarray(100, 100 + 5000));
  assert.equal(large.byteOffset, 0);
  assert.equal(large.buffer.byteLength, 5000);
  source[100] = 7;
  assert.equal(large[0], 100 % 251);
});

test('ownBuffer: a shared copy is copied into a buffer of its own (transferable); an own one stays as it is', () => {
  const shared = copyOut(new Uint8Array([1, 2, 3]));
  const owned = ownBuffer(shared);
  assert.notEqual(owned.buffer, shared.buffer);
  assert.equal(owned.byteOffset, 0);
  assert.equal(owned.buffer.byteLength, 3);
  assert.deepEqual([...owned], [1, 2, 3]);
  const alone = new Uint8Array([4, 5]);
  assert.equal(ownBuffer(alone), alone);
  // A Buffer view is copied, not viewed again (Buffer's own slice() would be a view).
  const pool = Buffer.from('abcdef');
  const view = pool.subarray(1, 4);
  const copied = ownBuffer(view);
  pool[1] = 0x7a;
  assert.equal(Buffer.from(copied).toString(), 'bcd');
  // structuredClone with a transfer list takes the whole buffer: what the worker hands over is exactly the body.
  const moved = structuredClone(copied, { transfer: [copied.buffer] });
  assert.equal(Buffer.from(moved).toString(), 'bcd');
});

test('a slab transferred away by mistake does not stop the wrapper: the next copy starts a new one', () => {
  const shared = copyOut(new Uint8Array([9, 8, 7]));
  structuredClone(shared, { transfer: [shared.buffer] }); // detaches the slab (what ownBuffer() is for)
  assert.equal(shared.length, 0);
  const next = copyOut(new Uint8Array([1, 2]));
  assert.deepEqual([...next], [1, 2]);
  // And through the core: a check and a redaction still work.
  const redactor = core.streamRedactor([SECRET]);
  assert.equal(new TextDecoder().decode(redactor.push(new TextEncoder().encode(`a ${SECRET} b`))) + new TextDecoder().decode(redactor.finish()), 'a [REDACTED] b');
  redactor.free();
});

