// The page's state transitions (web/playground/conversation.js), its requests
// (forms.js), where messages go (field-map.js) and its own words (messages.js): pure
// modules, run here in Node without a DOM, the requests built by the real core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { asListed } from '../support/model-list.mjs';
import { defaultState } from '../../web/playground/state.js';
import * as conversation from '../../web/playground/conversation.js';
import { buildRun, dedupe } from '../../web/playground/forms.js';
import { generalLine, mapToFields, relayRefusals } from '../../web/playground/field-map.js';
import { LOGIN_HINT, announcement, errorText, modelListProblem, notKeptText } from '../../web/playground/messages.js';

const core = await loadCore();

const MODELS = asListed([
  { id: 'a', display_name: 'Model A', model_name: 'gpt-4.1-mini', provider: 'openai', testable: true },
  { id: 'b', display_name: 'Model B', model_name: 'gpt-4.1', provider: 'openai', testable: true },
  { id: 'c', display_name: 'Model C', model_name: 'gpt-4o', provider: 'openai', testable: true },
  { id: 'r', display_name: 'Routed', model_name: '', provider: '', testable: false },
]);
const byId = (id) => MODELS.find((m) => m.id === id);

/** A state with turns, each answered by pane 0 unless said otherwise. */
function stateWith(turns, { modelIds = ['a'], compare = false } = {}) {
  const s = defaultState();
  s.modelIds = modelIds;
  s.compare = compare;
  s.turns = turns.map(([user, answer, status = 'done']) => ({
    user: { text: user, images: [] },
    answers: answer === null ? [] : [{ modelId: modelIds[0], content: answer, reasoning: '', finishReason: 'stop', status, error: null }],
  }));
  return s;
}

test('Run with an empty composer retries a turn some pane has not answered, else stays a send', () => {
  assert.equal(conversation.effectiveMode(stateWith([['Hi', 'Hello', 'error']]), 'send'), 'retry');
  assert.equal(conversation.effectiveMode(stateWith([['Hi', null]]), 'send'), 'retry');
  assert.equal(conversation.effectiveMode(stateWith([['Hi', 'Hello']]), 'send'), 'send', 'every pane answered');
  const typed = stateWith([['Hi', 'Hello', 'error']]);
  typed.composer.text = 'More';
  assert.equal(conversation.effectiveMode(typed, 'send'), 'send', 'something typed is sent');
  assert.equal(conversation.effectiveMode(stateWith([]), 'send'), 'send', 'no turn to retry');
  assert.equal(conversation.effectiveMode(stateWith([['Hi', 'Hello', 'error']]), 'probe'), 'probe');
  const compare = stateWith([['Hi', 'Hello']], { modelIds: ['a', 'b'], compare: true });
  assert.equal(conversation.effectiveMode(compare, 'send'), 'retry', 'the second pane has no answer');
});

test('a send makes the composer a turn and empties it; an edit drops what followed; a probe changes nothing', () => {
  const s = stateWith([['Hi', 'Hello']]);
  s.composer = { text: 'Next', images: [{ name: 'x.png', type: 'image/png', size: 1, dataUrl: 'data:' }] };
  assert.equal(conversation.commitRun(s, 'send'), 1);
  assert.deepEqual(s.turns[1].user, { text: 'Next', images: [{ name: 'x.png', type: 'image/png', size: 1, dataUrl: 'data:' }] });
  assert.deepEqual(s.composer, { text: '', images: [] });

  const e = stateWith([['one', 'uno'], ['two', 'dos'], ['three', 'tres']]);
  assert.equal(conversation.commitRun(e, 'edit', { turn: 1, text: 'TWO' }), 1);
  assert.equal(e.turns.length, 2);
  assert.equal(e.turns[1].user.text, 'TWO');
  assert.deepEqual(e.turns[1].answers, []);
  assert.equal(e.turns[0].answers[0].content, 'uno', 'earlier turns are kept');

  const r = stateWith([['one', 'uno']]);
  assert.equal(conversation.commitRun(r, 'retry'), 0);
  assert.equal(conversation.commitRun(r, 'probe'), -1);
  assert.equal(r.turns.length, 1);
});

