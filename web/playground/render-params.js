// The parameters form: every control labelled, with a slot under it for the core's field
// errors and warnings. Values are kept as typed; the core reads and checks them.
import { h, uid } from './dom.js';

// What the page says about a parameter; which parameters exist, their kinds and ranges are
// the core's (core.parameters()). A parameter without words here still gets a field.
const WORDS = {
  temperature: { label: 'Temperature', hint: 'empty: the provider default' },
  max_tokens: { label: 'Max tokens', hint: 'answer length limit' },
  top_p: { label: 'Top P' },
  presence_penalty: { label: 'Presence penalty' },
  frequency_penalty: { label: 'Frequency penalty' },
  seed: { label: 'Seed', hint: 'whole number, for repeatable answers' },
};

/** @param {{ min?: number, max?: number }} p  a parameter's range */
const range = ({ min, max }) => `${String(min).replace('-', '−')} to ${String(max).replace('-', '−')}`;

/**
 * @param {import('./state.js').PageState['params']} params    state.params (mutated on input)
 * @param {import('./fields.js').FieldMessages} messages
 * @param {() => void} onChange
 * @param {ReadonlyArray<import('../core.d.ts').Parameter>} parameters  core.parameters()
 */
export function renderParams(params, messages, onChange, parameters) {
  const set = (key, value) => { params[key] = value; onChange(); };
  const field = (path, labelText, control, hint) => {
    const slot = h('div', { id: uid('msg'), attrs: { 'aria-live': 'polite' } });
    const hintEl = hint ? h('span', { class: 'hint', id: uid('hint'), text: hint }) : null;
    if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
    messages.register(path, control, slot);
    return h('div', { class: 'field' }, h('label', { htmlFor: control.id, text: labelText }), control, hintEl, slot);
  };

  const numberInputs = parameters.filter((p) => p.kind === 'number' || p.kind === 'integer').map((p) => {
    const { key } = p;
    const words = WORDS[key] ?? { label: key };
    const hint = [p.min !== undefined ? range(p) : '', words.hint ?? ''].filter(Boolean).join('; ');
    const mode = p.kind === 'integer' ? 'numeric' : 'decimal';
    const label = words.label;
    const input = h('input', {
      id: uid(`param-${key}`), type: 'text', value: params[key] ?? '', autocomplete: 'off', spellcheck: false,
      attrs: { inputmode: mode, name: key, 'data-param': key },
      on: { input: (e) => set(key, e.target.value) },
    });
    return field(`params.${key}`, label, input, hint);
  });

  const stop = h('textarea', {
    id: uid('param-stop'), rows: 2, value: params.stop ?? '', spellcheck: false,
    attrs: { name: 'stop', 'data-param': 'stop' }, on: { input: (e) => set('stop', e.target.value) },
  });

  const schemaName = h('input', {
    id: uid('param-schema-name'), type: 'text', value: params.schema_name, autocomplete: 'off', spellcheck: false,
    attrs: { name: 'schema_name', 'data-param': 'schema_name', placeholder: 'response' },
    on: { input: (e) => set('schema_name', e.target.value) },
  });
  const schema = h('textarea', {
    id: uid('param-schema'), rows: 6, value: params.schema, spellcheck: false,
    attrs: { name: 'schema', 'data-param': 'schema', placeholder: '{"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"], "additionalProperties": false}' },
    on: { input: (e) => set('schema', e.target.value) },
  });
  const schemaBox = h('div', { class: 'schema-box' },
    field('params.response_format.json_schema.name', 'Schema name', schemaName, 'letters, digits, _ or -'),
    field('params.response_format.json_schema', 'JSON schema', schema, 'the JSON Schema the answer must follow'));
  schemaBox.hidden = params.response_format !== 'json_schema';

  const format = h('select', {
    id: uid('param-format'), attrs: { name: 'response_format', 'data-param': 'response_format' },
    on: {
      change: (e) => {
        schemaBox.hidden = e.target.value !== 'json_schema';
        set('response_format', e.target.value);
      },
    },
  },
  h('option', { value: 'text', text: 'Text' }),
  h('option', { value: 'json_object', text: 'JSON object' }),
  h('option', { value: 'json_schema', text: 'JSON schema' }));
  format.value = params.response_format;

  // reasoning_effort: a select whose values are the model's family's (offerReasoningEffort),
  // hidden for a model that takes none.
  const effortParam = parameters.find((p) => p.kind === 'reasoning_effort');
  let effortField = null;
  if (effortParam) {
    const effort = h('select', {
      id: uid('param-effort'), attrs: { name: effortParam.key, 'data-param': effortParam.key },
      on: { change: (e) => set(effortParam.key, e.target.value) },
    }, h('option', { value: '', text: 'Default (the model’s)' }));
    effortField = field(`params.${effortParam.key}`, 'Reasoning effort', effort, 'lowest first: lower thinks less and costs less');
    effortField.dataset.role = 'reasoning-effort';
    effortField.hidden = true;
  }

  const stream = h('input', {
    id: uid('param-stream'), type: 'checkbox', checked: params.stream,
    attrs: { name: 'stream', 'data-param': 'stream' }, on: { change: (e) => set('stream', e.target.checked) },
  });
  const streamSlot = h('div', { id: uid('msg') });
  messages.register('stream', stream, streamSlot);

  // Folded on a phone-sized screen, where it would push the conversation far down.
  const narrow = globalThis.matchMedia?.('(max-width: 760px)').matches ?? false;
  return h('details', { class: 'params', open: !narrow },
    h('summary', { text: 'Parameters' }),
    h('div', { class: 'param-grid' },
      ...numberInputs,
      effortField,
      field('params.stop', 'Stop sequences', stop, 'one per line, up to 4'),
      field('params.response_format', 'Response format', format),
      schemaBox,
      h('div', { class: 'field check' }, stream, h('label', { htmlFor: stream.id, text: 'Stream the answer' }), streamSlot)));
}

/**
 * Offers reasoning_effort with the values the model takes (PublicModel.reasoningEffort: the
 * relay's core.reasoningEffort, sent with the model list), or hides it.
 * A kept value the model does not take is cleared; a hidden one is kept (and not sent).
 * @param {HTMLElement} box  what renderParams returned (or an element holding it)
 * @param {Record<string, any>} params  state.params
 * @param {import('../core.d.ts').ReasoningEffort | null} effort  the first pane's model's
 */
export function offerReasoningEffort(box, params, effort) {
  const wrap = /** @type {HTMLElement | null} */ (box.querySelector('[data-role="reasoning-effort"]'));
  const select = wrap?.querySelector('select');
  if (!wrap || !select) return;
  wrap.hidden = !effort?.supported;
  if (!effort?.supported) return;
  const key = select.name;
  const values = effort.values;
  const shown = [...select.options].slice(1).map((o) => o.value);
  if (shown.join() !== values.join()) {
    select.replaceChildren(select.options[0], ...values.map((v) => h('option', { value: v, text: v })));
  }
  if (params[key] && !values.includes(params[key])) params[key] = '';
  select.value = params[key] ?? '';
}
