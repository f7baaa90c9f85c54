// The page's saved state (web/playground/storage.js) against a Storage with a quota, as a
// browser's localStorage behaves: a large conversation is written in parts, one per step; a
// reload mid-save reads the previous complete state; a newer save stops an older one; images
// are dropped largest first when the state does not fit; stale parts are cleaned up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSaved, save, saveInSteps, STORAGE_KEY, PART_CHARS, STORAGE_BUDGET_CHARS } from '../../web/playground/storage.js';

/** localStorage's interface; setItem throws past `quota` characters (keys and values). */
class QuotaStorage {
  #map = new Map();
  constructor(quota = 5_000_000) { this.quota = quota; this.writes = 0; }
  get length() { return this.#map.size; }
  key(i) { return [...this.#map.keys()][i] ?? null; }
  getItem(k) { return this.#map.has(k) ? this.#map.get(k) : null; }
  removeItem(k) { this.#map.delete(k); }
  setItem(k, v) {
    const used = this.used() - (this.#map.has(k) ? k.length + this.#map.get(k).length : 0);
    if (used + k.length + String(v).length > this.quota) throw new Error('QuotaExceededError');
    this.#map.set(k, String(v));
    this.writes++;
  }
  used() { let n = 0; for (const [k, v] of this.#map) n += k.length + v.length; return n; }
  keys() { return [...this.#map.keys()]; }
}

const partKeys = (s) => s.keys().filter((k) => k !== STORAGE_KEY);

function state({ answer = '', draft = '', images = [] } = {}) {
  return {
    system: '', composer: { text: draft, images }, params: { temperature: '0.2' }, modelIds: ['m1'], compare: false,
    turns: answer ? [{ user: { text: 'q', images: [] }, answers: [{ modelId: 'm1', content: answer, status: 'done' }] }] : [],
  };
}

/** Steps a saveInSteps by hand: `pause()` resolves once the save waits for its next step. */
function manualSteps() {
  const waiting = [];
  return {
    step: () => new Promise((resolve) => waiting.push(resolve)),
    next() { waiting.shift()?.(); },
    get pending() { return waiting.length; },
  };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a small state is one key and reads back as saved', () => {
  const s = new QuotaStorage();
  assert.deepEqual(save(state({ draft: 'hello' }), s), { ok: true, dropped: [] });
  assert.deepEqual(s.keys(), [STORAGE_KEY]);
  const back = loadSaved(s);
  assert.equal(back.composer.text, 'hello');
  assert.equal(back.v, 1);
});

test('a megabyte answer is written in parts, one per step, and reads back whole', async () => {
  const s = new QuotaStorage();
  const answer = 'é🙂x'.repeat(262_144); // 1 M UTF-16 units, surrogate pairs across part edges
  const steps = manualSteps();
  const saving = saveInSteps(state({ answer }), { storage: s, step: steps.step });
  const parts = Math.ceil(JSON.stringify({ ...state({ answer }), v: 1 }).length / PART_CHARS);
  assert.ok(parts >= 4);
  for (let i = 1; i < parts; i++) {
    await tick();
    assert.equal(steps.pending, 1, `waits before part ${i + 1}`);
    assert.equal(partKeys(s).length, i, 'one part per step');
    assert.equal(s.getItem(STORAGE_KEY), null, 'the main key is written last');
    steps.next();
  }
  assert.deepEqual(await saving, { ok: true, dropped: [], superseded: false });
  assert.equal(partKeys(s).length, parts);
  assert.equal(loadSaved(s).turns[0].answers[0].content, answer);
  assert.ok(Math.max(...s.keys().map((k) => s.getItem(k).length)) <= PART_CHARS);
});

test('a reload in the middle of a save reads the previous complete state', async () => {
  const s = new QuotaStorage();
  save(state({ answer: 'a'.repeat(600_000), draft: 'old' }), s);
  const steps = manualSteps();
  const saving = saveInSteps(state({ answer: 'b'.repeat(900_000), draft: 'new' }), { storage: s, step: steps.step });
  await tick();
  steps.next();
  await tick();
  const mid = loadSaved(s);
  assert.equal(mid.composer.text, 'old');
  assert.equal(mid.turns[0].answers[0].content, 'a'.repeat(600_000));
  while (steps.pending) { steps.next(); await tick(); }
  await saving;
  assert.equal(loadSaved(s).composer.text, 'new');
  // The old generation's parts are gone once the new one is named.
  const total = s.keys().reduce((n, k) => n + (k === STORAGE_KEY ? 0 : s.getItem(k).length), 0);
  assert.equal(total, JSON.stringify({ ...state({ answer: 'b'.repeat(900_000), draft: 'new' }), v: 1 }).length);
});

test('a newer save stops an older one, which leaves no parts behind', async () => {
  const s = new QuotaStorage();
  let seq = 0;
  const steps = manualSteps();
  const first = ++seq;
  const older = saveInSteps(state({ answer: 'x'.repeat(800_000) }), { storage: s, step: steps.step, current: () => seq === first });
  await tick();
  assert.equal(partKeys(s).length, 1);
  seq++; // a newer save has begun
  steps.next();
  assert.equal((await older).superseded, true);
  assert.deepEqual(s.keys(), [], 'the stopped save removed its own parts');

  // Stopped by the page's unload save, which writes at once.
  const third = ++seq;
  const again = saveInSteps(state({ answer: 'w'.repeat(800_000) }), { storage: s, step: steps.step, current: () => seq === third });
  await tick();
  seq++;
  assert.deepEqual(save(state({ draft: 'typed last' }), s), { ok: true, dropped: [] });
  steps.next();
  assert.equal((await again).superseded, true);
  assert.deepEqual(s.keys(), [STORAGE_KEY]);
  assert.equal(loadSaved(s).composer.text, 'typed last');
});

test('another tab saving meanwhile: the main key still never names a missing part', async () => {
  const s = new QuotaStorage();
  const steps = manualSteps();
  const answer = 'm'.repeat(900_000);
  const saving = saveInSteps(state({ answer }), { storage: s, step: steps.step });
  await tick();
  save(state({ draft: 'the other tab' }), s); // removes every part it does not name
  assert.equal(partKeys(s).length, 0);
  while (steps.pending) { steps.next(); await tick(); }
  assert.equal((await saving).ok, true);
  assert.equal(loadSaved(s).turns[0].answers[0].content, answer, 'the last writer wins, whole');
});

test('an old single-key save still loads; parts replace it and back', () => {
  const s = new QuotaStorage();
  s.setItem(STORAGE_KEY, JSON.stringify({ ...state({ answer: 'y'.repeat(500_000) }), v: 1 }));
  assert.equal(loadSaved(s).turns[0].answers[0].content.length, 500_000);
  save(state({ answer: 'z'.repeat(500_000) }), s);
  assert.ok(partKeys(s).length >= 2);
  save(state({ draft: 'small again' }), s);
  assert.deepEqual(s.keys(), [STORAGE_KEY], 'parts removed once the state fits one key');
});

test('a full quota: the previous parts make way; images go largest first', () => {
  const s = new QuotaStorage(5_000_000);
  save(state({ answer: 'p'.repeat(3_000_000) }), s);
  // 3 M old + 3 M new does not fit in 5 M: the old parts are freed for the new state.
  assert.equal(save(state({ answer: 'q'.repeat(3_000_000) }), s).ok, true);
  assert.equal(loadSaved(s).turns[0].answers[0].content[0], 'q');
  assert.ok(s.used() < 3_100_000);

  const img = (name, n) => ({ name, type: 'image/png', size: n, dataUrl: `data:image/png;base64,${'A'.repeat(n)}` });
  const big = img('big.png', 2_500_000);
  const small = img('small.png', 1000);
  const result = save(state({ answer: 'r'.repeat(2_000_000), images: [small, big] }), s);
  assert.deepEqual(result, { ok: true, dropped: ['big.png'] });
  const images = loadSaved(s).composer.images;
  assert.equal(images.find((i) => i.name === 'small.png').dataUrl, small.dataUrl);
  assert.deepEqual({ ...images.find((i) => i.name === 'big.png'), dataUrl: undefined }, { name: 'big.png', type: 'image/png', size: 2_500_000, dataUrl: undefined, dropped: true });
  assert.ok(big.dataUrl, 'the in-memory state keeps the image');
});

test('over the budget even without images: nothing is written, the old state stays', async () => {
  const s = new QuotaStorage();
  save(state({ draft: 'kept' }), s);
  const huge = state({ answer: 'h'.repeat(STORAGE_BUDGET_CHARS + 1) });
  assert.deepEqual(save(huge, s), { ok: false, dropped: [] });
  assert.deepEqual(await saveInSteps(huge, { storage: s, step: tick }), { ok: false, dropped: [], superseded: false });
  assert.equal(loadSaved(s).composer.text, 'kept');
  assert.deepEqual(s.keys(), [STORAGE_KEY]);
});

test('storage that throws or holds junk reads as nothing saved', () => {
  const throwing = { getItem() { throw new Error('SecurityError'); } };
  assert.equal(loadSaved(throwing), null);
  assert.equal(save(state(), { setItem() { throw new Error('disabled'); }, getItem: () => null, length: 0, key: () => null }).ok, false);
  const s = new QuotaStorage();
  for (const junk of ['{', '[]', '{"v":2}', JSON.stringify({ v: 1, split: { gen: 'g', parts: 2, chars: 10 } }),
    JSON.stringify({ v: 1, split: { gen: 7, parts: 1, chars: 1 } })]) {
    s.setItem(STORAGE_KEY, junk);
    assert.equal(loadSaved(s), null, junk);
  }
  // A part that was changed by hand (wrong length) is not trusted.
  save(state({ answer: 'k'.repeat(400_000) }), s);
  s.setItem(partKeys(s)[0], 'short');
  assert.equal(loadSaved(s), null);
});
