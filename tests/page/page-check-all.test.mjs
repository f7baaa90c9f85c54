// "Check all" (issue 19, item 1), the page's logic without a browser: the queue and its cap
// (web/playground/check-all.js runQueue, concurrencyFor from the relay's per-user limit), the
// rows' verdicts from the core's codes (never from a message: the messages are scrambled), how
// long ago and stale, the badges, what is kept across a reload (never the request, the answer
// or a key), and a multi-target model's targets. Then the probe itself (check-all-probe.js)
// against the real relay and a local provider: a passing model, a wrong key, an unknown model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import {
  MAX_AT_ONCE, MAX_KEPT, STALE_AFTER_MS, agoText, badges, checkRows, checkVerdict, concurrencyFor, countRows, emptyCheckAll,
  isStale, keepCheck, normalizeCheckAll, planCheck, progressText, recordCheck, runQueue, targetsOf, verdictText,
} from '../../web/playground/check-all.js';
import { CHECK_LABEL, probeModel } from '../../web/playground/check-all-probe.js';
import { normalizeState } from '../../web/playground/state.js';
import { startRelay } from '../support/relay-harness.mjs';
import { startScenarioUpstream } from '../browser/scenario-upstream.mjs';

const core = await loadCore();
const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const model = (id, extra = {}) => ({ id, display_name: `Model ${id}`, model_name: `m-${id}`, provider: 'openai', api_base: 'https://api.openai.com/v1', kind: 'direct', testable: true, cost: null, provider_key: null, ...extra });

const step = (name, status, code = null) => ({ step: name, status, code, evidence: `evidence of ${name}`, advice: status === 'fail' ? `advice for ${name}` : '' });
const steps = (failAt, code) => ['reach', 'endpoint', 'key', 'model', 'answer'].map((s, i, all) => {
  const at = all.indexOf(failAt);
  if (at < 0 || i < at) return step(s, 'pass');
  return i === at ? step(s, 'fail', code) : step(s, 'not_reached');
});
const diagnosis = (verdict, failAt = null, code = null, conditions = []) => ({ verdict, steps: steps(failAt, code), conditions, summary: `summary: ${verdict} ${failAt ?? ''}`, advice: '' });
const run = (extra = {}) => ({
  streamed: false, aborted: false, status: 200, relayError: null, raw: 'the raw answer: OK', outcome: { body: 'the raw answer: OK' },
  result: { ok: true, content: 'OK', usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 }, finishReason: 'stop' },
  timing: { firstByte: 120, firstToken: 120, total: 130, server: { ttfb: 100 } }, ...extra,
});
const probed = (m, d, extra = {}) => ({ model: m, run: run(extra), diagnosis: d, cost: { known: true, totalUsd: 0.0001 }, body: { messages: [{ role: 'user', content: 'Reply with OK' }] }, probeAnswer: 'OK' });

test('how many at once: one less than the relay\'s per-user limit, at most three, never below one', () => {
  assert.equal(concurrencyFor({ concurrentPerUser: 8 }), MAX_AT_ONCE);
  assert.equal(concurrencyFor({ concurrentPerUser: 4 }), 3);
  assert.equal(concurrencyFor({ concurrentPerUser: 3 }), 2);
  assert.equal(concurrencyFor({ concurrentPerUser: 2 }), 1);
  assert.equal(concurrencyFor({ concurrentPerUser: 1 }), 1);
  assert.equal(concurrencyFor(null), 1, 'a relay that does not say its limit: one at a time');
  assert.equal(concurrencyFor({ concurrentPerUser: 'lots' }), 1);
});

