// A caller's values as the core's input, and the one error every bad one becomes. Each is
// converted here, before any call into the module: web/core.js's #guard takes every error
// thrown inside a call for a trap and stops the core, so a value JavaScript itself refuses
// (a cycle, a Symbol, an object without toString) must be refused first, as bad_input.
const encoder = new TextEncoder();

/** A clear, typed error from the core or from its wrapper (never a raw WASM trap). */
export class CoreError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
  }
}

/**
 * A decoder's line limit as the module takes it (0: the core's default), converted here and not
 * by the call into the module, inside #guard, where a value Number() refuses (a Symbol, a
 * BigInt) would be taken for a trap.
 */
export function lineLimit(value) {
  try {
    return Number(value ?? 0);
  } catch {
    throw new CoreError('bad_input', 'maxLineBytes must be a number');
  }
}

/** A caller's value as text (String(), '' for none); a value String() refuses is bad_input. */
export function textInput(value, what) {
  try {
    return String(value ?? '');
  } catch {
    throw new CoreError('bad_input', `${what} must be text`);
  }
}

/**
 * A caller's input as the JSON text the core reads (staged into the module as UTF-8): a string
 * is JSON text already; a function is called for the value. Made before any #guard, which
 * takes every error inside it for a trap and stops the core: JSON.stringify overflowing the
 * stack on a value nested thousands deep (RangeError), or refusing a cycle or a BigInt
 * (TypeError), is the caller's input, refused as bad_input, never the core's failure.
 */
export function jsonInput(input, what = 'the input') {
  try {
    const value = typeof input === 'function' ? input() : input;
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch (err) {
    if (err instanceof RangeError || err instanceof TypeError) throw new CoreError('bad_input', `${what} nests too deeply, refers to itself, or holds a value JSON cannot carry`);
    throw err;
  }
}

export function stringFields(obj, names) {
  const out = {};
  for (const n of names) out[n] = typeof obj?.[n] === 'string' ? obj[n] : '';
  return out;
}

/** A chunk of bytes as the core takes it: a Uint8Array, a string (UTF-8), an ArrayBuffer or a view. */
export function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new CoreError('bad_input', 'push() takes a Uint8Array (or a string)');
}

// Copies out of the module's memory: a small one is a view into a shared slab, as Node's
// Buffer pool hands out small buffers. A typed array of its own costs an ArrayBuffer, about
// 1.3 µs in V8 and a backing store for the collector to sweep (docs/performance.md, session
// 13), and the relay made several per chat call (the checked body, each redacted chunk). A
// slab is never written again once handed out: views never overlap, and a full slab is
// replaced, not reused, so a view another part still holds keeps its bytes.
const SLAB_BYTES = 8 * 1024;
const POOLED_BYTES = SLAB_BYTES / 2;
let slab = new Uint8Array(SLAB_BYTES);
let slabAt = 0;

/**
 * A copy of `view` the caller owns. Its `.buffer` may hold other copies (other calls' bodies and
 * chunks): read it through the view only, and pass it to another thread through ownBuffer().
 */
export function copyOut(view) {
  if (view.length > POOLED_BYTES) return new Uint8Array(view); // a copy (a Buffer's slice() would be a view)
  // A slab whose buffer a caller transferred away (without ownBuffer) is detached, its length
  // 0: start a new one rather than throw inside a core call, which would stop the core.
  if (slabAt + view.length > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + view.length);
  out.set(view);
  slabAt = (slabAt + view.length + 7) & ~7; // the next copy starts 8-byte aligned, as Node's pool does
  return out;
}

/** `bytes` with a buffer of its own (to transfer it to another thread): as it is, or copied. */
export function ownBuffer(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}
