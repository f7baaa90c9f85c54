// The element's DOM: the header with the notice, the model setup, the conversation with the
// composer, and the results. Built once; element.js wires the handlers and fills the boxes.
import { h, uid } from './dom.js';
import { IMAGE_TYPES } from './images.js';
import { NOTICE } from './messages.js';

/**
 * @param {{ system: string, composer: { text: string } }} state  the values the text boxes start with
 * @param {import('./fields.js').FieldMessages} messages  the system prompt and the composer are registered as fields
 * @param {Record<string, (e: Event) => void>} on  reloadModels, probe, system, composer, paste, files, historyAll, run, stop, retry, clear
 * @returns {{ app: HTMLElement, els: Record<string, HTMLElement & Record<string, any>> }}
 */
export function buildLayout(state, messages, on) {
  /** @type {Record<string, any>} */
  const els = {};
  els.version = h('span', { class: 'core-version' });
  els.banner = h('div', { class: 'banner', attrs: { role: 'alert' } });
  els.banner.hidden = true;
  els.picker = h('div', { class: 'picker-box' });
  els.compare = h('div', { class: 'compare-box' });
  els.reload = h('button', { type: 'button', class: 'link reload-models', text: 'Reload the model list', attrs: { 'data-action': 'reload-models' }, on: { click: on.reloadModels } });
  // The relay's configuration (render-config.js), and what the last reload did.
  els.config = h('div', { class: 'config-status', attrs: { 'data-role': 'config' } });
  els.reloadResult = h('p', { class: 'hint reload-result', attrs: { role: 'status', 'data-role': 'reload-result' } });
  els.probe = h('button', { type: 'button', text: 'Test connection', attrs: { 'data-action': 'probe' }, on: { click: on.probe } });
  // Filled once the core is loaded: which parameters exist is the core's to say.
  els.params = h('div', { class: 'params-box' });

  els.system = h('textarea', { id: uid('system'), rows: 2, value: state.system, attrs: { name: 'system', placeholder: 'You are a helpful assistant.' }, on: { input: on.system } });
  const systemSlot = h('div', { id: uid('msg') });
  messages.register('system', els.system, systemSlot);
  els.conversation = h('div', { class: 'conversation' });

  els.composerText = h('textarea', {
    id: uid('composer'), rows: 4, value: state.composer.text,
    attrs: { name: 'message', placeholder: 'Ask something… (Ctrl+Enter to run; paste an image to attach it)' },
    on: { input: on.composer, paste: on.paste },
  });
  const composerSlot = h('div', { id: uid('msg') });
  messages.register('composer', els.composerText, composerSlot);
  els.file = h('input', { type: 'file', multiple: true, accept: IMAGE_TYPES.join(','), attrs: { 'aria-label': 'Attach image files', tabindex: '-1' }, on: { change: on.files } });
  els.file.hidden = true;
  els.attach = h('button', { type: 'button', text: 'Attach image', attrs: { 'data-action': 'attach' }, on: { click: () => els.file.click() } });
  els.images = h('div', { class: 'composer-images' });
  els.imageMsg = h('p', { class: 'field-error', attrs: { role: 'alert' } });
  els.imageMsg.hidden = true;
  // What the next run sends as history (render-history.js fills it).
  els.historyText = h('p', { class: 'hint', attrs: { 'data-role': 'history' } });
  els.historyAll = h('input', { type: 'checkbox', id: uid('history'), attrs: { name: 'history-all' }, on: { change: on.historyAll } });
  els.historyAllBox = h('div', { class: 'field check' }, els.historyAll, h('label', { htmlFor: els.historyAll.id, text: 'Also send earlier messages whose answer failed or has no text' }));
  els.history = h('div', { class: 'history-note' }, els.historyText, els.historyAllBox);
  els.history.hidden = true;
  els.run = h('button', { type: 'button', class: 'primary', text: 'Run', attrs: { part: 'run-button', 'data-action': 'run', 'aria-keyshortcuts': 'Control+Enter Meta+Enter' }, on: { click: on.run } });
  els.stop = h('button', { type: 'button', text: 'Stop', disabled: true, attrs: { 'data-action': 'stop', 'aria-keyshortcuts': 'Escape' }, on: { click: on.stop } });
  els.retry = h('button', { type: 'button', text: 'Retry last answer', attrs: { 'data-action': 'retry' }, on: { click: on.retry } });
  els.clear = h('button', { type: 'button', text: 'Clear conversation', attrs: { 'data-action': 'clear' }, on: { click: on.clear } });
  els.general = h('div', { class: 'general-messages', attrs: { 'aria-live': 'polite' } });
  // How each run ended (the checklist's summary, the run's error), read out once by screen
  // readers; the same words are on the page.
  els.announce = h('p', { class: 'sr-only', attrs: { role: 'status', 'aria-live': 'polite', 'data-role': 'outcome' } });
  els.results = h('div', { class: 'results-grid' });
  // "Check all": every model's probe and the results table (render-check-all.js fills it).
  els.checkAll = h('section', { class: 'check-all', attrs: { 'aria-labelledby': 'check-all-h', 'data-role': 'check-all' } });

  els.app = h('div', { class: 'app' },
    h('header', { class: 'top', attrs: { part: 'header' } },
      h('div', { class: 'title-row' }, h('h1', { text: 'Model playground' }), els.version),
      h('p', { class: 'notice', attrs: { role: 'note' } }, h('strong', { text: 'Direct to the provider. ' }), NOTICE),
      els.banner),
    h('div', { class: 'layout' },
      h('section', { class: 'setup', attrs: { 'aria-labelledby': 'setup-h', part: 'setup' } },
        h('h2', { id: 'setup-h', text: 'Model' }),
        els.picker,
        els.reload,
        els.reloadResult,
        els.config,
        els.compare,
        h('div', { class: 'probe' }, els.probe, h('span', { class: 'hint', text: 'A tiny request (“Reply with OK”) that checks the settings without touching the conversation.' })),
        els.params),
      h('section', { class: 'chat', attrs: { 'aria-labelledby': 'chat-h', part: 'conversation' } },
        h('h2', { id: 'chat-h', text: 'Conversation' }),
        h('div', { class: 'field' }, h('label', { htmlFor: els.system.id, text: 'System prompt' }), els.system, systemSlot),
        els.conversation,
        h('div', { class: 'composer', attrs: { part: 'composer' } },
          h('label', { htmlFor: els.composerText.id, text: 'Your message' }),
          els.composerText, composerSlot, els.images, els.imageMsg, els.file, els.history,
          h('div', { class: 'row actions' }, els.run, els.stop, els.attach, els.retry, els.clear),
          h('p', { class: 'hint billing', text: 'Runs go straight to the provider (not through the gateway) and are billed by the provider.' })),
        els.general),
      h('section', { class: 'results', attrs: { 'aria-labelledby': 'results-h', part: 'results' } },
        h('h2', { id: 'results-h', text: 'Results' }),
        els.results)),
    els.checkAll,
    els.announce);
  return { app: els.app, els };
}

/**
 * The general list under the composer: errors and warnings no field shows.
 * @param {{ severity: string, line: string }[]} items
 */
export function generalList(items) {
  return items.length ? h('ul', {}, ...items.map((i) => h('li', { class: i.severity === 'error' ? 'field-error' : 'field-warning' }, i.line))) : null;
}
