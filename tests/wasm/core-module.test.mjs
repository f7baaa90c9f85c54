// web/core-module.js: a build of the core is a standalone WebAssembly reactor, instantiated
// without Emscripten's glue. Its imports, its memory view after growth, the download path a
// browser takes (a Response, streamed or not) and what a bad module becomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { instantiateCore } from '../../web/core-module.js';
import { loadCore, CoreError } from '../../web/core.js';

const root = new URL('../../', import.meta.url);
const bytesOf = (dist) => new Uint8Array(readFileSync(new URL(`${dist}/playground-core.wasm`, root)));
const importsOf = (bytes) => WebAssembly.Module.imports(new WebAssembly.Module(bytes)).map((i) => `${i.module}.${i.name}`).sort();

test('the page build imports only the memory-growth notice and proc_exit (no stdio, nothing else)', () => {
  assert.deepEqual(importsOf(bytesOf('web/dist')), ['env.emscripten_notify_memory_growth', 'wasi_snapshot_preview1.proc_exit']);
});

test('every import of either build is one the loader gives', async () => {
  for (const dist of ['web/dist', 'relay/dist']) {
    const mod = await instantiateCore(bytesOf(dist));
    assert.equal(typeof mod.pg_version, 'function', dist);
    assert.ok(importsOf(bytesOf(dist)).every((name) => /^(env\.emscripten_notify_memory_growth|wasi_snapshot_preview1\.(proc_exit|fd_write|fd_close|fd_seek))$/.test(name)), dist);
  }
});

test('the byte view follows the memory when an allocation grows it', async () => {
  const mod = await instantiateCore(bytesOf('web/dist'));
  const before = mod.heap.length;
  const size = before * 2; // past the initial memory: the allocator must grow it
  const ptr = mod.pg_alloc(size);
  assert.ok(ptr > 0, 'the allocation succeeded');
  assert.ok(mod.memory.buffer.byteLength > before, 'the memory grew');
  assert.equal(mod.heap.buffer, mod.memory.buffer, 'the view is over the grown memory, not the detached one');
  mod.heap[ptr + size - 1] = 7; // the last byte of the new block is reachable through the view
  assert.equal(new Uint8Array(mod.memory.buffer)[ptr + size - 1], 7);
  mod.pg_free(ptr);
});

test('a whole call past the initial memory reads its reply through the current view', async () => {
  const core = await loadCore();
  const text = 'x'.repeat(3 * 1024 * 1024);
  const built = core.buildRequest({ messages: [{ role: 'user', content: text }] });
  assert.equal(built.ok, true);
  assert.equal(built.body.messages[0].content.length, text.length);
  assert.equal(core.buildRequest({ messages: [{ role: 'user', content: 'hi' }] }).ok, true);
});

test('a browser download: streamed when served as application/wasm, compiled whole otherwise', async () => {
  const bytes = bytesOf('web/dist');
  for (const type of ['application/wasm', 'application/octet-stream']) {
    const mod = await instantiateCore(new Response(bytes, { headers: { 'content-type': type } }));
    assert.equal(typeof mod.pg_diagnose, 'function', type);
  }
});

test('the bytes as any view or an ArrayBuffer load; anything else is load_failed, saying what it takes', async () => {
  const bytes = bytesOf('web/dist');
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  for (const source of [copy, new DataView(copy)]) assert.equal(typeof (await instantiateCore(source)).pg_version, 'function');
  for (const bad of ['web/dist/playground-core.wasm', 42, { url: 'x' }]) {
    await assert.rejects(loadCore({ wasmBinary: bad }), (err) => err instanceof CoreError && err.code === 'load_failed' && /must be bytes or a fetch Response, not (string|number|object)/.test(err.message));
  }
});

test('an HTTP error, a truncated module or bytes that are no module: load_failed, with why', async () => {
  await assert.rejects(instantiateCore(new Response('missing', { status: 404 })), /HTTP 404/);
  const bytes = bytesOf('web/dist');
  for (const bad of [bytes.subarray(0, bytes.length >> 1), new Uint8Array([1, 2, 3, 4])]) {
    await assert.rejects(loadCore({ wasmBinary: bad }), (err) => err instanceof CoreError && err.code === 'load_failed' && /could not be loaded: \S/.test(err.message));
  }
});
