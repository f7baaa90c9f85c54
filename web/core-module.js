// Instantiates a build of the core: a standalone WebAssembly reactor (cmake/wasm.cmake), with
// no Emscripten glue. The module exports its memory and the pg_* calls under their C names and
// imports a handful of functions; this file gives them and keeps a byte view of the memory
// that follows its growth. Nothing else: web/core.js does the calls.

/** A module import that stops the instance: the core aborted (a failed allocation it cannot return, a bug). */
class CoreExit extends Error {
  constructor(code) {
    super(`the core exited with code ${code}`);
    this.name = 'CoreExit';
  }
}

/**
 * Instantiates `source`: the module's bytes (any view, or an ArrayBuffer), or a fetch Response
 * for them, compiled as it downloads. Returns the instance's exports with `heap`, a Uint8Array
 * over the whole memory, current after every call that grew it.
 * @param {BufferSource | Response} source
 */
export async function instantiateCore(source) {
  /** @type {WebAssembly.Memory} */
  let memory;
  let heap = new Uint8Array(0);
  const imports = {
    // The core's allocator calls this after it grew the memory, which detaches the old view.
    env: { emscripten_notify_memory_growth: () => { heap = new Uint8Array(memory.buffer); } },
    // The page's build imports proc_exit only. The relay's (-O3, dlmalloc) also links libc's
    // stderr, which only an abort writes to, just before proc_exit: its words are dropped (the
    // exit is the error), its bytes counted as written so libc does not retry.
    wasi_snapshot_preview1: {
      proc_exit: (code) => { throw new CoreExit(code); },
      fd_write: (_fd, iovs, count, written) => {
        const words = new DataView(memory.buffer);
        let total = 0;
        for (let i = 0; i < count; i++) total += words.getUint32(iovs + i * 8 + 4, true);
        words.setUint32(written, total, true);
        return 0;
      },
      fd_close: () => 0,
      fd_seek: () => 70, // ESPIPE: stderr is not a file
    },
  };
  const { instance } = await instantiateSource(source, imports);
  const exports = /** @type {Record<string, any>} */ (instance.exports);
  memory = exports.memory;
  heap = new Uint8Array(memory.buffer);
  exports._initialize(); // the C++ constructors of a reactor module
  const core = Object.assign(Object.create(null), exports);
  Object.defineProperty(core, 'heap', { get: () => heap });
  return core;
}

/**
 * Streaming compilation needs the server's application/wasm; any other type (a static host
 * that does not know .wasm) falls back to compiling the whole download.
 * @param {BufferSource | Response} source
 * @param {WebAssembly.Imports} imports
 * @returns {Promise<WebAssembly.WebAssemblyInstantiatedSource>}
 */
async function instantiateSource(source, imports) {
  // Any view is read as its bytes (V8 takes no DataView).
  if (ArrayBuffer.isView(source)) return WebAssembly.instantiate(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), imports);
  if (source instanceof ArrayBuffer) return WebAssembly.instantiate(source, imports);
  if (typeof Response === 'undefined' || !(source instanceof Response)) {
    throw new TypeError(`the module must be bytes or a fetch Response, not ${source === null ? 'null' : typeof source}`);
  }
  if (!source.ok) throw new Error(`${source.url || 'the module'} answered HTTP ${source.status}`);
  const type = source.headers.get('content-type') ?? '';
  if (typeof WebAssembly.instantiateStreaming === 'function' && type.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.instantiateStreaming(source, imports);
  }
  return WebAssembly.instantiate(await source.arrayBuffer(), imports);
}
