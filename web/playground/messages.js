// The page's own words about how things went: the login hint, the notice, a run's one-line
// failure, what the live region announces, why the model list is missing. Pure: no DOM; the
// decisions are the core's (parseError, the Result's findings, diagnose), these only say them.

export const LOGIN_HINT = 'You are not signed in to the playground: open the login link printed by `make run` (…/?token=…), then reload this page.';
export const NOTICE = 'Playground calls go straight to the provider and bypass the managed gateway: no gateway logs, usage, metrics, budgets, rate limits, guardrails or cache apply. The provider bills every call.';

/**
 * @typedef {{ aborted?: boolean, relayError?: { kind: string, message?: string } | null, status?: number,
 *   contentType?: string, raw?: string, result?: { ok: boolean, findings: { severity: string, message: string }[] } | null }} RunLike
 */

/**
 * One line for the answer when the run failed, or null.
 * @param {RunLike} run
 * @param {{ parseError(status: number, contentType: string, body: string): { code: string | null, message: string } }} core
 * @returns {string | null}
 */
export function errorText(run, core) {
  if (run.aborted) return null;
  if (run.relayError) {
    if (run.relayError.kind === 'unauthorized') return LOGIN_HINT;
    return `Relay (${run.relayError.kind}): ${run.relayError.message}`;
  }
  if ((run.status ?? 0) >= 400) {
    const parsed = core.parseError(run.status ?? 0, run.contentType ?? '', run.raw ?? '');
    return `Provider answered HTTP ${run.status}${parsed.code ? ` (${parsed.code})` : ''}: ${parsed.message}`;
  }
  if (run.result && !run.result.ok) {
    const first = run.result.findings.find((f) => f.severity === 'error');
    return first ? `The answer is not a valid chat completion: ${first.message}` : 'The answer is not a valid chat completion.';
  }
  return null;
}

/**
 * How a run ended, per pane, for the live region: the checklist's summary and the failure.
 * @param {{ name: string, run?: RunLike | null, summary?: string }[]} panes
 * @param {boolean} compare  each pane's line starts with its model's name
 * @param {(run: RunLike) => string | null} failure  errorText bound to the core
 */
export function announcement(panes, compare, failure) {
  return panes.map(({ name, run, summary }) => {
    const parts = [compare ? `${name}:` : ''];
    if (run?.aborted) parts.push(compare ? 'stopped.' : 'Stopped.');
    else parts.push(summary ?? '', run ? failure(run) ?? '' : '');
    return parts.filter(Boolean).join(' ');
  }).join(' ');
}

/**
 * The banner for a model list that did not load: the login hint, or what the relay said.
 * @param {{ status: number, error?: { message?: string } | null }} reply
 * @returns {{ text: string, kind: 'login' | 'error' }}
 */
export function modelListProblem(reply) {
  if (reply.status === 401) return { text: LOGIN_HINT, kind: 'login' };
  return { text: `The model list could not be loaded: ${reply.error?.message ?? `HTTP ${reply.status}`}`, kind: 'error' };
}

/**
 * The hint under the composer naming images not kept across a reload, or null.
 * @param {string[]} names
 */
export function notKeptText(names) {
  return names.length ? `Not kept across a reload (too large for browser storage): ${names.join(', ')}.` : null;
}

const LEFT_OUT_WHY = { failed: 'its answer failed', no_text: 'its answer has no text', no_answer: 'it has no answer' };

/**
 * What the next run sends as history, in words: one line, or one per model in compare mode
 * when the models' histories differ. Null when there is no earlier turn.
 * @param {import('./conversation.js').PaneHistory[]} history  conversation.js nextRunHistory
 * @param {string[]} names  each pane's model name
 * @returns {string | null}
 */
export function historyText(history, names) {
  const lines = history.map((h) => paneHistoryLine(h));
  if (!lines.some(Boolean)) return null;
  if (lines.every((l) => l === lines[0])) return lines[0];
  return lines.map((l, i) => `${names[i] ?? `Model ${i + 1}`}: ${l ?? 'no earlier message.'}`).join(' ');
}

/** @param {import('./conversation.js').PaneHistory} h */
function paneHistoryLine({ total, sent, leftOut, unanswered }) {
  if (!total) return null;
  const turns = (n) => `${n} earlier message${n === 1 ? '' : 's'}`;
  const named = (list) => list.map((l) => `message ${l.turn + 1} (${LEFT_OUT_WHY[l.why]})`).join(', ');
  if (leftOut.length) return `Run sends ${sent} of ${turns(total)} as history; left out: ${named(leftOut)}.`;
  if (unanswered.length) return `Run sends all ${turns(total)} as history, including ${named(unanswered)}: a provider that requires alternating roles may refuse it.`;
  return `Run sends ${total === 1 ? 'the' : `all ${total}`} ${turns(total).replace(/^\d+ /, '')} as history.`;
}

/**
 * A piece of the core's words as a sentence of its own: a capital first letter and a full stop,
 * so a condition's message and its advice never run together ("you stopped the run run again…").
 * @param {string} text
 */
export function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return '';
  const first = t[0].toUpperCase() + t.slice(1);
  return /[.!?…:]$/.test(first) ? first : `${first}.`;
}

/**
 * The core's words with their `code` spans apart, for the page to show as <code> (built with
 * textContent): [{ text, code }], in order. A backtick with no partner is kept as text.
 * @param {string} text
 * @returns {{ text: string, code: boolean }[]}
 */
export function codeSpans(text) {
  const t = String(text ?? '');
  const parts = [];
  const re = /`([^`]+)`/g;
  let at = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    if (m.index > at) parts.push({ text: t.slice(at, m.index), code: false });
    parts.push({ text: m[1], code: true });
    at = m.index + m[0].length;
  }
  if (at < t.length) parts.push({ text: t.slice(at), code: false });
  return parts;
}
