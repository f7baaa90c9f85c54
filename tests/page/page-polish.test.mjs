// Polish (issue 20, item 7): a condition's message and advice from the core are said as two
// sentences, never glued ("you stopped the run run again…").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { sentence, codeSpans } from '../../web/playground/messages.js';
import { formParams, defaultState } from '../../web/playground/state.js';

test('sentence: a capital first letter and a full stop, kept when there', () => {
  assert.equal(sentence('you stopped the run'), 'You stopped the run.');
  assert.equal(sentence('run again to check a whole answer'), 'Run again to check a whole answer.');
  assert.equal(sentence('Already one.'), 'Already one.');
  assert.equal(sentence('what now?'), 'What now?');
  assert.equal(sentence('  '), '');
  assert.equal(sentence(undefined), '');
});

test('a stopped run\'s condition reads as two sentences', async () => {
  const core = await loadCore();
  const d = core.diagnose({ aborted: true, model: { provider: 'openai', model_name: 'm', api_base: 'https://api.openai.com/v1' } });
  const c = d.conditions.find((x) => x.kind === 'stopped');
  assert.ok(c);
  const line = `${sentence(c.message)} ${sentence(c.advice)}`;
  assert.equal(line, 'You stopped the run. Run again to check a whole answer.');
  assert.doesNotMatch(line, /run run/);
});

test('codeSpans: the core\'s `code` spans apart from the text, for <code> elements', () => {
  assert.deepEqual(codeSpans('provider key `Bedrock key` uses adapter bedrock (the key\'s `adapter` decides it)'), [
    { text: 'provider key ', code: false }, { text: 'Bedrock key', code: true },
    { text: ' uses adapter bedrock (the key\'s ', code: false }, { text: 'adapter', code: true },
    { text: ' decides it)', code: false }]);
  assert.deepEqual(codeSpans('no code here'), [{ text: 'no code here', code: false }]);
  assert.deepEqual(codeSpans('one ` alone'), [{ text: 'one ` alone', code: false }]);
  assert.deepEqual(codeSpans('`<b>x</b>`'), [{ text: '<b>x</b>', code: true }]);
  assert.deepEqual(codeSpans(''), []);
});

test('a JSON schema that is not JSON: one error at the schema, never "missing" beside it', async () => {
  const core = await loadCore();
  const typed = { ...defaultState().params, response_format: 'json_schema', schema: '{"type": "object",' };
  const { params, errors: local } = formParams(typed, core.parameters());
  const built = core.buildRequest({ messages: [{ role: 'user', content: 'Answer in JSON' }], params, model: { model_name: 'gpt-4.1-mini', provider: 'openai' } });
  const all = [...local, ...built.errors];
  assert.equal(all.length, 1, JSON.stringify(all));
  assert.equal(all[0].field, 'params.response_format.json_schema.schema');
  assert.match(all[0].message, /^is not valid JSON/);
  assert.doesNotMatch(all[0].message, /missing/);
  // A valid schema is sent as the object it is.
  const ok = formParams({ ...typed, schema: '{"type": "object"}' }, core.parameters());
  assert.deepEqual(ok.params.response_format, { type: 'json_schema', json_schema: { schema: { type: 'object' } } });
});
