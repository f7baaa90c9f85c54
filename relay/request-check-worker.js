// The worker side of relay/request-checker.js: a core of its own, and the requests it was
// handed, by job id, between 'open' (parse; the relay then looks the model up) and 'check'.
//
// One job's failure stays that job's: a body the core refuses is that caller's
// invalid_request, and a core that trapped (core.js then refuses every later call) is
// replaced by a fresh one while the other requests held here wait and go on.
import { parentPort } from 'node:worker_threads';
import { loadRelayCore } from './core.js';
import { RelayError } from './errors.js';
import { parseRequest, checkBody } from './chat-request.js';

let core = loadRelayCore();
const opened = new Map(); // job id -> the parsed body, until it is checked or discarded

const failure = (err) => (err instanceof RelayError
  ? { kind: err.kind, message: err.message, extra: err.extra }
  : { kind: 'internal', message: 'the relay could not check this request (its checker failed); try again' });

parentPort.on('message', async ({ op, id, bytes, target }) => {
  if (op === 'open') {
    try {
      const { model, body } = parseRequest(bytes);
      opened.set(id, body);
      parentPort.postMessage({ id, model });
    } catch (err) {
      parentPort.postMessage({ id, error: failure(err) });
    }
  } else if (op === 'check') {
    if (!opened.has(id)) {
      parentPort.postMessage({ id, error: { kind: 'internal', message: 'the relay lost this request before checking it; try again' } });
      return;
    }
    const body = opened.get(id);
    opened.delete(id);
    try {
      const result = checkBody(await core, body, target);
      parentPort.postMessage({ id, result }, result.ok ? [result.payload.buffer] : []);
    } catch (err) {
      parentPort.postMessage({ id, error: failure(err) });
      if (!(err instanceof RelayError)) core = loadRelayCore(); // this one is poisoned
    }
  } else if (op === 'discard') {
    opened.delete(id);
  }
});
