// The relay's core: the same C++ and the same bindings as the page's, built for speed.
//
// The page's module (web/dist) is built for size (-Oz), because every browser downloads it.
// The relay's is never downloaded, and it checks every chat body, redacts every byte of
// every answer and checks every row, on every call. Built with -O3 (`make wasm`, preset
// wasm-relay, into relay/dist), its body checks are faster; the measurements are in
// docs/performance.md ("The two builds of the core", bench/core-builds-bench.mjs). Both
// builds come from one source tree and must answer
// alike: tests/wasm/relay-core.test.mjs compares them on the fixtures and their mutations.
import { readFile } from 'node:fs/promises';
import { loadCore, CoreError } from '../web/core.js';

const DIST = new URL('./dist/', import.meta.url);

/** Loads relay/dist's build through web/core.js (the one wrapper that touches WASM memory). */
export async function loadRelayCore() {
  let wasmBinary;
  try {
    wasmBinary = new Uint8Array(await readFile(new URL('playground-core.wasm', DIST)));
  } catch (err) {
    throw new CoreError('load_failed', `the relay's core build is missing or unreadable (relay/dist; build it with \`make wasm\`): ${err?.message ?? err}`);
  }
  return loadCore({ wasmBinary });
}
