// Which time limit a run meets and how the page says it (web/playground/run-progress.js): the
// relay's connect, first-byte, idle and total limits, the model's own timeout or
// stream_timeout where shorter (as relay/upstream.js forwardChat applies them), and the phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelDeadline, progressView, runLimits, seconds } from '../../web/playground/run-progress.js';

const RELAY = { connectMs: 10_000, firstByteMs: 120_000, idleMs: 60_000, totalMs: 600_000 };
const model = (timeoutMs, streamTimeoutMs = null) => ({ gateway: { shaping: { timeoutMs, streamTimeoutMs } } });
const relay = (ms) => ({ ms, from: 'relay' });

test('the relay\'s limits when the model sets none (or timeout 0)', () => {
  for (const m of [model(null), model(0), {}, null]) {
    assert.deepEqual(runLimits(RELAY, m, { stream: true }), {
      stream: true, connect: relay(10_000), firstByte: relay(120_000), headers: null, idle: relay(60_000), total: relay(600_000),
    });
  }
  assert.equal(runLimits(null, model(null), { stream: true }), null, 'an older relay that does not say its limits');
  assert.equal(runLimits({ connectMs: 1 }, model(null), {}), null);
});

test('a stream: the model\'s stream_timeout (else its timeout) bounds the headers and each chunk when shorter', () => {
  const l = runLimits(RELAY, model(90_000, 30_000), { stream: true });
  assert.deepEqual([l.headers, l.idle, l.total], [{ ms: 30_000, from: 'model.stream_timeout' }, { ms: 30_000, from: 'model.stream_timeout' }, relay(600_000)]);
  const t = runLimits(RELAY, model(45_000), { stream: true });
  assert.deepEqual([t.headers, t.idle], [{ ms: 45_000, from: 'model.timeout' }, { ms: 45_000, from: 'model.timeout' }]);
  const longer = runLimits(RELAY, model(null, 200_000), { stream: true });
  assert.deepEqual([longer.headers, longer.idle], [null, relay(60_000)], 'a longer budget leaves the relay\'s limits');
  assert.deepEqual(modelDeadline(model(90_000, 30_000), false), { ms: 90_000, from: 'model.timeout' });
});

test('a whole answer: the model\'s timeout bounds the whole call when shorter', () => {
  const l = runLimits(RELAY, model(90_000, 30_000), { stream: false });
  assert.deepEqual([l.headers, l.idle, l.total], [null, relay(60_000), { ms: 90_000, from: 'model.timeout' }]);
  assert.deepEqual(runLimits(RELAY, model(900_000), {}).total, relay(600_000));
});

test('the phase in words: connecting, then (past the connect limit) waiting for the first byte, streaming, reading', () => {
  const limits = runLimits(RELAY, model(null), { stream: true });
  const early = progressView({ stage: 'waiting', elapsedMs: 2_300, limits });
  assert.deepEqual(early, {
    phase: 'connecting', label: 'Connecting and waiting for the first byte', elapsed: '2.3 s elapsed',
    limit: 'Connect within 10 s, then the first byte within 2 min (the relay\'s limit).',
  });
  assert.equal(progressView({ stage: 'waiting', elapsedMs: 65_000, limits }).phase, 'first_byte');
  assert.equal(progressView({ stage: 'waiting', elapsedMs: 65_000, limits }).elapsed, '1 min 5 s elapsed');
  const streaming = progressView({ stage: 'streaming', elapsedMs: 3_000, sinceChunkMs: 120, chunks: 7, limits });
  assert.equal(streaming.label, 'Streaming the answer (7 chunks so far)');
  assert.equal(streaming.limit, 'Each chunk within 1 min of the one before (the relay\'s limit, 120 ms since the last); the whole run within 10 min (the relay\'s limit).');
  const whole = runLimits(RELAY, model(90_000), { stream: false });
  assert.equal(progressView({ stage: 'waiting', elapsedMs: 500, limits: whole }).limit,
    'Connect within 10 s, then the first byte within 2 min (the relay\'s limit); the whole run within 1 min 30 s (the model\'s timeout).');
  assert.equal(progressView({ stage: 'reading', elapsedMs: 500, limits: whole }).limit, 'The whole run within 1 min 30 s (the model\'s timeout).');
  const unknown = progressView({ stage: 'waiting', elapsedMs: 50_000, limits: null });
  assert.deepEqual([unknown.phase, unknown.limit], ['connecting', ''], 'without the relay\'s limits nothing is inferred');
  assert.deepEqual([seconds(850), seconds(12_400), seconds(120_000)], ['850 ms', '12 s', '2 min']);
});
