// "Check all" (issue 19, item 1): the page's "Test connection" probe on every testable model,
// a few at a time, with what the page keeps of each result. Pure: no DOM, no fetch, the time
// is passed in; the probes themselves are render-check-all.js's (the page's own run.js).
//
// - Which models: the relay's model list says which are testable; the others are listed with
//   the core's reason and never probed. A multi-target model's targets (its `targets`, names
//   or ids of other models) can be checked one by one: that tests the targets, not the routing.
// - How many at once: at most MAX_AT_ONCE, and one less than the relay's per-user limit
//   (GET /api/playground/status, limits.concurrentPerUser) so the page's own Run keeps a slot;
//   never below one; one when the relay does not say its limit.
// - The verdict of a row comes from the core's diagnosis: its verdict word, the failed step and
//   that step's code (or, when no setting failed, the first condition's kind); never from text.
// - What is kept across a reload (in the page state, saved by storage.js): per model, when it
//   was checked and verdict.js's KeptResult (the checklist, status, times, tokens, cost) — never
//   the request, the answer or a key. A result older than STALE_AFTER_MS reads as stale.
import { keepResult, normalizeKept } from './verdict.js';

/** A result older than this (one hour) is shown as stale: the configuration or the provider may have changed since. */
export const STALE_AFTER_MS = 60 * 60 * 1000;
/** Never more probes at once than this, whatever the relay allows. */
export const MAX_AT_ONCE = 3;
/** At most this many models' results are kept (the newest). */
export const MAX_KEPT = 200;

/**
 * @typedef {import('../core.js').PublicModel} PublicModel
 * @typedef {import('../core.js').Diagnosis} Diagnosis
 * @typedef {import('./verdict.js').KeptResult} KeptResult
 * @typedef {{ at: string, kept: KeptResult }} SavedCheck  one model's last completed probe
 * @typedef {{ results: Record<string, SavedCheck> }} CheckAllState  what the page state keeps (`checkAll`)
 * @typedef {{ verdict: 'pass' | 'warn' | 'fail', step: string | null, code: string | null }} CheckVerdict
 * @typedef {'queued' | 'running' | 'stopped'} LiveStatus
 * @typedef {{ id: string, model: PublicModel, testable: boolean, reason: string, targets: string[],
 *   status: 'none' | 'done' | 'not_testable' | LiveStatus, verdict: CheckVerdict | null, summary: string,
 *   firstTokenMs: number | null, totalMs: number | null, usage: any, cost: any,
 *   at: string | null, ago: string | null, stale: boolean }} CheckRow
 */

/** An empty state. */
export function emptyCheckAll() {
  return { results: {} };
}

/**
 * How many probes run at once.
 * @param {{ concurrentPerUser?: number } | null | undefined} limits  the status route's `limits`
 */
export function concurrencyFor(limits) {
  const limit = Number(limits?.concurrentPerUser);
  if (!Number.isInteger(limit) || limit < 1) return 1;
  return Math.max(1, Math.min(MAX_AT_ONCE, limit - 1));
}

/**
 * The models a check covers, in list order: those probed (testable) and those listed with
 * their reason. `ids` narrows it to a selection.
 * @param {PublicModel[]} models
 * @param {{ ids?: Iterable<string> | null }} [options]
 */
export function planCheck(models, { ids = null } = {}) {
  const wanted = ids ? new Set(ids) : null;
  const chosen = (models ?? []).filter((m) => !wanted || wanted.has(m.id));
  return { probes: chosen.filter((m) => m.testable), untestable: chosen.filter((m) => !m.testable) };
}

/**
 * A multi-target model's targets as models of the list: those that can be probed, and those
 * that cannot (not in the list, or not testable themselves), each with why.
 * @param {PublicModel} model
 * @param {PublicModel[]} models
 */
export function targetsOf(model, models) {
  const probes = [];
  const skipped = [];
  for (const name of model?.targets ?? []) {
    const target = (models ?? []).find((m) => m.display_name === name) ?? (models ?? []).find((m) => m.id === name);
    if (!target) skipped.push({ name, reason: 'not in the model list' });
    else if (!target.testable) skipped.push({ name, reason: target.reason || 'not testable here' });
    else if (!probes.includes(target)) probes.push(target);
  }
  return { probes, skipped };
}

/**
 * The row's verdict from the core's diagnosis: its verdict word, the step that failed and
 * that step's code; when no step failed (a rate limit, an outage, a cut answer), the first
 * condition's kind as the code.
 * @param {Diagnosis | null | undefined} diagnosis
 * @returns {CheckVerdict | null}
 */
