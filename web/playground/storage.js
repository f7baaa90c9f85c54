// Draft persistence: the whole page state (draft, parameters, selected models, conversation)
// in localStorage under a versioned key, so a reload or a failed call loses nothing.
// Browser storage is small (about 5 M characters per origin), so images are kept only while
// they fit; the largest are dropped first and the page says which were not kept.
//
// localStorage writes are synchronous, and their cost grows with the text: a conversation
// holding a megabyte answer is a long task in one setItem (docs/performance.md). So a large state is written in parts of PART_CHARS, one part per task (saveInSteps), and
// the main key, written last, names the parts: a reload in the middle of a save reads the
// previous complete state, never a mix. Unload uses the all-at-once save().

export const STORAGE_KEY = 'model-playground:v1';
export const STORAGE_VERSION = 1;
// Leave room under the usual 5 M-character quota for anything else the origin stores.
export const STORAGE_BUDGET_CHARS = 4_000_000;
// One part's setItem stays at a few milliseconds.
export const PART_CHARS = 256 * 1024;
const PART_PREFIX = `${STORAGE_KEY}:part:`;
const partKey = (gen, i) => `${PART_PREFIX}${gen}:${i}`;

/** The saved state (not yet normalised), or null when there is none or it is unreadable. */
export function loadSaved(storage = globalThis.localStorage) {
  try {
    const value = parseState(storage?.getItem(STORAGE_KEY) ?? null);
    if (!value?.split) return value;
    const { gen, parts, chars } = value.split;
    if (typeof gen !== 'string' || !Number.isInteger(parts) || parts < 1) return null;
    let text = '';
    for (let i = 0; i < parts; i++) {
      const part = storage.getItem(partKey(gen, i));
      if (typeof part !== 'string') return null;
      text += part;
    }
    if (text.length !== chars) return null;
    const state = parseState(text);
    return state?.split ? null : state;
  } catch {
    return null; // storage disabled
  }
}

function parseState(text) {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && value.v === STORAGE_VERSION ? value : null;
  } catch {
    return null;
  }
}

/**
 * Saves the state at once (for unload, when no later task will run). Returns { ok, dropped }
 * where `dropped` lists the images (by name) that were left out to fit; the in-memory state
 * keeps them for this session.
 */
export function save(state, storage = globalThis.localStorage) {
  for (const { text, dropped } of candidates(state)) {
    if (runToEnd(writeText(storage, text))) return { ok: true, dropped };
  }
  return { ok: false, dropped: allImageNames(state) };
}

/**
 * Saves the state one part per task: `step()` resolves when the next part may be written
 * (the page passes its yield to the browser). `current()` returning false means a newer save
 * has started: this one stops and leaves the last complete state in place. Resolves to
 * { ok, dropped, superseded }.
 */
export async function saveInSteps(state, { storage = globalThis.localStorage, step, current = () => true }) {
  for (const { text, dropped } of candidates(state)) {
    const writing = writeText(storage, text);
    for (let next = writing.next(); ; next = writing.next()) {
      if (next.done) {
        if (next.value) return { ok: true, dropped, superseded: false };
        break; // did not fit: try with fewer images
      }
      await step();
      if (!current()) {
        writing.return(undefined);
        return { ok: false, dropped, superseded: true };
      }
    }
  }
  return { ok: false, dropped: allImageNames(state), superseded: false };
}

/**
 * The state's JSON with the fewest images dropped that fits the budget, then with each next
 * largest dropped. One JSON.stringify per attempt and no deep copy: the conversation can hold
 * a megabyte answer, and a dropped image is swapped for its placeholder while serialising.
 */
function* candidates(state) {
  const images = collectImages(state).filter((img) => typeof img?.dataUrl === 'string').sort((a, b) => b.dataUrl.length - a.dataUrl.length);
  const left = new Set(); // images saved without their data
  const withoutData = (key, value) => (left.has(value) ? { ...value, dataUrl: null, dropped: true } : value);
  const value = { ...state, v: STORAGE_VERSION };
  const dropped = [];
  for (let i = 0; i <= images.length; i++) {
    const text = JSON.stringify(value, left.size ? withoutData : undefined);
    if (text.length <= STORAGE_BUDGET_CHARS) yield { text, dropped: [...dropped] };
    if (i === images.length) return;
    left.add(images[i]);
    dropped.push(images[i].name || 'image');
  }
}

/**
 * Writes one state text; yields after each part so the caller decides when the next one goes.
 * Returns true once the main key names the new text. A part that does not fit first frees the
 * previous parts (the in-memory state supersedes them; only in this case can a reload in the
 * middle find nothing saved); a write that still fails removes what it wrote and returns false.
 */
function* writeText(storage, text) {
  if (text.length <= PART_CHARS) {
    if (!trySet(storage, STORAGE_KEY, text)) return false;
    removeParts(storage, () => true);
    return true;
  }
  const gen = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const parts = Math.ceil(text.length / PART_CHARS);
  const writePart = (i) => {
    const key = partKey(gen, i);
    const part = text.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
    if (trySet(storage, key, part)) return true;
    removeParts(storage, (other) => other !== gen);
    return trySet(storage, key, part);
  };
  let named = false;
  try {
    for (let i = 0; i < parts; i++) {
      if (!writePart(i)) return false;
      if (i < parts - 1) yield;
    }
    // Another tab saving meanwhile removes the parts it does not name, ours included: put
    // back any that went, so the main key never names a missing part.
    for (let i = 0; i < parts; i++) {
      if (storage.getItem(partKey(gen, i)) === null && !writePart(i)) return false;
    }
    const manifest = JSON.stringify({ v: STORAGE_VERSION, split: { gen, parts, chars: text.length } });
    if (!trySet(storage, STORAGE_KEY, manifest)) return false;
    named = true;
    removeParts(storage, (other) => other !== gen);
    return true;
  } finally {
    // Stopped (a newer save began), or failed: this generation's parts are nobody's.
    if (!named) removeParts(storage, (other) => other === gen);
  }
}

function runToEnd(iterator) {
  for (;;) {
    const next = iterator.next();
    if (next.done) return next.value;
  }
}

/** Removes the saved parts whose generation `doomed(gen)` picks. */
function removeParts(storage, doomed) {
  try {
    const keys = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(PART_PREFIX) && doomed(key.slice(PART_PREFIX.length, key.lastIndexOf(':')))) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  } catch {
    // storage disabled: nothing to clean
  }
}

function trySet(storage, key, text) {
  try {
    storage.setItem(key, text);
    return true;
  } catch {
    return false; // QuotaExceededError, or storage disabled
  }
}

function allImageNames(state) {
  return collectImages(state).filter((img) => typeof img?.dataUrl === 'string').map((img) => img.name || 'image');
}

function collectImages(state) {
  const out = [];
  if (Array.isArray(state.composer?.images)) out.push(...state.composer.images);
  for (const turn of Array.isArray(state.turns) ? state.turns : []) {
    if (Array.isArray(turn?.user?.images)) out.push(...turn.user.images);
  }
  return out;
}
