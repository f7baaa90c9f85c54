// One model's probe for "Check all": the page's own "Test connection" (state.js probeForm,
// built by core.buildRequest, sent by run.js runOnce), the core's checklist with "did you
// mean …?" when the model step failed (model-suggestions.js), the cost, and what the inspect
// view shows. No DOM: the result is a render-results.js PaneResult, the same a pane gets.
import { probeForm } from './state.js';
import { runOnce } from './run.js';
import { diagnose } from './render-checklist.js';
import { withSuggestions } from './model-suggestions.js';
import { costOf } from './cost.js';
import { upstreamInfo } from './upstream-view.js';

export const CHECK_LABEL = 'Check all';

/**
 * @param {{ core: import('../core.js').Core, api: import('./api.js').RelayApi,
 *   model: import('../core.js').PublicModel, signal?: AbortSignal }} o
 * @returns {Promise<import('./render-results.js').PaneResult | null>}  null: the probe's request could not be built (nothing sent)
 */
export async function probeModel({ core, api, model, signal }) {
  // The core's probe form (a reasoning family's lowest effort and a budget it can answer in).
  const form = probeForm(model);
  const built = core.buildRequest(form);
  if (!built.ok) return null;
  const run = await runOnce({ core, api, model, body: built.body, signal });
  const { diagnosis, list } = await withSuggestions(core, api, model, run.outcome, diagnose(core, run.outcome), signal);
  return {
    label: CHECK_LABEL,
    model,
    body: built.body,
    warnings: built.warnings ?? [],
    running: false,
    upstream: upstreamInfo(api, model, built.body),
    run,
    diagnosis,
    cost: costOf(core, run.result?.usage, model.cost),
    probeAnswer: run.result?.content ?? '',
    upstreamList: list,
    upstreamModels: () => api.upstreamModels(model.id),
  };
}
