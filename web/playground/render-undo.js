// "Undo" after a destructive action (Clear conversation): a status line with a button that
// puts back what was there, offered for a while and gone after it (or once used).
import { h } from './dom.js';

export const UNDO_MS = 20_000;

/**
 * @param {HTMLElement} box  where the line goes (appended)
 * @param {string} text  what was done
 * @param {() => void} undo
 * @param {number} [ms]
 */
export function offerUndo(box, text, undo, ms = UNDO_MS) {
  box.querySelector('[data-role="undo"]')?.remove();
  const line = h('p', { class: 'hint undo', attrs: { role: 'status', 'data-role': 'undo' } }, `${text} `);
  const timer = setTimeout(() => line.remove(), ms);
  line.appendChild(h('button', { type: 'button', class: 'link', text: 'Undo', attrs: { 'data-action': 'undo' }, on: { click: () => { clearTimeout(timer); line.remove(); undo(); } } }));
  box.appendChild(line);
  return line;
}
