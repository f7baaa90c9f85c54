// Spend what the operator agreed to (issue 19, item 4), the page's logic without a browser:
// the worst case before a run (web/playground/worst-case.js, cost.js) from the core's
// worstCaseCost, the probe's form from the core (the model list's `probe`, state.js probeForm), and reasoning_effort
// sent only to a pane whose model takes it (forms.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';
import { asListed } from '../support/model-list.mjs';
import { defaultState, probeForm } from '../../web/playground/state.js';
import { buildRun } from '../../web/playground/forms.js';
import { formatWorstCase, worstCaseOf } from '../../web/playground/cost.js';
import { worstCases } from '../../web/playground/worst-case.js';

const core = await loadCore();

const priced = { input_per_1k: 0.0011, output_per_1k: 0.0044 };
const models = asListed([
  { id: 'o4', display_name: 'o4-mini', provider: 'openai', model_name: 'o4-mini', testable: true, cost: priced },
  { id: 'mini', display_name: 'GPT-4.1 mini', provider: 'openai', model_name: 'gpt-4.1-mini', testable: true, cost: { input_per_1k: 0.0004, output_per_1k: 0.0016 } },
  { id: 'free', display_name: 'Unpriced', provider: 'openai', model_name: 'gpt-4o', testable: true, cost: null },
]);
const byId = (id) => models.find((m) => m.id === id);

function stateWith(ids, { text = 'What is 2 + 2?', params = {} } = {}) {
  const s = defaultState();
  s.modelIds = ids;
  s.compare = ids.length > 1;
  s.composer.text = text;
  Object.assign(s.params, params);
  return s;
}

test('the probe is the core\'s: a reasoning family\'s lowest effort and a budget it can answer in', async () => {
  const form = probeForm(byId('o4'));
  assert.equal(form.params.reasoning_effort, 'low');
  assert.equal(form.params.max_tokens, 1024);
  assert.equal(form.stream, false);
  const built = core.buildRequest(form);
  assert.ok(built.ok);
  assert.equal(built.body.max_completion_tokens, 1024);
  assert.equal(built.body.reasoning_effort, 'low');
  const small = probeForm(byId('mini'));
  assert.equal(small.params.max_tokens, 64);
  assert.equal(small.params.reasoning_effort, undefined);
  // The relay's core says which values a model takes; the model list carries them.
  assert.deepEqual((await loadRelayCore()).reasoningEffort({ model_name: 'gpt-5.1' }).values, ['none', 'low', 'medium', 'high']);
  assert.deepEqual(byId('o4').reasoningEffort.values, ['low', 'medium', 'high']);
  // A copy each time: a caller changing its form does not change the model list's.
  form.params.max_tokens = 1;
  assert.equal(probeForm(byId('o4')).params.max_tokens, 1024);
});

test('worst case: the next run\'s estimated prompt and its max tokens at the model\'s prices', () => {
  const cases = worstCases(core, stateWith(['mini'], { params: { max_tokens: '256' } }), byId);
  assert.equal(cases.run.length, 1);
  const body = buildRun(core, stateWith(['mini'], { params: { max_tokens: '256' } }), [{ p: 0, model: byId('mini') }], { mode: 'send' }).plans[0].built.body;
  const w = worstCaseOf(core, body, byId('mini').cost);
  assert.equal(w.known, true);
  assert.equal(w.maxTokens, 256);
  assert.ok(w.promptTokens > 0 && w.promptTokens < 30, String(w.promptTokens));
  assert.ok(Math.abs(w.totalUsd - (w.promptTokens * 0.0004 + 256 * 0.0016) / 1000) < 1e-12);
  assert.match(cases.run[0].text, /^at most \$0\.000\d+ \(≈ \d+ prompt tokens \+ 256 max tokens\)$/);
  // The probe's line: its own budget, whatever the form's max tokens.
  assert.match(cases.probe.text, /\+ 64 max tokens\)$/);
  assert.match(worstCases(core, stateWith(['o4']), byId).probe.text, /\+ 1,024 max tokens\)$/);
});

test('worst case: nothing without prices; an open bound said when no max tokens is set', () => {
  const unpriced = worstCases(core, stateWith(['free'], { params: { max_tokens: '100' } }), byId);
  assert.deepEqual(unpriced.run, []);
  assert.equal(unpriced.probe, null);
  const open = worstCases(core, stateWith(['mini']), byId);
  assert.match(open.run[0].text, /^no upper bound: .*Max tokens/);
  assert.equal(worstCaseOf(core, null, priced), null);
  assert.equal(formatWorstCase(null), '');
  assert.equal(formatWorstCase({ known: false, reason: 'no_prices', note: 'x', promptTokens: 3, maxTokens: 9 }), '');
  // An empty composer: no run line, the probe's still.
  const empty = worstCases(core, stateWith(['mini'], { text: '' }), byId);
  assert.deepEqual(empty.run, []);
  assert.ok(empty.probe);
});

test('worst case: one line per pane in compare mode', () => {
  const cases = worstCases(core, stateWith(['o4', 'mini'], { params: { max_tokens: '500' } }), byId);
  assert.deepEqual(cases.run.map((r) => r.name), ['o4-mini', 'GPT-4.1 mini']);
  for (const r of cases.run) assert.match(r.text, /\+ 500 max tokens/);
});

test('reasoning_effort: sent to a pane whose model takes it, left out (and said) for one that does not', () => {
  const state = stateWith(['o4', 'mini'], { params: { reasoning_effort: 'high' } });
  const { plans, errors, warnings } = buildRun(core, state, [{ p: 0, model: byId('o4') }, { p: 1, model: byId('mini') }], { mode: 'send' });
  assert.deepEqual(errors, []);
  assert.equal(plans[0].built.body.reasoning_effort, 'high');
  assert.equal(plans[1].built.body.reasoning_effort, undefined);
  const said = warnings.find((w) => w.path === 'params.reasoning_effort');
  assert.ok(said);
  assert.equal(said.pane, 1);
  assert.match(said.message, /GPT-4\.1 mini/);
  // One model, hidden control: left out silently.
  const single = buildRun(core, stateWith(['mini'], { params: { reasoning_effort: 'high' } }), [{ p: 0, model: byId('mini') }], { mode: 'send' });
  assert.equal(single.plans[0].built.body.reasoning_effort, undefined);
  assert.deepEqual(single.warnings.filter((w) => w.path === 'params.reasoning_effort'), []);
  // A value the family does not take is the core's error, at the field.
  const bad = buildRun(core, stateWith(['o4'], { params: { reasoning_effort: 'none' } }), [{ p: 0, model: byId('o4') }], { mode: 'send' });
  assert.equal(bad.errors[0].field, 'params.reasoning_effort');
  assert.match(bad.errors[0].message, /low, medium or high/);
});
