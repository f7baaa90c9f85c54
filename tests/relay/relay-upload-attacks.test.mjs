// Uploads are counted from their first byte: a user at the per-user limit cannot make the
// relay hold more bodies, and a replica bounds what all uploads hold at once. A body the
// core refuses (nested past its limit) is the caller's 400 on both check paths, and never
// costs another user's large request its answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startHostileUpstream } from '../support/hostile-upstreams.mjs';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';

const SECRET = 'sk-upload-TESTkey000000000000000000-ZZZZ';
let up;

before(async () => { up = await startHostileUpstream(); });
after(async () => { await up?.stop(); });

const config = () => ({
  _format_version: '1',
  provider_keys: ['normal', 'silent'].map((s) => ({ display_name: `k-${s}`, provider: 'openai-compatible', adapter: 'openai', api_base: up.base(s), api_key: '${UPLOAD_KEY}' })),
  models: ['normal', 'silent'].map((s) => ({ display_name: `m-${s}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: `k-${s}` })),
});
const relayWith = (limits) => startRelay({ resources: config(), env: { UPLOAD_KEY: SECRET, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` }, settings: { limits } });
const hello = () => ({ messages: [{ role: 'user', content: 'Say hello' }] });
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts an upload that declares `declared` bytes and sends only `send` of them, then waits.
 * Resolves with the status as soon as the relay answers (or 0 if it has not within `ms`).
 */
function partialUpload(base, { declared, send, ms = 3000 }) {
  return new Promise((resolve) => {
    const req = http.request(`${base}/api/playground/chat`, {
      method: 'POST', agent: false,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': declared },
    }, (res) => { res.resume(); clearTimeout(timer); resolve({ status: res.statusCode, req }); });
    req.on('error', () => {});
    req.write(Buffer.alloc(send, 0x20));
    const timer = setTimeout(() => resolve({ status: 0, req }), ms);
  });
}

test('a user at the per-user limit is refused before the upload is read', async () => {
  const relay = await relayWith({ concurrentPerUser: 2, firstByteMs: 4000 });
  try {
    const models = await relay.models();
    const silent = models.find((m) => m.display_name === 'm-silent').id;
    // Two calls in flight (the silent upstream never answers).
    const held = [relay.chat(silent, hello()), relay.chat(silent, hello())];
    await delay(200);
    const rssBefore = process.memoryUsage().rss;
    const t0 = Date.now();
    const uploads = await Promise.all(Array.from({ length: 10 }, () => partialUpload(relay.base, { declared: 15 * 1024 * 1024, send: 64 * 1024 })));
    for (const u of uploads) {
      assert.equal(u.status, 429, 'refused at once, though only 64 KiB of 15 MiB were sent');
      u.req.destroy();
    }
    assert.ok(Date.now() - t0 < 2500, `answered in ${Date.now() - t0} ms`);
    const grew = process.memoryUsage().rss - rssBefore;
    assert.ok(grew < 40 * 1024 * 1024, `RSS grew ${grew} bytes`);
    for (const h of held) await (await h).text();
  } finally {
    await relay.stop();
  }
});

test('the replica bounds uploads in flight, by count and by bytes, and frees them when read', async () => {
  const relay = await relayWith({ requestBytes: 1024 * 1024, uploadsInFlight: 3, uploadBytesInFlight: 2 * 1024 * 1024, requestMs: 20_000 });
  try {
    // Two uploads of 900 KiB declared, held open: 1.8 MiB of the 2 MiB budget.
    const a = await partialUpload(relay.base, { declared: 900 * 1024, send: 1024, ms: 300 });
    const b = await partialUpload(relay.base, { declared: 900 * 1024, send: 1024, ms: 300 });
    assert.equal(a.status, 0, 'still uploading');
    assert.equal(b.status, 0, 'still uploading');
    const tooMuch = await partialUpload(relay.base, { declared: 900 * 1024, send: 1024 });
    assert.equal(tooMuch.status, 503, 'past the byte budget');
    tooMuch.req.destroy();
    const small = await partialUpload(relay.base, { declared: 10 * 1024, send: 1024, ms: 300 });
    assert.equal(small.status, 0, 'a small one fits the bytes left');
    const fourth = await partialUpload(relay.base, { declared: 1024, send: 10 });
    assert.equal(fourth.status, 503, 'past the count of uploads');
    fourth.req.destroy();
    for (const u of [a, b, small]) u.req.destroy();
    await delay(100);
    // Freed: a whole call goes through again.
    const ok = await relay.chat((await relay.models()).find((m) => m.display_name === 'm-normal').id, hello());
    assert.equal(ok.status, 200);
    await ok.text();
  } finally {
    await relay.stop();
  }
});

/** A chat body whose `metadata` nests `depth` arrays, padded to about `pad` bytes. */
function deepBody(depth, pad = 0) {
  return `{"messages":[{"role":"user","content":"${'x'.repeat(pad)}"}],"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

test('a body nested past the core\'s limit is a 400 on both paths; the worker keeps serving the others', async () => {
  const relay = await relayWith({ concurrentPerUser: 32 });
  try {
    const id = (await relay.models()).find((m) => m.display_name === 'm-normal').id;
    const send = (body) => relay.call('/api/playground/chat', { method: 'POST', body: `{"model":${JSON.stringify(id)},"body":${body}}` });
    for (const [what, body] of [['inline, 200 deep', deepBody(200)], ['inline, 100,000 deep', deepBody(100_000)],
      ['worker, 200 deep', deepBody(200, 300 * 1024)], ['worker, 100,000 deep', deepBody(100_000, 300 * 1024)]]) {
      const r = await send(body);
      assert.equal(r.status, 400, what);
      const { error } = await r.json();
      assert.equal(error.kind, 'invalid_request', what);
    }
    // Large requests at the same time as deep ones: every valid one is answered.
    const valid = `{"messages":[{"role":"user","content":"${'y'.repeat(300 * 1024)}"}]}`;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 3 === 0 ? deepBody(100_000, 300 * 1024) : valid)));
    results.forEach((r, i) => assert.equal(r.status, i % 3 === 0 ? 400 : 200, `request ${i}`));
    await Promise.all(results.map((r) => r.text()));
  } finally {
    await relay.stop();
  }
});
