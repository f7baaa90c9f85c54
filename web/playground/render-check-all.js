// "Check all" in the page (issue 19, item 1): the buttons (Check all, Check selected, Stop
// checking), the progress ("Checking: 7 of 23 done…", a polite live region), and the results
// table — model, verdict, one-line reason, first token, total, tokens, cost, when — one row per
// model of the relay's list. A row's model opens its full checklist and inspect view in the
// results pane; a multi-target model's row offers "Check its targets". The logic (queue, cap,
// verdicts, staleness, what is kept) is check-all.js's; each probe is check-all-probe.js's.
import { h, ms, replaceChildren } from './dom.js';
import { formatCost } from './cost.js';
import { modelLabel } from './render-picker.js';
import { codeSpans } from './messages.js';
import { restoreResult } from './verdict.js';
import { probeModel } from './check-all-probe.js';
import {
  STALE_AFTER_MS, checkRows, concurrencyFor, countRows, planCheck, progressText, recordCheck, runQueue, targetsOf, verdictText,
} from './check-all.js';

const VERDICT_WORDS = { queued: 'queued', running: 'checking…', none: 'never checked', not_testable: 'not testable' };
// How often the "checked … ago" column is brought up to date.
const REFRESH_MS = 30_000;

/**
 * @typedef {{
 *   core: () => import('../core.js').Core | null,
 *   api: () => import('./api.js').RelayApi,
 *   limits: () => { concurrentPerUser?: number } | null,
 *   models: () => import('../core.js').PublicModel[],
 *   state: () => import('./check-all.js').CheckAllState,
 *   saved: () => void,
 *   changed: () => void,
 *   open: (model: import('../core.js').PublicModel, result: import('./render-results.js').PaneResult) => void,
 * }} CheckAllHooks  what the element gives: its core, relay API, the relay's limits, the model
 *   list and the page state's `checkAll`; told when a result is kept (`saved`: save the page
 *   state; `changed`: the picker's badges) and when a row is opened
 */

export class CheckAllPanel {
  #box;
  #hooks;
  #els = /** @type {Record<string, any>} */ ({});
  /** @type {Map<string, import('./check-all.js').LiveStatus>} */
  #live = new Map();
  /** @type {Map<string, import('./render-results.js').PaneResult>} this session's full results (with the inspect view) */
  #full = new Map();
  #selected = new Set();
  #controller = null;
  #progress = { done: 0, total: 0, stopped: false, passed: 0, failed: 0, targetsOf: null };

