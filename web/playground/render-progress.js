// A running pane's progress in its results card: the phase (a polite status, said when it
// changes), the elapsed time and the limit that applies (run-progress.js's words), redrawn a
// few times a second while panes run. Only draws: what is known comes from run.js's progress.
import { h } from './dom.js';
import { progressView } from './run-progress.js';

const TICK_MS = 250;

/** The progress block of a running card (RunClock fills it). */
export function progressBlock() {
  return h('div', { class: 'run-progress', attrs: { 'data-role': 'progress' } },
    h('p', { class: 'running', attrs: { role: 'status', 'data-role': 'phase' }, text: 'Running…' }),
    h('p', { class: 'elapsed', attrs: { 'data-role': 'elapsed' } }),
    h('p', { class: 'hint', attrs: { 'data-role': 'limit' } }),
    h('p', { class: 'hint', text: 'Esc or Stop ends the run.' }));
}

export class RunClock {
  /** @type {Map<number, { t0: number, stage: 'waiting' | 'streaming' | 'reading', chunks: number, lastChunk: number | null, limits: import('./run-progress.js').RunLimits | null }>} */
  #panes = new Map();
  #timer = /** @type {ReturnType<typeof setInterval> | 0} */ (0);
  #grid;

  /** @param {HTMLElement} grid  the results grid holding the cards */
  constructor(grid) { this.#grid = grid; }

  /** @param {number} pane @param {import('./run-progress.js').RunLimits | null} limits */
  start(pane, limits) {
    this.#panes.set(pane, { t0: performance.now(), stage: 'waiting', chunks: 0, lastChunk: null, limits });
    if (!this.#timer) this.#timer = setInterval(() => this.#draw(), TICK_MS);
    queueMicrotask(() => this.#draw());
  }

  /** What run.js says: a response arrived (a stream or a whole body), or a stream's chunk. */
  progress(pane, { stage, chunk = false }) {
    const p = this.#panes.get(pane);
    if (!p) return;
    const changed = p.stage !== stage;
    p.stage = stage;
    if (chunk) { p.chunks++; p.lastChunk = performance.now(); }
    if (changed) this.#draw();
  }

  stop(pane) {
    this.#panes.delete(pane);
    if (!this.#panes.size) { clearInterval(this.#timer); this.#timer = 0; }
  }

  #draw() {
    const now = performance.now();
    for (const [pane, p] of this.#panes) {
      const box = this.#grid.querySelector(`.pane-results[data-pane="${pane}"] [data-role="progress"]`);
      if (!box) continue;
      const view = progressView({ stage: p.stage, elapsedMs: now - p.t0, sinceChunkMs: p.lastChunk === null ? null : now - p.lastChunk, chunks: p.chunks, limits: p.limits });
      box.dataset.phase = view.phase;
      const set = (role, text) => { const el = box.querySelector(`[data-role="${role}"]`); if (el && el.textContent !== text) el.textContent = text; };
      set('phase', view.label);
      set('elapsed', view.elapsed);
      set('limit', view.limit);
    }
  }
}
