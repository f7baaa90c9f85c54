// "Models this key can use": a model's provider list on demand, in the results card (a button
// in a <details>), through the relay's upstream-models route. When the run already asked for it
// ("did you mean …?"), that answer is shown without asking again. The core read and ranked the
// list; this only draws it, the closest names marked.
import { h, replaceChildren } from './dom.js';

/**
 * The relay's upstream-models reply (docs/contracts.md), or the page's own when the relay could
 * not be asked.
 * @typedef {{ ok: boolean, models?: string[], suggestions?: string[], leftOut?: number,
 *   unavailable?: string, status?: number, message?: string }} UpstreamModelsReply
 */

/**
 * @param {{ model?: import('../core.js').PublicModel, upstreamModels?: () => Promise<UpstreamModelsReply>,
 *   upstreamList?: UpstreamModelsReply | null }} r  the pane's result (render-results.js PaneResult)
 * @returns {HTMLElement | null}  nothing for a model that is not a testable direct one
 */
export function renderUpstreamModels(r) {
  if (typeof r?.upstreamModels !== 'function' || !r.model?.testable || r.model?.kind !== 'direct') return null;
  const status = h('p', { class: 'upstream-models-status', attrs: { role: 'status' } });
  const list = h('ul', { class: 'upstream-model-list', attrs: { 'aria-label': 'Models this key can use' } });
  const button = h('button', {
    type: 'button', text: 'List the provider\'s models', attrs: { 'data-action': 'upstream-models' },
    on: {
      click: async () => {
        button.disabled = true;
        status.textContent = 'Asking the provider for its model list…';
        replaceChildren(list);
        show(await r.upstreamModels());
        button.disabled = false;
      },
    },
  });
  const show = (reply) => {
    if (reply?.ok !== true) {
      status.textContent = `The provider's model list could not be had: ${reply?.message || reply?.unavailable || 'no answer'}.`;
      return;
    }
    const closest = new Set(reply.suggestions ?? []);
    const models = Array.isArray(reply.models) ? reply.models : [];
    status.textContent = `${models.length} model${models.length === 1 ? '' : 's'} this key can use${reply.leftOut ? ` (${reply.leftOut} more left out)` : ''}${closest.size ? '; the closest to this model are marked' : ''}.`;
    replaceChildren(list, ...models.map((name) => h('li', { dataset: { closest: closest.has(name) ? 'true' : undefined } },
      h('code', { text: name }), closest.has(name) ? ' (closest)' : null)));
  };
  const details = h('details', { class: 'upstream-models', open: Boolean(r.upstreamList) },
    h('summary', { text: 'Models this key can use' }), button, status, list);
  if (r.upstreamList) show(r.upstreamList);
  return details;
}
