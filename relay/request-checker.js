// Reading and checking chat requests without stopping the relay for everyone else.
//
// A request may carry up to MAX_REQUEST_BYTES (25 MiB) of images. Parsing one, checking it
// with the core and serialising the checked body took about a second for 19 MB on this
// project's machine: a second in which every other stream on the relay would stand still.
// So a request over `inlineBytes` goes to a worker thread with a core of its own, and the
// event loop goes on serving. Small requests (nearly all: a text conversation is a few KB)
// are read inline, where a round trip to the worker would cost more than the work.
//
// Both paths run the same code (chat-request.js). One worker, made on first use: large
// requests are rare, they wait for each other, and the per-user limit bounds how many.
import { Worker } from 'node:worker_threads';
import { RelayError } from './errors.js';
import { ownBuffer } from '../web/core-input.js';
import { openRequest, checkRequest, previewRequest } from './chat-request.js';

export const INLINE_BYTES = 256 * 1024;

/** Lets an opened request go (a no-op once checked); a core that trapped keeps it. */
function discard(request) {
  try { request.free(); } catch { /* the core stopped: its memory is no longer used */ }
}

const stopped = () => new RelayError('internal', 'the relay could not check this request (its checker stopped); try again');

export class RequestChecker {
  /** @param {{ core, inlineBytes?: number, log?: Function }} o */
  constructor({ core, inlineBytes = INLINE_BYTES, log = () => {} }) {
    this.core = core;
    this.inlineBytes = inlineBytes;
    this.log = log;
    this.worker = null;
    this.jobs = new Map(); // id -> { resolve, reject } of the message awaited
    this.nextId = 1;
  }

  /**
   * The request's bytes → { model, check(target), preview(target, call, secrets), discard() }.
   * `check({ model_name, provider, shaping, requestId })` resolves like checkRequest and
   * `preview` like previewRequest (chat-request.js), either once; `discard()` lets a request go
   * unchecked (an unknown model, a busy user). Throws RelayError('invalid_request').
   */
  async open(bytes) {
    if (bytes.length <= this.inlineBytes) {
      const request = openRequest(this.core, bytes);
      return {
        model: request.model,
        check: async (target) => checkRequest(request, target), // lets the request go
        preview: async (target, call, secrets) => previewRequest(this.core, request, target, call, secrets),
        discard: () => { discard(request); },
      };
    }
    const id = this.nextId++;
    // The bytes are handed over (copied first only when they share their buffer): the worker owns them from here.
    const copy = ownBuffer(bytes);
    const { model } = await this.#ask({ op: 'open', id, bytes: copy }, [copy.buffer]);
    const owner = this.worker; // the request lives in this worker only
    let open = true;
    return {
      model,
      check: async (target) => {
        open = false;
        if (this.worker !== owner) throw stopped();
        const { result } = await this.#ask({ op: 'check', id, target });
        return result.ok ? { ...result, payload: Buffer.from(result.payload.buffer, result.payload.byteOffset, result.payload.byteLength) } : result;
      },
      preview: async (target, call, secrets) => {
        open = false;
        if (this.worker !== owner) throw stopped();
        return (await this.#ask({ op: 'preview', id, target, call, secrets })).result;
      },
      discard: () => {
        if (open) this.worker?.postMessage({ op: 'discard', id });
        open = false;
      },
    };
  }

  close() {
    const w = this.worker;
    this.worker = null;
    this.#failAll();
    return w ? w.terminate() : Promise.resolve();
  }

  #failAll() {
    const failed = [...this.jobs.values()];
    this.jobs.clear();
    for (const job of failed) job.reject(stopped());
  }

  #ask(message, transfer) {
    const worker = this.#ensureWorker();
    return new Promise((resolve, reject) => {
      this.jobs.set(message.id, { resolve, reject });
      worker.postMessage(message, transfer);
    }).then((reply) => {
      if (reply.error) throw new RelayError(reply.error.kind, reply.error.message, reply.error.extra ?? {});
      return reply;
    });
  }

  #ensureWorker() {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./request-check-worker.js', import.meta.url));
    worker.unref(); // never what keeps the relay running
    worker.on('message', (reply) => {
      const job = this.jobs.get(reply.id);
      this.jobs.delete(reply.id);
      job?.resolve(reply);
    });
    const gone = (why) => {
      if (this.worker !== worker) return;
      this.worker = null; // the next large request starts a new one
      this.log({ msg: 'request-check worker stopped', error: why });
      this.#failAll();
    };
    worker.on('error', (err) => gone(String(err?.message ?? err)));
    worker.on('exit', (code) => gone(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
