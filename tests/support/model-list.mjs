// Model entries as the relay's model list gives them to the page: what a test writes by hand
// (id, names, testable, prices) plus the facts the relay adds with its own core
// (relay/routes-models.js modelFacts: the probe's form, the reasoning_effort values), so page
// tests read the same fields the page reads in production.
import { loadRelayCore } from '../../relay/core.js';
import { modelFacts } from '../../relay/routes-models.js';

const relayCore = await loadRelayCore();

/** @param {object[]} models  hand-written entries → the same, each with the relay's facts */
export function asListed(models) {
  return models.map((m) => ({ ...m, ...modelFacts(relayCore, m) }));
}
