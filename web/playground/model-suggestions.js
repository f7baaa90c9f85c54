// "Did you mean …?": after a run whose model step failed with the key accepted, the page (and
// `node relay/main.js check`) asks the relay for the provider's model list of that model's key
// (GET <api>/models/<id>/upstream-models) and diagnoses the run again with the closest names,
// which the core ranked; the model step's advice names them. Pure: no DOM, the relay call is
// the caller's `api.upstreamModels(id)`.
import { diagnose } from './render-checklist.js';

/** Whether the diagnosis asks for the provider's list: the model step failed and the key step passed. */
export function wantsSuggestions(diagnosis) {
  const steps = Array.isArray(diagnosis?.steps) ? diagnosis.steps : [];
  const status = (name) => steps.find((s) => s?.step === name)?.status;
  return status('model') === 'fail' && status('key') === 'pass';
}

/**
 * The route's reply as the diagnosis's `modelSuggestions` input: { names, listed } or
 * { unavailable, status? }. A reply that is not the route's says the list could not be had.
 */
export function suggestionsInput(reply) {
  if (reply?.ok === true && Array.isArray(reply.suggestions)) {
    return { names: reply.suggestions.map(String), listed: Array.isArray(reply.models) ? reply.models.length : 0 };
  }
  const unavailable = typeof reply?.unavailable === 'string' && reply.unavailable ? reply.unavailable : 'unreachable';
  return Number.isInteger(reply?.status) ? { unavailable, status: reply.status } : { unavailable };
}

/**
 * The diagnosis again with the provider's closest names when it asks for them; otherwise the
 * same diagnosis. → { diagnosis, list } (`list`: the route's reply, or null when not asked).
 * Never throws: a failed relay call is "the list could not be had".
 */
export async function withSuggestions(core, api, model, outcome, diagnosis, signal) {
  if (!wantsSuggestions(diagnosis) || !model?.id || typeof api?.upstreamModels !== 'function') return { diagnosis, list: null };
  let list;
  try {
    list = await api.upstreamModels(model.id, signal);
  } catch {
    list = { ok: false, unavailable: 'unreachable' };
  }
  return { diagnosis: diagnose(core, { ...outcome, modelSuggestions: suggestionsInput(list) }), list };
}