test('an edit is previewed without touching the state', () => {
  const s = stateWith([['one', 'uno'], ['two', 'dos']]);
  const view = conversation.editedView(s, 0, 'ONE');
  assert.equal(view.turns.length, 1);
  assert.equal(view.turns[0].user.text, 'ONE');
  assert.deepEqual(view.turns[0].answers, []);
  assert.equal(s.turns[0].user.text, 'one');
  assert.equal(s.turns.length, 2);
});

test('an answer runs empty and takes the run\'s Result when it ends: done, failed or stopped', () => {
  const s = stateWith([['Hi', null]]);
  const answer = conversation.startAnswer(s, 0, 0, 'a');
  assert.equal(s.turns[0].answers[0], answer);
  assert.deepEqual(answer, { modelId: 'a', content: '', reasoning: '', finishReason: null, status: 'running', error: null });
  conversation.settleAnswer(answer, { result: { content: 'Hello', reasoning: 'hmm', finishReason: 'stop' } }, null);
  assert.deepEqual([answer.content, answer.reasoning, answer.finishReason, answer.status, answer.error], ['Hello', 'hmm', 'stop', 'done', null]);

  const failed = conversation.startAnswer(s, 0, 0, 'a');
  conversation.settleAnswer(failed, { relayError: { kind: 'dns' }, result: null }, 'Relay (dns): no such host');
  assert.deepEqual([failed.content, failed.status, failed.error], ['', 'error', 'Relay (dns): no such host']);

  const stopped = conversation.startAnswer(s, 0, 0, 'a');
  conversation.settleAnswer(stopped, { aborted: true, result: { content: 'Hel', reasoning: '', finishReason: null } }, 'ignored');
  assert.deepEqual([stopped.content, stopped.status, stopped.error], ['Hel', 'stopped', null]);
});

test('an answer edited by hand is kept as done, without its error', () => {
  const s = stateWith([['Hi', 'Hello', 'error']]);
  s.turns[0].answers[0].error = 'failed';
  assert.equal(conversation.editAnswer(s, 0, 0, 'Better'), true);
  assert.deepEqual([s.turns[0].answers[0].content, s.turns[0].answers[0].status, s.turns[0].answers[0].error], ['Better', 'done', null]);
  assert.equal(conversation.editAnswer(s, 3, 0, 'x'), false, 'no such answer');
});

test('compare mode: a second pane on a model not shown yet, at most three, never fewer than two', () => {
  const s = stateWith([], { modelIds: ['a'] });
  conversation.setCompare(s, true, MODELS);
  assert.deepEqual(s.modelIds, ['a', 'b']);
  assert.equal(conversation.addPane(s, MODELS), true);
  assert.deepEqual(s.modelIds, ['a', 'b', 'c']);
  assert.equal(conversation.addPane(s, MODELS), false, 'three at most');
  const results = [{}, {}, {}];
  assert.equal(conversation.removePane(s, results), true);
  assert.deepEqual(s.modelIds, ['a', 'b']);
  assert.equal(results.length, 2, 'the removed pane\'s results go too');
  assert.equal(conversation.removePane(s, results), false, 'two at least');
  conversation.setCompare(s, false, MODELS);
  assert.equal(s.compare, false);
  assert.deepEqual(s.modelIds, ['a', 'b'], 'the panes are kept for next time');
});

test('saved model ids the list no longer has, or cannot test, are replaced by free testable ones', () => {
  const s = stateWith([], { modelIds: ['gone', 'b', 'r'] });
  conversation.fixModelIds(s, MODELS);
  assert.deepEqual(s.modelIds, ['a', 'b', 'c']);
  const none = stateWith([], { modelIds: ['x'] });
  conversation.fixModelIds(none, []);
  assert.deepEqual(none.modelIds, ['']);
});

test('the panes a run covers: every active pane, or only those asked for', () => {
  const s = stateWith([], { modelIds: ['a', 'b', 'c'], compare: true });
  assert.deepEqual(conversation.runPanes(s, byId).map(({ p, model }) => [p, model.id]), [[0, 'a'], [1, 'b'], [2, 'c']]);
  assert.deepEqual(conversation.runPanes(s, byId, [1]).map(({ p }) => p), [1]);
  s.compare = false;
  assert.deepEqual(conversation.runPanes(s, byId).map(({ p }) => p), [0], 'one pane outside compare mode');
});

