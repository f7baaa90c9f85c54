// The module loads in Node through web/core.js, reports its build id, and the boundary
// turns wrong-typed input into clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadCore, CoreError } from '../../web/core.js';

test('loadCore works with and without an explicit wasmBinary', async () => {
  const a = await loadCore();
  const wasmBinary = new Uint8Array(await readFile(new URL('../../web/dist/playground-core.wasm', import.meta.url)));
  const b = await loadCore({ wasmBinary });
  assert.match(a.version, /^\d+\.\d+\.\d+\+[0-9a-z]+$/);
  assert.equal(a.version, b.version);
});

test('a non-object form is a field error, not an exception', async () => {
  const core = await loadCore();
  assert.deepEqual(core.buildRequest(null), { ok: false, errors: [{ field: '', message: 'the form must be an object' }] });
});

test('objects refuse to run after free()', async () => {
  const core = await loadCore();
  const stream = core.openStream(); // the page's build has no sseDecoder (src/wasm/exports-page.txt)
  stream.free();
  assert.throws(() => stream.push(new Uint8Array([1])), (e) => e instanceof CoreError && e.code === 'freed');
  stream.free(); // twice is harmless
});
