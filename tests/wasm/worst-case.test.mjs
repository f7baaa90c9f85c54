// The binding's calls for issue 19 item 4: worstCaseCost (a built body's worst case at the
// model's prices) in both builds; probeForm (the cost-safe "Test connection" form) and
// reasoningEffort (the values a model's family takes) in the relay's, which sends them with
// its model list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';
import { readFixture } from '../support/fixtures.mjs';

const cores = { page: await loadCore(), relay: await loadRelayCore() };
const prices = { input_per_1k: 0.002, output_per_1k: 0.01 };

for (const [name, core] of Object.entries(cores)) {
  test(`${name} build: worstCaseCost is the estimated prompt plus the completion limit`, () => {
    const body = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Reply with OK' }], max_tokens: 100 };
    const w = core.worstCaseCost(body, prices);
    assert.deepEqual(Object.keys(w).sort(), ['inputUsd', 'known', 'maxTokens', 'note', 'outputUsd', 'promptTokens', 'reason', 'totalUsd']);
    assert.equal(w.known, true);
    assert.equal(w.reason, '');
    assert.equal(w.promptTokens, 3 + 4 + 4);
    assert.equal(w.maxTokens, 100);
    assert.ok(Math.abs(w.outputUsd - 0.001) < 1e-12);
    assert.ok(Math.abs(w.totalUsd - (11 * 0.002 + 100 * 0.01) / 1000) < 1e-12);
    assert.equal(core.worstCaseCost(body, null).reason, 'no_prices');
    assert.equal(core.worstCaseCost({ ...body, max_tokens: undefined }, prices).reason, 'no_limit');
    assert.equal(core.worstCaseCost(null, prices).reason, 'no_messages');
    assert.equal(core.worstCaseCost(body, { input_per_1k: 'x', output_per_1k: 1 }).known, false);
  });
}

test('relay build: probeForm and reasoningEffort (the model list carries them to the page)', () => {
  const core = cores.relay;
  const form = core.probeForm({ model_name: 'gpt-5-mini', provider: 'openai' });
  assert.deepEqual(form, {
    messages: [{ role: 'user', content: 'Reply with OK' }],
    params: { max_tokens: 1024, reasoning_effort: 'low' },
    stream: false,
    model: { model_name: 'gpt-5-mini', provider: 'openai' },
  });
  assert.deepEqual(core.probeForm({ model_name: 'gpt-4o' }).params, { max_tokens: 64 });
  assert.deepEqual(core.probeForm(null).params, { max_tokens: 64 });
  assert.deepEqual(core.reasoningEffort({ model_name: 'o3' }), {
    supported: true, family: "OpenAI's o-series and gpt-5 reasoning models", values: ['low', 'medium', 'high'], lowest: 'low', note: '',
  });
  const no = core.reasoningEffort({ model_name: 'claude-sonnet-4-5' });
  assert.equal(no.supported, false);
  assert.equal(no.lowest, null);
  assert.match(no.note, /extra/);
});

test('page build: no probeForm, reasoningEffort, forwardAnswerHeaders or redactors; asking is an error that leaves the core usable', () => {
  const core = cores.page;
  for (const call of [() => core.probeForm({ model_name: 'o3' }), () => core.reasoningEffort({ model_name: 'o3' }), () => core.forwardAnswerHeaders([], []),
    () => core.secretsRedactor(['sk-0123456789abcdef']), () => core.streamRedactor(['sk-0123456789abcdef'])]) {
    assert.throws(call, (err) => err.name === 'CoreError' && err.code === 'unsupported');
  }
  assert.equal(core.buildRequest({ messages: [{ role: 'user', content: 'hi' }] }).ok, true, 'not poisoned');
});

test('the probe against the recorded length answer of a reasoning model: a warning, never a failure', async () => {
  const core = cores.page;
  const d = core.diagnose({
    status: 200, contentType: 'application/json', body: await readFixture('responses', 'openai-reasoning-length.json', 'utf8'),
    model: { provider: 'openai', model_name: 'o4-mini', api_base: 'https://api.openai.com/v1' },
  });
  assert.equal(d.verdict, 'warn');
  assert.deepEqual(d.steps.map((s) => s.status), ['pass', 'pass', 'pass', 'pass', 'pass']);
  assert.equal(d.conditions[0].kind, 'truncated');
  const result = core.validateCompletion(await readFixture('responses', 'openai-reasoning-length.json', 'utf8'));
  assert.equal(result.usage.reasoning_tokens, 64);
});
