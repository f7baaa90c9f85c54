// The model picker: one select per pane ("display name · model name"), the chosen model's
// provider, base URL, key and price, and the models that cannot be tested here, with why.
// With "Check all"'s results, each model's last verdict beside it (check-all.js badges).
import { h, uid } from './dom.js';
import { codeSpans } from './messages.js';

export function modelLabel(m) {
  return m.model_name ? `${m.display_name} · ${m.model_name}` : m.display_name;
}

/**
 * @param {object} o
 * @param {import('../core.js').PublicModel[]} o.models          the relay's list
 * @param {string[]} o.modelIds        the chosen id per pane
 * @param {number} o.paneCount
 * @param {(pane: number, id: string) => void} o.onSelect
 * @param {import('./fields.js').FieldMessages} o.messages
 * @param {ReturnType<typeof import('./check-all.js').badges>} [o.badges]  id → the last check's verdict
 */
export function renderPicker({ models, modelIds, paneCount, onSelect, messages, badges = new Map() }) {
  const said = (m) => { const b = badges.get(m.id); return b ? ` — ${b.text}${b.stale ? ' (stale)' : ''}` : ''; };
  const testable = models.filter((m) => m.testable);
  const untestable = models.filter((m) => !m.testable);
  messages.unregisterPrefix('model');
  const panes = [];
  for (let p = 0; p < paneCount; p++) {
    const select = h('select', {
      id: uid('model'), attrs: { name: `model-${p}`, 'data-pane': p, title: chosenTitle(models, modelIds[p]) },
      on: { change: (e) => onSelect(p, e.target.value) },
    },
    h('option', { value: '', text: testable.length ? 'Choose a model…' : 'No model can be tested here' }),
    ...testable.map((m) => h('option', { value: m.id, text: `${modelLabel(m)}${said(m)}`, dataset: { verdict: badges.get(m.id)?.verdict } })),
    untestable.length ? h('optgroup', { label: 'Not testable here' },
      ...untestable.map((m) => h('option', {
        value: m.id, disabled: true, text: `${modelLabel(m)} — ${m.reason || 'not testable'}`,
        attrs: { 'data-reason': m.reason || '' },
      }))) : null);
    select.value = modelIds[p] ?? '';
    const slot = h('div', { id: uid('msg') });
    if (p === 0) messages.register('model', select, slot);
    const model = models.find((m) => m.id === modelIds[p]);
    panes.push(h('div', { class: 'picker-pane', dataset: { pane: p } },
      h('label', { htmlFor: select.id, text: paneCount > 1 ? `Model ${p + 1}` : 'Model' }),
      select, slot,
      model && badges.has(model.id) ? checkBadge(badges.get(model.id)) : null,
      model ? modelCard(model) : null));
  }
  return h('div', { class: 'picker' }, ...panes, untestable.length ? untestableList(untestable) : null);
}

/** The chosen model's whole label, as the select's tooltip (the select cuts a long one). */
function chosenTitle(models, id) {
  const m = models.find((x) => x.id === id);
  return m ? modelLabel(m) : undefined;
}

/** The chosen model's last check, beside the select. */
function checkBadge(b) {
  return h('p', { class: 'picker-check' },
    h('span', { class: 'label', text: 'Last check: ' }),
    h('span', { class: 'check-badge', dataset: { verdict: b.verdict, stale: String(b.stale) }, text: b.text }),
    ` ${b.ago}`);
}

function modelCard(m) {
  const row = (term, value, cls, role) => [h('dt', { text: term }), h('dd', { class: cls, text: value, dataset: { role } })];
  const price = m.cost
    ? `$${m.cost.input_per_1k} in · $${m.cost.output_per_1k} out per 1K tokens`
    : 'not set';
  return h('dl', { class: 'model-card', attrs: { 'aria-label': 'Model settings' } },
    // The whole display name, wrapped: the select cuts a long one to the column's width.
    row('Name', m.display_name, undefined, 'chosen-model'),
    row('Provider', m.provider || '—'),
    row('Model name', m.model_name || '—', 'mono'),
    row('Base URL', m.api_base || '(the provider’s default)', 'mono'),
    row('Key', m.provider_key?.display_name ?? '—'),
    row('Price', price));
}

function untestableList(models) {
  return h('details', { class: 'untestable' },
    h('summary', { text: `${models.length} model${models.length === 1 ? '' : 's'} cannot be tested here` }),
    h('ul', {}, ...models.map((m) => h('li', { dataset: { modelId: m.id } },
      // The core's reason names the targets already; its `code` spans are shown as code.
      h('strong', { text: modelLabel(m) }), ': ',
      ...codeSpans(m.reason || 'not testable').map((s) => (s.code ? h('code', { text: s.text }) : s.text))))),
    h('p', { class: 'hint', text: 'Multi-target models (routing, failover, ensembles) go through the managed gateway: send a request to the gateway to test them there, with its logs and metrics.' }));
}