export function checkVerdict(diagnosis) {
  if (!diagnosis || !['pass', 'warn', 'fail'].includes(diagnosis.verdict)) return null;
  const failed = (diagnosis.steps ?? []).find((s) => s?.status === 'fail') ?? null;
  const condition = (diagnosis.conditions ?? [])[0]?.kind ?? null;
  return {
    verdict: diagnosis.verdict,
    step: failed?.step ?? null,
    code: failed ? (failed.code ?? null) : (diagnosis.verdict === 'pass' ? null : condition),
  };
}

/**
 * The verdict in a few words, for the table and the picker's badge: "pass", "pass (truncated)",
 * "fail: key (key_rejected)", "fail (rate_limit)".
 * @param {CheckVerdict | null} v
 * @param {{ short?: boolean }} [options]  short: without the code ("fail: key")
 */
export function verdictText(v, { short = false } = {}) {
  if (!v) return '';
  if (v.verdict === 'pass') return 'pass';
  if (v.verdict === 'warn') return short || !v.code ? 'pass' : `pass (${v.code})`;
  if (v.step) return short || !v.code ? `fail: ${v.step}` : `fail: ${v.step} (${v.code})`;
  return v.code ? `fail (${v.code})` : 'fail';
}

/**
 * How long ago, as "checked 12 min ago".
 * @param {string | null | undefined} iso
 * @param {number} now  ms since the epoch
 */
