// The verdict kept in sight: the checklist's one-line summary and advice for a failed answer,
// and each pane's last results kept across a reload of the page (what storage.js saves with
// the conversation: the checklist, the times and tokens, never the request or the raw answer).
// Pure: no DOM.

/**
 * @typedef {import('../core.js').Diagnosis} Diagnosis
 * @typedef {{ summary: string, advice: string }} Verdict
 * @typedef {{ id: string, display_name: string, model_name: string, provider: string }} KeptModel
 * @typedef {{ label: string, model: KeptModel, diagnosis: Diagnosis, cost: object | null, probeAnswer?: string,
 *   run: { streamed: boolean, aborted: boolean, status: number, relayError: { kind: string } | null,
 *     result: { ok: boolean, usage: object | null, finishReason: string | null } | null,
 *     timing: { firstByte: number | null, firstToken: number | null, total: number | null, server: Record<string, number> } } }} KeptResult
 */

/**
 * A failed checklist's summary and the one line of advice that goes with it (the failed
 * step's, else the first condition's), or null when the run did not fail.
 * @param {Diagnosis | null | undefined} diagnosis
 * @returns {Verdict | null}
 */
export function verdictOf(diagnosis) {
  if (!diagnosis || diagnosis.verdict !== 'fail') return null;
  const step = diagnosis.steps?.find((s) => s.status === 'fail');
  const summary = String(diagnosis.summary ?? '');
  const advice = String(step?.advice || diagnosis.conditions?.find((c) => c.advice)?.advice || '');
  // A summary that already ends with the advice is not followed by it again.
  const said = advice && summary.toLowerCase().includes(advice.toLowerCase().replace(/[.\s]+$/, ''));
  return { summary, advice: said ? '' : advice };
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v, fallback = '') => (typeof v === 'string' ? v : fallback);
const VERDICTS = new Set(['pass', 'fail', 'warn']);
const STATUSES = new Set(['pass', 'fail', 'not_reached']);

/**
 * What a pane's results keep across a reload, or null when there is nothing to keep (still
 * running, or no checklist).
 * @param {{ label?: string, model?: Partial<KeptModel> | null, running?: boolean, run?: any, diagnosis?: Diagnosis, cost?: any, probeAnswer?: string } | null | undefined} r
 * @returns {KeptResult | null}
 */
export function keepResult(r) {
  if (!r || r.running || !r.diagnosis || !r.run) return null;
  const run = r.run;
  /** @type {KeptResult} */
  const kept = {
    label: str(r.label),
    model: { id: str(r.model?.id), display_name: str(r.model?.display_name), model_name: str(r.model?.model_name), provider: str(r.model?.provider) },
    diagnosis: r.diagnosis,
    cost: r.cost ?? null,
    run: {
      streamed: run.streamed === true,
      aborted: run.aborted === true,
      status: num(run.status) ?? 0,
      relayError: run.relayError?.kind ? { kind: str(run.relayError.kind) } : null,
      result: run.result ? { ok: run.result.ok === true, usage: run.result.usage ?? null, finishReason: run.result.finishReason ?? null } : null,
      timing: { firstByte: num(run.timing?.firstByte), firstToken: num(run.timing?.firstToken), total: num(run.timing?.total), server: { ...(run.timing?.server ?? {}) } },
    },
  };
  if (typeof r.probeAnswer === 'string') kept.probeAnswer = r.probeAnswer.slice(0, 2000);
  return kept;
}

/**
 * Saved results made safe to show: each one whole and typed, or null (a hand-edited or older
 * save never breaks the page).
 * @param {unknown} saved
 * @returns {(KeptResult | null)[]}
 */
export function normalizeKept(saved) {
  if (!Array.isArray(saved)) return [];
  return saved.slice(0, 3).map((k) => {
    const d = k?.diagnosis;
    const okDiagnosis = d && VERDICTS.has(d.verdict) && typeof d.summary === 'string' && Array.isArray(d.steps) && Array.isArray(d.conditions) &&
      d.steps.every((s) => s && typeof s.step === 'string' && STATUSES.has(s.status) && typeof s.evidence === 'string' && typeof s.advice === 'string') &&
      d.conditions.every((c) => c && typeof c.kind === 'string' && typeof c.message === 'string' && typeof c.advice === 'string');
    if (!okDiagnosis || !k.run || typeof k.run !== 'object') return null;
    const kept = keepResult({ ...k, run: { ...k.run, relayError: k.run.relayError, result: k.run.result && typeof k.run.result === 'object' ? k.run.result : null } });
    if (!kept) return null;
    if (kept.cost !== null && (typeof kept.cost !== 'object')) kept.cost = null;
    if (kept.run.result?.usage && typeof kept.run.result.usage !== 'object') kept.run.result.usage = null;
    return kept;
  });
}

/**
 * A kept result as render-results.js shows it: marked `restored` (no inspect view: the request
 * and the raw answer are not kept).
 * @param {KeptResult | null} kept
 */
export function restoreResult(kept) {
  return kept ? { ...kept, running: false, restored: true } : undefined;
}
