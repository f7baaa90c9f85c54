// Draft persistence: the whole page state (draft, parameters, selected models, conversation)
// in localStorage under a versioned key, so a reload or a failed call loses nothing.
// Browser storage is small (about 5 M characters per origin), so images are kept only while
// they fit; the largest are dropped first and the page says which were not kept.

export const STORAGE_KEY = 'model-playground:v1';
export const STORAGE_VERSION = 1;
// Leave room under the usual 5 M-character quota for anything else the origin stores.
export const STORAGE_BUDGET_CHARS = 4_000_000;

/** The saved state (not yet normalised), or null when there is none or it is unreadable. */
export function loadSaved(storage = globalThis.localStorage) {
  let text = null;
  try { text = storage?.getItem(STORAGE_KEY) ?? null; } catch { return null; }
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' && value.v === STORAGE_VERSION ? value : null;
  } catch {
    return null;
  }
}

/**
 * Saves the state. Returns { ok, dropped } where `dropped` lists the images (by name) that
 * were left out to fit; the in-memory state keeps them for this session.
 */
export function save(state, storage = globalThis.localStorage) {
  // One JSON.stringify per attempt and no deep copy: the conversation can hold a megabyte
  // answer, and a dropped image is swapped for its placeholder while serialising.
  const images = collectImages(state).filter((img) => typeof img?.dataUrl === 'string').sort((a, b) => b.dataUrl.length - a.dataUrl.length);
  const left = new Set(); // images saved without their data
  const withoutData = (key, value) => (left.has(value) ? { ...value, dataUrl: null, dropped: true } : value);
  const value = { ...state, v: STORAGE_VERSION };
  const dropped = [];
  for (let i = 0; i <= images.length; i++) {
    const text = JSON.stringify(value, left.size ? withoutData : undefined);
    if (text.length <= STORAGE_BUDGET_CHARS && tryWrite(storage, text)) return { ok: true, dropped };
    if (i === images.length) break;
    left.add(images[i]);
    dropped.push(images[i].name || 'image');
  }
  return { ok: false, dropped };
}

function tryWrite(storage, text) {
  try {
    storage.setItem(STORAGE_KEY, text);
    return true;
  } catch {
    return false; // QuotaExceededError, or storage disabled
  }
}

function collectImages(state) {
  const out = [];
  if (Array.isArray(state.composer?.images)) out.push(...state.composer.images);
  for (const turn of Array.isArray(state.turns) ? state.turns : []) {
    if (Array.isArray(turn?.user?.images)) out.push(...turn.user.images);
  }
  return out;
}