export function agoText(iso, now) {
  const at = Date.parse(String(iso ?? ''));
  if (!Number.isFinite(at)) return null;
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 10) return 'checked just now';
  if (s < 60) return `checked ${s} s ago`;
  if (s < 3600) return `checked ${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `checked ${Math.floor(s / 3600)} h ago`;
  return `checked ${Math.floor(s / 86_400)} d ago`;
}

/**
 * Whether a result is too old to trust (STALE_AFTER_MS); an unreadable time is stale.
 * @param {string | null | undefined} iso
 * @param {number} now
 */
export function isStale(iso, now, after = STALE_AFTER_MS) {
  const at = Date.parse(String(iso ?? ''));
  return !Number.isFinite(at) || now - at > after;
}

/** A text on one line, at most `max` characters. */
export function oneLine(text, max = 180) {
  const line = String(text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * One completed probe as it is kept: when, and verdict.js's KeptResult (the checklist, the
 * status, times, tokens and cost; never the request or the answer). Null when nothing can be
 * kept (a stopped probe says nothing about the model).
 * @param {{ model: PublicModel, run: any, diagnosis: Diagnosis, cost?: any }} result
 * @param {number} now
 * @returns {SavedCheck | null}
 */
export function keepCheck(result, now) {
  if (!result?.run || result.run.aborted) return null;
  const kept = keepResult({ label: 'Check all', model: result.model, run: result.run, diagnosis: result.diagnosis, cost: result.cost ?? null });
  return kept ? { at: new Date(now).toISOString(), kept } : null;
}

/**
 * A saved `checkAll` made safe to use: each entry whole and typed (verdict.js's checks), keyed
 * by its model's id, at most MAX_KEPT (the newest); anything else dropped.
 * @param {unknown} saved
 * @returns {CheckAllState}
 */
export function normalizeCheckAll(saved) {
  const out = emptyCheckAll();
  const results = saved && typeof saved === 'object' ? /** @type {any} */ (saved).results : null;
  if (!results || typeof results !== 'object' || Array.isArray(results)) return out;
  const entries = [];
  for (const [id, entry] of Object.entries(results)) {
    if (!entry || typeof entry !== 'object' || !Number.isFinite(Date.parse(String(entry.at)))) continue;
    const [kept] = normalizeKept([entry.kept]);
    if (!kept || kept.model.id !== id) continue;
    delete kept.probeAnswer; // never kept; a hand-edited save cannot add it
    entries.push([id, { at: new Date(Date.parse(entry.at)).toISOString(), kept }]);
  }
  entries.sort((a, b) => Date.parse(b[1].at) - Date.parse(a[1].at));
  for (const [id, entry] of entries.slice(0, MAX_KEPT)) out.results[id] = entry;
  return out;
}

/**
 * Records a completed probe in the state (in place); an aborted one is not recorded.
 * @param {CheckAllState} state
 * @param {Parameters<typeof keepCheck>[0]} result
 * @param {number} now
 * @returns {boolean}  whether it was recorded
 */
export function recordCheck(state, result, now) {
  const saved = keepCheck(result, now);
  if (!saved) return false;
  state.results[saved.kept.model.id] = saved;
  const ids = Object.keys(state.results);
  if (ids.length > MAX_KEPT) {
    ids.sort((a, b) => Date.parse(state.results[a].at) - Date.parse(state.results[b].at));
    for (const id of ids.slice(0, ids.length - MAX_KEPT)) delete state.results[id];
  }
  return true;
}

/**
 * The table's rows, one per model of the list, in list order: its last kept result (with how
 * long ago and whether stale), or its place in a check that is running.
 * @param {PublicModel[]} models
 * @param {CheckAllState} state
 * @param {Map<string, LiveStatus>} live  the running check's models
 * @param {number} now
 * @returns {CheckRow[]}
 */
export function checkRows(models, state, live, now) {
  return (models ?? []).map((model) => {
    const saved = model.testable ? state.results[model.id] ?? null : null;
    const kept = saved?.kept ?? null;
    const liveStatus = live.get(model.id) ?? null;
    const timing = kept?.run.timing ?? null;
    return {
      id: model.id,
      model,
      testable: model.testable === true,
      reason: model.testable ? '' : (model.reason || 'not testable here'),
      targets: model.testable ? [] : [...(model.targets ?? [])],
      status: !model.testable ? 'not_testable' : liveStatus ?? (saved ? 'done' : 'none'),
      verdict: kept ? checkVerdict(kept.diagnosis) : null,
      summary: kept ? oneLine(kept.diagnosis.summary) : '',
      // The relay's own answer (refused, DNS, a timeout) timed the relay, not a provider's first token.
      firstTokenMs: timing && !(kept?.run.relayError && !kept.run.streamed) ? timing.firstToken ?? timing.firstByte : null,
      totalMs: timing?.total ?? null,
      usage: kept?.run.result?.usage ?? null,
      cost: kept?.cost ?? null,
      at: saved?.at ?? null,
      ago: saved ? agoText(saved.at, now) : null,
      stale: saved ? isStale(saved.at, now) : false,
    };
  });
}

/**
 * The verdict badge for each model with a kept result: id → { text, verdict, stale, title }.
 * @param {CheckAllState} state
 * @param {number} now
 */
export function badges(state, now) {
  /** @type {Map<string, { text: string, verdict: string, stale: boolean, ago: string, title: string }>} */
  const out = new Map();
  for (const [id, saved] of Object.entries(state.results)) {
    const v = checkVerdict(saved.kept.diagnosis);
    if (!v) continue;
    const stale = isStale(saved.at, now);
    const text = verdictText(v, { short: true });
    const ago = `${agoText(saved.at, now)}${stale ? ' (stale: check again)' : ''}`;
    out.set(id, { text, verdict: v.verdict, stale, ago, title: `${verdictText(v)}, ${ago}` });
  }
  return out;
}

/**
 * Counts over the rows: passed, failed, not testable, never checked, stale.
 * @param {CheckRow[]} rows
 */
export function countRows(rows) {
  const count = { passed: 0, failed: 0, notTestable: 0, unchecked: 0, stale: 0 };
  for (const r of rows) {
    if (!r.testable) count.notTestable += 1;
    else if (!r.verdict) count.unchecked += 1;
    else if (r.verdict.verdict === 'fail') count.failed += 1;
    else count.passed += 1;
    if (r.testable && r.verdict && r.stale) count.stale += 1;
  }
  return count;
}

/**
 * The progress line: "Checking 7 of 23…", then what the check found or that it was stopped.
 * @param {{ done: number, total: number, running: boolean, stopped?: boolean, passed?: number, failed?: number, targetsOf?: string | null }} p
 */
export function progressText({ done, total, running, stopped = false, passed = 0, failed = 0, targetsOf: of = null }) {
  const what = of ? ` targets of ${of}` : '';
  if (running) return `Checking${of ? ` the${what}` : ''}: ${done} of ${total} done…`;
  if (stopped) return `Stopped after ${done} of ${total}${what}; the rest were not checked.`;
  if (!total) return of ? `${of} has no target that can be tested here.` : 'No model to check.';
  return `Checked ${done} of ${total}${what}: ${passed} passed, ${failed} failed.`;
}

/**
 * Runs `worker` on each item, at most `concurrency` at once, in order. Stops taking items when
 * `signal` aborts (the running ones get the same signal). Resolves once every started one has
 * settled; a worker that throws is reported through onDone with its error, never rejects.
 * @template T, R
 * @param {T[]} items
 * @param {(item: T, signal: AbortSignal | undefined) => Promise<R>} worker
 * @param {{ concurrency: number, signal?: AbortSignal, onStart?: (item: T) => void, onDone?: (item: T, result: R | undefined, error?: unknown) => void }} options
 * @returns {Promise<{ started: number, finished: number }>}
 */
export async function runQueue(items, worker, { concurrency, signal, onStart = () => {}, onDone = () => {} }) {
  let next = 0;
  let finished = 0;
  const lane = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++];
      onStart(item);
      let result;
      try {
        result = await worker(item, signal);
      } catch (err) {
        finished += 1;
        onDone(item, undefined, err);
        continue;
      }
      finished += 1;
      onDone(item, result);
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: items.length ? lanes : 0 }, lane));
  return { started: next, finished };
}
