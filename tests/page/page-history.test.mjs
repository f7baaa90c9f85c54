// Which earlier turns a request carries (web/playground/conversation.js leftOutTurns and
// nextRunHistory, forms.js buildRun, messages.js historyText): a turn whose answer failed, has
// no text or is missing is left out, so a provider that requires alternating roles never gets
// [user, user]; the user may choose to send them anyway; the page says what will be sent.
// Pure modules in Node, the requests built by the real core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { defaultState, normalizeState } from '../../web/playground/state.js';
import * as conversation from '../../web/playground/conversation.js';
import { buildRun } from '../../web/playground/forms.js';
import { historyText } from '../../web/playground/messages.js';

const core = await loadCore();

const MODELS = [
  { id: 'a', display_name: 'Model A', model_name: 'gpt-4.1-mini', provider: 'openai', testable: true },
  { id: 'b', display_name: 'Model B', model_name: 'gpt-4.1', provider: 'openai', testable: true },
];
const byId = (id) => MODELS.find((m) => m.id === id);

/** A state whose turns are [user text, pane 0's answer or null, its status]. */
function stateWith(turns, { modelIds = ['a'], compare = false } = {}) {
  const s = defaultState();
  s.modelIds = modelIds;
  s.compare = compare;
  s.turns = turns.map(([user, content, status = 'done']) => ({
    user: { text: user, images: [] },
    answers: content === null ? [] : [{ modelId: modelIds[0], content, reasoning: '', finishReason: null, status, error: status === 'error' ? 'HTTP 404' : null }],
  }));
  return s;
}

const roles = (plan) => plan.built.body.messages.map((m) => m.role);
const contents = (plan) => plan.built.body.messages.map((m) => m.content);

test('after a failed turn, the next message is sent without it: roles alternate', () => {
  const s = stateWith([['one', 'uno'], ['two', '', 'error']]);
  s.composer.text = 'three';
  const { plans, errors } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.deepEqual(errors, []);
  assert.deepEqual(roles(plans[0]), ['user', 'assistant', 'user']);
  assert.deepEqual(contents(plans[0]), ['one', 'uno', 'three']);
});

test('a failed answer with partial text, an empty answer, a stop before any text and a missing answer are left out; a stop with text is sent', () => {
  const s = stateWith([['cut', 'half an ans', 'error'], ['empty', ''], ['stopped early', '', 'stopped'], ['none', null], ['stopped late', 'partial', 'stopped']]);
  assert.deepEqual(conversation.leftOutTurns(s, 0, s.turns.length), [
    { turn: 0, why: 'failed' }, { turn: 1, why: 'no_text' }, { turn: 2, why: 'no_text' }, { turn: 3, why: 'no_answer' },
  ]);
  s.composer.text = 'next';
  const { plans } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.deepEqual(contents(plans[0]), ['stopped late', 'partial', 'next']);
});

test('a retry of the failed last turn sends it as the question, after the answered history', () => {
  const s = stateWith([['one', 'uno'], ['two', '', 'error']]);
  assert.equal(conversation.effectiveMode(s, 'send'), 'retry');
  const { plans } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'retry' });
  assert.deepEqual(contents(plans[0]), ['one', 'uno', 'two']);
  const middle = stateWith([['one', '', 'error'], ['two', 'dos'], ['three', '', 'error']]);
  const retried = buildRun(core, middle, conversation.runPanes(middle, byId), { mode: 'retry' });
  assert.deepEqual(contents(retried.plans[0]), ['two', 'dos', 'three'], 'an earlier failed turn stays out');
});

test('an edit leaves out the failed turns before the edited one', () => {
  const s = stateWith([['one', '', 'error'], ['two', 'dos'], ['three', 'tres']]);
  const { plans } = buildRun(core, s, [{ p: 0, model: byId('a') }], { mode: 'edit', turn: 2, text: 'THREE' });
  assert.deepEqual(contents(plans[0]), ['two', 'dos', 'THREE']);
});

test('the user may send every turn: history "all" keeps the failed ones (and is saved)', () => {
  const s = stateWith([['one', '', 'error']]);
  s.history = 'all';
  s.composer.text = 'two';
  assert.deepEqual(conversation.leftOutTurns(s, 0, 1), []);
  assert.deepEqual(conversation.unansweredTurns(s, 0, 1), [{ turn: 0, why: 'failed' }], 'still known as unanswered');
  const { plans } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.deepEqual(roles(plans[0]), ['user', 'user']);
  assert.equal(normalizeState(JSON.parse(JSON.stringify(s))).history, 'all');
  assert.equal(normalizeState({ history: 'bogus' }).history, 'answered');
  assert.equal(normalizeState(null).history, 'answered', 'the default leaves them out');
});

test('compare mode: each pane leaves out its own failed turns', () => {
  const s = stateWith([['one', 'uno']], { modelIds: ['a', 'b'], compare: true });
  s.turns[0].answers[1] = { modelId: 'b', content: '', reasoning: '', finishReason: null, status: 'error', error: 'HTTP 401' };
  s.composer.text = 'two';
  const { plans } = buildRun(core, s, conversation.runPanes(s, byId), { mode: 'send' });
  assert.deepEqual(contents(plans[0]), ['one', 'uno', 'two']);
  assert.deepEqual(contents(plans[1]), ['two']);
});

test('a running answer is not counted as unanswered (its run decides)', () => {
  const s = stateWith([['one', '', 'running']]);
  assert.deepEqual(conversation.unansweredTurns(s, 0, 1), []);
});

test('what the page says the next run sends: per pane, the retry of a failed last turn counted as the question', () => {
  const s = stateWith([['one', 'uno'], ['two', '', 'error']]);
  // An empty composer: Run retries message 2, so only message 1 is history.
  assert.deepEqual(conversation.nextRunHistory(s), [{ pane: 0, total: 1, sent: 1, leftOut: [], unanswered: [] }]);
  assert.equal(historyText(conversation.nextRunHistory(s), ['Model A']), 'Run sends the earlier message as history.');
  s.composer.text = 'three';
  assert.deepEqual(conversation.nextRunHistory(s)[0].leftOut, [{ turn: 1, why: 'failed' }]);
  assert.equal(historyText(conversation.nextRunHistory(s), ['Model A']), 'Run sends 1 of 2 earlier messages as history; left out: message 2 (its answer failed).');
  s.history = 'all';
  assert.match(historyText(conversation.nextRunHistory(s), ['Model A']), /^Run sends all 2 earlier messages as history, including message 2 \(its answer failed\): a provider that requires alternating roles may refuse it\.$/);
  assert.equal(historyText(conversation.nextRunHistory(stateWith([])), ['Model A']), null, 'nothing to say before the first message');

  const compare = stateWith([['one', 'uno']], { modelIds: ['a', 'b'], compare: true });
  compare.turns[0].answers[1] = { modelId: 'b', content: '', reasoning: '', finishReason: null, status: 'error', error: 'x' };
  compare.composer.text = 'two';
  assert.equal(historyText(conversation.nextRunHistory(compare), ['Model A', 'Model B']),
    'Model A: Run sends the earlier message as history. Model B: Run sends 0 of 1 earlier message as history; left out: message 1 (its answer failed).');
});
