// One run against one model: POST the body the core built, read the answer (a stream through
// core.openStream, a whole body through core.validateCompletion), measure the times in the
// page, and return what happened as the core's Outcome (for core.diagnose) plus what the
// inspect view shows. Never throws: every failure is part of the outcome.
import { parseServerTiming } from './api.js';
import { HEADROOM_HEADER, headroomOf, relayErrorFromText, relayUnreachable } from '../contract.js';

// The raw response kept for the inspect view; the decoded answer is never cut.
export const RAW_KEEP_BYTES = 2 * 1024 * 1024;
// Bytes are fed to the core in slices, and the page yields to the browser whenever one task
// has worked this long, so a fast, large stream never freezes the page (input and frames
// keep flowing between slices).
const PUSH_SLICE_BYTES = 2 * 1024;
const TASK_BUDGET_MS = 8;

export function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return /** @type {Promise<void>} */ (new Promise((resolve) => {
    const channel = new MessageChannel();
    // Close the port once used: an open MessagePort keeps a Node process (and a tab's
    // memory) alive, one per yield.
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  }));
}

/**
 * @param {object} o
 * @param {import('../core.js').Core} o.core
 * @param {import('./api.js').RelayApi} o.api
 * @param {import('../core.js').PublicModel} o.model     the relay's public model entry
 * @param {Record<string, any>} o.body      the chat-completions body from core.buildRequest
 * @param {AbortSignal} o.signal
 * @param {(delta: object) => void} [o.onDelta]   each decoded stream delta, in order
 * @param {(p: { stage: 'streaming' | 'reading', chunk?: boolean }) => void} [o.onProgress]  the response
 *   arrived (a stream, or a whole body to read), and each network chunk of a stream
 */
export async function runOnce({ core, api, model, body, signal, onDelta = () => {}, onProgress = () => {} }) {
  const t0 = performance.now();
  const run = {
    streamed: false,
    aborted: false,
    status: 0,
    contentType: '',
    headers: {},
    raw: '',
    rawBytes: 0,
    rawTruncated: false,
    result: null,
    relayError: null,
    /** @type {import('../core.js').RateLimits | null} */
    headroom: null,
    timing: { firstByte: null, firstToken: null, total: null, server: {} },
  };
  const model4core = { provider: model.provider, model_name: model.model_name, api_base: model.api_base };
  // What diagnose reads of the request: whether it streamed (a first-byte timeout's advice
  // depends on it) and the response_format the answer's form is checked against. Nothing
  // else, so a request's messages and images are never copied into the outcome.
  const request = { stream: body?.stream === true, ...(body?.response_format ? { response_format: body.response_format } : {}) };

  let res;
  try {
    res = await api.chat(model.id, body, signal);
  } catch (err) {
    run.timing.total = performance.now() - t0;
    if (isAbort(err, signal)) run.aborted = true;
    else run.relayError = relayUnreachable(`the page could not reach the relay (${err?.message ?? err}); is it still running?`);
    return finish(run, model4core, request);
  }

  run.timing.firstByte = performance.now() - t0;
  run.status = res.status;
  run.contentType = res.headers.get('content-type') ?? '';
  run.headers = Object.fromEntries(res.headers.entries());
  run.timing.server = parseServerTiming(res.headers.get('server-timing'));
  // The key's headroom from the provider's rate-limit headers, which the relay read (with the
  // core) the moment they arrived, so a reset given as a time is "in …" from then; never from a
  // relay's own answer. It is the relay's note, not the provider's header: not shown as one.
  run.headroom = headroomOf(res.headers);
  delete run.headers[HEADROOM_HEADER];

  if (run.contentType.toLowerCase().startsWith('text/event-stream') && res.body) {
    run.streamed = true;
    onProgress({ stage: 'streaming' });
    await readStream(core, res, run, signal, t0, onDelta, model.gateway?.shaping, onProgress);
  } else {
    onProgress({ stage: 'reading' });
    try {
      run.raw = await res.text();
      run.rawBytes = run.raw.length;
    } catch (err) {
      if (isAbort(err, signal)) run.aborted = true;
      else run.relayError = { kind: 'upstream_reset', message: `the response was cut off (${err?.message ?? err})` };
    }
    run.timing.total = performance.now() - t0;
    if (!run.aborted && !run.relayError) {
      // The relay's own failure only when the relay says it wrote this response.
      run.relayError = relayErrorFromText(run.raw, res.headers);
      if (!run.relayError && res.ok) {
        run.result = core.validateCompletion(run.raw);
        run.timing.firstToken = run.timing.firstByte; // a whole body: its first token came with its first byte
      }
    }
  }
  run.timing.total ??= performance.now() - t0;
  return finish(run, model4core, request);
}

