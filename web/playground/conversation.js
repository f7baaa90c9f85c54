// The page's state transitions, as pure functions on the plain state (state.js): which panes
// run, what a run changes in the conversation before and after it, compare mode's panes, an
// edited answer, a cleared conversation. No DOM and no I/O: element.js calls these and renders.
import { MAX_PANES, activePaneCount } from './state.js';

/**
 * @typedef {import('./state.js').PageState} PageState
 * @typedef {import('./state.js').Answer} Answer
 * @typedef {{ id: string, testable?: boolean, display_name?: string }} ListedModel
 * @typedef {'send' | 'retry' | 'edit' | 'probe'} RunMode
 */

/**
 * The mode a run really has: Run with an empty composer after a turn some pane has not
 * answered retries that turn.
 * @param {PageState} state
 * @param {RunMode} mode
 * @returns {RunMode}
 */
export function effectiveMode(state, mode) {
  if (mode !== 'send' || state.composer.text.trim() || state.composer.images.length || !state.turns.length) return mode;
  const last = state.turns[state.turns.length - 1];
  for (let p = 0; p < activePaneCount(state); p++) {
    if (!last.answers[p] || last.answers[p].status !== 'done') return 'retry';
  }
  return mode;
}

/**
 * The panes a run covers (every active one, or `only` those), each with its model.
 * @template {ListedModel} M
 * @param {PageState} state
 * @param {(id: string) => M | undefined} modelById
 * @param {number[]} [only]
 * @returns {{ p: number, model: M | undefined }[]}
 */
export function runPanes(state, modelById, only) {
  const out = [];
  for (let p = 0; p < activePaneCount(state); p++) {
    if (only && !only.includes(p)) continue;
    out.push({ p, model: modelById(state.modelIds[p]) });
  }
  return out;
}

/**
 * @typedef {'failed' | 'no_text' | 'no_answer'} LeftOutReason
 * @typedef {{ turn: number, why: LeftOutReason }} LeftOut
 */

/**
 * The earlier turns (those before `contextEnd`) a pane's next request leaves out: a turn whose
 * answer from this pane failed, has no text (stopped before the first word, or empty), or is
 * missing. Sent, its user message would sit next to the following one, and providers that
 * require alternating roles answer 400 to [user, user]. With `state.history` "all", none is
 * left out (the user chose to send them).
 * @param {PageState} state
 * @param {number} pane
 * @param {number} contextEnd  the first turn not counted as history (the turn being run, or turns.length)
 * @returns {LeftOut[]}
 */
export function leftOutTurns(state, pane, contextEnd) {
  return state.history === 'all' ? [] : unansweredTurns(state, pane, contextEnd);
}

/**
 * The earlier turns without a usable answer from this pane, whatever `state.history` says.
 * @param {PageState} state
 * @param {number} pane
 * @param {number} contextEnd
 * @returns {LeftOut[]}
 */
export function unansweredTurns(state, pane, contextEnd) {
  /** @type {LeftOut[]} */
  const out = [];
  for (let t = 0; t < Math.min(contextEnd, state.turns.length); t++) {
    const answer = state.turns[t].answers[pane];
    if (answer?.status === 'running') continue; // its run decides
    if (!answer) out.push({ turn: t, why: 'no_answer' });
    else if (answer.status === 'error') out.push({ turn: t, why: 'failed' });
    else if (!answer.content) out.push({ turn: t, why: 'no_text' });
  }
  return out;
}

/**
 * @typedef {{ pane: number, total: number, sent: number, leftOut: LeftOut[], unanswered: LeftOut[] }} PaneHistory
 */

/**
 * What pressing Run now would send as history, per active pane: how many earlier turns there
 * are, how many go, which are left out, and which have no usable answer (sent anyway when the
 * user chose "all"). Run with an empty composer retries the last turn (effectiveMode), so
 * that turn is then the question, not history.
 * @param {PageState} state
 * @returns {PaneHistory[]}
 */
export function nextRunHistory(state) {
  const retry = effectiveMode(state, 'send') === 'retry';
  const total = Math.max(0, retry ? state.turns.length - 1 : state.turns.length);
  const out = [];
  for (let p = 0; p < activePaneCount(state); p++) {
    const leftOut = leftOutTurns(state, p, total);
    out.push({ pane: p, total, sent: total - leftOut.length, leftOut, unanswered: unansweredTurns(state, p, total) });
  }
  return out;
}

/**
 * The state as it would be with past user message `turn` edited to `text` (not committed).
 * @param {PageState} state
 * @param {number} turn
 * @param {string} text
 * @returns {PageState}
 */
export function editedView(state, turn, text) {
  const turns = state.turns.slice(0, turn + 1).map((t, i) => (i === turn ? { ...t, user: { ...t.user, text }, answers: [] } : t));
  return { ...state, turns };
}

/**
 * Commits the conversation change a run makes before it is sent: "send" makes the composer a
 * new turn (and empties it), "edit" rewrites a past message and drops what followed it,
 * "retry" runs the last turn again. Returns the turn the answers go to (-1 for a probe).
 * @param {PageState} state  changed in place
 * @param {RunMode} mode
 * @param {{ turn?: number, text?: string }} [edit]
 * @returns {number}
 */
