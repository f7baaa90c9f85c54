// The worker side of relay/request-checker.js: a core of its own, and the requests it was
// handed, by job id, between 'open' (parse; the relay then looks the model up) and 'check'.
import { parentPort } from 'node:worker_threads';
import { loadRelayCore } from './core.js';
import { RelayError } from './errors.js';
import { parseRequest, checkBody } from './chat-request.js';

const core = await loadRelayCore();
const opened = new Map(); // job id -> the parsed body, until it is checked or discarded

const failure = (err) => (err instanceof RelayError
  ? { kind: err.kind, message: err.message }
  : { kind: 'internal', message: `the request could not be checked: ${err?.message ?? err}` });

parentPort.on('message', ({ op, id, bytes, target }) => {
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
      const result = checkBody(core, body, target);
      parentPort.postMessage({ id, result }, result.ok ? [result.payload.buffer] : []);
    } catch (err) {
      parentPort.postMessage({ id, error: failure(err) });
      // A core that failed inside stays refused (core.js poisons it): end this worker so
      // the relay starts a fresh one for the next large request.
      if (!(err instanceof RelayError)) process.exit(1);
    }
  } else if (op === 'discard') {
    opened.delete(id);
  }
});
