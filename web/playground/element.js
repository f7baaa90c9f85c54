// <model-playground api-base="/api/playground">: the playground as a custom element that any
// page can embed. It only wires: the state transitions (conversation.js), the requests
// (forms.js), where messages go (field-map.js), the page's words (messages.js) and saving
// (autosave.js) are pure modules; the DOM is built by layout.js and the render-*.js files;
// every rule (request building, stream decoding, answer checks, the checklist, cost, curl) is
// the core's (../core.js).
import { loadCore } from '../core.js';
import { RelayApi } from './api.js';
import { h, keepFocus, replaceChildren, showBanner } from './dom.js';
import { FieldMessages } from './fields.js';
import { LiveText } from './live.js';
import { runOnce, yieldToBrowser } from './run.js';
import { loadSaved } from './storage.js';
import { AutoSave } from './autosave.js';
import { activePaneCount, normalizeState } from './state.js';
import * as conversation from './conversation.js';
import { buildRun } from './forms.js';
import { generalLine, mapToFields, relayRefusals } from './field-map.js';
import { LOGIN_HINT, announcement, errorText, modelListProblem, notKeptText } from './messages.js';
import { acceptDrops, pastedFiles, readImages } from './images.js';
import { buildLayout, generalList } from './layout.js';
import { offerReasoningEffort, renderParams } from './render-params.js';
import { renderPicker } from './render-picker.js';
import { renderCompareControls } from './render-compare.js';
import { renderConversation, imageList } from './render-conversation.js';
import { HistoryNote } from './render-history.js';
import { ConfigBox } from './render-config.js';
import { RunClock } from './render-progress.js';
import { runLimits } from './run-progress.js';
import { keepResult, restoreResult, verdictOf } from './verdict.js';
import { renderResultCards, replaceResultCard, revealFailed } from './render-results.js';
import { diagnose } from './render-checklist.js';
import { withSuggestions } from './model-suggestions.js';
import { costOf } from './cost.js';
import { upstreamInfo } from './upstream-view.js';
import { warmUp } from './warm-up.js';
import { offerUndo } from './render-undo.js';
import { modelChanged, runFinished } from './events.js';
import { WorstCaseBox, worstCases } from './worst-case.js';
import { CheckAllPanel } from './render-check-all.js';
import { badges } from './check-all.js';

export class ModelPlayground extends HTMLElement {
  static observedAttributes = ['api-base'];

