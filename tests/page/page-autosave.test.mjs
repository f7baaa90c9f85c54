// web/playground/autosave.js: the page's state saved a moment after a change, in parts after
// a run, at once when the tab goes away; an older save still writing gives way to a newer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoSave } from '../../web/playground/autosave.js';
import { STORAGE_KEY, PART_CHARS, loadSaved } from '../../web/playground/storage.js';

function memoryStorage() {
  const map = new Map();
  return {
    map,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => { map.set(k, String(v)); },
    removeItem: (k) => { map.delete(k); },
    key: (i) => [...map.keys()][i] ?? null,
    get length() { return map.size; },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a change is saved once, a moment after the last one', async () => {
  const storage = memoryStorage();
  let state = { system: 'one', turns: [] };
  let saves = 0;
  const auto = new AutoSave({ state: () => state, saved: () => { saves++; }, storage, step: tick, delayMs: 20 });
  auto.schedule();
  state = { system: 'two', turns: [] };
  auto.schedule();
  assert.equal(storage.getItem(STORAGE_KEY), null, 'not yet');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(loadSaved(storage).system, 'two');
  assert.equal(saves, 1);
});

test('flush saves at once and stops a save still writing its parts', async () => {
  const storage = memoryStorage();
  const big = 'x'.repeat(PART_CHARS * 3);
  let state = { system: 'big', turns: [{ user: { text: big, images: [] }, answers: [] }] };
  const dropped = [];
  const auto = new AutoSave({ state: () => state, saved: (d) => dropped.push(d), storage, step: tick });
  const writing = auto.soon();
  state = { system: 'small', turns: [] };
  auto.flush();
  await writing;
  assert.equal(loadSaved(storage).system, 'small', 'the newest state, not the older one that was writing');
  assert.deepEqual(dropped, [[]], 'only the save that finished is reported');
});
