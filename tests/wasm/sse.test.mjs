// The SSE decoder through web/core.js: a differential test against eventsource-parser
// (our oracle) on thousands of random streams split at random byte
// positions, plus the limit error and UTF-8 replacement compared with TextDecoder.
//
// Reproduce a failure with SSE_SEED=<seed> (printed in every assertion message).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createParser } from 'eventsource-parser';
import { CoreError } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';
import { prng } from '../support/prng.mjs';

// The SSE decoder object is exported by the relay's build only (src/wasm/exports-relay.txt).
const core = await loadRelayCore();
const utf8 = new TextEncoder();
const SEED = Number(process.env.SSE_SEED ?? 0x5eed5e);
const STREAMS = 3000;

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

// ---- random streams ---------------------------------------------------------------------

const BOM = [0xef, 0xbb, 0xbf];
const TEXT_PIECES = ['hello', 'a', ' ', '  ', ':', ': ', '{"x":1}', 'data:', 'id', '\t', '0', '42',
  'é', '中文', '😀', '🦀x', '\u2028', '\uFEFF', '\u0000', 'ü', 'Ω'];
const INVALID_PIECES = [[0xc0], [0xc0, 0xaf], [0xe0, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98], [0xff],
  [0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xc2], [0xef, 0xbb], [0xf8, 0x88, 0x80, 0x80, 0x80]];
const UNKNOWN_FIELDS = ['foo', 'Data', 'DATA', ' data', 'dat', 'datax', 'retryx', 'ID', 'Event', 'x-y'];
const EOLS = ['\n', '\n', '\r\n', '\r'];

function randomStream(r) {
  const parts = [];
  const pick = (list) => list[Math.floor(r() * list.length)];
  const text = (s) => parts.push(utf8.encode(s));
  const value = (maxPieces) => {
    const n = Math.floor(r() * maxPieces);
    for (let i = 0; i < n; i++) {
      const roll = r();
      if (roll < 0.08) parts.push(Uint8Array.from(pick(INVALID_PIECES)));
      else if (roll < 0.1) text(pick(['\r', '\n', '\r\n'])); // a stray line end inside a value
      else text(pick(TEXT_PIECES));
    }
  };
  const sep = () => text(pick([':', ':', ': ', ': ', ':  ']));

  const bomRoll = r();
  if (bomRoll < 0.2) parts.push(Uint8Array.from(BOM));
  else if (bomRoll < 0.23) parts.push(Uint8Array.from([...BOM, ...BOM]));
  else if (bomRoll < 0.25) parts.push(Uint8Array.from([0xef, 0xbb]));

  const blocks = 1 + Math.floor(r() * 8);
  for (let b = 0; b < blocks; b++) {
    const lines = Math.floor(r() * 6);
    for (let l = 0; l < lines; l++) {
      const roll = r();
      if (roll < 0.4) { text('data'); sep(); value(5); }
      else if (roll < 0.5) { text('event'); sep(); value(3); }
      else if (roll < 0.6) { text('id'); sep(); value(3); }
      else if (roll < 0.68) {
        text('retry'); sep();
        text(r() < 0.7 ? String(Math.floor(r() * 1e6)).padStart(1 + Math.floor(r() * 9), '0') : pick(['12a', '-5', ' 7', '', '1.5', '٣']));
      } else if (roll < 0.78) { text(':'); value(4); }
      else if (roll < 0.86) { text(pick(UNKNOWN_FIELDS)); sep(); value(3); }
      else { text(pick(['data', 'id', 'event', 'retry', 'foo'])); } // a field name alone
      text(pick(EOLS));
    }
    if (b < blocks - 1 || r() < 0.7) text(pick(EOLS)); // the blank line that dispatches
  }
  const tail = r();
  if (tail < 0.1) { text('data: unfinished'); value(3); }  // a partial last line
  else if (tail < 0.15) parts.push(Uint8Array.from([0xf0, 0x9f])); // a dangling UTF-8 sequence
  return concat(parts);
}

/** Cuts bytes at random positions (sometimes every byte), empty chunks included. */
function randomSplit(r, bytes) {
  if (r() < 0.1) return Array.from(bytes, (b) => Uint8Array.of(b));
  const cuts = [];
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) cuts.push(Math.floor(r() * (bytes.length + 1)));
  cuts.sort((a, b) => a - b);
  const chunks = [];
  let at = 0;
  for (const c of cuts) { chunks.push(bytes.subarray(at, c)); at = c; }
  chunks.push(bytes.subarray(at));
  return chunks;
}

// ---- the three decoders -----------------------------------------------------------------

