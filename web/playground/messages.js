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
