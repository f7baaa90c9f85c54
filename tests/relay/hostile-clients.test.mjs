// The relay, in its own process as an operator runs it, against hostile clients: slowloris,
// a 100 MB body, a burst of requests, many aborts mid-stream. Afterwards its heap and its
// file descriptors are back where they started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import {
  startRelayProcess, startSeededUpstream, oneModelResources, streamCall, runStreams, burst, loadAgent, delay, TOKEN,
} from '../support/load.mjs';

const BURST = Number(process.env.HOSTILE_BURST ?? 2000);
const ABORTS = 200;
const REQUEST_BYTES = 1024 * 1024;

let up;
let relay; // default connection timeouts, as shipped
let strict; // short header and request timeouts, so slowloris ends within the test
let model;
let flood; // an upstream that sends as fast as it is read, up to 256 MB

/** An upstream that writes 64 KB blocks as fast as the relay takes them; counts what it wrote. */
async function startFlood() {
  const state = { written: 0, closed: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const block = Buffer.from(`data: ${'x'.repeat(64 * 1024 - 8)}\n\n`);
    const go = () => {
      for (let n = 0; n < 16 && !res.destroyed; n++) {
        if (state.written > 256 * 1024 * 1024) return res.end();
        state.written += block.length;
        if (!res.write(block)) { res.once('drain', go); return; }
      }
      setImmediate(go);
    };
    res.on('close', () => { state.closed++; });
    go();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.state = state;
  server.port = server.address().port;
  return server;
}

before(async () => {
  up = await startSeededUpstream();
  flood = await startFlood();
  relay = await startRelayProcess({
    resources: oneModelResources(up.base),
    env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}`, MAX_CONCURRENT_PER_USER: '10000', MAX_REQUEST_BYTES: String(REQUEST_BYTES) },
  });
  const strictResources = oneModelResources(up.base);
  strictResources.provider_keys.push({ ...strictResources.provider_keys[0], display_name: 'flood', api_base: `http://127.0.0.1:${flood.port}/v1` });
  strictResources.models.push({ ...strictResources.models[0], display_name: 'flood', provider_key: 'flood' });
  strict = await startRelayProcess({
    resources: strictResources,
    env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port},127.0.0.1:${flood.port}`, MAX_RESPONSE_BYTES: String(512 * 1024 * 1024), IDLE_TIMEOUT_MS: '2000' },
    limits: { headersMs: 1500, requestMs: 2000 },
  });
  model = await relay.modelId();
});

after(async () => {
  await relay?.stop();
  await strict?.stop();
  flood?.close();
  await up?.stop();
});

/** Resolves when the socket closes, with what the server wrote before closing. */
const closed = (sock) => new Promise((resolve) => {
  let got = '';
  sock.on('data', (d) => { got += d; });
  sock.on('error', () => {});
  sock.on('close', () => resolve(got));
});

test('slowloris: headers sent a byte at a time are cut off by the headers timeout', async () => {
  const sock = net.connect(Number(new URL(strict.base).port), '127.0.0.1');
  const done = closed(sock);
  const text = `GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n${'x-slow: 1\r\n'.repeat(200)}\r\n`;
  const t0 = Date.now();
  let i = 0;
  const drip = setInterval(() => { if (sock.destroyed || i >= text.length) { clearInterval(drip); return; } sock.write(text[i++]); }, 50);
  const reply = await done;
  clearInterval(drip);
  const ms = Date.now() - t0;
  assert.ok(i < text.length, 'closed before the client finished its headers');
  assert.ok(ms >= 1400 && ms < 6000, `closed after ${ms} ms (headersTimeout 1.5 s, checked every second)`);
  assert.match(reply, /^HTTP\/1\.1 408/, 'the relay says why');
});

test('the request timeout bounds the upload, not the answer: a stream longer than it completes', async () => {
  const agent = loadAgent();
  const r = await streamCall({ base: strict.base, model: await strict.modelId(), agent, seed: 7, chunks: 30, size: 20, gap: 100 }); // ~3 s > requestMs 2 s
  agent.destroy();
  assert.equal(r.error, undefined);
  assert.equal(r.intact, true);
  assert.ok(r.ms > 2500, `the stream lasted ${r.ms} ms`);
});

test('request headers past 16 KiB get 431', async () => {
  const res = await fetch(`${relay.base}/healthz`, { headers: { 'x-big': 'a'.repeat(20 * 1024) } });
  assert.equal(res.status, 431);
});

/** Streams `total` bytes of a JSON-looking body to the chat route; reports when the answer came. */
function bigUpload({ total, declareLength }) {
  return new Promise((resolve) => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    if (declareLength) headers['content-length'] = total;
    let sent = 0;
    let status = 0;
    let sentAtAnswer = -1;
    let answeredAt = 0;
    const req = http.request(`${relay.base}/api/playground/chat`, { method: 'POST', headers, agent: false }, (res) => {
      status = res.statusCode;
      sentAtAnswer = sent;
      answeredAt = Date.now();
      res.resume();
    });
    const block = Buffer.alloc(256 * 1024, 0x20);
    const pump = () => {
      while (sent < total && !req.destroyed) {
        sent += block.length;
        if (!req.write(block)) { req.once('drain', pump); return; }
      }
      if (sent >= total) req.end();
    };
    req.on('error', () => {}); // the relay closes the connection on us: expected
    req.on('close', () => resolve({ status, sent, sentAtAnswer, closedAfterAnswerMs: Date.now() - answeredAt }));
    pump();
  });
}

test('a 100 MB body is refused early with 413, not buffered, and the connection closed', async () => {
  const rssBefore = relay.rss();
  for (const declareLength of [true, false]) {
    const r = await bigUpload({ total: 100 * 1024 * 1024, declareLength });
    assert.equal(r.status, 413, `declared length: ${declareLength} ${JSON.stringify(r)}`);
    assert.ok(r.sentAtAnswer < 16 * 1024 * 1024, `the 413 came after ${r.sentAtAnswer} bytes (declared: ${declareLength})`);
    assert.ok(r.closedAfterAnswerMs < 5_000, `the relay closed the connection ${r.closedAfterAnswerMs} ms after its answer`);
  }
  const grew = relay.rss() - rssBefore;
  assert.ok(grew < 32 * 1024 * 1024, `the relay's RSS grew ${grew} bytes: it did not buffer the body`);
});

test(`a burst of ${BURST} requests to /healthz and the model list: all answered or cleanly refused`, async () => {
  const agent = loadAgent();
  const counts = await burst({ base: relay.base, n: BURST, agent });
  agent.destroy();
  const answered = Object.entries(counts.byStatus).reduce((a, [s, n]) => a + (s === '200' ? n : 0), 0);
  const refused = Object.entries(counts.byStatus).reduce((a, [s, n]) => a + (['429', '503'].includes(s) ? n : 0), 0);
  assert.equal(answered + refused, BURST, JSON.stringify(counts));
  assert.equal(counts.errors, 0, JSON.stringify(counts));
  // The relay still serves a stream afterwards.
  const a2 = loadAgent();
  const r = await streamCall({ base: relay.base, model, agent: a2, seed: 11 });
  a2.destroy();
  assert.equal(r.intact, true);
});

test(`${ABORTS} clients abort mid-stream: every upstream call is closed, heap and fds return to baseline`, async () => {
  // Warm up first: pools, JIT and the core's buffers reach their working size.
  let agent = loadAgent();
  await runStreams({ n: 50, base: relay.base, model, agent, chunks: 5, size: 50 });
  await runStreams({ n: 50, base: relay.base, model, agent, chunks: 20, size: 50, gap: 20, abortAfterBytes: 1 });
  agent.destroy();
  await delay(300);
  const memBefore = await relay.memory();
  const fdsBefore = relay.fds();
  const closedBefore = up.state.closedEarly;

  for (let round = 0; round < 3; round++) {
    agent = loadAgent();
    const { summary } = await runStreams({ n: ABORTS, seedBase: 1000 * round, base: relay.base, model, agent, chunks: 200, size: 50, gap: 20, abortAfterBytes: 1 });
    agent.destroy();
    assert.equal(summary.aborted, ABORTS, JSON.stringify(summary));
  }
  // The upstream sees each of its connections closed (the provider stops generating).
  const until = Date.now() + 10_000;
  while (up.state.closedEarly - closedBefore < 3 * ABORTS && Date.now() < until) await delay(20);
  assert.equal(up.state.closedEarly - closedBefore, 3 * ABORTS, 'every aborted call was closed upstream');
  assert.equal(up.state.open, 0);

  await delay(300);
  const memAfter = await relay.memory();
  const fdsAfter = relay.fds();
  const heapGrew = (memAfter.heapUsed + memAfter.external) - (memBefore.heapUsed + memBefore.external);
  assert.ok(heapGrew < 4 * 1024 * 1024, `heap + external grew ${heapGrew} bytes after ${3 * ABORTS} aborted streams`);
  assert.ok(fdsAfter <= fdsBefore + 2, `file descriptors: ${fdsBefore} before, ${fdsAfter} after`);
  const rssGrew = memAfter.rss - memBefore.rss;
  assert.ok(rssGrew < 32 * 1024 * 1024, `RSS grew ${rssGrew} bytes`);
});

test('a large request body is not kept while its answer streams', async () => {
  // 16 held streams whose requests carry 900 KB each: once sent upstream, a request's
  // bytes (raw, parsed or serialised) must not stay alive for the minutes an answer may take.
  const N = 16;
  const PADDING = 900 * 1024;
  const agent = loadAgent();
  // Warm up with one large request: the core's memory grows once to fit a parsed 900 KB
  // body (WebAssembly memory does not shrink); only what each held stream keeps counts here.
  const warm = await streamCall({ base: relay.base, model, agent, seed: 76_999, chunks: 2, size: 10, padding: PADDING });
  assert.equal(warm.intact, true, JSON.stringify(warm));
  await delay(200);
  const memBefore = await relay.memory();
  let firstBytes = 0;
  const calls = Array.from({ length: N }, (_, i) => streamCall({
    base: relay.base, model, agent, seed: 77_000 + i, chunks: 5, size: 20, hold: true, padding: PADDING, onFirstByte: () => { firstBytes++; },
  }));
  const until = Date.now() + 20_000;
  while (firstBytes < N && Date.now() < until) await delay(20);
  assert.equal(firstBytes, N, 'every held stream started');
  await delay(100);
  const memHeld = await relay.memory();
  up.release();
  const results = await Promise.all(calls);
  agent.destroy();
  assert.ok(results.every((r) => r.intact), JSON.stringify(results.filter((r) => !r.intact).slice(0, 2)));
  const grew = (memHeld.heapUsed + memHeld.external) - (memBefore.heapUsed + memBefore.external);
  assert.ok(grew < (N * PADDING) / 4, `with ${N} held streams of ${PADDING}-byte requests, heap + external grew ${grew} bytes (${(N * PADDING / 1048576).toFixed(1)} MB of requests)`);
});

test('a client that stops reading slows the upstream down (back-pressure) and is cut after the idle limit', async () => {
  const models = await (await fetch(`${strict.base}/api/playground/models`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
  const id = models.models.find((m) => m.display_name === 'flood').id;
  const rssBefore = strict.rss();
  const body = JSON.stringify({ model: id, body: { stream: true, messages: [{ role: 'user', content: 'flood' }] } });
  const sock = net.connect(Number(new URL(strict.base).port), '127.0.0.1');
  const done = closed(sock);
  sock.pause(); // read nothing
  sock.write(`POST /api/playground/chat HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  await delay(1200);
  const written = flood.state.written;
  const grew = strict.rss() - rssBefore;
  assert.ok(written < 64 * 1024 * 1024, `the upstream could write ${written} bytes to a client that reads nothing`);
  assert.ok(grew < 48 * 1024 * 1024, `the relay's RSS grew ${grew} bytes`);
  // Idle limit 2 s for the stalled client, checked as the relay's timer fires.
  const until = Date.now() + 10_000;
  while (flood.state.closed < 1 && Date.now() < until) await delay(50);
  assert.equal(flood.state.closed, 1, 'the relay closed the upstream call of the stalled client');
  sock.resume();
  await done;
});