test('the queue: never more at once than the cap, in order, every item once; Stop aborts the running ones and the rest never start', async () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  let running = 0;
  let most = 0;
  const started = [];
  const done = [];
  const worker = async (i) => {
    running += 1; most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, 5 + (i % 3) * 4));
    running -= 1;
    if (i === 4) throw new Error('a worker failed');
    return i * 2;
  };
  const out = await runQueue(items, worker, { concurrency: 3, onStart: (i) => started.push(i), onDone: (i, r, err) => done.push([i, r, err ? 'error' : null]) });
  assert.equal(most, 3);
  assert.deepEqual(started, items);
  assert.deepEqual(done.map((d) => d[0]).sort((a, b) => a - b), items);
  assert.deepEqual(done.find((d) => d[0] === 4), [4, undefined, 'error'], 'a failure is reported, the queue goes on');
  assert.deepEqual(out, { started: 10, finished: 10 });

  // Stop: the running workers see the abort, nothing new starts.
  const controller = new AbortController();
  const seen = [];
  const slow = (i, signal) => new Promise((resolve) => {
    seen.push(i);
    if (seen.length === 2) controller.abort(); // both lanes busy: Stop
    const t = setTimeout(() => resolve('finished'), 1000);
    const stop = () => { clearTimeout(t); resolve('aborted'); };
    if (signal.aborted) stop(); else signal.addEventListener('abort', stop, { once: true });
  });
  const results = [];
  const stopped = await runQueue(items, slow, { concurrency: 2, signal: controller.signal, onDone: (i, r) => results.push(r) });
  assert.equal(stopped.started, 2, 'nothing started after Stop');
  assert.equal(stopped.finished, stopped.started);
  assert.ok(results.every((r) => r === 'aborted'), 'the running ones were aborted');
  assert.deepEqual(await runQueue([], slow, { concurrency: 3 }), { started: 0, finished: 0 });
});

test('a row\'s verdict comes from the core\'s codes: the failed step and its code, or the condition; never from the words', async () => {
  assert.deepEqual(checkVerdict(diagnosis('pass')), { verdict: 'pass', step: null, code: null });
  assert.deepEqual(checkVerdict(diagnosis('fail', 'key', 'key_rejected')), { verdict: 'fail', step: 'key', code: 'key_rejected' });
  assert.deepEqual(checkVerdict(diagnosis('fail', null, null, [{ kind: 'rate_limit', side: 'provider', message: 'm', advice: 'a' }])), { verdict: 'fail', step: null, code: 'rate_limit' });
  assert.deepEqual(checkVerdict(diagnosis('warn', null, null, [{ kind: 'truncated', side: 'prompt', message: 'm', advice: 'a' }])), { verdict: 'warn', step: null, code: 'truncated' });
  assert.equal(checkVerdict(null), null);
  assert.equal(checkVerdict({ verdict: 'maybe', steps: [], conditions: [] }), null);
  assert.equal(verdictText(checkVerdict(diagnosis('fail', 'model', 'model_not_found'))), 'fail: model (model_not_found)');
  assert.equal(verdictText(checkVerdict(diagnosis('fail', 'model', 'model_not_found')), { short: true }), 'fail: model');
  assert.equal(verdictText(checkVerdict(diagnosis('warn', null, null, [{ kind: 'truncated' }]))), 'pass (truncated)');
  assert.equal(verdictText(checkVerdict(diagnosis('pass'))), 'pass');

  // The real core's diagnosis of a wrong key, its words scrambled: the same verdict.
  const outcome = {
    model: { provider: 'openai', model_name: 'gpt-4.1-mini', api_base: 'https://api.openai.com/v1' },
    status: 401, contentType: 'application/json', headers: {},
    body: '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}', timings: {},
  };
  const real = core.diagnose(outcome);
  assert.deepEqual(checkVerdict(real), { verdict: 'fail', step: 'key', code: 'key_rejected' });
  // Every word of the checklist replaced: the same verdict (it reads codes only).
  const words = structuredClone(real);
  words.summary = 'quartz lantern';
  for (const s of words.steps) { s.evidence = 'amber'; s.advice = 'orbit'; }
  for (const c of words.conditions) { c.message = 'velvet'; c.advice = 'ember'; }
  assert.deepEqual(checkVerdict(words), checkVerdict(real));
});

test('how long ago, and stale after an hour', () => {
  const at = (msAgo) => new Date(NOW - msAgo).toISOString();
  assert.equal(agoText(at(3000), NOW), 'checked just now');
  assert.equal(agoText(at(42_000), NOW), 'checked 42 s ago');
  assert.equal(agoText(at(12 * 60_000 + 5000), NOW), 'checked 12 min ago');
  assert.equal(agoText(at(3 * 3_600_000), NOW), 'checked 3 h ago');
  assert.equal(agoText(at(50 * 3_600_000), NOW), 'checked 2 d ago');
  assert.equal(agoText('not a time', NOW), null);
  assert.equal(STALE_AFTER_MS, 3_600_000);
  assert.equal(isStale(at(59 * 60_000), NOW), false);
  assert.equal(isStale(at(61 * 60_000), NOW), true);
  assert.equal(isStale('garbage', NOW), true);
});

