// One list of parameters: the core's (core.parameters()), read by the request builder, the
// relay's body check and the page's form alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { formParams, normalizeState, defaultState } from '../../web/playground/state.js';

const core = await loadCore();

test('core.parameters(): every parameter with its kind and range, in form order', () => {
  const list = core.parameters();
  assert.deepEqual(list.map((p) => p.key), ['temperature', 'max_tokens', 'top_p', 'stop', 'presence_penalty', 'frequency_penalty', 'seed', 'response_format', 'reasoning_effort']);
  assert.deepEqual(list.at(-1), { key: 'reasoning_effort', kind: 'reasoning_effort' });
  const byKey = Object.fromEntries(list.map((p) => [p.key, p]));
  assert.deepEqual(byKey.temperature, { key: 'temperature', kind: 'number', min: 0, max: 2 });
  assert.deepEqual(byKey.frequency_penalty, { key: 'frequency_penalty', kind: 'number', min: -2, max: 2 });
  assert.equal(byKey.seed.kind, 'integer');
  assert.ok(Object.isFrozen(list));
});

test('the builder accepts exactly the listed parameters, and enforces the listed ranges', () => {
  for (const { key, kind, max } of core.parameters()) {
    const value = kind === 'stop' ? ['END'] : kind === 'response_format' ? 'json_object' : kind === 'reasoning_effort' ? 'low' : 1;
    // reasoning_effort only for a family that takes it (core.reasoningEffort).
    const model_name = kind === 'reasoning_effort' ? 'o4-mini' : 'gpt-4.1-mini';
    const ok = core.buildRequest({ messages: [{ role: 'user', content: 'hi' }], params: { [key]: value }, model: { model_name, provider: 'openai' } });
    assert.equal(ok.ok, true, `${key}: ${JSON.stringify(ok.errors)}`);
    if (max !== undefined) {
      const over = core.buildRequest({ messages: [{ role: 'user', content: 'hi' }], params: { [key]: max + 1 }, model: { model_name: 'gpt-4.1-mini', provider: 'openai' } });
      assert.equal(over.ok, false, `${key} above ${max}`);
    }
  }
  const unknown = core.buildRequest({ messages: [{ role: 'user', content: 'hi' }], params: { temprature: 1 } });
  assert.equal(unknown.errors[0].field, 'params.temprature');
});

test('the page\'s form reads the values of the core\'s parameters, and nothing else', () => {
  const p = { ...defaultState().params, temperature: ' 0.5 ', stop: 'a\nb\r\n\n', seed: '', note: 'not a parameter' };
  const { params, errors } = formParams(p, core.parameters());
  assert.deepEqual(params, { temperature: '0.5', stop: ['a', 'b'] });
  assert.deepEqual(errors, []);
  // A parameter the core adds is read with no change to the page.
  const more = formParams({ ...p, top_k: '5' }, [...core.parameters(), { key: 'top_k', kind: 'number' }]);
  assert.equal(more.params.top_k, '5');
  // The reasoning effort select's value, as chosen ('' is the model's default: not sent).
  assert.equal(formParams({ ...p, reasoning_effort: 'low' }, core.parameters()).params.reasoning_effort, 'low');
  assert.equal(formParams({ ...p, reasoning_effort: '' }, core.parameters()).params.reasoning_effort, undefined);
});

test('a saved state keeps the parameters\' values across a reload', () => {
  const s = normalizeState({ params: { temperature: '0.7', max_tokens: '64', stream: false, response_format: 'json_object', __proto__x: 1 } });
  assert.equal(s.params.temperature, '0.7');
  assert.equal(s.params.max_tokens, '64');
  assert.equal(s.params.stream, false);
  assert.equal(s.params.response_format, 'json_object');
});
