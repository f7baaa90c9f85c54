// <model-playground api-base="/api/playground">: the playground as a custom element that any
// page can embed. It keeps the state, does the I/O and renders; every rule (request building,
// stream decoding, answer checks, the checklist, cost, curl) is the core's (../core.js).
import { loadCore } from '../core.js';
import { RelayApi } from './api.js';
import { h, replaceChildren, uid } from './dom.js';
import { FieldMessages } from './fields.js';
import { LiveText } from './live.js';
import { runOnce, yieldToBrowser } from './run.js';
import { loadSaved, save, saveInSteps } from './storage.js';
import { MAX_PANES, activePaneCount, normalizeState, paneForm, probeForm } from './state.js';
import { imageProblem, pastedFiles, readImage, IMAGE_TYPES } from './images.js';
import { renderParams } from './render-params.js';
import { renderPicker } from './render-picker.js';
import { renderCompareControls } from './render-compare.js';
import { renderConversation, imageList } from './render-conversation.js';
import { renderResults } from './render-results.js';
import { diagnose } from './render-checklist.js';
import { costOf } from './cost.js';
import { upstreamInfo } from './upstream-view.js';
import { warmUp } from './warm-up.js';

const LOGIN_HINT = 'You are not signed in to the playground: open the login link printed by `make run` (…/?token=…), then reload this page.';
const NOTICE = 'Playground calls go straight to the provider and bypass the managed gateway: no gateway logs, usage, metrics, budgets, rate limits, guardrails or cache apply. The provider bills every call.';
const SAVE_DELAY_MS = 400;

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
  #saveTimer = 0;
  #saveSeq = 0; // which save is the newest: an older one still writing stops
  #started = false;
  #modelsLoaded = false;
  #notKept = [];

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
    this.#flushSave();
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
      replaceChildren(this.#els.params, renderParams(this.#state.params, this.#messages, () => this.#scheduleSave(), core.parameters()));
    }
    this.#renderAll();
    // The message box is where a test starts (17 Tab presses away otherwise): it takes the
    // focus, without scrolling, unless the embedding page has put it somewhere already.
    const focused = document.activeElement;
    if (core && (!focused || focused === document.body)) this.#els.composerText.focus({ preventScroll: true });
    this.dataset.ready = core ? 'true' : 'error';
    this.dispatchEvent(new CustomEvent('playground-ready', { bubbles: true, composed: true }));
  }

  async #loadModels() {
    replaceChildren(this.#els.picker, h('p', { class: 'hint', text: 'Loading models…' }));
    const reply = await this.#api.models();
    this.#modelsLoaded = true;
    if (!reply.ok) {
      this.#models = [];
      if (reply.status === 401) this.#banner(LOGIN_HINT, 'login');
      else this.#banner(`The model list could not be loaded: ${reply.error?.message ?? `HTTP ${reply.status}`}`);
    } else {
      this.#models = reply.models;
      this.#banner(null);
      this.#fixModelIds();
    }
    this.#renderPicker();
    if (this.#core) {
      this.#renderConversation();
      this.#updateButtons();
    }
  }

  #fixModelIds() {
    const testable = this.#models.filter((m) => m.testable);
    const ids = this.#state.modelIds;
    for (let p = 0; p < ids.length; p++) {
      if (!testable.some((m) => m.id === ids[p])) ids[p] = testable.find((m) => !ids.includes(m.id))?.id ?? testable[0]?.id ?? '';
    }
  }

  #modelById = (id) => this.#models.find((m) => m.id === id);

  #build() {
    const els = this.#els;
    const css = h('link', { rel: 'stylesheet', href: new URL('./playground.css', import.meta.url).href });
    els.version = h('span', { class: 'core-version' });
    els.banner = h('div', { class: 'banner', attrs: { role: 'alert' } });
    els.banner.hidden = true;
    els.picker = h('div', { class: 'picker-box' });
    els.compare = h('div', { class: 'compare-box' });
    els.reload = h('button', { type: 'button', class: 'link reload-models', text: 'Reload the model list', attrs: { 'data-action': 'reload-models' }, on: { click: () => this.#loadModels() } });
    els.probe = h('button', { type: 'button', text: 'Test connection', attrs: { 'data-action': 'probe' }, on: { click: () => this.#run('probe') } });
    // Filled once the core is loaded: which parameters exist is the core's to say.
    els.params = h('div', { class: 'params-box' });

    els.system = h('textarea', { id: uid('system'), rows: 2, value: this.#state.system, attrs: { name: 'system', placeholder: 'You are a helpful assistant.' }, on: { input: (e) => { this.#state.system = e.target.value; this.#scheduleSave(); } } });
    const systemSlot = h('div', { id: uid('msg') });
    this.#messages.register('system', els.system, systemSlot);
    els.conversation = h('div', { class: 'conversation' });

    els.composerText = h('textarea', {
      id: uid('composer'), rows: 4, value: this.#state.composer.text,
      attrs: { name: 'message', placeholder: 'Ask something… (Ctrl+Enter to run; paste an image to attach it)' },
      on: { input: (e) => { this.#state.composer.text = e.target.value; this.#scheduleSave(); }, paste: (e) => this.#onPaste(e) },
    });
    const composerSlot = h('div', { id: uid('msg') });
    this.#messages.register('composer', els.composerText, composerSlot);
    els.file = h('input', { type: 'file', multiple: true, accept: IMAGE_TYPES.join(','), attrs: { 'aria-label': 'Attach image files', tabindex: '-1' }, on: { change: () => this.#onFiles() } });
    els.file.hidden = true;
    els.attach = h('button', { type: 'button', text: 'Attach image', attrs: { 'data-action': 'attach' }, on: { click: () => els.file.click() } });
    els.images = h('div', { class: 'composer-images' });
    els.imageMsg = h('p', { class: 'field-error', attrs: { role: 'alert' } });
    els.imageMsg.hidden = true;
    els.run = h('button', { type: 'button', class: 'primary', text: 'Run', attrs: { 'data-action': 'run', 'aria-keyshortcuts': 'Control+Enter Meta+Enter' }, on: { click: () => this.#run('send') } });
    els.stop = h('button', { type: 'button', text: 'Stop', disabled: true, attrs: { 'data-action': 'stop' }, on: { click: () => this.#stop() } });
    els.retry = h('button', { type: 'button', text: 'Retry last answer', attrs: { 'data-action': 'retry' }, on: { click: () => this.#run('retry') } });
    els.clear = h('button', { type: 'button', text: 'Clear conversation', attrs: { 'data-action': 'clear' }, on: { click: () => this.#clear() } });
    els.general = h('div', { class: 'general-messages', attrs: { 'aria-live': 'polite' } });
    // How each run ended (the checklist's summary, the run's error), read out once by screen
    // readers; the same words are on the page.
    els.announce = h('p', { class: 'sr-only', attrs: { role: 'status', 'aria-live': 'polite', 'data-role': 'outcome' } });
    els.results = h('div', { class: 'results-grid' });

    els.app = h('div', { class: 'app' },
      h('header', { class: 'top' },
        h('div', { class: 'title-row' }, h('h1', { text: 'Model playground' }), els.version),
        h('p', { class: 'notice', attrs: { role: 'note' } }, h('strong', { text: 'Direct to the provider. ' }), NOTICE),
        els.banner),
      h('div', { class: 'layout' },
        h('section', { class: 'setup', attrs: { 'aria-labelledby': 'setup-h' } },
          h('h2', { id: 'setup-h', text: 'Model' }),
          els.picker,
          els.reload,
          els.compare,
          h('div', { class: 'probe' }, els.probe, h('span', { class: 'hint', text: 'A tiny request (“Reply with OK”) that checks the settings without touching the conversation.' })),
          els.params),
        h('section', { class: 'chat', attrs: { 'aria-labelledby': 'chat-h' } },
          h('h2', { id: 'chat-h', text: 'Conversation' }),
          h('div', { class: 'field' }, h('label', { htmlFor: els.system.id, text: 'System prompt' }), els.system, systemSlot),
          els.conversation,
          h('div', { class: 'composer' },
            h('label', { htmlFor: els.composerText.id, text: 'Your message' }),
            els.composerText, composerSlot, els.images, els.imageMsg, els.file,
            h('div', { class: 'row actions' }, els.run, els.stop, els.attach, els.retry, els.clear),
            h('p', { class: 'hint billing', text: 'Runs go straight to the provider (not through the gateway) and are billed by the provider.' })),
          els.general),
        h('section', { class: 'results', attrs: { 'aria-labelledby': 'results-h' } },
          h('h2', { id: 'results-h', text: 'Results' }),
          els.results)),
      els.announce);
    this.#root.replaceChildren(css, els.app);
    this.#root.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        this.#run('send');
      }
    });
    // Nothing typed is lost when the tab goes away mid-debounce.
    window.addEventListener('pagehide', () => this.#flushSave());
  }

  // ---- rendering ------------------------------------------------------------------------

  #renderAll() {
    this.#renderPicker();
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
          models: this.#models, modelIds: this.#state.modelIds, paneCount, messages: this.#messages,
          onSelect: (p, id) => { this.#state.modelIds[p] = id; this.#scheduleSave(); this.#renderPicker(); },
        }));
      }
      replaceChildren(this.#els.compare, renderCompareControls({
        compare: this.#state.compare, paneCount, running: this.#running,
        onToggle: (on) => this.#setCompare(on),
        onAdd: () => this.#addPane(),
        onRemove: () => this.#removePane(),
      }));
    });
    this.#els.app.classList.toggle('compare', this.#state.compare);
    this.#els.app.dataset.panes = String(paneCount);
  }

  #renderConversation() {
    this.#withFocus(() => replaceChildren(this.#els.conversation, renderConversation({
      state: this.#state, modelById: this.#modelById, paneCount: activePaneCount(this.#state), editing: this.#editing, running: this.#running,
      on: {
        edit: (turn, pane) => { this.#editing = { turn, pane }; this.#renderConversation(); },
        cancelEdit: () => { this.#editing = null; this.#renderConversation(); },
        saveEdit: (turn, pane, text) => this.#saveEdit(turn, pane, text),
        retry: (pane) => this.#run('retry', { panes: [pane] }),
      },
      registerLive: (turn, pane, refs) => this.#live.attach(pane, refs),
    })));
  }

  #renderComposerImages() {
    replaceChildren(this.#els.images,
      imageList(this.#state.composer.images, (i) => { this.#state.composer.images.splice(i, 1); this.#renderComposerImages(); this.#scheduleSave(); }),
      this.#notKept.length ? h('p', { class: 'hint', attrs: { 'data-note': 'not-kept' }, text: `Not kept across a reload (too large for browser storage): ${this.#notKept.join(', ')}.` }) : null);
  }

  #renderResults() {
    const count = activePaneCount(this.#state);
    const cards = [];
    for (let p = 0; p < count; p++) {
      const r = this.#results[p];
      cards.push(r ? renderResults(r, p) : h('article', { class: 'pane-results empty', dataset: { pane: p } },
        h('p', { class: 'hint', text: 'Run a message or test the connection: the times, tokens, cost and checklist show here.' })));
    }
    replaceChildren(this.#els.results, ...cards);
  }

  #renderResultsPane(p) {
    const old = this.#els.results.querySelector(`.pane-results[data-pane="${p}"]`);
    const card = renderResults(this.#results[p], p);
    if (old) old.replaceWith(card); else this.#els.results.appendChild(card);
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
    this.#els.app.dataset.running = String(this.#running);
  }

  /** Re-renders without losing the focused control (matched by its name or action). */
  #withFocus(fn) {
    const active = this.#root.activeElement;
    const key = active && (active.getAttribute('name') ? `[name="${active.getAttribute('name')}"]` : active.dataset?.action ? `[data-action="${active.dataset.action}"]` : null);
    fn();
    if (key && !this.#root.activeElement) this.#root.querySelector(key)?.focus();
  }

  #banner(text, kind = 'error') {
    const b = this.#els.banner;
    if (!b) return;
    if (!text) { b.hidden = true; b.textContent = ''; delete b.dataset.kind; return; }
    b.textContent = text;
    b.dataset.kind = kind;
    b.hidden = false;
  }

  #showGeneral(items) {
    replaceChildren(this.#els.general, items.length ? h('ul', {}, ...items.map((i) => h('li', {
      class: i.severity === 'error' ? 'field-error' : 'field-warning',
    }, `${i.prefix ?? ''}${i.where ? `${i.where}: ` : ''}${i.message}`))) : null);
  }

  // ---- compare --------------------------------------------------------------------------

  #setCompare(on) {
    this.#state.compare = on;
    if (on && this.#state.modelIds.length < 2) this.#addModelId();
    this.#afterPaneChange();
  }

  #addPane() {
    if (this.#state.modelIds.length >= MAX_PANES) return;
    this.#addModelId();
    this.#afterPaneChange();
  }

  #removePane() {
    if (this.#state.modelIds.length <= 2) return;
    this.#state.modelIds.pop();
    this.#results.length = Math.min(this.#results.length, this.#state.modelIds.length);
    this.#afterPaneChange();
  }

  #addModelId() {
    const ids = this.#state.modelIds;
    const testable = this.#models.filter((m) => m.testable);
    ids.push(testable.find((m) => !ids.includes(m.id))?.id ?? testable[0]?.id ?? '');
  }

  #afterPaneChange() {
    this.#scheduleSave();
    this.#renderPicker();
    this.#renderConversation();
    this.#renderResults();
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
    const problems = [];
    for (const file of files) {
      const problem = imageProblem(file);
      if (problem) { problems.push(problem); continue; }
      try {
        this.#state.composer.images.push(await readImage(file));
      } catch (err) {
        problems.push(`${file.name}: ${err.message}`);
      }
    }
    this.#els.imageMsg.textContent = problems.join(' ');
    this.#els.imageMsg.hidden = !problems.length;
    this.#renderComposerImages();
    this.#scheduleSave();
  }

  // ---- runs -----------------------------------------------------------------------------

  #panes(only) {
    const count = activePaneCount(this.#state);
    const out = [];
    for (let p = 0; p < count; p++) {
      if (only && !only.includes(p)) continue;
      out.push({ p, model: this.#modelById(this.#state.modelIds[p]) });
    }
    return out;
  }

  /**
   * mode: "send" (the composer as a new turn), "retry" (the last turn again), "edit" (a
   * changed past message and what follows it), "probe" (Test connection).
   */
  async #run(mode, { panes: only, turn: editTurn, text: editText } = {}) {
    if (this.#running || !this.#core) return;
    const state = this.#state;
    if (mode === 'send' && !state.composer.text.trim() && !state.composer.images.length && state.turns.length) {
      const last = state.turns[state.turns.length - 1];
      const unanswered = this.#panes().some(({ p }) => !last.answers[p] || last.answers[p].status !== 'done');
      if (unanswered) mode = 'retry';
    }
    if (mode === 'retry' && !state.turns.length) return;
    const panes = this.#panes(only);
    const compare = activePaneCount(state) > 1;

    // 1. Build every pane's request; nothing is sent unless all of them are valid.
    const errors = [];
    const warnings = [];
    const missing = panes.filter(({ model }) => !model || !model.testable);
    if (missing.length) {
      for (const { p } of missing) errors.push({ field: p === 0 ? 'model' : '', message: compare ? `choose model ${p + 1} first` : 'choose a model first' });
      this.#showErrors(errors, [], null);
      return;
    }
    const plans = panes.map(({ p, model }) => {
      let form;
      let origins = [];
      let localErrors = [];
      if (mode === 'probe') {
        form = probeForm(model);
      } else {
        const view = mode === 'edit' ? this.#editedView(editTurn, editText) : state;
        const upTo = mode === 'send' ? view.turns.length - 1 : mode === 'edit' ? editTurn : view.turns.length - 1;
        const pending = mode === 'send' ? state.composer : null;
        ({ form, origins, localErrors } = paneForm(view, p, model, { upTo, pending, parameters: this.#core.parameters() }));
      }
      const built = this.#core.buildRequest(form);
      const prefix = compare ? `${model.display_name}: ` : '';
      for (const e of [...localErrors, ...(built.ok ? [] : built.errors)]) errors.push({ ...e, prefix, origins, pane: p });
      for (const w of built.warnings ?? []) warnings.push({ ...w, prefix, origins, pane: p });
      return { p, model, built };
    });
    if (!this.#showErrors(dedupe(errors, panes.length), dedupe(warnings, panes.length), mode === 'edit' ? 'edit' : null)) return;

    // 2. Commit the conversation change, then send.
    let turnIndex = -1;
    if (mode === 'send') {
      state.turns.push({ user: { text: state.composer.text, images: state.composer.images }, answers: [] });
      state.composer = { text: '', images: [] };
      this.#els.composerText.value = '';
      this.#renderComposerImages();
      turnIndex = state.turns.length - 1;
    } else if (mode === 'retry') {
      turnIndex = state.turns.length - 1;
    } else if (mode === 'edit') {
      state.turns[editTurn].user.text = editText;
      state.turns.length = editTurn + 1;
      state.turns[editTurn].answers = [];
      this.#editing = null;
      turnIndex = editTurn;
    }

    this.#running = true;
    this.#els.announce.textContent = ''; // the outcome is said again even when it is the same
    this.#controller = new AbortController();
    const signal = this.#controller.signal;
    const label = mode === 'probe' ? 'Connection test' : `Message ${turnIndex + 1}`;
    for (const { p, model, built } of plans) {
      if (turnIndex >= 0) {
        const answer = { modelId: model.id, content: '', reasoning: '', finishReason: null, status: 'running', error: null };
        state.turns[turnIndex].answers[p] = answer;
        this.#live.start(p, answer);
      }
      this.#results[p] = { label, model, body: built.body, warnings: built.warnings ?? [], running: true, upstream: upstreamInfo(this.#core, model, built.body) };
    }
    this.#renderPicker();
    this.#renderConversation();
    this.#renderResults();
    this.#updateButtons();

    const panesDone = Promise.all(plans.map((plan) => this.#runPane(plan, turnIndex, signal, compare)));
    // The calls are on their way; the conversation change is saved in a task of its own.
    await yieldToBrowser();
    this.#saveSoon();
    await panesDone;

    this.#running = false;
    this.#controller = null;
    this.#renderPicker();
    this.#renderConversation();
    this.#updateButtons();
    this.#announceOutcome(plans, compare);
    await yieldToBrowser();
    // The answer can be a megabyte: saved a part per task, so no frame waits on the write.
    await this.#saveSoon();
    // Tests (and embedding pages) can wait on this count.
    this.dataset.runs = String(Number(this.dataset.runs ?? 0) + 1);
    this.dispatchEvent(new CustomEvent('playground-run-end', { bubbles: true, composed: true }));
  }

  async #runPane({ p, model, built }, turnIndex, signal, compare) {
    const core = this.#core;
    const run = await runOnce({
      core, api: this.#api, model, body: built.body, signal,
      onDelta: (delta) => { if (turnIndex >= 0) this.#live.push(p, delta); },
    });
    // What arrived is written out a frame's worth at a time before the answer is final
    // (all at once after Stop: a display running behind never holds Stop back).
    if (turnIndex >= 0) await this.#live.finish(p, signal);
    // What follows (checklist, cost, re-render) is work of its own: let a frame through first.
    await yieldToBrowser();
    const error = this.#errorText(run);
    if (run.relayError?.kind === 'unauthorized') this.#banner(LOGIN_HINT, 'login');
    // The relay checks the body again with the same core rules; if it still finds errors
    // (a relay with other limits), list them: their paths are the body's, not the form's.
    if (run.relayError?.kind === 'invalid_request' && Array.isArray(run.relayError.errors)) {
      const prefix = compare ? `${model.display_name}: ` : '';
      this.#showGeneral(run.relayError.errors.map((e) => ({
        severity: 'error', prefix, where: `the relay refused ${String(e.field ?? '') || 'the body'}`, message: String(e.message ?? ''),
      })));
    }
    if (turnIndex >= 0) {
      const answer = this.#state.turns[turnIndex]?.answers[p];
      if (answer) {
        if (run.result) {
          answer.content = run.result.content || answer.content;
          answer.reasoning = run.result.reasoning || answer.reasoning;
          answer.finishReason = run.result.finishReason;
        }
        answer.status = run.aborted ? 'stopped' : error ? 'error' : 'done';
        answer.error = run.aborted ? null : error;
      }
      // The answer's final state first (Stop shows at once), the checklist after it.
      this.#renderConversation();
      await yieldToBrowser();
    }
    const diagnosis = diagnose(core, run.outcome);
    await yieldToBrowser();
    this.#results[p] = {
      ...this.#results[p],
      running: false,
      run,
      diagnosis,
      cost: costOf(core, run.result?.usage, model.cost),
      probeAnswer: turnIndex < 0 ? (run.result?.content ?? '') : undefined,
    };
    this.#renderResultsPane(p);
  }

  /** Puts how the run ended, per pane, in the live region. */
  #announceOutcome(plans, compare) {
    this.#els.announce.textContent = plans.map(({ p, model }) => {
      const r = this.#results[p];
      const parts = [compare ? `${model.display_name}:` : ''];
      if (r?.run?.aborted) parts.push(compare ? 'stopped.' : 'Stopped.');
      else parts.push(r?.diagnosis?.summary ?? '', r?.run ? this.#errorText(r.run) ?? '' : '');
      return parts.filter(Boolean).join(' ');
    }).join(' ');
  }

  /** One line for the answer when the run failed, or null. */
  #errorText(run) {
    if (run.aborted) return null;
    if (run.relayError) {
      if (run.relayError.kind === 'unauthorized') return LOGIN_HINT;
      return `Relay (${run.relayError.kind}): ${run.relayError.message}`;
    }
    if (run.status >= 400) {
      const parsed = this.#core.parseError(run.status, run.contentType, run.raw);
      return `Provider answered HTTP ${run.status}${parsed.code ? ` (${parsed.code})` : ''}: ${parsed.message}`;
    }
    if (run.result && !run.result.ok) {
      const first = run.result.findings.find((f) => f.severity === 'error');
      return first ? `The answer is not a valid chat completion: ${first.message}` : 'The answer is not a valid chat completion.';
    }
    return null;
  }

  /** The state as it would be with a past user message edited (not yet committed). */
  #editedView(turn, text) {
    const turns = this.#state.turns.slice(0, turn + 1).map((t, i) => (i === turn ? { ...t, user: { ...t.user, text }, answers: [] } : t));
    return { ...this.#state, turns };
  }

  /**
   * Shows build errors at their fields (or in the list under the composer). Returns true
   * when there is no error, i.e. the run may go ahead.
   */
  #showErrors(errors, warnings, editing) {
    const resolve = (item) => (path) => {
      const m = /^messages\[(\d+)\](.*)$/.exec(path);
      if (!m) return path;
      const origin = item.origins?.[Number(m[1])];
      if (origin?.turn === -1) return `composer${m[2]}`;
      item.where = origin ? `message ${origin.turn + 1} (${origin.role === 'user' ? 'yours' : 'the answer'})` : editing ? 'the edited message' : 'a message';
      return '';
    };
    const unplaced = [];
    this.#messages.clear();
    // Each item resolves its own message index (panes build different message lists).
    const placedErrors = [];
    const placedWarnings = [];
    for (const e of errors) {
      const path = resolve(e)(e.field ?? '');
      if (path) placedErrors.push({ ...e, field: path }); else unplaced.push({ ...e, severity: 'error' });
    }
    for (const w of warnings) {
      const path = resolve(w)(w.path ?? '');
      if (path) placedWarnings.push({ ...w, field: path, path: undefined }); else unplaced.push({ ...w, severity: 'warning' });
    }
    unplaced.push(...this.#messages.show({ errors: placedErrors, warnings: placedWarnings }));
    this.#showGeneral(unplaced);
    if (errors.length) {
      const target = this.#messages.firstInvalid();
      target?.focus();
      return false;
    }
    return true;
  }

  #saveEdit(turn, pane, text) {
    if (pane === undefined) {
      this.#run('edit', { turn, text });
      return;
    }
    const answer = this.#state.turns[turn]?.answers[pane];
    if (answer) { answer.content = text; answer.status = 'done'; answer.error = null; }
    this.#editing = null;
    this.#renderConversation();
    this.#scheduleSave();
  }

  #stop() {
    this.#controller?.abort();
  }

  #clear() {
    if (this.#running) return;
    this.#state.turns = [];
    this.#results = [];
    this.#editing = null;
    this.#messages.clear();
    this.#showGeneral([]);
    this.#renderConversation();
    this.#renderResults();
    this.#updateButtons();
    this.#flushSave();
    this.#els.composerText.focus();
  }

  // ---- persistence ----------------------------------------------------------------------

  #scheduleSave() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#saveSoon(), SAVE_DELAY_MS);
    this.#updateButtons();
  }

  /** Saves now, whatever the size, in this task: for unload and disconnect. */
  #flushSave() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = 0;
    this.#saveSeq++; // a save still writing its parts stops
    this.#saved(save(this.#state));
  }

  /** Saves a part per task (see storage.js); resolves when written or superseded. */
  async #saveSoon() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = 0;
    const seq = ++this.#saveSeq;
    const result = await saveInSteps(this.#state, { step: yieldToBrowser, current: () => seq === this.#saveSeq });
    if (!result.superseded) this.#saved(result);
  }

  #saved({ dropped }) {
    const changed = dropped.join('\n') !== this.#notKept.join('\n');
    this.#notKept = dropped;
    if (changed && this.#els.images) this.#renderComposerImages();
  }
}

/** The same message for every pane is shown once, without the model prefix. */
function dedupe(items, paneCount) {
  const groups = new Map();
  for (const item of items) {
    const key = `${item.field ?? item.path}\n${item.message}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return [...groups.values()].map((group) => (group.length === paneCount ? { ...group[0], prefix: '' } : group[0]));
}

if (!customElements.get('model-playground')) customElements.define('model-playground', ModelPlayground);