  /**
   * @param {HTMLElement} box  layout.js's section for it
   * @param {CheckAllHooks} hooks
   */
  constructor(box, hooks) {
    this.#box = box;
    this.#hooks = hooks;
    const els = this.#els;
    els.all = h('button', { type: 'button', class: 'primary', text: 'Check all', attrs: { 'data-action': 'check-all' }, on: { click: () => this.start() } });
    els.selected = h('button', { type: 'button', text: 'Check selected', attrs: { 'data-action': 'check-selected' }, on: { click: () => this.start({ ids: [...this.#selected] }) } });
    els.stop = h('button', { type: 'button', text: 'Stop checking', disabled: true, attrs: { 'data-action': 'check-stop' }, on: { click: () => this.stop() } });
    els.how = h('p', { class: 'hint', attrs: { 'data-role': 'check-how' } });
    els.progress = h('p', { class: 'check-progress', attrs: { role: 'status', 'aria-live': 'polite', 'data-role': 'check-progress' } });
    els.counts = h('p', { class: 'hint', attrs: { 'data-role': 'check-counts' } });
    els.targets = h('p', { class: 'check-targets-note', attrs: { 'data-role': 'check-targets-note' } });
    els.targets.hidden = true;
    els.table = h('div', { class: 'check-table-wrap' });
    replaceChildren(box,
      h('h2', { id: 'check-all-h', text: 'All models' }),
      els.how,
      h('div', { class: 'row actions' }, els.all, els.selected, els.stop),
      els.progress, els.targets, els.counts, els.table);
    setInterval(() => { if (!this.running) this.#renderTable(); }, REFRESH_MS);
  }

  get running() { return this.#controller !== null; }

  /** Everything again (the model list, the core or the limits changed). */
  render() {
    const limit = this.#hooks.limits()?.concurrentPerUser;
    const n = concurrencyFor(this.#hooks.limits());
    this.#els.how.textContent = `Runs Test connection on every model that can be tested here, ${n} at a time` +
      `${Number.isInteger(limit) ? ` (the relay allows ${limit} calls at once per user)` : ''}; each probe is a tiny request the provider bills. ` +
      `A result older than ${STALE_AFTER_MS / 60_000} minutes reads as stale.`;
    this.#renderTable();
    this.#updateButtons();
  }

  /**
   * Probes the models (every testable one, or `ids`), `concurrencyFor(limits)` at a time.
   * @param {{ ids?: string[] | null, models?: import('../core.js').PublicModel[], targetsOf?: string | null }} [options]
   *   `models`: these instead (a multi-target model's targets, named by `targetsOf`)
   */
  async start({ ids = null, models = null, targetsOf: of = null } = {}) {
    const core = this.#hooks.core();
    if (this.running || !core) return;
    const probes = models ?? planCheck(this.#hooks.models(), { ids }).probes;
    this.#controller = new AbortController();
    const signal = this.#controller.signal;
    this.#live = new Map(probes.map((m) => [m.id, /** @type {const} */ ('queued')]));
    this.#progress = { done: 0, total: probes.length, stopped: false, passed: 0, failed: 0, targetsOf: of };
    if (!of) this.#els.targets.hidden = true;
    this.#els.progress.textContent = progressText({ ...this.#progress, running: true });
    this.render();
    const api = this.#hooks.api();
    await runQueue(probes, (model, sig) => probeModel({ core, api, model, signal: sig }), {
      concurrency: concurrencyFor(this.#hooks.limits()),
      signal,
      onStart: (model) => { this.#live.set(model.id, 'running'); this.#renderTable(); },
      onDone: (model, result) => this.#finished(model, result, signal),
    });
    const stopped = signal.aborted;
    this.#controller = null;
    this.#live = new Map();
    this.#progress.stopped = stopped;
    this.#els.progress.textContent = progressText({ ...this.#progress, running: false });
    this.render();
    this.#hooks.changed();
    this.dispatchEnd();
  }

  /** Stop: the calls in flight are aborted, the rest of the queue never starts. */
  stop() { this.#controller?.abort(); }

  /** Tests (and embedding pages) can wait on this count. */
  dispatchEnd() {
    this.#box.dataset.checks = String(Number(this.#box.dataset.checks ?? 0) + 1);
  }

  #finished(model, result, signal) {
    this.#live.delete(model.id);
    // A stopped probe says nothing about the model: its last result stays as it was.
    if (!result || signal.aborted || result.run?.aborted) {
      this.#renderTable();
      return;
    }
    this.#progress.done += 1;
    const verdict = result.diagnosis?.verdict;
    if (verdict === 'fail') this.#progress.failed += 1; else this.#progress.passed += 1;
    if (recordCheck(this.#hooks.state(), result, Date.now())) {
      this.#full.set(model.id, result);
      this.#hooks.saved();
    }
    this.#els.progress.textContent = progressText({ ...this.#progress, running: true });
    this.#renderTable();
    this.#hooks.changed();
  }

  /** A multi-target model's targets, each on its own; said plainly that routing is not tested. */
  #checkTargets(model) {
    const { probes, skipped } = targetsOf(model, this.#hooks.models());
    const names = probes.map((m) => m.display_name).join(', ');
    this.#els.targets.textContent = `Checking the targets of ${model.display_name}${names ? ` (${names})` : ''}, each on its own: this tests the target models only. ` +
      'The routing and failover themselves are tested through the managed gateway, with its logs and metrics.' +
      `${skipped.length ? ` Not checked: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}.` : ''}`;
    this.#els.targets.hidden = false;
    this.start({ models: probes, targetsOf: model.display_name });
  }

  #open(model) {
    const saved = this.#hooks.state().results[model.id];
    const full = this.#full.get(model.id);
    // After a reload only the checklist is kept (no request, no answer): shown as restored.
    const result = full ?? (saved ? { ...restoreResult(saved.kept), model } : null);
    if (result) this.#hooks.open(model, /** @type {any} */ (result));
  }

  #updateButtons() {
    const ready = !!this.#hooks.core() && this.#hooks.models().some((m) => m.testable);
    const selected = [...this.#selected].filter((id) => this.#hooks.models().some((m) => m.id === id && m.testable)).length;
    this.#els.all.disabled = this.running || !ready;
    this.#els.selected.disabled = this.running || !ready || !selected;
    this.#els.selected.textContent = `Check selected (${selected})`;
    this.#els.stop.disabled = !this.running;
    for (const b of this.#els.table.querySelectorAll('button[data-action="check-targets"]')) b.disabled = this.running || !ready;
  }

  #renderTable() {
    const models = this.#hooks.models();
    const rows = checkRows(models, this.#hooks.state(), this.#live, Date.now());
    const c = countRows(rows);
    this.#els.counts.textContent = rows.length
      ? [`${c.passed} passed`, `${c.failed} failed`, `${c.notTestable} not testable`, `${c.unchecked} never checked`].join(' · ') +
        (c.stale ? `; ${c.stale} stale (checked over ${STALE_AFTER_MS / 60_000} minutes ago)` : '')
      : '';
    // The focused control is found again after the rows are built anew.
    const root = /** @type {ShadowRoot | Document} */ (this.#box.getRootNode());
    const focused = /** @type {HTMLElement | null} */ (root.activeElement);
    const key = focused && this.#els.table.contains(focused) ? focused.dataset.focusKey : null;
    replaceChildren(this.#els.table, rows.length ? renderTable(rows, {
      selected: this.#selected,
      running: this.running,
      select: (id, on) => { if (on) this.#selected.add(id); else this.#selected.delete(id); this.#updateButtons(); },
      open: (model) => this.#open(model),
      targets: (model) => this.#checkTargets(model),
    }) : h('p', { class: 'hint', text: 'No models are listed.' }));
    if (key) /** @type {HTMLElement | null} */ (this.#els.table.querySelector(`[data-focus-key="${CSS.escape(key)}"]`))?.focus();
    this.#updateButtons();
  }
}

/**
 * The results table: a header row, then one row per model.
 * @param {import('./check-all.js').CheckRow[]} rows
 * @param {{ selected: Set<string>, running: boolean, select: (id: string, on: boolean) => void,
 *   open: (model: any) => void, targets: (model: any) => void }} on
 */
export function renderTable(rows, on) {
  const head = ['Select', 'Model', 'Verdict', 'Reason', 'First token', 'Total', 'Tokens', 'Cost', 'Checked'];
  return h('table', { class: 'check-table', attrs: { 'data-role': 'check-table' } },
    h('caption', { class: 'sr-only', text: 'The last Test connection result of each model' }),
    h('thead', {}, h('tr', {}, ...head.map((t, i) => h('th', { attrs: { scope: 'col' }, class: i === 0 ? 'check-select' : null }, i === 0 ? h('span', { class: 'sr-only', text: t }) : t)))),
    h('tbody', {}, ...rows.map((r) => renderRow(r, on))));
}

/**
 * @param {import('./check-all.js').CheckRow} r
 * @param {Parameters<typeof renderTable>[1]} on
 */
function renderRow(r, on) {
  const name = r.model.display_name;
  const live = r.status === 'queued' || r.status === 'running';
  const shown = r.verdict && !live;
  const verdict = shown ? r.verdict.verdict : r.status;
  const tr = h('tr', {
    dataset: { modelId: r.id, status: r.status, verdict, step: shown ? r.verdict.step ?? '' : '', code: shown ? r.verdict.code ?? '' : '', stale: String(shown && r.stale) },
  });
  const select = r.testable
    ? h('input', { type: 'checkbox', checked: on.selected.has(r.id), attrs: { name: `check-select-${r.id}`, 'aria-label': `Select ${name}`, 'data-focus-key': `select:${r.id}` }, on: { change: (e) => on.select(r.id, /** @type {HTMLInputElement} */ (e.target).checked) } })
    : null;
  // The model opens its last result (checklist and inspect view) in the results pane.
  const model = shown
    ? h('button', { type: 'button', class: 'link', text: modelLabel(r.model), attrs: { 'data-action': 'open-check', 'data-focus-key': `open:${r.id}`, 'aria-label': `${modelLabel(r.model)}: show its checklist and inspect view` }, on: { click: () => on.open(r.model) } })
    : h('span', { text: modelLabel(r.model) });
  const badge = h('span', { class: 'check-badge', dataset: { verdict, stale: String(shown && r.stale) }, text: shown ? verdictText(r.verdict) : VERDICT_WORDS[r.status] ?? r.status });
  let reason = shown ? r.summary : '';
  /** @type {any[]} */
  const reasonCell = [];
  // The core's words mark names with backticks: shown as <code>, built from text only.
  const spans = (text) => codeSpans(text).map((s) => (s.code ? h('code', { text: s.text }) : s.text));
  if (!r.testable) {
    reason = r.reason;
    reasonCell.push(...spans(reason));
    if (r.targets.length) {
      reasonCell.push(' ', h('button', {
        type: 'button', class: 'link', text: 'Check its targets', disabled: on.running,
        attrs: { 'data-action': 'check-targets', 'data-focus-key': `targets:${r.id}`, 'aria-label': `Check its targets: those of ${name}, each on its own (not the routing)` },
        on: { click: () => on.targets(r.model) },
      }));
    }
  } else {
    reasonCell.push(...spans(reason));
  }
  const usage = shown ? r.usage : null;
  const tokens = usage ? `${usage.prompt_tokens ?? '—'} in / ${usage.completion_tokens ?? '—'} out${usage.reasoning_tokens ? ` (${usage.reasoning_tokens} reasoning)` : ''}` : '—';
  const when = shown && r.ago ? [r.ago, r.stale ? h('span', { class: 'stale', text: ' (stale)' }) : null] : ['—'];
  // data-label: the column's name, shown beside each value when a narrow screen stacks the row.
  tr.append(
    h('td', { class: 'check-select' }, select),
    h('th', { attrs: { scope: 'row' } }, model),
    h('td', { attrs: { 'data-label': 'Verdict' } }, badge),
    h('td', { class: 'check-reason', attrs: { 'data-label': 'Reason' } }, ...reasonCell),
    h('td', { class: 'num', attrs: { 'data-label': 'First token' }, text: shown ? ms(r.firstTokenMs) : '—' }),
    h('td', { class: 'num', attrs: { 'data-label': 'Total' }, text: shown ? ms(r.totalMs) : '—' }),
    h('td', { attrs: { 'data-label': 'Tokens' }, text: tokens }),
    h('td', { class: 'num', attrs: { 'data-label': 'Cost' }, text: shown ? formatCost(r.cost) : '—' }),
    h('td', { attrs: { 'data-role': 'checked-at', 'data-label': 'Checked', title: shown && r.at ? r.at : '' } }, ...when));
  return tr;
}