function ours(chunks, options) {
  const dec = core.sseDecoder(options);
  try {
    const events = [];
    for (const c of chunks) events.push(...dec.push(c));
    events.push(...dec.end());
    return events;
  } finally {
    dec.free();
  }
}

/**
 * eventsource-parser v3 fed the same bytes through a streaming TextDecoder. Where its
 * model differs from ours, this maps it:
 * - event: `undefined` when the block named none → our "message".
 * - retry: reported at once through onRetry; we report the last one since the previous
 *   dispatch on the next event, so it is attached to the next onEvent here.
 * - id: it reports only an id set inside the event's own block (it clears it at every
 *   blank line), while we follow WHATWG and keep the last-event-id across events. So its
 *   id is compared only when it has one; the persistence is checked by `whatwg()` below.
 * - the end: it has no end-of-stream call, and it holds back a CR that ends a chunk
 *   (waiting for a possible LF) until a later chunk brings a line end, even if text without
 *   one came in between. WHATWG treats that CR as a line end, so one "\n" is fed at the end
 *   unless the text already ends with LF: after a CR it merges into one CRLF line end; after
 *   a partial line it ends a field line, which never dispatches (only a blank line does).
 * - comments, unknown fields and an incomplete last event produce nothing in either.
 * TextDecoder drops the leading BOM, as we do.
 */
function oracle(chunks) {
  const events = [];
  let retry = null;
  const parser = createParser({
    onEvent: (e) => {
      events.push({ event: e.event ?? 'message', data: e.data, id: e.id, retry });
      retry = null;
    },
    onRetry: (ms) => { retry = ms; },
  });
  const td = new TextDecoder('utf-8');
  let text = '';
  for (const c of chunks) {
    const s = td.decode(c, { stream: true });
    text += s;
    parser.feed(s);
  }
  const rest = td.decode();
  text += rest;
  parser.feed(rest);
  if (!text.endsWith('\n')) parser.feed('\n');
  return { events, text };
}

/**
 * The WHATWG algorithm transcribed over the whole decoded text, for what eventsource-parser
 * does not model: the last-event-id persisting across events (and set by blocks that
 * dispatch nothing). Retry is reported as our decoder documents it.
 */
function whatwg(text) {
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // after the last line end: an unterminated line, discarded at the end
  const events = [];
  let data = '', type = '', lastId = null, retry = null;
  for (const line of lines) {
    if (line === '') {
      if (data !== '') {
        events.push({ event: type || 'message', data: data.slice(0, -1), id: lastId, retry });
        retry = null;
      }
      data = '';
      type = '';
      continue;
    }
    if (line[0] === ':') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') data += `${value}\n`;
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    else if (field === 'retry' && /^[0-9]+$/.test(value)) retry = Number(value);
  }
  return events;
}

// ---- tests ------------------------------------------------------------------------------

test(`differential: ${STREAMS} random streams split at random bytes match eventsource-parser`, () => {
  const r = prng(SEED);
  let events = 0, withId = 0, withRetry = 0;
  for (let i = 0; i < STREAMS; i++) {
    const bytes = randomStream(r);
    const chunks = randomSplit(r, bytes);
    const where = `seed ${SEED}, stream ${i}: ${JSON.stringify(Buffer.from(bytes).toString('latin1'))} in ${chunks.length} chunks`;
    const got = ours(chunks);
    const { events: want, text } = oracle(chunks);

    assert.equal(got.length, want.length, `event count, ${where}`);
    for (let k = 0; k < want.length; k++) {
      assert.equal(got[k].event, want[k].event, `event ${k} type, ${where}`);
      assert.equal(got[k].data, want[k].data, `event ${k} data, ${where}`);
      assert.equal(got[k].retry, want[k].retry, `event ${k} retry, ${where}`);
      if (want[k].id !== undefined) assert.equal(got[k].id, want[k].id, `event ${k} id, ${where}`);
      if (got[k].id !== null) withId++;
      if (got[k].retry !== null) withRetry++;
    }
    // Everything, ids included, against the WHATWG transcription of the same text.
    assert.deepEqual(got, whatwg(text), where);
    // The split never matters.
    assert.deepEqual(ours([bytes]), got, `unsplit vs split, ${where}`);
    events += got.length;
  }
  // The generator must actually exercise what it claims to.
  assert.ok(events > STREAMS, `only ${events} events`);
  assert.ok(withId > 500 && withRetry > 200, `ids ${withId}, retries ${withRetry}`);
});