async function readStream(core, res, run, signal, t0, onDelta, shaping, onProgress) {
  // The key's response block (reasoning_field, stream_done_marker): read as the gateway reads it.
  const stream = core.openStream(shaping ? { shaping } : {});
  const reader = res.body.getReader();
  const text = new TextDecoder();
  let taskStart = performance.now();
  const pause = async () => {
    if (performance.now() - taskStart <= TASK_BUDGET_MS) return;
    await yieldToBrowser();
    taskStart = performance.now();
  };
  try {
    for (;;) {
      let step;
      try {
        step = await reader.read();
      } catch (err) {
        if (isAbort(err, signal)) run.aborted = true;
        else run.relayError = { kind: 'upstream_reset', message: `the stream was cut off (${err?.message ?? err})` };
        break;
      }
      if (step.done) break;
      onProgress({ stage: 'streaming', chunk: true });
      const bytes = step.value;
      run.rawBytes += bytes.length;
      if (run.raw.length < RAW_KEEP_BYTES) run.raw += text.decode(bytes, { stream: true });
      else run.rawTruncated = true;
      for (let at = 0; at < bytes.length && !signal?.aborted; at += PUSH_SLICE_BYTES) {
        await pause();
        // Stop may have been pressed while the page yielded: what is left of this network
        // chunk is dropped, not decoded.
        if (signal?.aborted) break;
        for (const delta of stream.push(bytes.subarray(at, at + PUSH_SLICE_BYTES))) {
          if (run.timing.firstToken === null && (delta.content || delta.reasoning || delta.toolCalls)) {
            run.timing.firstToken = performance.now() - t0;
          }
          onDelta(delta);
        }
      }
      if (signal?.aborted) {
        run.aborted = true;
        break;
      }
      await pause();
    }
    run.raw += text.decode();
    // end() is a task of its own: it checks the whole stream and builds the Result. The
    // answer's text is the one the stream gathered from its deltas (web/core.js): the page
    // keeps no copy of its own.
    await yieldToBrowser();
    run.result = stream.end();
  } finally {
    stream.free();
    if (run.aborted) reader.cancel().catch(() => {});
  }
  run.timing.total = performance.now() - t0;
}

function isAbort(err, signal) {
  return signal?.aborted || err?.name === 'AbortError';
}

/** Adds the core's Outcome (docs/contracts.md, Outcome) to the run. */
function finish(run, model, request) {
  const timings = { ...run.timing.server };
  if (run.timing.firstByte !== null) timings.page_first_byte = run.timing.firstByte;
  if (run.timing.firstToken !== null) timings.page_first_token = run.timing.firstToken;
  if (run.timing.total !== null) timings.page_total = run.timing.total;
  const outcome = { model, timings };
  if (request) outcome.request = request;
  if (run.relayError) outcome.relayError = run.relayError;
  if (run.aborted) outcome.aborted = true;
  if (run.status) {
    outcome.status = run.status;
    outcome.contentType = run.contentType;
    outcome.headers = run.headers;
  }
  if (run.streamed) outcome.result = run.result;
  else if (run.status && !run.relayError) {
    outcome.body = run.raw;
    if (run.result) outcome.result = run.result;
  }
  run.outcome = outcome;
  return run;
}
