// Every real provider recording read through the core (tests/fixtures/recordings/README.md):
// a stream gives the same Result however its bytes are split; a valid answer reads as valid,
// with the recorded content, reasoning, finish reason, usage and tool calls; an error is blamed
// on the step the recording says. Real providers are the reference, not our idea of the shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCore } from '../../web/core.js';
import { prng } from '../support/prng.mjs';
import { scrambleMessages, verdictFacts } from '../support/scramble-messages.mjs';
import { fixturePath } from '../support/fixtures.mjs';

const core = await loadCore();
const encoder = new TextEncoder();

const IN_REPO = fixturePath('recordings');
// The team's shared collection, beside the repository, grows; a new case there is read too.
const SHARED = fileURLToPath(new URL('../../../shared/real-recordings/cases/', import.meta.url));

function loadCases() {
  const byId = new Map();
  for (const dir of [IN_REPO, SHARED]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const c = JSON.parse(readFileSync(dir + name, 'utf8'));
      byId.set(c.id, c);
    }
  }
  return [...byId.values()];
}
const cases = loadCases();
if (!existsSync(SHARED)) process.stdout.write('# the shared recordings folder is not beside the repository: reading the in-repo copy only\n');

/** Byte positions to split at: every CR/LF, and seeded random points. */
function splitPlans(bytes, seed) {
  const plans = [[], 'every-byte', 'sevens'];
  const crlf = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a || bytes[i] === 0x0d) crlf.push(i, i + 1);
  plans.push([...new Set(crlf)].sort((a, b) => a - b));
  const rand = prng(seed);
  for (let r = 0; r < 3; r++) {
    const cuts = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * bytes.length));
    plans.push([...new Set(cuts)].sort((a, b) => a - b));
  }
  return plans;
}

function pieces(bytes, plan) {
  if (plan === 'every-byte') return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
  if (plan === 'sevens') return Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
  const out = [];
  let at = 0;
  for (const cut of plan) { if (cut > at) { out.push(bytes.subarray(at, cut)); at = cut; } }
  out.push(bytes.subarray(at));
  return out;
}

function readStream(bytes, plan) {
  const stream = core.openStream();
  try {
    for (const piece of pieces(bytes, plan)) stream.push(piece);
    return stream.end();
  } finally {
    stream.free();
  }
}

function hash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** The answer fields a recording's `expect` speaks of, compared as the recording states them. */
function checkAnswer(c, result) {
  const e = c.expect;
  const why = () => `${c.id}: ${JSON.stringify(result.findings)}`;
  if (e.valid !== undefined) assert.equal(result.ok, e.valid, why());
  if (typeof e.content === 'string') assert.equal(result.content, e.content, `${c.id}: content`);
  if (typeof e.reasoning === 'string') assert.equal(result.reasoning, e.reasoning, `${c.id}: reasoning`);
  if (e.finish_reason !== undefined) assert.equal(result.finishReason, e.finish_reason, `${c.id}: finish_reason`);
  if (e.done !== undefined && c.kind === 'stream') assert.equal(result.done, e.done, `${c.id}: done`);
  if (e.usage) {
    assert.ok(result.usage, `${c.id}: usage missing`);
    for (const [k, v] of Object.entries(e.usage)) assert.equal(result.usage[k], v, `${c.id}: usage.${k}`);
  }
  if (Array.isArray(e.tool_calls)) {
    const got = (result.toolCalls ?? []).map((t) => ({ name: t.function?.name ?? t.name, arguments: t.function?.arguments ?? t.arguments }));
    assert.deepEqual(got, e.tool_calls.map((t) => ({ name: t.name, arguments: t.arguments })), `${c.id}: tool calls`);
  }
}

function outcomeOf(c, result) {
  const o = { status: c.status, contentType: c.contentType, headers: { 'content-type': c.contentType, 'x-playground-source': 'upstream' }, model: c.model };
  if (c.kind === 'stream' && c.status >= 200 && c.status < 300) o.result = result;
  else {
    o.body = c.body;
    if (result) o.result = result;
  }
  return o;
}

/** Where the diagnosis puts the blame: the failed step, or the side of a condition. */
function blamed(d, step) {
  if (step === 'prompt' || step === 'provider') return d.conditions.some((x) => x.side === step);
  return d.steps.some((s) => s.step === step && s.status === 'fail');
}

for (const c of cases) {
  test(`${c.id}: ${c.title}`, () => {
    const bytes = encoder.encode(c.body);
    let result = null;
    if (c.kind === 'stream') {
      const whole = readStream(bytes, []);
      for (const plan of splitPlans(bytes, hash(c.id))) {
        assert.deepEqual(readStream(bytes, plan), whole, `${c.id}: the same Result for split ${Array.isArray(plan) ? `${plan.length} cuts` : plan}`);
      }
      result = whole;
      checkAnswer(c, result);
    } else if (c.kind === 'json') {
      result = core.validateCompletion(c.body);
      checkAnswer(c, result);
    }
    const outcome = outcomeOf(c, result);
    const d = core.diagnose(outcome);
    // Wording-independence: the same verdict with every message we wrote scrambled.
    assert.deepEqual(verdictFacts(core.diagnose(scrambleMessages(outcome))), verdictFacts(d), `${c.id}: messages scrambled`);
    if (c.expect.step) {
      assert.ok(blamed(d, c.expect.step), `${c.id}: blamed on ${c.expect.step}? ${JSON.stringify({ steps: d.steps.map((s) => `${s.step}:${s.status}`), conditions: d.conditions.map((x) => `${x.kind}/${x.side}`) })}`);
    } else if (c.expect.condition_side) {
      assert.ok(d.conditions.some((x) => x.side === c.expect.condition_side), `${c.id}: a ${c.expect.condition_side}-side condition`);
      assert.ok(!d.steps.some((s) => s.status === 'fail' && s.step !== 'answer'), `${c.id}: no setting is blamed`);
    } else if (c.expect.valid) {
      assert.notEqual(d.verdict, 'fail', `${c.id}: a valid answer passes the checklist: ${d.summary}`);
    }
  });
}
