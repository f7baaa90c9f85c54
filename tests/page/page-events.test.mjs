// What <model-playground> announces to the page embedding it (web/playground/events.js,
// docs/embedding.md): run-finished carries the core's verdict, the failed step and its code
// per pane, and model-changed the pane and the model's id; never a prompt or an answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelChanged, overallVerdict, paneOutcome, runFinished } from '../../web/playground/events.js';

const step = (name, status, code = null) => ({ step: name, status, code, evidence: 'e', advice: 'a' });
const diagnosis = (verdict, failed) => ({
  verdict, summary: `summary ${verdict}`, conditions: verdict === 'warn' ? [{ kind: 'truncated', side: 'prompt', message: 'm', advice: 'a' }] : [],
  steps: ['reach', 'endpoint', 'key', 'model', 'answer'].map((s) => (s === failed ? step(s, 'fail', 'key_rejected') : step(s, failed ? 'not_reached' : 'pass'))),
});
const model = { id: 'm1', display_name: 'One' };

test('a pane\'s outcome: the core\'s verdict, the failed step and its code, condition kinds', () => {
  assert.deepEqual(paneOutcome(0, { model, run: {}, diagnosis: diagnosis('fail', 'key') }), {
    pane: 0, model: 'm1', displayName: 'One', verdict: 'fail', failedStep: 'key', code: 'key_rejected', conditions: [], summary: 'summary fail',
  });
  const warn = paneOutcome(1, { model, run: {}, diagnosis: diagnosis('warn') });
  assert.equal(warn.verdict, 'warn');
  assert.deepEqual(warn.conditions, ['truncated']);
  assert.equal(warn.failedStep, null);
  assert.equal(paneOutcome(0, { model, run: { aborted: true }, diagnosis: diagnosis('pass') }).verdict, 'stopped');
  assert.equal(paneOutcome(2, undefined).verdict, null);
});

test('the run\'s verdict: fail before stopped before warn before pass', () => {
  const v = (...verdicts) => overallVerdict(verdicts.map((verdict) => ({ verdict })));
  assert.equal(v('pass', 'fail', 'warn'), 'fail');
  assert.equal(v('pass', 'stopped'), 'stopped');
  assert.equal(v('pass', 'warn'), 'warn');
  assert.equal(v('pass', 'pass'), 'pass');
  assert.equal(v('pass', null), null);
  assert.equal(v(), null);
});

test('run-finished and model-changed are CustomEvents that bubble out of the shadow root', () => {
  const results = [{ model, run: {}, diagnosis: diagnosis('pass') }, undefined, { model: { id: 'm3' }, run: {}, diagnosis: diagnosis('fail', 'model') }];
  const e = runFinished('send', [0, 2], results);
  assert.equal(e.type, 'run-finished');
  assert.ok(e.bubbles && e.composed);
  assert.equal(e.detail.kind, 'send');
  assert.equal(e.detail.verdict, 'fail');
  assert.deepEqual(e.detail.panes.map((p) => [p.pane, p.model, p.verdict]), [[0, 'm1', 'pass'], [2, 'm3', 'fail']]);
  assert.doesNotMatch(JSON.stringify(e.detail), /evidence|advice/);
  const m = modelChanged(1, 'm2');
  assert.equal(m.type, 'model-changed');
  assert.ok(m.bubbles && m.composed);
  assert.deepEqual(m.detail, { pane: 1, model: 'm2' });
});
