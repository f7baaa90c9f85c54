// The module's exports are an explicit list per build (src/wasm/exports-page.txt; the relay's
// build adds src/wasm/exports-relay.txt; cmake/wasm.cmake links with them): each built module
// exposes exactly its list's _pg_* functions, the page's list is part of the relay's, and
// every listed function is called by web/core.js or relay/core.js (a dead export is removed
// from the binding, not kept in a list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { instantiateCore } from '../../web/core-module.js';

const root = new URL('../../', import.meta.url);
const read = (path) => readFileSync(new URL(path, root), 'utf8');
const list = (path) => read(path).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

const pageList = list('src/wasm/exports-page.txt');
const relayOnly = list('src/wasm/exports-relay.txt');
const relayList = [...pageList, ...relayOnly];

async function exportsOf(dist) {
  const wasmBinary = new Uint8Array(readFileSync(new URL(`${dist}/playground-core.wasm`, root)));
  const mod = await instantiateCore(wasmBinary);
  return Object.keys(mod).filter((k) => k.startsWith('pg_') && typeof mod[k] === 'function').sort();
}

test('the lists: C names, no duplicates, the relay adds to the page', () => {
  for (const name of relayList) assert.match(name, /^pg_[a-z0-9_]+$/);
  assert.equal(new Set(relayList).size, relayList.length, 'a name in both lists, or twice in one');
  assert.ok(pageList.length > 0 && relayOnly.length > 0);
});

test('the page build (web/dist) exports exactly exports-page.txt', async () => {
  assert.deepEqual(await exportsOf('web/dist'), [...pageList].sort());
});

test('the relay build (relay/dist) exports exactly exports-page.txt + exports-relay.txt', async () => {
  assert.deepEqual(await exportsOf('relay/dist'), [...relayList].sort());
});

test('every listed export is called by the wrapper (web/core.js, web/core-objects.js) or relay/core.js, and every one they call is listed', () => {
  const wrappers = read('web/core.js') + '\n' + read('web/core-objects.js') + '\n' + read('relay/core.js');
  for (const name of relayList) assert.match(wrappers, new RegExp(`\\b${name}\\b`), `${name} is listed but no wrapper calls it`);
  const called = new Set(wrappers.match(/\bpg_[a-z0-9_]+\b/g));
  for (const name of called) assert.ok(relayList.includes(name), `web/core.js calls ${name}, which no build exports`);
});

test('the binding defines every listed function and exports nothing by itself', () => {
  const binding = read('src/wasm/bindings.cpp');
  assert.doesNotMatch(binding, /EMSCRIPTEN_KEEPALIVE/, 'KEEPALIVE would export a function whatever the lists say');
  for (const name of relayList) assert.match(binding, new RegExp(`\\b${name}\\(`), `${name} is listed but not defined`);
});
