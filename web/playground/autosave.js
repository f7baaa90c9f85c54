// The page state saved as it changes (storage.js does the writing): a short debounce while
// typing, a save in parts (one per task) after a run, and all at once when the tab goes away.
// No DOM: timers and storage only.
import { save, saveInSteps } from './storage.js';
import { yieldToBrowser } from './run.js';

export const SAVE_DELAY_MS = 400;

export class AutoSave {
  #timer = /** @type {ReturnType<typeof setTimeout> | 0} */ (0);
  #seq = 0; // which save is the newest: an older one still writing stops
  #state;
  #saved;
  #storage;
  #step;
  #delayMs;

  /**
   * @param {object} o
   * @param {() => object} o.state  the state to save, read when a save runs
   * @param {(dropped: string[]) => void} o.saved  told which images were left out, after each save
   * @param {Storage} [o.storage]
   * @param {() => Promise<void>} [o.step]  how a save in parts waits between parts
   * @param {number} [o.delayMs]
   */
  constructor({ state, saved, storage = globalThis.localStorage, step = yieldToBrowser, delayMs = SAVE_DELAY_MS }) {
    this.#state = state;
    this.#saved = saved;
    this.#storage = storage;
    this.#step = step;
    this.#delayMs = delayMs;
  }

  /** Saves a moment after the last change. */
  schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => { this.soon(); }, this.#delayMs);
  }

  /** Saves now, whatever the size, in this task: for unload and disconnect. */
  flush() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    this.#seq++; // a save still writing its parts stops
    this.#saved(save(this.#state(), this.#storage).dropped);
  }

  /**
   * Saves a part per task (see storage.js); resolves when written or superseded.
   * @returns {Promise<void>}
   */
  async soon() {
    clearTimeout(this.#timer);
    this.#timer = 0;
    const seq = ++this.#seq;
    const result = await saveInSteps(this.#state(), { storage: this.#storage, step: this.#step, current: () => seq === this.#seq });
    if (!result.superseded) this.#saved(result.dropped);
  }
}
