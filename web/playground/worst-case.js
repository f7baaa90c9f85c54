// Before any run: what it can cost at most (issue 19, item 4). The next run's request and
// "Test connection"'s, each built by the core as a run builds it, priced by the core's
// worstCaseCost (the prompt's estimated tokens × input price + its max tokens × output
// price); nothing shown for a model without prices. element.js calls update() after a change.
import { h } from './dom.js';
import { buildRun } from './forms.js';
import { runPanes } from './conversation.js';
import { formatWorstCase, worstCaseOf } from './cost.js';

/**
 * The lines to show, for the state as it is: `run` (the composer's message as the next turn,
 * one entry per pane with a priced model) and `probe` (Test connection, the first pane's model).
 * Pure: the core and the model lookup are passed in.
 * @param {any} core
 * @param {import('./state.js').PageState} state
 * @param {(id: string) => any} modelById
 */
export function worstCases(core, state, modelById) {
  const panes = runPanes(state, modelById);
  const out = { run: [], probe: null };
  if (!panes.length || panes.some(({ model }) => !model || !model.testable)) return out;
  const line = (plan) => {
    const text = plan.built.ok ? formatWorstCase(worstCaseOf(core, plan.built.body, plan.model.cost)) : '';
    return text ? { name: plan.model.display_name, text } : null;
  };
  if (state.composer.text.trim() || state.composer.images.length) {
    const { plans } = buildRun(core, state, panes, { mode: 'send' });
    out.run = plans.map(line).filter(Boolean);
  }
  const { plans: probe } = buildRun(core, state, panes.slice(0, 1), { mode: 'probe' });
  out.probe = probe.length ? line(probe[0]) : null;
  return out;
}

/** The two lines on the page: under the Run button, and beside Test connection. */
export class WorstCaseBox {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer = undefined;

  /** @param {Record<string, HTMLElement>} els  the layout's elements (run, probe) */
  constructor(els) {
    this.run = h('p', { class: 'hint worst-case', attrs: { 'data-role': 'worst-case', 'aria-live': 'polite' } });
    this.probe = h('p', { class: 'hint worst-case', attrs: { 'data-role': 'probe-worst-case' } });
    this.run.hidden = true;
    this.probe.hidden = true;
    els.run.parentElement?.after(this.run);
    els.probe.parentElement?.after(this.probe);
  }

  /** A moment after the last change (typing must stay quick with images attached). */
  schedule(compute) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.show(compute()), 150);
  }

  /** @param {ReturnType<typeof worstCases>} cases */
  show({ run, probe }) {
    const many = run.length > 1;
    this.run.textContent = run.length ? `This run costs ${run.map((r) => (many ? `${r.name}: ${r.text}` : r.text)).join('; ')}.` : '';
    this.run.hidden = !run.length;
    this.probe.textContent = probe ? `Test connection costs ${probe.text}.` : '';
    this.probe.hidden = !probe;
  }
}