test('which models: testable ones are probed, the others listed with the core\'s reason; a selection; a multi-target model\'s targets', () => {
  const a = model('a');
  const b = model('b', { display_name: 'Bee' });
  const off = model('off', { testable: false, reason: 'no key configured' });
  const route = model('route', { kind: 'routing', testable: false, reason: 'a routing model (failover over Model a, Bee): …', targets: ['Model a', 'Bee', 'off', 'Gone'] });
  const models = [a, b, off, route];
  assert.deepEqual(planCheck(models), { probes: [a, b], untestable: [off, route] });
  assert.deepEqual(planCheck(models, { ids: ['b', 'off'] }), { probes: [b], untestable: [off] });
  const t = targetsOf(route, models);
  assert.deepEqual(t.probes, [a, b], 'by display name (or id)');
  assert.deepEqual(t.skipped, [{ name: 'off', reason: 'no key configured' }, { name: 'Gone', reason: 'not in the model list' }]);
  assert.deepEqual(targetsOf(a, models), { probes: [], skipped: [] });
});

test('kept across a reload: when and the checklist, times, tokens, cost; never the request, the answer or a stopped probe', () => {
  const state = emptyCheckAll();
  const a = model('a');
  assert.equal(recordCheck(state, probed(a, diagnosis('fail', 'key', 'key_rejected')), NOW), true);
  assert.equal(recordCheck(state, { ...probed(model('b'), diagnosis('pass')), run: run({ aborted: true }) }, NOW), false, 'a stopped probe says nothing');
  const text = JSON.stringify(state);
  for (const never of ['Reply with OK', 'the raw answer', '"OK"', 'probeAnswer', '"body"', '"raw"']) assert.ok(!text.includes(never), `not kept: ${never}`);
  const saved = state.results.a;
  assert.equal(saved.at, new Date(NOW).toISOString());
  assert.equal(saved.kept.label, 'Check all');
  assert.deepEqual(saved.kept.run.timing, { firstByte: 120, firstToken: 120, total: 130, server: { ttfb: 100 } });
  assert.deepEqual(saved.kept.run.result.usage, { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 });

  // Through the page state, as storage.js saves and loads it.
  const page = normalizeState(JSON.parse(JSON.stringify({ v: 1, checkAll: state })));
  assert.deepEqual(page.checkAll, state);
  assert.deepEqual(normalizeState(null).checkAll, emptyCheckAll());

  // A bad or hand-edited save never breaks the page; an answer smuggled in is dropped.
  const bad = {
    results: {
      a: { ...saved, kept: { ...saved.kept, probeAnswer: 'smuggled answer' } },
      wrongId: saved,
      noTime: { kept: saved.kept },
      junk: 42,
      broken: { at: saved.at, kept: { ...saved.kept, diagnosis: { verdict: 'pass' } } },
    },
  };
  const normal = normalizeCheckAll(bad);
  assert.deepEqual(Object.keys(normal.results), ['a']);
  assert.equal(normal.results.a.kept.probeAnswer, undefined);
  for (const junk of [null, 'x', [], { results: [] }, { results: 'x' }]) assert.deepEqual(normalizeCheckAll(junk), emptyCheckAll());

  // Bounded: the newest MAX_KEPT.
  const many = emptyCheckAll();
  for (let i = 0; i < MAX_KEPT + 5; i++) recordCheck(many, probed(model(`m${i}`), diagnosis('pass')), NOW + i * 1000);
  assert.equal(Object.keys(many.results).length, MAX_KEPT);
  assert.ok(!('m0' in many.results) && `m${MAX_KEPT + 4}` in many.results);
  assert.equal(Object.keys(normalizeCheckAll({ results: { ...many.results, ...Object.fromEntries(Object.entries(state.results)) } }).results).length, MAX_KEPT);
  assert.equal(keepCheck(null, NOW), null);
});

