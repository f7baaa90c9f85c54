// Under the composer: what the next run sends as history (conversation.js nextRunHistory, in
// messages.js's words), and the choice to send earlier messages without a usable answer too.
// Updates the boxes layout.js built, in place (the checkbox keeps its focus).
import { nextRunHistory } from './conversation.js';
import { historyText } from './messages.js';

/**
 * @param {Record<string, any>} els  layout.js's: history, historyText, historyAll (the checkbox), historyAllBox
 * @param {import('./state.js').PageState} state
 * @param {string[]} names  each pane's model name
 * @returns {{ leftOut: Set<number>[], key: string }}  per pane, the turns the next run leaves out
 *   (the conversation marks them), and a key that changes when they do
 */
export function showHistory(els, state, names) {
  const history = nextRunHistory(state);
  const text = historyText(history, names);
  els.historyText.textContent = text ?? '';
  els.history.hidden = !text;
  els.historyAllBox.hidden = state.history !== 'all' && !history.some((p) => p.unanswered.length);
  els.historyAll.checked = state.history === 'all';
  const leftOut = history.map((p) => new Set(p.leftOut.map((l) => l.turn)));
  return { leftOut, key: leftOut.map((turns) => [...turns].join(',')).join('|') };
}

/** The note's last state: which turns it leaves out, and whether that changed. */
export class HistoryNote {
  leftOut = /** @type {Set<number>[]} */ ([]);
  #key = '';

  /**
   * Updates the note; true when the turns it leaves out changed (the conversation's marks too).
   * @param {Record<string, any>} els
   * @param {import('./state.js').PageState} state
   * @param {string[]} names
   */
  update(els, state, names) {
    const { leftOut, key } = showHistory(els, state, names);
    const changed = key !== this.#key;
    this.leftOut = leftOut;
    this.#key = key;
    return changed;
  }
}