test('invalid UTF-8 is replaced exactly as TextDecoder does, at any split', () => {
  const r = prng(SEED ^ 0xbad);
  const named = [[0xf0, 0x9f, 0x98], [0xe0, 0x80], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82, 0x41], [0xf0, 0x90, 0x80, 0xf0, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xff, 0xfe, 0xfd]];
  const cases = named.map((b) => Uint8Array.from(b));
  // Random byte strings biased towards the bytes UTF-8 cares about (never CR or LF).
  const interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1,
    0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];
  for (let i = 0; i < 1500; i++) {
    const n = 1 + Math.floor(r() * 12);
    const b = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      b[k] = r() < 0.8 ? interesting[Math.floor(r() * interesting.length)] : Math.floor(r() * 256);
      if (b[k] === 0x0a || b[k] === 0x0d) b[k] = 0x20;
    }
    cases.push(b);
  }
  // The value is not at the stream start, so a BOM in it is kept: ignoreBOM.
  const td = new TextDecoder('utf-8', { ignoreBOM: true });
  for (const value of cases) {
    // Brackets around the value: a leading space would be taken as the optional one.
    const stream = concat([utf8.encode('data:<'), value, utf8.encode('>\n\n')]);
    const want = [{ event: 'message', data: `<${td.decode(value)}>`, id: null, retry: null }];
    const where = `bytes ${Array.from(value, (x) => x.toString(16)).join(' ')}`;
    assert.deepEqual(ours([stream]), want, where);
    const cut = 1 + Math.floor(r() * (stream.length - 1));
    assert.deepEqual(ours([stream.subarray(0, cut), stream.subarray(cut)]), want, `${where}, cut at ${cut}`);
  }
  for (const value of named) {
    const stream = concat([utf8.encode('data:'), Uint8Array.from(value), utf8.encode('\n\n')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      assert.deepEqual(ours([stream.subarray(0, cut), stream.subarray(cut)]),
        [{ event: 'message', data: td.decode(Uint8Array.from(value)), id: null, retry: null }]);
    }
  }
  // The documented vectors, spelled out.
  const one = (bytes) => ours([concat([utf8.encode('data:'), Uint8Array.from(bytes), utf8.encode('\n\n')])])[0].data;
  assert.equal(one([0xf0, 0x9f, 0x98]), '\uFFFD');
  assert.equal(one([0xe0, 0x80]), '\uFFFD\uFFFD');
  assert.equal(one([0xed, 0xa0, 0x80]), '\uFFFD\uFFFD\uFFFD');
});

test('a BOM split across pushes is dropped once', () => {
  const stream = concat([Uint8Array.from(BOM), utf8.encode('data: x\n\n')]);
  for (let cut = 0; cut <= 4; cut++) {
    assert.deepEqual(ours([stream.subarray(0, cut), stream.subarray(cut)]), [{ event: 'message', data: 'x', id: null, retry: null }]);
  }
  const twice = concat([Uint8Array.from(BOM), stream]);
  assert.deepEqual(ours([twice]), []); // the second BOM starts the field name: unknown field
});

test('a line past maxLineBytes throws CoreError sse_limit with the events before it', () => {
  const dec = core.sseDecoder({ maxLineBytes: 1024 });
  try {
    assert.deepEqual(dec.push(utf8.encode('data: a\n\n')), [{ event: 'message', data: 'a', id: null, retry: null }]);
    let caught;
    try {
      dec.push(utf8.encode(`data: b\n\ndata: ${'x'.repeat(2000)}`));
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof CoreError, 'a CoreError');
    assert.equal(caught.code, 'sse_limit');
    assert.equal(caught.message, 'SSE line exceeds 1024 bytes');
    assert.deepEqual(caught.events, [{ event: 'message', data: 'b', id: null, retry: null }]);
    // It stays failed: later input is not decoded.
    assert.throws(() => dec.push(utf8.encode('\n\ndata: c\n\n')), (e) => e.code === 'sse_limit' && e.events.length === 0);
  } finally {
    dec.free();
  }
});

test('10 MB without a newline fails at the default 1 MiB line limit', () => {
  const dec = core.sseDecoder();
  try {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    let pushed = 0;
    let failedAt = -1;
    while (pushed < 10 * 1024 * 1024) {
      try {
        dec.push(chunk);
      } catch (err) {
        assert.equal(err.code, 'sse_limit');
        assert.equal(err.message, 'SSE line exceeds 1048576 bytes');
        if (failedAt < 0) failedAt = pushed + chunk.length;
      }
      pushed += chunk.length;
    }
    // It fails on the push that crosses the limit, not later.
    assert.equal(failedAt, 1048576 + chunk.length);
  } finally {
    dec.free();
  }
});
