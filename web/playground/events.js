// What the element announces to the page that embeds it (docs/embedding.md): DOM
// CustomEvents that bubble and cross the shadow boundary. Their `detail` carries codes from
// the core (the Diagnosis's verdict, step and condition codes), never a prompt, an answer or
// a secret. Pure: element.js dispatches what these return.

/** The kinds of run: 'send' | 'retry' | 'edit' (a message) and 'probe' (Test connection). */

/**
 * One pane's outcome: the core's verdict ('pass' | 'warn' | 'fail'), or 'stopped' when the user
 * stopped it, or null when no checklist was made.
 * @param {number} pane
 * @param {{ model?: { id: string, display_name?: string }, run?: { aborted?: boolean }, diagnosis?: import('../core.js').Diagnosis } | undefined} r
 */
export function paneOutcome(pane, r) {
  const d = r?.diagnosis;
  const failed = d?.steps?.find((s) => s.status === 'fail') ?? null;
  return {
    pane,
    model: r?.model?.id ?? null,
    displayName: r?.model?.display_name ?? null,
    verdict: r?.run?.aborted ? 'stopped' : (d?.verdict ?? null),
    failedStep: failed?.step ?? null,
    code: failed?.code ?? null,
    conditions: (d?.conditions ?? []).map((c) => c.kind),
    summary: d?.summary ?? '',
  };
}

/**
 * The whole run's verdict: 'fail' when a pane failed, else 'stopped' when one was stopped,
 * else 'warn' when one passed with a condition, else 'pass'; null when no pane ran.
 * @param {ReturnType<typeof paneOutcome>[]} panes
 */
export function overallVerdict(panes) {
  if (!panes.length) return null;
  for (const v of ['fail', 'stopped', 'warn']) if (panes.some((p) => p.verdict === v)) return v;
  return panes.every((p) => p.verdict === 'pass') ? 'pass' : null;
}

/**
 * `run-finished`: a run (a message or Test connection) has ended and its checklists are shown.
 * @param {'send' | 'retry' | 'edit' | 'probe'} kind
 * @param {number[]} panes  the panes the run covered
 * @param {(object | undefined)[]} results  per pane (element.js's results)
 */
export function runFinished(kind, panes, results) {
  const outcomes = panes.map((p) => paneOutcome(p, /** @type {any} */ (results[p])));
  return new CustomEvent('run-finished', { bubbles: true, composed: true, detail: { kind, verdict: overallVerdict(outcomes), panes: outcomes } });
}

/**
 * `model-changed`: the operator picked another model in a pane.
 * @param {number} pane
 * @param {string} model  the model's id
 */
export function modelChanged(pane, model) {
  return new CustomEvent('model-changed', { bubbles: true, composed: true, detail: { pane, model } });
}
