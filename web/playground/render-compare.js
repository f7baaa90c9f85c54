// Compare mode's controls: the same conversation on up to three models side by side.
import { h, uid } from './dom.js';
import { MAX_PANES } from './state.js';

export function renderCompareControls({ compare, paneCount, running, onToggle, onAdd, onRemove }) {
  const id = uid('compare');
  const toggle = h('input', { id, type: 'checkbox', checked: compare, disabled: running, attrs: { name: 'compare' }, on: { change: (e) => onToggle(e.target.checked) } });
  return h('div', { class: 'compare-controls' },
    h('div', { class: 'field check' }, toggle, h('label', { htmlFor: id, text: `Compare models side by side (up to ${MAX_PANES})` })),
    compare ? h('div', { class: 'row' },
      h('button', { type: 'button', text: 'Add a model', disabled: running || paneCount >= MAX_PANES, attrs: { 'data-action': 'add-pane' }, on: { click: onAdd } }),
      h('button', { type: 'button', text: 'Remove the last model', disabled: running || paneCount <= 2, attrs: { 'data-action': 'remove-pane' }, on: { click: onRemove } })) : null);
}