test('a save while panes run keeps the text drawn so far, without changing the state', () => {
  const s = stateWith([['Hi', null]], { modelIds: ['a', 'b'], compare: true });
  conversation.startAnswer(s, 0, 0, 'a');
  conversation.startAnswer(s, 0, 1, 'b');
  const saved = conversation.withDrawnAnswers(s, (p) => ({ content: `drawn ${p}`, reasoning: '' }));
  assert.deepEqual(saved.turns[0].answers.map((a) => a.content), ['drawn 0', 'drawn 1']);
  assert.deepEqual(s.turns[0].answers.map((a) => a.content), ['', ''], 'the state itself waits for the Result');
  const idle = stateWith([['Hi', 'Hello']]);
  assert.equal(conversation.withDrawnAnswers(idle, () => { throw new Error('not asked'); }), idle, 'nothing running: the state as it is');
});

test('a run\'s requests: every pane built by the core, or the errors that stop it', () => {
  const s = stateWith([['Hi', 'Hello']], { modelIds: ['a', 'b'], compare: true });
  s.composer.text = 'And now?';
  const { plans, errors } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.deepEqual(errors, []);
  assert.deepEqual(plans.map((p) => [p.p, p.model.id, p.built.body.model]), [[0, 'a', 'gpt-4.1-mini'], [1, 'b', 'gpt-4.1']]);
  assert.deepEqual(plans[0].built.body.messages.map((m) => m.content), ['Hi', 'Hello', 'And now?']);

  const probe = buildRun(core, s, conversation.runPanes(s, byId, [0]), { mode: 'probe' });
  assert.deepEqual(probe.plans[0].built.body.messages, [{ role: 'user', content: 'Reply with OK' }]);

  const edit = buildRun(core, stateWith([['one', 'uno'], ['two', 'dos']]), [{ p: 0, model: byId('a') }], { mode: 'edit', turn: 0, text: 'ONE' });
  assert.deepEqual(edit.plans[0].built.body.messages.map((m) => m.content), ['ONE'], 'the edited message, nothing after it');

  const noModel = buildRun(core, stateWith([], { modelIds: ['a', 'r'], compare: true }), conversation.runPanes(stateWith([], { modelIds: ['a', 'r'], compare: true }), byId), { mode: 'probe' });
  assert.deepEqual(noModel.plans, []);
  assert.deepEqual(noModel.errors, [{ field: '', message: 'choose model 2 first' }]);
});

test('an error every pane has is said once, without a model name; one pane\'s own keeps it', () => {
  const s = stateWith([], { modelIds: ['a', 'b'], compare: true });
  s.composer.text = 'Hi';
  s.params.temperature = '9';
  const { errors } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.equal(errors.length, 1);
  assert.equal(errors[0].field, 'params.temperature');
  assert.equal(errors[0].prefix, '');
  const items = [{ field: 'f', message: 'm', prefix: 'A: ' }, { field: 'g', message: 'm', prefix: 'B: ' }];
  assert.deepEqual(dedupe(items, 2), items, 'different fields stay apart, with their model');
});

