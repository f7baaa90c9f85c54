// The verdict kept in sight (web/playground/verdict.js): a failed answer's checklist summary
// and advice, and each pane's last results kept across a reload with the conversation
// (state.js normalizeState), never the request or the raw answer; a bad save never breaks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { defaultState, normalizeState } from '../../web/playground/state.js';
import * as conversation from '../../web/playground/conversation.js';
import { keepResult, normalizeKept, restoreResult, verdictOf } from '../../web/playground/verdict.js';

const core = await loadCore();
const MODEL = { id: 'm1', display_name: 'Model A', model_name: 'gpt-4.1-mini', provider: 'openai', api_base: 'https://api.openai.com/v1', testable: true, kind: 'direct' };

/** A wrong key's outcome, diagnosed by the real core. */
function wrongKey() {
  return core.diagnose({
    model: { provider: 'openai', model_name: 'gpt-4.1-mini', api_base: 'https://api.openai.com/v1' },
    status: 401, contentType: 'application/json', headers: {},
    body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
    timings: {},
  });
}

test('a failed checklist gives its summary and the failed step\'s advice; a pass gives nothing', () => {
  const d = wrongKey();
  assert.equal(d.verdict, 'fail');
  const v = verdictOf(d);
  assert.equal(v.summary, d.summary);
  const advice = d.steps.find((s) => s.status === 'fail').advice;
  assert.equal(v.advice, d.summary.toLowerCase().includes(advice.toLowerCase().replace(/[.\s]+$/, '')) ? '' : advice, 'not said twice');
  const made = { steps: [{ step: 'model', status: 'fail', code: 'model_not_found', evidence: 'e', advice: 'Fix the model name.' }], conditions: [], summary: 'The model was not found.', verdict: 'fail' };
  assert.deepEqual(verdictOf(made), { summary: 'The model was not found.', advice: 'Fix the model name.' });
  const condition = { steps: [], conditions: [{ kind: 'rate_limited', side: 'provider', message: 'm', advice: 'Wait a minute.' }], summary: 'Rate limited.', verdict: 'fail' };
  assert.deepEqual(verdictOf(condition), { summary: 'Rate limited.', advice: 'Wait a minute.' }, 'a condition\'s advice when no step failed');
  assert.equal(verdictOf({ ...made, verdict: 'pass' }), null);
  assert.equal(verdictOf(null), null);
});

test('only a failed answer keeps a verdict; an answer edited by hand loses it', () => {
  const s = defaultState();
  s.turns = [{ user: { text: 'Hi', images: [] }, answers: [] }];
  const answer = conversation.startAnswer(s, 0, 0, 'm1');
  conversation.settleAnswer(answer, { result: null }, 'Provider answered HTTP 401');
  conversation.settleVerdict(answer, { summary: 'Key rejected.', advice: 'Check it.' });
  assert.deepEqual(answer.verdict, { summary: 'Key rejected.', advice: 'Check it.' });
  const saved = normalizeState(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(saved.turns[0].answers[0].verdict, { summary: 'Key rejected.', advice: 'Check it.' }, 'saved with the conversation');
  conversation.editAnswer(s, 0, 0, 'Fixed by hand');
  assert.equal(answer.verdict, null);
  const done = conversation.startAnswer(s, 0, 0, 'm1');
  conversation.settleAnswer(done, { result: { content: 'Hello' } }, null);
  conversation.settleVerdict(done, { summary: 'x', advice: 'y' });
  assert.equal(done.verdict, null);
  assert.equal(normalizeState({ turns: [{ user: { text: 'x' }, answers: [{ status: 'error', verdict: { summary: 1 } }] }] }).turns[0].answers[0].verdict, null);
});

test('a pane\'s results kept across a reload: the checklist, times, tokens and cost, never the request or the raw answer', () => {
  const diagnosis = wrongKey();
  const result = {
    label: 'Message 1', model: MODEL, running: false, body: { messages: [{ role: 'user', content: 'SECRET PROMPT' }] },
    upstream: { summary: 'POST …' }, diagnosis, cost: null,
    run: { streamed: true, aborted: false, status: 401, raw: 'RAW ANSWER', relayError: null, result: null, outcome: {},
      timing: { firstByte: 40, firstToken: null, total: 45, server: { ttfb: 30 } } },
  };
  const kept = keepResult(result);
  const text = JSON.stringify(kept);
  assert.ok(!text.includes('SECRET PROMPT') && !text.includes('RAW ANSWER'), 'no request, no raw answer');
  assert.deepEqual(kept.model, { id: 'm1', display_name: 'Model A', model_name: 'gpt-4.1-mini', provider: 'openai' });
  assert.deepEqual(kept.run.timing, { firstByte: 40, firstToken: null, total: 45, server: { ttfb: 30 } });
  assert.equal(keepResult({ ...result, running: true }), null, 'a running pane keeps nothing');

  const s = defaultState();
  s.checks = [kept, null];
  const back = normalizeState(JSON.parse(JSON.stringify(s)));
  assert.deepEqual(back.checks, [kept, null]);
  const shown = restoreResult(back.checks[0]);
  assert.equal(shown.restored, true);
  assert.equal(shown.running, false);
  assert.deepEqual(shown.diagnosis, diagnosis);
  assert.equal(restoreResult(null), undefined);
});

test('a bad or hand-edited save of the results is dropped, never shown half', () => {
  const good = keepResult({ label: 'x', model: MODEL, diagnosis: wrongKey(), run: { status: 401, timing: {} } });
  assert.deepEqual(normalizeKept('nope'), []);
  assert.deepEqual(normalizeKept([{ diagnosis: { verdict: 'maybe' } }, { ...good, run: null }, good]).map(Boolean), [false, false, true]);
  assert.deepEqual(normalizeKept([null]), [null]);
  const badStep = { ...good, diagnosis: { ...good.diagnosis, steps: [{ step: 'key', status: 'fail', evidence: 1, advice: '' }] } };
  assert.deepEqual(normalizeKept([badStep]), [null]);
  assert.equal(normalizeKept([{ ...good, cost: 'free' }])[0].cost, null);
  assert.equal(normalizeKept([good, good, good, good]).length, 3, 'three panes at most');
  assert.deepEqual(normalizeState({}).checks, []);
});

test('removing a pane forgets its kept results too', () => {
  const s = defaultState();
  s.modelIds = ['a', 'b', 'c'];
  s.compare = true;
  s.checks = [null, null, null];
  assert.equal(conversation.removePane(s, [{}, {}, {}]), true);
  assert.equal(s.checks.length, 2);
});
