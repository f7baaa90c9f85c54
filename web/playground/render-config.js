// The configuration's state under "Reload the model list" (config-status.js's words): where
// it comes from, when it was loaded, a failed reload, and what the last reload did. Keeps the
// relay's time limits from the same reply, for the running panes' progress.
import { h, replaceChildren } from './dom.js';
import { configView, reloadText } from './config-status.js';

/**
 * @param {Record<string, any>} els  layout.js's: config (the box), reloadResult (a status line)
 * @param {import('./config-status.js').ConfigView} view
 * @param {string | null} [reloaded]  what a reload did, or null on the first load
 */
export function showConfig(els, view, reloaded = null) {
  els.config.dataset.state = view.state;
  replaceChildren(els.config,
    h('p', { attrs: { 'data-role': 'config-source' }, text: view.where }),
    view.loaded ? h('p', { attrs: { 'data-role': 'config-loaded' }, text: view.loaded }) : null,
    view.failure ? h('p', { class: 'config-failure', attrs: { 'data-role': 'config-failure' } }, h('strong', { text: 'Not applied. ' }), view.failure) : null);
  if (reloaded !== null) els.reloadResult.textContent = reloaded;
}

export class ConfigBox {
  #els;
  #listed = configView(null, 0); // as it was when the model list was last loaded
  /** @type {import('./run-progress.js').RelayLimits | null} */
  limits = null;

  /** @param {Record<string, any>} els */
  constructor(els) { this.#els = els; }

  /**
   * With the model list (at load, or a reload: `reply` given, and what it did is said).
   * @param {import('./config-status.js').StatusReply} status  RelayApi.status()
   * @param {Parameters<typeof reloadText>[0] | null} reply  RelayApi.models() on a reload
   */
  listed(status, reply = null) {
    const view = this.refresh(status);
    if (reply) this.#els.reloadResult.textContent = reloadText(reply, this.#listed, view, Date.now());
    this.#listed = view;
  }

  /**
   * The state again, without the list (a SIGHUP reload shows when the next run starts).
   * @param {import('./config-status.js').StatusReply} status
   */
  refresh(status) {
    const view = configView(status, Date.now());
    if (status.ok) this.limits = /** @type {any} */ (status.limits) ?? null;
    if (status.ok || this.#els.config.dataset.state === undefined) showConfig(this.#els, view);
    return view;
  }
}
