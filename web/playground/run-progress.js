// A run you can follow: which time limit applies to it (the relay's connect, first-byte, idle
// and total limits, or the model's own `timeout` / `stream_timeout` where shorter, as
// relay/upstream.js forwardChat applies them), and the phase, the elapsed time and the limit
// in words. Pure: no DOM, no timers; times are passed in.

/**
 * @typedef {{ connectMs: number, firstByteMs: number, idleMs: number, totalMs: number, concurrentPerUser?: number }} RelayLimits  GET /api/playground/status
 * @typedef {{ ms: number, from: 'relay' | 'model.timeout' | 'model.stream_timeout' }} Limit
 * @typedef {{ stream: boolean, connect: Limit, firstByte: Limit, headers: Limit | null, idle: Limit, total: Limit }} RunLimits
 *   `headers`: the model's stream budget, which bounds the wait for the response headers from the start (connect included)
 * @typedef {'connecting' | 'first_byte' | 'streaming' | 'reading'} Phase
 * @typedef {{ phase: Phase, label: string, elapsed: string, limit: string }} ProgressView
 */

/**
 * The model's own deadline for this kind of call, as the core's model_deadlines gives it: a
 * stream's `stream_timeout`, else its `timeout`; a whole answer's `timeout`. 0 or none: none.
 * @param {{ gateway?: { shaping?: { timeoutMs?: number | null, streamTimeoutMs?: number | null } } } | null | undefined} model
 * @param {boolean} stream
 * @returns {Limit | null}
 */
export function modelDeadline(model, stream) {
  const shaping = model?.gateway?.shaping;
  const ok = (ms) => Number.isFinite(ms) && ms > 0;
  if (stream && ok(shaping?.streamTimeoutMs)) return { ms: shaping.streamTimeoutMs, from: 'model.stream_timeout' };
  if (ok(shaping?.timeoutMs)) return { ms: shaping.timeoutMs, from: 'model.timeout' };
  return null;
}

/**
 * The limits a run meets, or null when the relay did not say its own.
 * @param {RelayLimits | null | undefined} relay
 * @param {Parameters<typeof modelDeadline>[0]} model
 * @param {{ stream?: unknown } | null | undefined} body  the chat body (a stream when `stream` is true)
 * @returns {RunLimits | null}
 */
export function runLimits(relay, model, body) {
  const stream = body?.stream === true;
  if (!relay || ![relay.connectMs, relay.firstByteMs, relay.idleMs, relay.totalMs].every((ms) => Number.isFinite(ms) && ms > 0)) return null;
  /** @param {number} ms @returns {Limit} */
  const own = (ms) => ({ ms, from: 'relay' });
  const model$ = modelDeadline(model, stream);
  return {
    stream,
    connect: own(relay.connectMs),
    firstByte: own(relay.firstByteMs),
    headers: stream && model$ && model$.ms < relay.connectMs + relay.firstByteMs ? model$ : null,
    idle: stream && model$ && model$.ms < relay.idleMs ? model$ : own(relay.idleMs),
    total: !stream && model$ && model$.ms < relay.totalMs ? model$ : own(relay.totalMs),
  };
}

/** A duration as the page shows it: "850 ms", "12.4 s", "2 min 5 s". */
export function seconds(ms) {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** @param {Limit} limit */
function whose(limit) {
  if (limit.from === 'model.stream_timeout') return "the model's stream_timeout";
  if (limit.from === 'model.timeout') return "the model's timeout";
  return "the relay's limit";
}

/**
 * The phase, the time since the run started and the limit that applies now.
 * @param {{ stage: 'waiting' | 'streaming' | 'reading', elapsedMs: number, sinceChunkMs?: number | null, chunks?: number, limits: RunLimits | null }} o
 *   `stage`: what the page knows (no response yet, a stream arriving, a whole body being read);
 *   `sinceChunkMs`: time since the last chunk of a stream
 * @returns {ProgressView}
 */
export function progressView({ stage, elapsedMs, sinceChunkMs = null, chunks = 0, limits }) {
  const elapsed = `${seconds(elapsedMs)} elapsed`;
  if (stage === 'streaming') {
    const label = `Streaming the answer (${chunks} chunk${chunks === 1 ? '' : 's'} so far)`;
    if (!limits) return { phase: 'streaming', label, elapsed, limit: '' };
    const gap = sinceChunkMs === null ? '' : `, ${seconds(sinceChunkMs)} since the last`;
    return { phase: 'streaming', label, elapsed, limit: `Each chunk within ${seconds(limits.idle.ms)} of the one before (${whose(limits.idle)}${gap}); the whole run within ${seconds(limits.total.ms)} (${whose(limits.total)}).` };
  }
  if (stage === 'reading') {
    const label = 'Reading the answer';
    return { phase: 'reading', label, elapsed, limit: limits ? `The whole run within ${seconds(limits.total.ms)} (${whose(limits.total)}).` : '' };
  }
  // No response yet. The page cannot see the relay connect, but once the connect limit has
  // passed without an error the connection was made: only the first byte is awaited.
  const connected = limits !== null && elapsedMs >= limits.connect.ms;
  const phase = connected ? 'first_byte' : 'connecting';
  const label = connected ? 'Connected; waiting for the first byte' : 'Connecting and waiting for the first byte';
  if (!limits) return { phase, label, elapsed, limit: '' };
  const limit = limits.headers
    ? `The response headers within ${seconds(limits.headers.ms)} of the start (${whose(limits.headers)}, connecting included).`
    : `Connect within ${seconds(limits.connect.ms)}, then the first byte within ${seconds(limits.firstByte.ms)} (${whose(limits.firstByte)})${limits.total.from === 'relay' ? '' : `; the whole run within ${seconds(limits.total.ms)} (${whose(limits.total)})`}.`;
  return { phase, label, elapsed, limit };
}