test('the rows, the counts, the badges and the progress line', () => {
  const a = model('a');
  const b = model('b');
  const c = model('c');
  const off = model('off', { testable: false, reason: 'no key configured' });
  const state = emptyCheckAll();
  recordCheck(state, probed(a, diagnosis('pass')), NOW - 2 * STALE_AFTER_MS);
  recordCheck(state, probed(b, diagnosis('fail', 'model', 'model_not_found')), NOW - 60_000);
  // A result kept for a model that became untestable is not shown as its verdict.
  recordCheck(state, probed(off, diagnosis('pass')), NOW);
  const rows = checkRows([a, b, c, off], state, new Map([['c', 'running']]), NOW);
  assert.deepEqual(rows.map((r) => [r.id, r.status, r.verdict?.verdict ?? null, r.verdict?.step ?? null, r.stale]), [
    ['a', 'done', 'pass', null, true],
    ['b', 'done', 'fail', 'model', false],
    ['c', 'running', null, null, false],
    ['off', 'not_testable', null, null, false],
  ]);
  assert.equal(rows[1].ago, 'checked 1 min ago');
  assert.equal(rows[1].firstTokenMs, 120);
  assert.equal(rows[1].totalMs, 130);
  assert.equal(rows[1].summary, 'summary: fail model');
  assert.equal(rows[3].reason, 'no key configured');
  // A relay's own answer (the provider was never reached) has no first token to show.
  const refused = model('refused');
  recordCheck(state, probed(refused, diagnosis('fail', 'reach', 'refused'), { status: 502, relayError: { kind: 'refused' }, result: null }), NOW);
  const [refusedRow] = checkRows([refused], state, new Map(), NOW);
  assert.equal(refusedRow.firstTokenMs, null);
  assert.equal(refusedRow.totalMs, 130);
  assert.deepEqual(countRows(rows), { passed: 1, failed: 1, notTestable: 1, unchecked: 1, stale: 1 });
  const shown = badges(state, NOW);
  assert.equal(shown.get('a').text, 'pass');
  assert.equal(shown.get('a').stale, true);
  assert.match(shown.get('a').title, /^pass, checked 2 h ago \(stale: check again\)$/);
  assert.equal(shown.get('b').text, 'fail: model');
  assert.equal(shown.get('b').verdict, 'fail');

  assert.equal(progressText({ done: 7, total: 23, running: true }), 'Checking: 7 of 23 done…');
  assert.equal(progressText({ done: 23, total: 23, running: false, passed: 20, failed: 3 }), 'Checked 23 of 23: 20 passed, 3 failed.');
  assert.equal(progressText({ done: 7, total: 23, running: false, stopped: true }), 'Stopped after 7 of 23; the rest were not checked.');
  assert.equal(progressText({ done: 1, total: 2, running: true, targetsOf: 'Chat with failover' }), "Checking the targets of Chat with failover: 1 of 2 done…");
  assert.equal(progressText({ done: 2, total: 2, running: false, passed: 2, targetsOf: 'Chat with failover' }), 'Checked 2 of 2 targets of Chat with failover: 2 passed, 0 failed.');
  assert.equal(progressText({ done: 0, total: 0, running: false }), 'No model to check.');
});

// ---- the probe, against the real relay and a local provider -------------------------------

const KEY = 'sk-proj-CHECKALLgoodkey00000000000000000000-GOOD';
const WRONG = 'sk-proj-CHECKALLwrongkey0000000000000000000-BAD1';
let upstream;
let relay;
let api;
let models;