export function commitRun(state, mode, { turn = -1, text = '' } = {}) {
  if (mode === 'send') {
    state.turns.push({ user: { text: state.composer.text, images: state.composer.images }, answers: [] });
    state.composer = { text: '', images: [] };
    return state.turns.length - 1;
  }
  if (mode === 'retry') return state.turns.length - 1;
  if (mode === 'edit') {
    state.turns[turn].user.text = text;
    state.turns.length = turn + 1;
    state.turns[turn].answers = [];
    return turn;
  }
  return -1;
}

/**
 * A pane's answer while it runs, put in its turn.
 * @param {PageState} state  changed in place
 * @param {number} turn
 * @param {number} pane
 * @param {string} modelId
 * @returns {Answer}
 */
export function startAnswer(state, turn, pane, modelId) {
  /** @type {Answer} */
  const answer = { modelId, content: '', reasoning: '', finishReason: null, status: 'running', error: null };
  state.turns[turn].answers[pane] = answer;
  return answer;
}

/**
 * An answer once its run is over: its text is the run's Result (what the stream gathered),
 * its status stopped, failed or done.
 * @param {Answer} answer  changed in place
 * @param {{ aborted?: boolean, result?: { content?: string, reasoning?: string, finishReason?: string | null } | null }} run
 * @param {string | null} error  the run's one-line failure (messages.js errorText), or null
 */
export function settleAnswer(answer, run, error) {
  if (run.result) {
    answer.content = run.result.content ?? '';
    answer.reasoning = run.result.reasoning ?? '';
    answer.finishReason = run.result.finishReason ?? null;
  }
  answer.status = run.aborted ? 'stopped' : error ? 'error' : 'done';
  answer.error = run.aborted ? null : error;
}

/**
 * A failed answer takes its checklist's summary and advice (verdict.js verdictOf), so the
 * verdict is beside the failure; any other answer has none.
 * @param {Answer | null | undefined} answer  changed in place
 * @param {import('./verdict.js').Verdict | null} verdict
 */
export function settleVerdict(answer, verdict) {
  if (answer) answer.verdict = answer.status === 'error' ? verdict : null;
}

/**
 * An answer edited by hand: kept as the answer, with no error.
 * @param {PageState} state  changed in place
 * @returns {boolean} whether there was such an answer
 */
export function editAnswer(state, turn, pane, text) {
  const answer = state.turns[turn]?.answers[pane];
  if (!answer) return false;
  answer.content = text;
  answer.status = 'done';
  answer.error = null;
  answer.verdict = null;
  return true;
}

/**
 * A model id for a new pane: a testable model no pane shows yet, else the first testable one.
 * @param {string[]} ids
 * @param {ListedModel[]} models
 */
function freeModelId(ids, models) {
  const testable = models.filter((m) => m.testable);
  return testable.find((m) => !ids.includes(m.id))?.id ?? testable[0]?.id ?? '';
}

/**
 * Every pane on a model the list has and can test (a saved id the list no longer has, or
 * that is not testable, is replaced).
 * @param {PageState} state  changed in place
 * @param {ListedModel[]} models
 */
export function fixModelIds(state, models) {
  const ids = state.modelIds;
  for (let p = 0; p < ids.length; p++) {
    if (!models.some((m) => m.testable && m.id === ids[p])) ids[p] = freeModelId(ids, models);
  }
}

/**
 * Compare mode on or off; turning it on with one pane adds a second.
 * @param {PageState} state  changed in place
 * @param {boolean} on
 * @param {ListedModel[]} models
 */
export function setCompare(state, on, models) {
  state.compare = on;
  if (on && state.modelIds.length < 2) state.modelIds.push(freeModelId(state.modelIds, models));
}

/**
 * One more pane, up to MAX_PANES. Returns whether one was added.
 * @param {PageState} state  changed in place
 * @param {ListedModel[]} models
 */
export function addPane(state, models) {
  if (state.modelIds.length >= MAX_PANES) return false;
  state.modelIds.push(freeModelId(state.modelIds, models));
  return true;
}

/**
 * One pane fewer, never under two; `results` (per pane) is cut to match. Returns whether one was removed.
 * @param {PageState} state  changed in place
 * @param {unknown[]} results  changed in place
 */
export function removePane(state, results) {
  if (state.modelIds.length <= 2) return false;
  state.modelIds.pop();
  results.length = Math.min(results.length, state.modelIds.length);
  if (state.checks) state.checks.length = Math.min(state.checks.length, state.modelIds.length);
  return true;
}

/**
 * The state to save while panes run: each running answer with the text drawn so far (its
 * text is the run's until the run ends), so a tab closed mid-answer keeps what was shown.
 * @param {PageState} state
 * @param {(pane: number) => { content: string, reasoning: string }} drawn
 * @returns {PageState}
 */
export function withDrawnAnswers(state, drawn) {
  if (!state.turns.some((t) => t.answers.some((a) => a?.status === 'running'))) return state;
  return {
    ...state,
    turns: state.turns.map((t) => (t.answers.some((a) => a?.status === 'running')
      ? { ...t, answers: t.answers.map((a, p) => (a?.status === 'running' ? { ...a, ...drawn(p) } : a)) }
      : t)),
  };
}
