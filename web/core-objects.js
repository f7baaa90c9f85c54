// The core's handle objects: a chat request, an SSE decoder, a chat stream, a stream redactor
// and a compiled secrets list, each a native object in the module's memory that its wrapper
// frees. One class per kind, methods on the prototype: the relay makes a request and a
// redactor for every chat call, and an object built from per-call closures (a wrapper per
// method, a free function, a finalizer) cost several microseconds a call in garbage and setup
// (docs/performance.md, session 11).
//
// The wrapper's boundary (web/core.js) reaches them through a `port`, made once per Core:
//   guard(fn)                 runs one call into the module, a trap → CoreError, the core stopped
//   stage(input)              copies bytes or text (as UTF-8) into the module's input buffer → their length
//   input()                   that buffer's address (read after stage(), which may move it)
//   resultBytes(len)          a view of the last reply (valid until the next call)
//   callBytes(name, bytes, …) stage, call the export with (…args, address, length), view its reply
//   chatTarget(target)        { handle, temporary }: the core's reading of a chat target
//   answerHeaders(list, …)    the header pass against a secrets list's handle (Core.forwardAnswerHeaders)
//   broken()                  whether the core stopped (nothing may be freed then)
//   mod                       the module's exports
import { streamDeltas, u32At } from './core-deltas.js';
import { CoreError, copyOut, textInput, toBytes } from './core-input.js';

/**
 * @typedef {{ mod: Record<string, Function>, guard: <T>(fn: () => T) => T, stage(input: Uint8Array | string): number, input(): number,
 *   resultBytes(len: number): Uint8Array, callBytes(name: string, input: Uint8Array | string, ...args: number[]): Uint8Array,
 *   chatTarget(target: object): { handle: number, temporary: boolean },
 *   answerHeaders(list: number, headers: Array<[string, string]>, now?: number): { values: Array<string | null>, headroom: string | null },
 *   broken(): boolean }} CorePort
 */

const decoder = new TextDecoder();

/**
 * What the finalizer needs to free a native object whose wrapper a caller dropped without
 * free(): the handle and its release, never the wrapper itself (which would then never be
 * collected). Shared by the wrapper and the registry, so each knows whether the other freed it.
 */
class NativeRef {
  constructor(release, handle) {
    this.release = release;
    this.handle = handle;
    this.freed = false;
  }
}

// A safety net, not a substitute for free(): the relay frees every object it makes.
const registry = new FinalizationRegistry((ref) => {
  if (ref.freed) return;
  ref.freed = true;
  try { ref.release(ref.handle); } catch { /* the module may be gone */ }
});

// The handle and the port of a wrapper, for the kinds below only: a caller sees free() and the
// kind's own methods, nothing else (tests/wasm/core-declarations.test.mjs holds them to core.d.ts).
/** @type {(obj: NativeObject, method: string) => number} the handle, or CoreError('freed') */
let live;
/** @type {(obj: NativeObject) => CorePort} */
let portOf;

/** A native object's wrapper: free() once (again is a no-op); any other method after free() is CoreError('freed'). */
export class NativeObject {
  #ref;
  #port;

