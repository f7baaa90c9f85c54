// A run's requests, built before anything is sent: each pane's form (state.js) through
// core.buildRequest, with every error and warning labelled by the pane and the form messages
// it came from. Pure: no DOM; the core is passed in.
import { activePaneCount, paneForm, probeForm } from './state.js';
import { editedView, leftOutTurns } from './conversation.js';

/**
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {import('./conversation.js').RunMode} RunMode
 * @typedef {{ turn: number, role: string }} Origin
 * @typedef {{ field?: string, path?: string, message: string, prefix?: string, origins?: Origin[], pane?: number, where?: string, severity?: string }} Message
 * @typedef {import('../core.js').PublicModel} PaneModel  an entry of the relay's model list
 * @typedef {{ p: number, model: PaneModel, built: { ok: boolean, body?: object, warnings?: object[], errors?: object[] } }} PanePlan
 */

/**
 * Every pane's request for a run. Nothing may be sent unless `errors` is empty.
 * @param {{ buildRequest(form: object): any, parameters(): readonly { key: string, kind: string }[] }} core
 * @param {PageState} state
 * @param {{ p: number, model: PaneModel | undefined }[]} panes
 * @param {{ mode: RunMode, turn?: number, text?: string }} run  "edit" gives the turn and its new text
 * @returns {{ plans: PanePlan[], errors: Message[], warnings: Message[] }}
 */
export function buildRun(core, state, panes, { mode, turn = -1, text = '' }) {
  const compare = activePaneCount(state) > 1;
  const missing = panes.filter(({ model }) => !model || !model.testable);
  if (missing.length) {
    const errors = missing.map(({ p }) => ({ field: p === 0 ? 'model' : '', message: compare ? `choose model ${p + 1} first` : 'choose a model first' }));
    return { plans: [], errors, warnings: [] };
  }
  const errors = [];
  const warnings = [];
  const plans = panes.map(({ p, model }) => {
    const m = /** @type {PaneModel} */ (model);
    let form;
    /** @type {Origin[]} */
    let origins = [];
    let localErrors = [];
    if (mode === 'probe') {
      form = probeForm(m);
    } else {
      const view = mode === 'edit' ? editedView(state, turn, text) : state;
      const upTo = mode === 'edit' ? turn : view.turns.length - 1;
      const pending = mode === 'send' ? state.composer : null;
      // Earlier turns whose answer failed or has no text are not history (leftOutTurns).
      const skip = new Set(leftOutTurns(view, p, pending ? upTo + 1 : upTo).map((l) => l.turn));
      ({ form, origins, localErrors } = paneForm(view, p, m, { upTo, pending, parameters: core.parameters(), skip }));
      // Reasoning effort is offered while some pane's model takes it (the model list says which,
      // PublicModel.reasoningEffort); a pane whose model does not is sent without it (compare mode says so), as a hidden control sends nothing.
      if (form.params?.reasoning_effort !== undefined && !m.reasoningEffort?.supported) {
        delete form.params.reasoning_effort;
        if (compare) warnings.push({ severity: 'warning', code: 'parameter_ignored', path: 'params.reasoning_effort', message: `is not sent to ${m.display_name}, which does not take it`, prefix: '', origins: [], pane: p });
      }
    }
    const built = core.buildRequest(form);
    const prefix = compare ? `${m.display_name}: ` : '';
    for (const e of [...localErrors, ...(built.ok ? [] : built.errors)]) errors.push({ ...e, prefix, origins, pane: p });
    for (const w of built.warnings ?? []) warnings.push({ ...w, prefix, origins, pane: p });
    return { p, model: m, built };
  });
  return { plans, errors: dedupe(errors, panes.length), warnings: dedupe(warnings, panes.length) };
}

/**
 * The same message for every pane is shown once, without the model prefix.
 * @param {Message[]} items
 * @param {number} paneCount
 * @returns {Message[]}
 */
export function dedupe(items, paneCount) {
  const groups = new Map();
  for (const item of items) {
    const key = `${item.field ?? item.path}\n${item.message}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return [...groups.values()].map((group) => (group.length === paneCount ? { ...group[0], prefix: '' } : group[0]));
}