test('message paths go to the composer\'s field, or are said in words in the general list', () => {
  const origins = [{ turn: 0, role: 'user' }, { turn: 0, role: 'assistant' }, { turn: -1, role: 'user' }];
  const { errors, warnings, general } = mapToFields(
    [{ field: 'messages[2].content[1].image_url.url', message: 'bad image', origins },
      { field: 'messages[1].content', message: 'too long', origins },
      { field: 'params.temperature', message: 'too high' },
      { field: '', message: 'choose model 2 first' }],
    [{ path: 'messages[0].content', message: 'short', origins }, { path: 'params.max_tokens', message: 'capped' }]);
  assert.deepEqual(errors.map((e) => e.field), ['composer.content[1].image_url.url', 'params.temperature']);
  assert.deepEqual(warnings.map((w) => [w.field, w.path]), [['params.max_tokens', undefined]]);
  assert.deepEqual(general.map((g) => [g.severity, g.where, g.message]), [
    ['error', 'message 1 (the answer)', 'too long'],
    ['error', undefined, 'choose model 2 first'],
    ['warning', 'message 1 (yours)', 'short'],
  ]);
  assert.equal(generalLine({ prefix: 'Model A: ', where: 'message 1 (yours)', message: 'short' }), 'Model A: message 1 (yours): short');
  const editing = mapToFields([{ field: 'messages[4].content', message: 'x', origins: [] }], [], { editing: true });
  assert.equal(editing.general[0].where, 'the edited message');
  assert.equal(mapToFields([{ field: 'messages[4].content', message: 'x' }], []).general[0].where, 'a message');
});

test('the relay\'s own refusal of a body is listed with the body\'s paths', () => {
  assert.deepEqual(relayRefusals({ kind: 'invalid_request', errors: [{ field: 'messages[0].content', message: 'too long' }, { message: 'bad' }] }, 'A: '), [
    { severity: 'error', prefix: 'A: ', where: 'the relay refused messages[0].content', message: 'too long' },
    { severity: 'error', prefix: 'A: ', where: 'the relay refused the body', message: 'bad' },
  ]);
  assert.deepEqual(relayRefusals({ kind: 'dns' }, ''), []);
  assert.deepEqual(relayRefusals(null, ''), []);
});

test('a run\'s one-line failure: the relay\'s, the provider\'s (read by the core), an invalid answer, or none', () => {
  assert.equal(errorText({ aborted: true, relayError: { kind: 'dns', message: 'x' } }, core), null, 'Stop is not a failure');
  assert.equal(errorText({ relayError: { kind: 'unauthorized', message: 'sign in' } }, core), LOGIN_HINT);
  assert.equal(errorText({ relayError: { kind: 'relay_unreachable', message: 'gone' } }, core), 'Relay (relay_unreachable): gone');
  const provider = errorText({ status: 401, contentType: 'application/json', raw: '{"error":{"message":"Incorrect API key","type":"invalid_request_error","code":"invalid_api_key"}}' }, core);
  assert.equal(provider, 'Provider answered HTTP 401 (invalid_api_key): Incorrect API key');
  const invalid = errorText({ status: 200, result: { ok: false, findings: [{ severity: 'warning', message: 'w' }, { severity: 'error', message: 'no choices' }] } }, core);
  assert.equal(invalid, 'The answer is not a valid chat completion: no choices');
  assert.equal(errorText({ status: 200, result: { ok: true, findings: [] } }, core), null);
});

test('what the live region says when a run ends, per pane', () => {
  const failure = (run) => errorText(run, core);
  assert.equal(announcement([{ name: 'A', run: { status: 200, result: { ok: true, findings: [] } }, summary: 'Everything passed.' }], false, failure), 'Everything passed.');
  assert.equal(announcement([{ name: 'A', run: { aborted: true } }], false, failure), 'Stopped.');
  assert.equal(announcement([
    { name: 'A', run: { aborted: true } },
    { name: 'B', run: { relayError: { kind: 'dns', message: 'no host' } }, summary: 'The host was not found.' },
  ], true, failure), 'A: stopped. B: The host was not found. Relay (dns): no host');
});

test('the model list\'s problem: the login hint on 401, else what the relay said', () => {
  assert.deepEqual(modelListProblem({ status: 401, error: { message: 'sign in first' } }), { text: LOGIN_HINT, kind: 'login' });
  assert.deepEqual(modelListProblem({ status: 0, error: { kind: 'relay_unreachable', message: 'the relay could not be reached (x)' } }),
    { text: 'The model list could not be loaded: the relay could not be reached (x)', kind: 'error' });
  assert.equal(modelListProblem({ status: 502 }).text, 'The model list could not be loaded: HTTP 502');
  assert.equal(notKeptText([]), null);
  assert.equal(notKeptText(['a.png', 'b.png']), 'Not kept across a reload (too large for browser storage): a.png, b.png.');
});
