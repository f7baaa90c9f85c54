// The worker side of relay/request-checker.js: a core of its own, and the requests it was
// handed, by job id, between 'open' (the core reads the bytes and keeps the body; the relay
// then looks the model up) and 'check' (or 'preview', the inspect view's: routes-preview.js).
//
// One job's failure stays that job's: a body the core refuses is that caller's
// invalid_request, and a core that trapped (core.js then refuses every later call) is
// replaced by a fresh one for the requests that come next. The requests it held live in its
// memory and go with it: their checks fail with a relay error ("try again"), as when the
// worker itself stops. (The core never traps on any input: fuzz/chat_request_fuzzer.cpp.)
import { parentPort } from 'node:worker_threads';
import { loadRelayCore } from './core.js';
import { RelayError } from './errors.js';
import { ownBuffer } from '../web/core-input.js';
import { openRequest, checkRequest, previewRequest } from './chat-request.js';

let core = loadRelayCore();
const opened = new Map(); // job id -> the opened request (its body in the core), until it is checked or discarded

/**
 * A core that trapped refuses every later call: a fresh one serves from here. The requests it
 * held were read by it and are lost with it; their checks answer like a lost request's.
 */
function replaceCore() {
  core = loadRelayCore();
  opened.clear();
}

const failure = (err) => (err instanceof RelayError
  ? { kind: err.kind, message: err.message, extra: err.extra }
  : { kind: 'internal', message: 'the relay could not check this request (its checker failed); try again' });

parentPort.on('message', async ({ op, id, bytes, target, call, secrets }) => {
  if (op === 'open') {
    try {
      const request = openRequest(await core, bytes);
      opened.set(id, request);
      parentPort.postMessage({ id, model: request.model });
    } catch (err) {
      parentPort.postMessage({ id, error: failure(err) });
      if (!(err instanceof RelayError)) replaceCore();
    }
  } else if (op === 'check' || op === 'preview') {
    if (!opened.has(id)) {
      parentPort.postMessage({ id, error: { kind: 'internal', message: 'the relay lost this request before checking it; try again' } });
      return;
    }
    const request = opened.get(id);
    opened.delete(id);
    try {
      if (op === 'preview') {
        parentPort.postMessage({ id, result: previewRequest(await core, request, target, call, secrets) });
        return;
      }
      const result = checkRequest(request, target);
      // The payload's buffer is handed over, not copied: a large payload's is its own already;
      // a small one may share a slab with other copies (copyOut) and gets one of its own first.
      if (result.ok) result.payload = ownBuffer(result.payload);
      parentPort.postMessage({ id, result }, result.ok ? [result.payload.buffer] : []);
    } catch (err) {
      parentPort.postMessage({ id, error: failure(err) });
      if (!(err instanceof RelayError)) replaceCore();
    }
  } else if (op === 'discard') {
    const request = opened.get(id);
    opened.delete(id);
    try { request?.free(); } catch { /* its core stopped */ }
  }
});
