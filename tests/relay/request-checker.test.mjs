// Large chat requests are read and checked on a worker thread (relay/request-checker.js):
// the same answers as inline, a worker that fails is replaced, and the relay's event loop
// keeps serving while a 19 MB image request is checked.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { loadRelayCore } from '../../relay/core.js';
import { RelayError } from '../../relay/errors.js';
import { RequestChecker } from '../../relay/request-checker.js';
import { startRelayProcess, oneModelResources, TOKEN } from '../support/load.mjs';

const core = await loadRelayCore(); // the request check (pg_request_*) is the relay's (src/wasm/exports-relay.txt)
const inline = new RequestChecker({ core, inlineBytes: Infinity });
const worker = new RequestChecker({ core, inlineBytes: 0 });
after(() => Promise.all([inline.close(), worker.close()]));

const TARGET = { model_name: 'o3-mini', provider: 'openai' };
const bytes = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

/** What a checker makes of a request: its model id and the check, or the error it threw. */
async function outcome(checker, raw, target = TARGET) {
  try {
    const request = await checker.open(bytes(raw));
    const result = await request.check(target);
    return { model: request.model, ...result, payload: result.payload ? Buffer.from(result.payload).toString() : undefined };
  } catch (err) {
    assert.ok(err instanceof RelayError, String(err));
    return { kind: err.kind, message: err.message };
  }
}

const REQUESTS = {
  valid: { model: 'm1', body: { stream: true, max_tokens: 64, messages: [{ role: 'user', content: 'Hi é 🙂' }] } },
  'invalid body': { model: 'm1', body: { messages: [{ role: 'pilot', content: 3 }], temperature: 'hot' } },
  'body not an object': { model: 'm1', body: [1, 2] },
  'no model': { body: { messages: [{ role: 'user', content: 'Hi' }] } },
  'not JSON': '{"model": "m1", "body": ',
  'not UTF-8': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1'),
};

test('the worker gives the inline answers: payload, stream flag, field errors, envelope errors', async () => {
  for (const [name, raw] of Object.entries(REQUESTS)) {
    const a = await outcome(inline, raw);
    const b = await outcome(worker, raw);
    assert.deepEqual(b, a, name);
  }
  const valid = await outcome(worker, REQUESTS.valid);
  assert.equal(valid.ok, true);
  assert.equal(valid.stream, true);
  const sent = JSON.parse(valid.payload);
  assert.equal(sent.model, 'o3-mini', 'the configured model name, not the browser\'s');
  assert.equal(sent.max_completion_tokens, 64, 'the core\'s rules for a reasoning model applied');
  assert.equal(sent.max_tokens, undefined);
  const invalid = await outcome(worker, REQUESTS['invalid body']);
  assert.equal(invalid.ok, false);
  assert.ok(invalid.errors.some((e) => e.field.startsWith('messages[0]')), JSON.stringify(invalid.errors));
  assert.equal((await outcome(worker, REQUESTS['not JSON'])).kind, 'invalid_request');
});

test('a discarded request is let go; many requests in flight get their own answers', async () => {
  const opened = await worker.open(bytes(REQUESTS.valid));
  opened.discard();
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => outcome(worker, { model: `m${i}`, body: { messages: [{ role: 'user', content: `n${i}` }] } }, { model_name: `model-${i}`, provider: 'openai' })));
  all.forEach((o, i) => {
    assert.equal(o.model, `m${i}`);
    assert.equal(JSON.parse(o.payload).model, `model-${i}`);
    assert.equal(JSON.parse(o.payload).messages[0].content, `n${i}`);
  });
});

test('a worker that dies fails its requests with a relay error, and the next request gets a new one', async () => {
  const checker = new RequestChecker({ core, inlineBytes: 0 });
  const first = await checker.open(bytes(REQUESTS.valid));
  await checker.worker.terminate();
  await assert.rejects(first.check(TARGET), (err) => err instanceof RelayError && err.kind === 'internal');
  const again = await outcome(checker, REQUESTS.valid);
  assert.equal(again.ok, true);
  await checker.close();
});

test('while a 19 MB image request is checked, the relay keeps answering others', async () => {
  // An upstream that takes any body and records its size.
  const received = [];
  const upstream = http.createServer((req, res) => {
    let size = 0;
    req.on('data', (c) => { size += c.length; });
    req.on('end', () => {
      received.push(size);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'load-model', choices: [{ index: 0, message: { role: 'assistant', content: 'A picture.' }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  const port = upstream.address().port;
  const relay = await startRelayProcess({ resources: oneModelResources(`http://127.0.0.1:${port}/v1`), env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${port}` } });
  try {
    const model = await relay.modelId();
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(14 * 1024 * 1024, 7)]).toString('base64');
    const body = JSON.stringify({ model, body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }] } });
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    // The health endpoint, asked every 10 ms while the big request is read, checked and sent.
    const gaps = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const t = performance.now();
        const res = await fetch(`${relay.base}/healthz`);
        await res.arrayBuffer();
        gaps.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const t0 = performance.now();
    const res = await fetch(`${relay.base}/api/playground/chat`, { method: 'POST', headers, body });
    const answer = await res.json();
    const took = performance.now() - t0;
    polling = false;
    await poll;
    assert.equal(res.status, 200, JSON.stringify(answer).slice(0, 300));
    assert.equal(answer.choices[0].message.content, 'A picture.');
    assert.ok(received.at(-1) > 19_000_000, `the upstream got the image (${received.at(-1)} bytes)`);
    const worst = Math.max(...gaps);
    process.stdout.write(`# 19 MB request answered in ${Math.round(took)} ms; /healthz answered ${gaps.length} times meanwhile, the slowest in ${Math.round(worst)} ms\n`);
    assert.ok(gaps.length >= 5, `/healthz was answered ${gaps.length} times during the request`);
    assert.ok(worst < 400, `the slowest /healthz took ${Math.round(worst)} ms while the large request was checked`);
  } finally {
    await relay.stop();
    upstream.close();
  }
});