  static {
    live = (obj, method) => {
      if (obj.#ref.freed) throw new CoreError('freed', `${method}() called after free()`);
      return obj.#ref.handle;
    };
    portOf = (obj) => obj.#port;
  }

  /** @param {CorePort} port  the Core's boundary (see the file's head) @param {number} handle @param {string} freeName  the export that frees it */
  constructor(port, handle, freeName) {
    this.#port = port;
    this.#ref = new NativeRef(port.mod[freeName], handle);
    // No unregister token: free() marks the reference freed, and the finalizer then does
    // nothing. (A token and unregister() in free() doubled the registry's cost per object.)
    registry.register(this, this.#ref);
  }

  free() {
    const ref = this.#ref;
    if (ref.freed) return;
    ref.freed = true;
    this.#port.guard(() => ref.release(ref.handle));
  }
}

/** The relay's chat request, read from its bytes once: check() once (which lets it go), or free(). */
export class ChatRequest extends NativeObject {
  /** @param {string} model  the model id the request names */
  constructor(port, handle, model) {
    super(port, handle, 'pg_request_free');
    this.ok = true;
    this.model = model;
  }

  check(target) {
    const handle = live(this, 'check');
    const port = portOf(this);
    try {
      // (The core uses the request id only for a target with shaping.)
      const id = textInput(target?.requestId, 'the request id');
      const { handle: chatTarget, temporary } = port.chatTarget(target);
      try {
        return port.guard(() => {
          // The reply: the body as sent upstream, then its facts' JSON, then the body's length (4 bytes, LE).
          const staged = port.stage(id);
          const reply = port.resultBytes(port.mod.pg_request_check(handle, chatTarget, port.input(), staged));
          const end = reply.length - 4;
          const bodyLength = u32At(reply, end);
          const meta = JSON.parse(decoder.decode(reply.subarray(bodyLength, end)));
          if (meta.ok) meta.payload = copyOut(reply.subarray(0, bodyLength)); // the one copy out of the module
          return meta;
        });
      } finally {
        if (temporary && !port.broken()) port.guard(() => port.mod.pg_chat_target_free(chatTarget));
      }
    } finally {
      if (!port.broken()) this.free();
    }
  }
}

/** An incremental text/event-stream decoder over byte chunks. */
export class SseDecoder extends NativeObject {
  constructor(port, handle) { super(port, handle, 'pg_sse_free'); }

  push(bytes) {
    const handle = live(this, 'push');
    return sseEvents(JSON.parse(decoder.decode(portOf(this).callBytes('pg_sse_push', toBytes(bytes), handle))));
  }

  end() {
    const handle = live(this, 'end');
    const port = portOf(this);
    return sseEvents(port.guard(() => JSON.parse(decoder.decode(port.resultBytes(port.mod.pg_sse_end(handle))))));
  }
}

/** A chat stream: SSE decoding, chunk validation and accumulation. */
export class ChatStream extends NativeObject {
  // The text of every delta so far: end() adds only what no push handed out, so a long answer
  // is not copied out of the core (and decoded) a second time.
  #text = { content: '', reasoning: '' };

  constructor(port, handle) { super(port, handle, 'pg_stream_free'); }

  push(bytes) {
    const handle = live(this, 'push');
    const port = portOf(this);
    const input = toBytes(bytes);
    return port.guard(() => {
      const staged = port.stage(input);
      return streamDeltas(port.resultBytes(port.mod.pg_stream_push(handle, port.input(), staged)), this.#text);
    });
  }

  end() {
    const handle = live(this, 'end');
    const port = portOf(this);
    return port.guard(() => {
      const result = JSON.parse(decoder.decode(port.resultBytes(port.mod.pg_stream_end_rest(handle))));
      result.content = this.#text.content + result.content;
      result.reasoning = this.#text.reasoning + result.reasoning;
      return result;
    });
  }
}

/** Redacts secrets from a byte stream split anywhere (the relay's forwarding path). */
export class StreamRedactor extends NativeObject {
  constructor(port, handle) { super(port, handle, 'pg_redactor_free'); }

  push(bytes) {
    const handle = live(this, 'push');
    return copyOut(portOf(this).callBytes('pg_redactor_push', toBytes(bytes), handle));
  }

  finish() {
    const handle = live(this, 'finish');
    const port = portOf(this);
    return port.guard(() => copyOut(port.resultBytes(port.mod.pg_redactor_finish(handle))));
  }
}

/**
 * One secrets list, compiled once: stream() is a fresh StreamRedactor that shares the compiled
 * matcher, forwardAnswerHeaders(headers, now) the header pass against the list. `forget` runs
 * when it is freed (the wrapper's cache lets go of it).
 */
export class SecretsRedactor extends NativeObject {
  #forget;

  constructor(port, handle, forget) {
    super(port, handle, 'pg_secrets_free');
    this.#forget = forget;
  }

  stream() {
    const list = live(this, 'stream');
    const port = portOf(this);
    return new StreamRedactor(port, port.guard(() => port.mod.pg_secrets_stream(list)));
  }

  forwardAnswerHeaders(headers, now) {
    return portOf(this).answerHeaders(live(this, 'forwardAnswerHeaders'), headers, now);
  }

  free() {
    this.#forget?.();
    super.free();
  }
}

/** The decoder reports a passed limit beside the events it still produced. */
function sseEvents(reply) {
  if (reply.error) {
    const err = /** @type {CoreError & { events?: unknown }} */ (new CoreError(reply.error.code, reply.error.message));
    err.events = reply.events; // what was dispatched before the limit was passed
    throw err;
  }
  return reply.events;
}