before(async () => {
  upstream = await startScenarioUpstream({ key: KEY });
  const keyOf = (name, v) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: upstream.base, api_key: `\${${v}}` });
  relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [keyOf('good', 'CA_KEY'), keyOf('wrong', 'CA_WRONG')],
      models: [
        { display_name: 'Echo', provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'good', cost: { input_per_1k: 0.5, output_per_1k: 1.5 } },
        { display_name: 'Echo two', provider: 'openai-compatible', model_name: 'echo-2', provider_key: 'good' },
        { display_name: 'Late', provider: 'openai-compatible', model_name: 'late-1', provider_key: 'good' },
        { display_name: 'Wrong key', provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'wrong' },
        { display_name: 'Missing', provider: 'openai-compatible', model_name: 'gpt-does-not-exist', provider_key: 'good' },
        { display_name: 'Failover', routing: { strategy: 'failover', targets: [{ model: 'Echo' }, { model: 'Echo two' }] } },
      ],
    },
    env: { CA_KEY: KEY, CA_WRONG: WRONG, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upstream.port}` },
    settings: { limits: { concurrentPerUser: 3 } },
  });
  models = await relay.models();
  // The page's RelayApi, with the bearer token instead of the session cookie.
  const auth = { authorization: `Bearer ${'test-playground-token-0123456789'}` };
  api = {
    chat: (id, body, signal) => fetch(`${relay.base}/api/playground/chat`, { method: 'POST', signal, headers: { ...auth, 'content-type': 'application/json', 'x-playground': '1' }, body: JSON.stringify({ model: id, body }) }),
    upstreamModels: async (id, signal) => (await fetch(`${relay.base}/api/playground/models/${id}/upstream-models`, { headers: auth, signal })).json(),
  };
});
after(async () => { await relay?.stop(); await upstream?.stop(); });

test('the status route says the per-user limit the check stays under', async () => {
  const body = await (await relay.call('/api/playground/status')).json();
  assert.equal(body.limits.concurrentPerUser, 3);
  assert.equal(concurrencyFor(body.limits), 2);
});

test('the probe on every testable model, two at a time under a limit of three: the verdicts by code, the multi-target model not probed', async () => {
  const byName = (n) => models.find((m) => m.display_name === n);
  let inFlight = 0;
  let most = 0;
  const count = (req, res) => {
    if (!req.url.startsWith('/api/playground/chat') && !req.url.includes('/upstream-models')) return;
    inFlight += 1; most = Math.max(most, inFlight);
    res.on('close', () => { inFlight -= 1; });
  };
  relay.server.on('request', count);
  const state = emptyCheckAll();
  const { probes, untestable } = planCheck(models);
  assert.deepEqual(untestable.map((m) => m.display_name), ['Failover']);
  const seen = upstream.seen.length;
  try {
    await runQueue(probes, (m, signal) => probeModel({ core, api, model: m, signal }), {
      concurrency: concurrencyFor({ concurrentPerUser: 3 }),
      onDone: (m, result) => recordCheck(state, result, Date.now()),
    });
  } finally {
    relay.server.off('request', count);
  }
  assert.equal(most, 2, 'two at a time');
  assert.equal(upstream.seen.length - seen, 5, 'the five direct models, the routing model never');
  const rows = checkRows(models, state, new Map(), Date.now());
  const v = (n) => rows.find((r) => r.model.display_name === n).verdict;
  assert.deepEqual(v('Echo'), { verdict: 'pass', step: null, code: null });
  assert.deepEqual(v('Late'), { verdict: 'pass', step: null, code: null });
  assert.deepEqual(v('Wrong key'), { verdict: 'fail', step: 'key', code: 'key_rejected' });
  assert.deepEqual(v('Missing'), { verdict: 'fail', step: 'model', code: 'model_not_found' });
  assert.equal(rows.find((r) => r.model.display_name === 'Failover').status, 'not_testable');
  assert.match(state.results[byName('Missing').id].kept.diagnosis.summary, /model list/, 'the provider\'s list was asked for, as a pane asks');
  const echo = rows.find((r) => r.model.display_name === 'Echo');
  assert.ok(echo.totalMs > 0 && echo.usage.prompt_tokens > 0 && echo.cost.known);
  const text = JSON.stringify(state);
  assert.ok(!text.includes(KEY.slice(8, -6)) && !text.includes(WRONG.slice(8, -6)), 'no key kept');
  assert.ok(!text.includes('You said'), 'no answer kept');

  // The probe is the page's "Test connection": tiny, not streamed.
  const sent = upstream.seen.slice(seen).map((s) => s.body);
  assert.ok(sent.every((b) => b.stream !== true && b.messages.length === 1 && b.messages[0].content === 'Reply with OK'), JSON.stringify(sent));
});

test('a multi-target model: its targets are probed one by one; Stop aborts the call in flight', async () => {
  const failover = models.find((m) => m.display_name === 'Failover');
  const { probes } = targetsOf(failover, models);
  assert.deepEqual(probes.map((m) => m.display_name), ['Echo', 'Echo two']);
  const late = models.find((m) => m.display_name === 'Late');
  const controller = new AbortController();
  const results = [];
  const pending = runQueue([late, ...probes], (m, signal) => probeModel({ core, api, model: m, signal }), { concurrency: 1, signal: controller.signal, onDone: (m, r) => results.push(r) });
  setTimeout(() => controller.abort(), 300);
  const out = await pending;
  assert.deepEqual(out, { started: 1, finished: 1 }, 'the queue stopped');
  assert.equal(results[0].run.aborted, true);
  assert.equal(results[0].label, CHECK_LABEL);
  assert.equal(recordCheck(emptyCheckAll(), results[0], Date.now()), false, 'a stopped probe is not kept');
});
