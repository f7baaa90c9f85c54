// core.redact, core.streamRedactor and core.containsSecretFragment through the WASM module:
// a real-shaped 401 body that echoes the key, in one piece and split at every byte, and
// every encoded form of a key (\u escapes, %XX, base64, masked echoes of 3 to 8 characters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadRelayCore } from '../../relay/core.js';
import { instantiateCore } from '../../web/core-module.js';
import { readFixture } from '../support/fixtures.mjs';

// Redaction is the relay's (src/wasm/exports-relay.txt): the page's build does not carry it.
const core = await loadRelayCore();
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
  const body = await readFixture('errors', 'openai-401-invalid-key.json', 'utf8');
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

// Every character as \u00xx, as a hostile encoder would write it.
const uEscaped = (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
// Every byte as %XX.
const percentAll = (s) => [...encoder.encode(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

// The same redaction whole and over a split at every byte.
function assertEverySplit(text, secrets) {
  const bytes = encoder.encode(text);
  const expected = core.redact(text, secrets);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const r = core.streamRedactor(secrets);
    const out = concat([r.push(bytes.subarray(0, cut)), r.push(bytes.subarray(cut)), r.finish()]);
    r.free();
    assert.equal(decoder.decode(out), expected, `split at ${cut}`);
  }
  return expected;
}

test('redact: a key written with \\u escapes of its letters and digits', () => {
  const body = `{"error":{"message":"bad key ${uEscaped(KEY)}"}}`;
  assert.equal(JSON.parse(body).error.message, `bad key ${KEY}`); // what a client would read
  assert.equal(core.redact(body, [KEY]), '{"error":{"message":"bad key [REDACTED]"}}');
  assert.equal(core.redact('\\u0073k-proj-AbCd\\u0045fGh1234567890WxY\\u007A', [KEY]), '[REDACTED]');
  assert.equal(core.redact('\\u0073\\u006b-proj-****WxYz', [KEY]), '[REDACTED]');
  // Escaped text that is not the key stays as it is.
  const innocent = '{"t":"caf\\u00e9 \\u00e9t\\u00e9 \\u0073\\u006b-proj- \\u4f60\\u597d"}';
  assert.equal(core.redact(innocent, [KEY]), innocent);
  const whole = assertEverySplit(`a ${uEscaped(KEY)} b \\u00e9 c`, [KEY]);
  assert.equal(whole, 'a [REDACTED] b \\u00e9 c');
});

test('redact: a percent-encoded key, any mix of raw bytes and %XX', () => {
  const key = 'sk-ab/cd+ef=gh1234567890';
  assert.equal(core.redact(`https://api.test/cb?key=${encodeURIComponent(key)}&x=1`, [key]), 'https://api.test/cb?key=[REDACTED]&x=1');
  assert.equal(core.redact(`?key=${encodeURIComponent(key).toLowerCase()}`, [key]), '?key=[REDACTED]');
  assert.equal(core.redact(percentAll(key), [key]), '[REDACTED]');
  assert.equal(core.redact('%73%6B-ab/cd%2Bef=gh1234567890', [key]), '[REDACTED]');
  // JSON put in a URL: PHP writes "/" as "\/", then the whole is percent-encoded.
  assert.equal(core.redact(`?s=${encodeURIComponent(JSON.stringify({ k: key }).replace(/\//g, '\\/'))}`, [key]), '?s=%7B%22k%22%3A%22[REDACTED]%22%7D');
  // '+' is not read as a space; ordinary URLs stay as they are.
  assert.equal(core.redact('sk-ab/cd ef=gh1234567890', [key]), 'sk-ab/cd ef=gh1234567890');
  const innocent = 'https://example.test/search?q=hello%20world%2C%20sk-%3F&p=100%';
  assert.equal(core.redact(innocent, [key]), innocent);
  assertEverySplit(`GET /cb?key=${encodeURIComponent(key)}&next=%2Fhome ${percentAll(key)} 100%`, [key]);
});

test('redact: base64 of the key at every alignment, both alphabets', () => {
  const key = 'sk-proj-Ab>?Cd>>Ef??1234567890WxYz'; // '>' and '?' put '+' and '/' in the encodings
  for (const before of ['', 'u:', 'user:', 'me:', 'x']) {
    for (const encoding of ['base64', 'base64url']) {
      const encoded = Buffer.from(before + key).toString(encoding);
      const out = core.redact(`Authorization: Basic ${encoded}\r\n`, [key]);
      assert.match(out, /\[REDACTED\]/, `${encoding} after ${JSON.stringify(before)}`);
      // Left of the encoding: the bytes before the key and at most a character on each side.
      const kept = out.length - 'Authorization: Basic \r\n'.length - '[REDACTED]'.length;
      assert.ok(kept <= Buffer.from(before).toString(encoding).length + 1 + 3, `${encoding}: ${out}`);
    }
  }
  const other = Buffer.from('user:sk-proj-Ab>?Cd>>Ef??1234567890WxYZ-other').toString('base64');
  assert.equal(core.redact(other.slice(0, 20), [key]), other.slice(0, 20)); // shares only the start
  const image = `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk`;
  assert.equal(core.redact(image, [key]), image);
  assertEverySplit(`Basic ${Buffer.from(`user:${key}`).toString('base64')} and ${Buffer.from(`xy${key}`).toString('base64url')}`, [key]);
});

test('redact: masked echoes keeping 3 to 8 trailing characters', () => {
  for (const echo of ['sk-proj-****xYz', 'sk-proj-****0WxYz', 'sk-...90WxYz', 'sk-proj-\u20267890WxYz', `sk-proj-${'*'.repeat(40)}890WxYz`]) {
    assert.equal(core.redact(`key ${echo}.`, [KEY]), 'key [REDACTED].', echo);
  }
  const key6 = 'sk-proj-Zr8LqP2mTn5VxK1wHy3JcQ7XYZ7';
  assert.equal(core.redact('Incorrect API key provided: sk-proj-********Q7XYZ7. You can', [key6]), 'Incorrect API key provided: [REDACTED]. You can');
  for (const text of ['****7890WxYz', 'sk-proj-****Yz', 'sk-proj-**7890WxYz', 'sk****xYz', '| key | **** | xYz |']) {
    assert.equal(core.redact(text, [KEY]), text, text);
  }
  assertEverySplit('e1 sk-proj-****xYz e2 sk-...890WxYz e3 | **** | xYz | sk-proj-\u20267890WxYz', [KEY]);
});

test('redactHeaderValues: each value redacted, or null when a run of a key\'s raw bytes is left (relay build)', () => {
  const dropped = (value, secrets = [KEY]) => core.redactHeaderValues([value], secrets)[0] === null;
  assert.equal(dropped(`req_${KEY.slice(10, 18)}`), true);
  assert.equal(dropped(KEY.slice(0, 15)), true); // a key split across two headers
  assert.equal(dropped(KEY.slice(15)), true);
  assert.equal(dropped(KEY.slice(23)), false); // 7 bytes of a 30-byte key
  assert.equal(dropped('x=Kq8Zt3;', ['abKq8Zt3mn45']), true); // 6 of a 12-byte key
  assert.equal(dropped('short-key-1', ['short-key-1']), false); // under 12 bytes: redacted, not dropped
  assert.equal(dropped('req_9f8e7d6c5b4a'), false);
  assert.equal(dropped(KEY, []), false);
  // Several values: one answer each, in place; the whole key and its escaped forms are redacted.
  assert.deepEqual(core.redactHeaderValues(['9999', `Bearer ${KEY}`, KEY.slice(3, 20), '', percentAll(KEY), '6ms'], [KEY]),
    ['9999', 'Bearer [REDACTED]', null, '', '[REDACTED]', '6ms']);
  assert.deepEqual(core.redactHeaderValues([], [KEY]), []);
});

test('forwardAnswerHeaders: the header pass with the key\'s headroom read from the kept values (relay build)', () => {
  const now = Date.UTC(2026, 11, 5, 10, 0, 0);
  const sent = [['x-request-id', `req_${KEY.slice(10, 18)}`], ['x-ratelimit-limit-requests', '10000'], ['x-ratelimit-remaining-requests', '9998'],
    ['x-ratelimit-reset-requests', '6s'], ['anthropic-ratelimit-tokens-reset', '2026-12-05T10:01:30Z'], ['openai-processing-ms', '181']];
  const out = core.forwardAnswerHeaders(sent, [KEY], now);
  assert.deepEqual(out.values, core.redactHeaderValues(sent.map(([, v]) => v), [KEY]), 'the values: exactly the header pass');
  assert.equal(out.values[0], null);
  assert.equal(typeof out.headroom, 'string', 'JSON text, sent on as it is');
  assert.match(out.headroom, /^[\x20-\x7e]*$/);
  const headroom = JSON.parse(out.headroom);
  assert.deepEqual(headroom.limits.map((l) => l.text), ['9,998 of 10,000 requests left; resets in 6 s', 'the tokens limit resets in 1 min 30 s']);
  assert.equal(headroom.limits[1].resetMs, 90000);
  assert.deepEqual(headroom.problems, []);
  assert.equal(headroom.retryAfter, null);
  // Without a clock an absolute reset is said as a time; with nothing about limits, no headroom.
  assert.match(JSON.parse(core.forwardAnswerHeaders(sent.slice(4, 5), [], undefined).headroom).limits[0].text, /resets at 2026-12-05 10:01:30 UTC/);
  assert.deepEqual(core.forwardAnswerHeaders([['x-request-id', 'req_1']], [KEY], now), { values: ['req_1'], headroom: null });
  assert.deepEqual(core.forwardAnswerHeaders([], [], now), { values: [], headroom: null });
  // A clock that is no whole, non-negative count of ms below 10^15 is no clock; a fraction is dropped.
  for (const clock of [-1, Number.NaN, Infinity, 1e15, '12']) assert.deepEqual(core.forwardAnswerHeaders(sent, [KEY], clock), core.forwardAnswerHeaders(sent, [KEY]), String(clock));
  assert.deepEqual(core.forwardAnswerHeaders(sent, [KEY], now + 0.9), out);
  // Latin-1 and JSON's special characters in names and values come back as they went in.
  const odd = [['x-request-id', 'é"\\\tÿ, {}[]'], ['request-id', '']];
  assert.deepEqual(core.forwardAnswerHeaders(odd, [KEY], now), { values: odd.map(([, v]) => v), headroom: null });
});

test('forwardAnswerHeaders: each call redacts against its own secrets list, whatever came before (relay build)', () => {
  // Lists in turn, an empty list, and a refused call between them: each call gets the
  // answer of its own list (nothing of an earlier call's list is kept).
  const A = 'sk-alpha-Kq8Zt3mn456abcdefXYZ';
  const B = 'sk-beta-Zz9Qq8Ww7Ee6Rr5Tt4';
  const sent = [['x-request-id', A], ['request-id', B]];
  const R = '[REDACTED]';
  const expect = { A: [R, B], B: [A, R], AB: [R, R], none: [A, B] };
  const lists = { A: [A], B: [B], AB: [A, B], none: [] };
  for (const turn of ['A', 'B', 'A', 'none', 'AB', 'B', 'none', 'A']) {
    assert.deepEqual(core.forwardAnswerHeaders(sent, lists[turn], 0).values, expect[turn], turn);
    assert.deepEqual(core.forwardAnswerHeaders(sent, [...lists[turn]], 0).values, expect[turn], `${turn}, a new array`);
  }
  assert.throws(() => core.forwardAnswerHeaders([['x-request-id', 'a\0b']], [A]), (err) => err.code === 'bad_input');
  assert.deepEqual(core.forwardAnswerHeaders(sent, [B], 0).values, expect.B, 'after a refusal');
});

test('secretsRedactor(list).forwardAnswerHeaders: a kept list answers as the list given each call, call after call (relay build)', () => {
  const A = 'sk-alpha-Kq8Zt3mn456abcdefXYZ';
  const B = 'sk-beta-Zz9Qq8Ww7Ee6Rr5Tt4';
  const sent = [['x-request-id', A], ['request-id', `req_${B.slice(3, 12)}`], ['x-ratelimit-limit-requests', '10000'], ['x-ratelimit-remaining-requests', '9999']];
  const lists = [[A], [B], [A, B], []];
  const kept = lists.map((list) => core.secretsRedactor(list));
  assert.equal(core.secretsRedactor(lists[0]), kept[0], 'the same array gives the same compiled list');
  for (let round = 0; round < 3; round++) {
    for (const [i, list] of lists.entries()) {
      const now = 1_796_508_660_000 + round;
      const mine = kept[i].forwardAnswerHeaders(sent, now);
      assert.deepEqual(mine, core.forwardAnswerHeaders(sent, list, now), `list ${i}, round ${round}`);
      // Between the calls, a stream from the same list: the header pass keeps no state of it.
      const stream = kept[i].stream();
      const out = decoder.decode(concat([stream.push(`${A} and ${B}`), stream.finish()]));
      stream.free();
      assert.equal(out.includes(A), !list.includes(A));
    }
  }
  assert.equal(kept[2].forwardAnswerHeaders(sent, 0).values[1], null, '9 raw bytes of B: left out');
  assert.throws(() => kept[0].forwardAnswerHeaders([['x-request-id', 'a\0b']]), (err) => err.code === 'bad_input');
  const gone = core.secretsRedactor([A, 'x']);
  gone.free();
  assert.throws(() => gone.forwardAnswerHeaders(sent, 0), (err) => err.code === 'freed');
  assert.deepEqual(kept[0].forwardAnswerHeaders(sent, 0), core.forwardAnswerHeaders(sent, lists[0], 0), 'after a refusal and a freed list');
});

test('pg_forward_answer_headers refuses input not in its form, as bad_input, and goes on answering', async () => {
  // The export itself, past the wrapper: only web/core.js writes this form, but a wrong one must
  // never be read as headers.
  const mod = await instantiateCore(new Uint8Array(readFileSync(new URL('../../relay/dist/playground-core.wasm', import.meta.url))));
  const staged = (text, fn) => {
    const bytes = encoder.encode(text);
    const ptr = mod.pg_alloc(bytes.length + 1);
    mod.heap.set(bytes, ptr);
    const out = fn(ptr, bytes.length);
    mod.pg_free(ptr);
    return out;
  };
  // Lists made once, as the relay keeps them; what is not a list of strings counts as none.
  const lists = ['[]', '["sk-0123456789abcdef"]', '["sk-0123456789abcdef","short",""]', '[1,null,{}]', '{}', '['].map((text) => staged(text, (ptr, len) => mod.pg_secrets_new(ptr, len)));
  const call = (text, list = lists[1]) => {
    const len = staged(text, (ptr, n) => mod.pg_forward_answer_headers(list, ptr, n));
    const at = mod.pg_result_ptr();
    return mod.heap.slice(at, at + len);
  };
  for (const [text, why] of [['', 'no clock line'], ['5', 'no newline after the clock'], ['x\n', 'a clock that is no number'], ['-5\n', 'a negative clock'],
    ['1234567890123456\n', 'a clock of 16 digits'], ['5\nx-request-id\u0000req', 'a value not ended'], ['5\nx-request-id', 'a name not ended']]) {
    const reply = JSON.parse(decoder.decode(call(text)));
    assert.equal(reply.error?.code, 'bad_input', why);
  }
  const reply = call('5\nx-request-id\u0000sk-0123456789abcdef\u0000x-ratelimit-limit-requests\u000010\u0000');
  const valuesLength = new DataView(reply.buffer).getUint32(reply.length - 4, true);
  assert.deepEqual(JSON.parse(decoder.decode(reply.subarray(0, valuesLength))), ['[REDACTED]', '10']);
  assert.match(decoder.decode(reply.subarray(valuesLength, reply.length - 4)), /"limit":10/);
  // Each list answers for its own secrets, whatever list came before.
  for (const [i, expected] of [[0, 'sk-0123456789abcdef'], [1, '[REDACTED]'], [3, 'sk-0123456789abcdef'], [2, '[REDACTED]'], [5, 'sk-0123456789abcdef']]) {
    const out = call('5\nx-request-id\u0000sk-0123456789abcdef\u0000', lists[i]);
    assert.deepEqual(JSON.parse(decoder.decode(out.subarray(0, new DataView(out.buffer).getUint32(out.length - 4, true)))), [expected], `list ${i}`);
  }

  // 20,000 inputs of the form and cut, grown or spliced from it, seeded: each is answered in the
  // form (values JSON, headroom JSON, length) or refused as bad_input, and nothing is kept.
  let seed = 7;
  const rnd = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
  const words = ['0', '17', '[', '"', '\\', 'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', '10000', '9999', '6ms', 'retry-after',
    'x-request-id', 'sk-0123456789abcdef', '\u00e9', '\uffff', 'anthropic-ratelimit-tokens-reset', '2026-12-05T10:01:30Z', ' ', '\t', '\n'];
  const word = () => Array.from({ length: rnd(4) }, () => words[rnd(words.length)]).join('');
  const strict = new TextDecoder('utf-8', { fatal: true });
  const heap = mod.heap.length;
  const seen = { answered: 0, refused: 0 };
  for (let i = 0; i < 20_000; i++) {
    const list = lists[rnd(lists.length)];
    let text = `${['', '0', '1796508660724', '999999999999999', '1000000000000000', 'x'][rnd(6)]}\n`;
    for (let n = rnd(12); n > 0; n--) text += `${word()}\u0000${word()}\u0000`;
    if (rnd(4) === 0) {
      const at = rnd(text.length + 1);
      text = [text.slice(0, at), `${text.slice(0, at)}${String.fromCharCode(rnd(256))}${text.slice(at)}`, `${text.slice(0, at)}${text.slice(at + 1)}`][rnd(3)];
    }
    const out = call(text, list);
    const length = out.length >= 4 ? new DataView(out.buffer).getUint32(out.length - 4, true) : Infinity;
    if (length <= out.length - 4) {
      assert.ok(Array.isArray(JSON.parse(strict.decode(out.subarray(0, length)))), JSON.stringify(text));
      if (length < out.length - 4) JSON.parse(strict.decode(out.subarray(length, out.length - 4)));
      seen.answered++;
    } else {
      assert.equal(JSON.parse(strict.decode(out)).error?.code, 'bad_input', JSON.stringify(text));
      seen.refused++;
    }
  }
  assert.ok(seen.answered > 5_000 && seen.refused > 5_000, JSON.stringify(seen));
  assert.equal(mod.heap.length, heap, 'the module\'s memory did not grow');
});