  #root;
  #core = null;
  #api = null;
  #models = [];
  #state = normalizeState(null);
  #messages = new FieldMessages();
  #live = new LiveText();
  #els = {};
  #results = []; // per pane: what its last run showed
  #editing = null;
  #running = false;
  #controller = null;
  #started = false;
  #modelsLoaded = false;
  #notKept = [];
  #history = new HistoryNote(); // what the next run leaves out of its history
  #config = null; // the relay's configuration and time limits (ConfigBox)
  #clock = null; // the running panes' phase and elapsed time
  #worst = null; // what the next run and Test connection cost at most (WorstCaseBox)
  #checks = null; // "Check all" and its results table (CheckAllPanel)
  #saves = new AutoSave({
    state: () => conversation.withDrawnAnswers(this.#state, (p) => this.#live.drawn(p)),
    saved: (dropped) => this.#saved(dropped),
  });

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
  }

  get apiBase() { return this.getAttribute('api-base') || '/api/playground'; }

  connectedCallback() {
    if (this.#started) return;
    this.#started = true;
    this.#api = new RelayApi(this.apiBase);
    this.#state = normalizeState(loadSaved());
    this.#results = this.#state.checks.map(restoreResult); // the last checklists, kept across a reload
    this.#build();
    this.#init();
  }

  attributeChangedCallback(name, before, after) {
    if (name === 'api-base' && this.#started && before !== after) {
      this.#api = new RelayApi(this.apiBase);
      this.#loadModels();
    }
  }

  disconnectedCallback() {
    this.#saves.flush();
  }

  // ---- setup ----------------------------------------------------------------------------

  async #init() {
    const [core] = await Promise.all([
      loadCore().then(async (loaded) => { await warmUp(loaded); return loaded; }, (err) => { this.#banner(`The playground core could not be loaded: ${err?.message ?? err}`); return null; }),
      this.#loadModels(),
    ]);
    this.#core = core;
    if (core) {
      this.#els.version.textContent = `core ${core.version}`;
      replaceChildren(this.#els.params, renderParams(this.#state.params, this.#messages, () => this.#changed(), core.parameters()));
    }
    this.#renderAll();
    // The message box is where a test starts (17 Tab presses away otherwise): it takes the
    // focus, without scrolling, unless the embedding page has put it somewhere already.
    const focused = document.activeElement;
    if (core && (!focused || focused === document.body)) this.#els.composerText.focus({ preventScroll: true });
    this.dataset.ready = core ? 'true' : 'error';
    this.dispatchEvent(new CustomEvent('playground-ready', { bubbles: true, composed: true }));
  }

  /** The model list and the configuration's state; `reload`: say what the reload did. */
  async #loadModels(reload = false) {
    replaceChildren(this.#els.picker, h('p', { class: 'hint', text: 'Loading models…' }));
    const [reply, status] = await Promise.all([this.#api.models(), this.#api.status()]);
    this.#modelsLoaded = true;
    this.#config.listed(status, reload ? reply : null);
    if (!reply.ok) {
      this.#models = [];
      const problem = modelListProblem(reply);
      this.#banner(problem.text, problem.kind);
    } else {
      this.#models = reply.models;
      this.#banner(null);
      conversation.fixModelIds(this.#state, this.#models);
    }
    this.#renderPicker();
    this.#checks.render();
    if (this.#core) {
      this.#renderConversation();
      this.#updateButtons();
    }
  }

  #modelById = (id) => this.#models.find((m) => m.id === id);

  #build() {
    const { app, els } = buildLayout(this.#state, this.#messages, {
      reloadModels: () => this.#loadModels(true),
      probe: () => this.#run('probe'),
      system: (e) => { this.#state.system = /** @type {HTMLTextAreaElement} */ (e.target).value; this.#changed(); },
      composer: (e) => { this.#state.composer.text = /** @type {HTMLTextAreaElement} */ (e.target).value; this.#changed(); },
      paste: (e) => this.#onPaste(e),
      files: () => this.#onFiles(),
      historyAll: (e) => { this.#state.history = /** @type {HTMLInputElement} */ (e.target).checked ? 'all' : 'answered'; this.#changed(); },
      run: () => this.#run('send'),
      stop: () => this.#controller?.abort(),
      retry: () => this.#run('retry'),
      clear: () => this.#clear(),
    });
    this.#els = els;
    acceptDrops(els.composerText.parentElement, (files) => this.#attach(files)); // images dropped on the composer
    const css = h('link', { rel: 'stylesheet', href: new URL('./playground.css', import.meta.url).href });
    this.#root.replaceChildren(css, app);
    this.#root.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        this.#run('send');
      }
    });
    this.#clock = new RunClock(els.results);
    this.#config = new ConfigBox(els);
    this.#worst = new WorstCaseBox(els);
    this.#checks = new CheckAllPanel(els.checkAll, {
      core: () => this.#core, api: () => this.#api, limits: () => this.#config.limits, models: () => this.#models,
      state: () => this.#state.checkAll, saved: () => this.#saves.schedule(), changed: () => this.#renderPicker(),
      open: (model, result) => this.#openCheck(model, result),
    });
    // Esc stops a run wherever the focus is.
    window.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this.#running && !e.defaultPrevented) this.#controller?.abort(); });
    // Nothing typed is lost when the tab goes away mid-debounce.
    window.addEventListener('pagehide', () => this.#saves.flush());
  }

  /** Something the user changed: saved a moment later. */
  #changed() {
    this.#saves.schedule();
    this.#updateButtons();
    if (this.#showHistory()) this.#renderConversation();
    this.#offerCosts();
  }

  /** Reasoning effort for the first pane's model, and the worst cases of the next run and the probe. */
  #offerCosts() {
    if (!this.#core) return;
    const first = this.#modelById(this.#state.modelIds[0]);
    offerReasoningEffort(this.#els.params, this.#state.params, first?.reasoningEffort ?? null);
    this.#worst.schedule(() => worstCases(this.#core, this.#state, this.#modelById));
  }

  /** The history note under the composer; true when the turns it leaves out changed. */
  #showHistory() { return this.#history.update(this.#els, this.#state, this.#state.modelIds.map((id) => this.#modelById(id)?.display_name ?? '')); }

  // ---- rendering ------------------------------------------------------------------------

  #renderAll() {
    this.#renderPicker();
    this.#checks.render();
    this.#renderConversation();
    this.#renderComposerImages();
    this.#renderResults();
    this.#updateButtons();
  }

  #renderPicker() {
    const paneCount = activePaneCount(this.#state);
    this.#withFocus(() => {
      if (this.#modelsLoaded) {
        replaceChildren(this.#els.picker, renderPicker({
          models: this.#models, modelIds: this.#state.modelIds, paneCount, messages: this.#messages, badges: badges(this.#state.checkAll, Date.now()),
          onSelect: (p, id) => { this.#state.modelIds[p] = id; this.#changed(); this.#renderPicker(); this.dispatchEvent(modelChanged(p, id)); },
        }));
      }
      replaceChildren(this.#els.compare, renderCompareControls({
        compare: this.#state.compare, paneCount, running: this.#running,
        onToggle: (on) => { conversation.setCompare(this.#state, on, this.#models); this.#afterPaneChange(); },
        onAdd: () => { if (conversation.addPane(this.#state, this.#models)) this.#afterPaneChange(); },
        onRemove: () => { if (conversation.removePane(this.#state, this.#results)) this.#afterPaneChange(); },
      }));
    });
    this.#els.app.classList.toggle('compare', this.#state.compare);
    this.#els.app.dataset.panes = String(paneCount);
    this.#offerCosts();
  }

  #afterPaneChange() {
    this.#changed();
    this.#renderPicker();
    this.#renderConversation();
    this.#renderResults();
  }

  #renderConversation() {
    this.#showHistory();
    this.#withFocus(() => replaceChildren(this.#els.conversation, renderConversation({
      state: this.#state, modelById: this.#modelById, paneCount: activePaneCount(this.#state), editing: this.#editing, running: this.#running,
      on: {
        edit: (turn, pane) => { this.#editing = { turn, pane }; this.#renderConversation(); },
        cancelEdit: () => { this.#editing = null; this.#renderConversation(); },
        saveEdit: (turn, pane, text) => this.#saveEdit(turn, pane, text),
        retry: (pane) => this.#run('retry', { panes: [pane] }),
      },
      registerLive: (turn, pane, refs) => this.#live.attach(pane, refs),
      leftOut: this.#running ? [] : this.#history.leftOut,
    })));
  }

  #renderComposerImages() {
    const note = notKeptText(this.#notKept);
    replaceChildren(this.#els.images,
      imageList(this.#state.composer.images, (i) => { this.#state.composer.images.splice(i, 1); this.#renderComposerImages(); this.#changed(); }),
      note ? h('p', { class: 'hint', attrs: { 'data-note': 'not-kept' }, text: note }) : null);
  }

  #renderResults() {
    replaceChildren(this.#els.results, ...renderResultCards(this.#results, activePaneCount(this.#state)));
  }

  #updateButtons() {
    const els = this.#els;
    const ready = !!this.#core && this.#models.length > 0;
    els.run.disabled = this.#running || !ready;
    els.probe.disabled = this.#running || !ready;
    els.stop.disabled = !this.#running;
    els.retry.disabled = this.#running || !ready || !this.#state.turns.length;
    els.clear.disabled = this.#running || !this.#state.turns.length;
    els.attach.disabled = this.#running;
    els.reload.disabled = this.#running;
    els.app.dataset.running = String(this.#running);
  }

  #withFocus(fn) { keepFocus(this.#root, fn); }

  /** A "Check all" row: its model in the first pane, its last result (checklist, inspect view) shown there. */
  #openCheck(model, result) {
    if (this.#running) return;
    this.#state.modelIds[0] = model.id;
    this.#results[0] = result;
    this.#state.checks[0] = keepResult({ ...result, probeAnswer: undefined });
    this.#changed();
    this.#renderPicker();
    this.#renderResults();
    const card = /** @type {HTMLElement | null} */ (this.#els.results.querySelector('.pane-results[data-pane="0"]'));
    card?.setAttribute('tabindex', '-1');
    card?.focus();
  }

  #banner(text, kind = 'error') { if (this.#els.banner) showBanner(this.#els.banner, text, kind); }

  #showGeneral(items) {
    replaceChildren(this.#els.general, generalList(items.map((i) => ({ severity: i.severity, line: generalLine(i) }))));
  }

  /**
   * Shows build errors at their fields (or in the list under the composer). Returns true
   * when there is no error, i.e. the run may go ahead.
   */
  #showErrors(errors, warnings, editing) {
    const mapped = mapToFields(errors, warnings, { editing });
    const general = [...mapped.general, ...this.#messages.show({ errors: mapped.errors, warnings: mapped.warnings })];
    this.#showGeneral(general);
    if (!errors.length) return true;
    this.#messages.firstInvalid()?.focus();
    return false;
  }

  // ---- images ---------------------------------------------------------------------------

  async #onFiles() {
    // Read the input itself: a shadow-tree event's target is cleared once dispatch ends.
    const input = this.#els.file;
    const files = [...(input.files ?? [])];
    input.value = '';
    await this.#attach(files);
  }

  async #onPaste(e) {
    const files = pastedFiles(e);
    if (!files.length) return;
    e.preventDefault();
    await this.#attach(files);
  }

  async #attach(files) {
    const { images, problems } = await readImages(files);
    this.#state.composer.images.push(...images);
    this.#els.imageMsg.textContent = problems.join(' ');
    this.#els.imageMsg.hidden = !problems.length;
    this.#renderComposerImages();
    this.#changed();
  }

  // ---- runs -----------------------------------------------------------------------------

  /**
   * mode: "send" (the composer as a new turn), "retry" (the last turn again), "edit" (a
   * changed past message and what follows it), "probe" (Test connection).
   * @param {import('./conversation.js').RunMode} requested
   * @param {{ panes?: number[], turn?: number, text?: string }} [options]  `panes`: only these (a pane's Retry); "edit": the turn and its new text
   */
  async #run(requested, { panes: only, turn = -1, text = '' } = {}) {
    if (this.#running || !this.#core) return;
    const state = this.#state;
    const mode = conversation.effectiveMode(state, requested);
    if (mode === 'retry' && !state.turns.length) return;
    const compare = activePaneCount(state) > 1;

    // 1. Build every pane's request; nothing is sent unless all of them are valid.
    const { plans, errors, warnings } = buildRun(this.#core, state, conversation.runPanes(state, this.#modelById, only), { mode, turn, text });
    if (!this.#showErrors(errors, warnings, mode === 'edit')) return;

    // 2. Commit the conversation change, then send.
    const turnIndex = conversation.commitRun(state, mode, { turn, text });
    if (mode === 'send') {
      this.#els.composerText.value = '';
      this.#els.imageMsg.hidden = true; // a rejected image's message went with the message just sent
      this.#renderComposerImages();
    }
    if (mode === 'edit') this.#editing = null;

    this.#running = true;
    this.#els.announce.textContent = ''; // the outcome is said again even when it is the same
    this.#controller = new AbortController();
    const signal = this.#controller.signal;
    const label = mode === 'probe' ? 'Connection test' : `Message ${turnIndex + 1}`;
    for (const { p, model, built } of plans) {
      if (turnIndex >= 0) {
        conversation.startAnswer(state, turnIndex, p, model.id);
        this.#live.start(p);
      }
      this.#results[p] = { label, model, body: built.body, warnings: built.warnings ?? [], running: true, upstream: upstreamInfo(this.#api, model, built.body) };
    }
    this.#renderPicker();
    this.#renderConversation();
    this.#renderResults();
    this.#updateButtons();
    for (const { p, model, built } of plans) this.#clock.start(p, runLimits(this.#config.limits, model, built.body));
    this.#api.status().then((status) => this.#config.refresh(status)); // a reload by SIGHUP shows now

    const panesDone = Promise.all(plans.map((plan) => this.#runPane(plan, turnIndex, signal, compare)));
    // The calls are on their way; the conversation change is saved in a task of its own.
    await yieldToBrowser();
    this.#saves.soon();
    await panesDone;

    this.#running = false;
    this.#controller = null;
    this.#renderPicker();
    this.#renderConversation();
    this.#updateButtons();
    const failure = (run) => errorText(run, this.#core);
    this.#els.announce.textContent = announcement(plans.map(({ p, model }) => ({
      name: model.display_name, run: this.#results[p]?.run, summary: this.#results[p]?.diagnosis?.summary,
    })), compare, failure);
    revealFailed(this.#els.results, this.#results, plans.map(({ p }) => p)); // below the conversation when narrow
    await yieldToBrowser();
    // The answer can be a megabyte: saved a part per task, so no frame waits on the write.
    await this.#saves.soon();
    // Tests (and embedding pages) can wait on this count.
    this.dataset.runs = String(Number(this.dataset.runs ?? 0) + 1);
    this.dispatchEvent(new CustomEvent('playground-run-end', { bubbles: true, composed: true }));
    this.dispatchEvent(runFinished(mode, plans.map(({ p }) => p), this.#results));
  }

  async #runPane({ p, model, built }, turnIndex, signal, compare) {
    const core = this.#core;
    const run = await runOnce({
      core, api: this.#api, model, body: built.body, signal,
      onDelta: (delta) => { if (turnIndex >= 0) this.#live.push(p, delta); },
      onProgress: (progress) => this.#clock.progress(p, progress),
    });
    this.#clock.stop(p);
    // What arrived is drawn a frame's worth at a time before the answer is final (not at
    // all after Stop: a display running behind never holds Stop back).
    if (turnIndex >= 0) await this.#live.finish(p, signal);
    // What follows (checklist, cost, re-render) is work of its own: let a frame through first.
    await yieldToBrowser();
    const error = errorText(run, core);
    if (run.relayError?.kind === 'unauthorized') this.#banner(LOGIN_HINT, 'login');
    const refused = relayRefusals(run.relayError, compare ? `${model.display_name}: ` : '');
    if (refused.length) this.#showGeneral(refused);
    if (turnIndex >= 0) {
      const answer = this.#state.turns[turnIndex]?.answers[p];
      if (answer) conversation.settleAnswer(answer, run, error);
      // The answer's final state first (Stop shows at once), the checklist after it.
      this.#renderConversation();
      await yieldToBrowser();
    }
    // The model step failed with the key accepted: the provider's closest names ("did you mean …?").
    const { diagnosis, list: upstreamList } = await withSuggestions(core, this.#api, model, run.outcome, diagnose(core, run.outcome), signal);
    await yieldToBrowser();
    this.#results[p] = {
      ...this.#results[p],
      running: false,
      run,
      diagnosis,
      cost: costOf(core, run.result?.usage, model.cost),
      probeAnswer: turnIndex < 0 ? (run.result?.content ?? '') : undefined,
      upstreamList,
      upstreamModels: () => this.#api.upstreamModels(model.id),
    };
    replaceResultCard(this.#els.results, this.#results[p], p);
    this.#state.checks[p] = keepResult(this.#results[p]);
    if (turnIndex >= 0) conversation.settleVerdict(this.#state.turns[turnIndex]?.answers[p], verdictOf(diagnosis));
  }

  #saveEdit(turn, pane, text) {
    if (pane === undefined) {
      this.#run('edit', { turn, text });
      return;
    }
    conversation.editAnswer(this.#state, turn, pane, text);
    this.#editing = null;
    this.#renderConversation();
    this.#changed();
  }

  #clear() {
    if (this.#running) return;
    const kept = { turns: this.#state.turns, checks: this.#state.checks, results: this.#results };
    this.#state.turns = [];
    this.#state.checks = [];
    this.#results = [];
    this.#editing = null;
    this.#messages.clear();
    this.#showGeneral([]);
    this.#renderConversation();
    this.#renderResults();
    this.#updateButtons();
    this.#saves.flush();
    this.#els.composerText.focus();
    offerUndo(this.#els.general, 'Conversation cleared.', () => {
      Object.assign(this.#state, { turns: kept.turns, checks: kept.checks });
      this.#results = kept.results;
      this.#renderConversation(); this.#renderResults(); this.#updateButtons(); this.#saves.flush();
    });
  }

  // ---- persistence ----------------------------------------------------------------------

  /** After each save: which images did not fit, shown under the composer when that changed. */
  #saved(dropped) {
    const changed = dropped.join('\n') !== this.#notKept.join('\n');
    this.#notKept = dropped;
    if (changed && this.#els.images) this.#renderComposerImages();
  }
}

if (!customElements.get('model-playground')) customElements.define('model-playground', ModelPlayground);
