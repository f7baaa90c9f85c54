// `node relay/main.js check` (relay/check.js) as a child process, the way CI and a scheduler run
// it, against local providers of the test suite and a temporary resources file: a healthy model,
// one whose key is wrong (the provider echoes the key back, whole and masked), one whose answer
// is cut by max_tokens (a pass with a condition: "warn"), one on a loopback port the relay's
// address check refuses, one on a port nothing listens on, and a routing model. Asserts the exit
// codes, the JSON shape (verdicts, failed steps, step codes), JUnit XML, the text table, that the
// probe sent is the page's "Test connection", that untestable models are never probed, and that
// no key (nor its tail, nor its masked echo) reaches stdout or stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startFakeUpstream } from '../support/fake-upstreams.mjs';
import { startScenarioUpstream } from '../scenarios/server.mjs';
import { loadRelayCore } from '../../relay/core.js';
import { readSettings } from '../../relay/settings.js';
import { seedEtcd } from '../../relay/sources/etcd-seed.js';
import { haveEtcd, startEtcd } from '../support/etcd-harness.mjs';
import { probeForm } from '../../web/playground/state.js';
import { asListed } from '../support/model-list.mjs';
import { runCheck, assertNoKey } from '../support/check-cli.mjs';
import { tempDir } from '../support/temp-dir.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIOS = join(ROOT, 'tests/scenarios');

const GOOD_KEY = 'sk-proj-TESTSECRETcheckgood000000000000-GQRS';
const WRONG_KEY = 'sk-proj-TESTSECRETcheckwrong00000000000-WKLM';
const KEYS = [GOOD_KEY, WRONG_KEY];
const STEPS = ['reach', 'endpoint', 'key', 'model', 'answer'];

let up; let scenarioUp; let forbidden; let refusedPort; let dir; let file;
const outputs = []; // every stdout and stderr of every run, scanned for secrets at the end

function resources() {
  const key = (name, base, secret = '${CHECK_GOOD_KEY}') => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: secret });
  return {
    _format_version: '1',
    provider_keys: [
      key('k-healthy', up.base('openai')),
      key('k-wrong', up.base('echo401'), '${CHECK_WRONG_KEY}'),
      key('k-cut', scenarioUp.base('answer-empty-length')),
      key('k-inspect', up.base('inspect')),
      key('k-blocked', `http://127.0.0.1:${forbidden.address().port}/v1`),
      key('k-refused', `http://127.0.0.1:${refusedPort}/v1`),
    ],
    models: [
      { display_name: 'Healthy', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-healthy', cost: { input_per_1k: 0.0004, output_per_1k: 0.0016 } },
      { display_name: 'Wrong key', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-wrong' },
      { display_name: 'Cut short', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-cut' },
      { display_name: 'Inspected', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-inspect' },
      { display_name: 'Blocked <&> "base"', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-blocked' },
      { display_name: 'Refused port', provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-refused' },
      { display_name: 'Failover', routing: { strategy: 'failover', targets: [{ model: 'Healthy' }, { model: 'Wrong key' }] } },
    ],
  };
}

before(async () => {
  up = await startFakeUpstream();
  scenarioUp = await startScenarioUpstream({ 'answer-empty-length': JSON.parse(readFileSync(join(SCENARIOS, 'answer-empty-length.json'), 'utf8')) });
  // A loopback server NOT allow-listed: the relay's address check must refuse it, never connect.
  forbidden = net.createServer((s) => s.destroy());
  forbidden.connections = 0;
  forbidden.on('connection', () => { forbidden.connections++; });
  await new Promise((r) => forbidden.listen(0, '127.0.0.1', r));
  const tmp = net.createServer();
  await new Promise((r) => tmp.listen(0, '127.0.0.1', r));
  refusedPort = tmp.address().port;
  await new Promise((r) => tmp.close(r));
  dir = tempDir('check');
  file = join(dir, 'resources.yaml');
  writeFileSync(file, stringify(resources()));
});

after(async () => {
  await up?.stop();
  await scenarioUp?.stop();
  forbidden?.close();
});

/** The environment the relay would run with: the file, the keys, the allowed local upstreams. */
function relayEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'RESOURCES' || k.startsWith('ETCD_') || /_KEY$/.test(k) || k.startsWith('ALLOW')) delete env[k];
  return {
    ...env,
    RESOURCES: file,
    CHECK_GOOD_KEY: GOOD_KEY,
    CHECK_WRONG_KEY: WRONG_KEY,
    ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port},127.0.0.1:${scenarioUp.port},127.0.0.1:${refusedPort}`,
    MAX_CONCURRENT_PER_USER: '3',
    CONNECT_TIMEOUT_MS: '2000',
    FIRST_BYTE_TIMEOUT_MS: '5000',
    ...extra,
  };
}

async function check(args, env = relayEnv()) {
  const out = await runCheck(args, env);
  outputs.push({ args: args.join(' '), stdout: out.stdout, stderr: out.stderr });
  return out;
}

const byName = (report) => Object.fromEntries(report.models.map((m) => [m.display_name, m]));

test('only the healthy model: exit 0, and the JSON entry is complete', async () => {
  const { code, stdout, stderr } = await check(['--model', 'Healthy', '--format', 'json']);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout); // stdout holds the JSON and nothing else
  assert.ok(!Number.isNaN(Date.parse(report.checked_at)));
  assert.equal(report.models.length, 1);
  const m = report.models[0];
  for (const field of ['id', 'display_name', 'provider', 'model_name', 'verdict', 'failed_step', 'summary', 'steps', 'timings', 'usage', 'cost_usd']) assert.ok(field in m, `missing ${field}`);
  assert.equal(m.display_name, 'Healthy');
  assert.equal(m.provider, 'openai');
  assert.equal(m.model_name, 'gpt-4.1-mini');
  assert.equal(m.verdict, 'pass');
  assert.equal(m.failed_step, null);
  assert.deepEqual(m.steps.map((s) => s.step), STEPS);
  for (const s of m.steps) {
    assert.deepEqual(Object.keys(s).sort(), ['advice', 'code', 'evidence', 'status', 'step']);
    assert.equal(s.status, 'pass');
    assert.equal(s.code, null);
  }
  assert.deepEqual({ prompt: m.usage.prompt_tokens, completion: m.usage.completion_tokens }, { prompt: 9, completion: 3 });
  assert.ok(m.cost_usd > 0 && m.cost_usd < 0.001, `cost ${m.cost_usd}`);
  assert.ok(Number.isFinite(m.timings.total_ms) && Number.isFinite(m.timings.first_byte_ms));
  assert.match(stderr, /checked 1 of 1: Healthy: pass/);
});

test('--all: exit 1; verdicts, failed steps and step codes from core.diagnose', async () => {
  const { code, stdout, stderr } = await check(['--all', '--format', 'json', '--concurrency', '3']);
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout);
  // Configuration order, every model listed.
  assert.deepEqual(report.models.map((m) => m.display_name), ['Healthy', 'Wrong key', 'Cut short', 'Inspected', 'Blocked <&> "base"', 'Refused port', 'Failover']);
  const m = byName(report);
  const failed = (e) => [e.verdict, e.failed_step, e.steps.find((s) => s.status === 'fail')?.code ?? null];
  assert.deepEqual(failed(m.Healthy), ['pass', null, null]);
  assert.deepEqual(failed(m['Wrong key']), ['fail', 'key', 'key_rejected']);
  assert.deepEqual(m['Wrong key'].steps.map((s) => s.status), ['pass', 'pass', 'fail', 'not_reached', 'not_reached']);
  assert.deepEqual(failed(m['Blocked <&> "base"']), ['fail', 'reach', 'blocked_address']);
  assert.match(m['Blocked <&> "base"'].summary, /ALLOWED_PRIVATE_UPSTREAMS/);
  assert.deepEqual(failed(m['Refused port']), ['fail', 'reach', 'refused']);
  // A warn (passed, cut by max_tokens) counts as a pass; the core's word is kept beside it.
  assert.deepEqual(failed(m['Cut short']), ['pass', null, null]);
  assert.equal(m['Cut short'].diagnosis_verdict, 'warn');
  assert.deepEqual(m['Cut short'].conditions.map((c) => c.kind), ['truncated']);
  // The routing model: listed with the core's reason, never probed.
  const failover = m.Failover;
  assert.equal(failover.verdict, 'not_testable');
  assert.equal(failover.failed_step, null);
  assert.match(failover.summary, /routing/);
  assert.deepEqual(failover.steps, []);
  assert.equal(failover.usage, null);
  assert.equal(forbidden.connections, 0, 'the refused base URL was never connected to');
  assert.match(stderr, /checked 6 of 6/);
});

test('the probe is the page\'s "Test connection": its form, built by the core, shaped by the relay', async () => {
  up.seen.length = 0;
  const { code, stderr } = await check(['--model', 'Inspected']);
  assert.equal(code, 0, stderr);
  assert.equal(up.seen.length, 1);
  const core = await loadRelayCore();
  const built = core.buildRequest(probeForm(asListed([{ model_name: 'gpt-4.1-mini', provider: 'openai' }])[0]));
  assert.ok(built.ok);
  const sent = up.seen[0].body;
  assert.deepEqual(sent.messages, built.body.messages);
  assert.equal(sent.model, 'gpt-4.1-mini');
  assert.notEqual(sent.stream, true, 'the probe does not stream');
  assert.equal(sent.stream, built.body.stream);
  assert.equal(sent.max_tokens ?? sent.max_completion_tokens, built.body.max_tokens ?? built.body.max_completion_tokens);
  // The relay's call: its key header and the gateway's request id.
  assert.equal(up.seen[0].headers.authorization, `Bearer ${GOOD_KEY}`);
  assert.match(String(up.seen[0].headers['x-aisix-request-id']), /^[0-9a-f-]{36}$/);
});

test('an untestable model alone: listed, not probed, exit 0', async () => {
  const before = up.connections;
  const { code, stdout, stderr } = await check(['--model', 'Failover', '--format', 'json']);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout).models.map((m) => m.verdict), ['not_testable']);
  assert.equal(up.connections, before, 'no provider was called');
});

test('--model by id and --model=name, repeated', async () => {
  const list = JSON.parse((await check(['--model', 'Failover', '--format', 'json'])).stdout);
  const failoverId = list.models[0].id;
  const { code, stdout } = await check([`--model=${failoverId}`, '--model=Healthy', '--format=json']);
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout).models.map((m) => m.display_name), ['Healthy', 'Failover']);
});

// A minimal XML reader: elements nest and close, attributes are quoted, every & is an entity.
function parseXml(text) {
  const root = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m;
  let at = 0;
  while (at < body.length) {
    token.lastIndex = at;
    m = token.exec(body);
    assert.ok(m, `not well-formed XML at: ${body.slice(at, at + 80)}`);
    at = token.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/, 'a bare & in text');
      stack[stack.length - 1].text += m[5];
      continue;
    }
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      assert.equal(stack.pop().name, name, `</${name}> closes another element`);
      continue;
    }
    const attrs = {};
    for (const a of rawAttrs.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
      assert.doesNotMatch(a[2], /&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/, 'a bare & in an attribute');
      attrs[a[1]] = a[2].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
    }
    const el = { name, attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(el);
    if (!selfClosing) stack.push(el);
  }
  assert.equal(stack.length, 1, 'every element is closed');
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0];
}
const all = (el, name) => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

test('--format junit: valid XML, one testcase per model, failures and skips counted', async () => {
  const { code, stdout, stderr } = await check(['--all', '--format', 'junit']);
  assert.equal(code, 1, stderr);
  assert.ok(stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
  const doc = parseXml(stdout);
  assert.equal(doc.name, 'testsuites');
  const cases = all(doc, 'testcase');
  assert.equal(cases.length, 7);
  assert.equal(all(doc, 'failure').length, 3);
  assert.equal(all(doc, 'skipped').length, 1);
  assert.deepEqual([doc.attrs.tests, doc.attrs.failures, doc.attrs.skipped], ['7', '3', '1']);
  const named = Object.fromEntries(cases.map((c) => [c.attrs.name, c]));
  // Escaped, and read back as written.
  assert.ok(named['Blocked <&> "base"'], 'the display name with <&>" survives escaping');
  assert.equal(named.Healthy.attrs.classname, 'openai');
  assert.equal(named.Healthy.children.filter((c) => c.name === 'failure').length, 0);
  const failure = named['Wrong key'].children.find((c) => c.name === 'failure');
  assert.match(failure.attrs.message, /key was rejected/i);
  assert.equal(failure.attrs.type, 'key/key_rejected');
  const skipped = named.Failover.children.find((c) => c.name === 'skipped');
  assert.match(skipped.attrs.message, /routing/);
  assert.equal(named['Cut short'].children.filter((c) => c.name === 'failure').length, 0, 'a warn is a pass');
});

test('text: the table on stdout, progress on stderr', async () => {
  const { code, stdout, stderr } = await check(['--all']);
  assert.equal(code, 1, stderr);
  const lines = stdout.split('\n');
  assert.match(lines[0], /^MODEL\s+VERDICT\s+FAILED STEP\s+TIME\s+TOKENS\s+SUMMARY$/);
  const row = (name) => lines.find((l) => l.startsWith(name));
  assert.match(row('Healthy'), /^Healthy\s+pass\s+—\s+\d+ ms\s+9 in, 3 out\s+All checks passed/);
  assert.match(row('Wrong key'), /\sfail\s+key \(key_rejected\)\s/);
  assert.match(row('Cut short'), /\spass \(warn\)\s+— \(truncated\)\s/);
  assert.match(row('Blocked'), /\sfail\s+reach \(blocked_address\)\s/);
  assert.match(row('Refused port'), /\sfail\s+reach \(refused\)\s/);
  assert.match(row('Failover'), /\snot_testable\s+—\s+—\s+—\s+a routing model/);
  assert.match(stdout, /\n3 passed, 3 failed, 1 not testable \(checked at /);
  assert.doesNotMatch(stdout, /checking|checked \d/, 'no progress on stdout');
  assert.match(stderr, /checking 6 models/);
  assert.match(stderr, /checked 6 of 6/);
});

test('bad usage or configuration: exit 2 with the reason', async () => {
  const cases = [
    [[], /say which models to check/],
    [['--all', '--bogus'], /unknown argument "--bogus"/],
    [['--model', 'No such model'], /no model has the id or display name "No such model"/],
    [['--all', '--format', 'xml'], /--format must be one of text, json, junit/],
    [['--all', '--concurrency', '0'], /--concurrency must be a whole number/],
    [['--all', '--concurrency', '4'], /past the relay's per-user limit, MAX_CONCURRENT_PER_USER=3/],
    [['--model'], /--model needs a value/],
  ];
  for (const [args, reason] of cases) {
    const { code, stdout, stderr } = await check(args);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, reason, args.join(' '));
    assert.equal(stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
  const badSetting = await check(['--all'], relayEnv({ MAX_CONCURRENT_PER_USER: 'many' }));
  assert.equal(badSetting.code, 2);
  assert.match(badSetting.stderr, /MAX_CONCURRENT_PER_USER must be an integer/);
  const missing = await check(['--all'], relayEnv({ RESOURCES: join(dir, 'nope.yaml') }));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot load .*nope\.yaml[\s\S]*ENOENT/);
  const help = await check(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage: node relay\/main\.js check/);
});

test('a resources file that does not load: exit 2, the reason printed, no key quoted', async () => {
  // Broken YAML with a key pasted in it: the reason is the error's code and position only.
  const broken = join(dir, 'broken.yaml');
  writeFileSync(broken, `${readFileSync(file, 'utf8')}\n  - display_name: [${GOOD_KEY}\n`);
  const yamlBad = await check(['--all'], relayEnv({ RESOURCES: broken }));
  assert.equal(yamlBad.code, 2);
  assert.match(yamlBad.stderr, /cannot load .*broken\.yaml[\s\S]*not valid YAML/);
  // Valid YAML the core refuses (a model naming a key that does not exist), a key in the entry.
  const invalid = join(dir, 'invalid.yaml');
  const doc = resources();
  doc.models.push({ display_name: `Leaky ${WRONG_KEY}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key: 'k-missing' });
  writeFileSync(invalid, stringify(doc));
  const coreBad = await check(['--all'], relayEnv({ RESOURCES: invalid }));
  assert.equal(coreBad.code, 2);
  assert.match(coreBad.stderr, /cannot load .*invalid\.yaml[\s\S]*k-missing/);
  assert.equal(coreBad.stdout, '');
});

test('ETCD_* instead of RESOURCES: the same models from the gateway\'s etcd rows', { skip: !haveEtcd && 'no etcd binary' }, async () => {
  const etcd = await startEtcd();
  try {
    const env = relayEnv({ ETCD_ENDPOINTS: etcd.endpoint, ETCD_PREFIX: '/check-test' });
    delete env.RESOURCES;
    const core = await loadRelayCore();
    await seedEtcd({ core, etcd: readSettings({ ETCD_ENDPOINTS: etcd.endpoint, ETCD_PREFIX: '/check-test' }).etcd, resources: file, env, client: etcd.client });
    const { code, stdout, stderr } = await check(['--model', 'Healthy', '--model', 'Wrong key', '--model', 'Failover', '--format', 'json'], env);
    assert.equal(code, 1, stderr);
    const m = byName(JSON.parse(stdout));
    assert.deepEqual([m.Healthy.verdict, m['Wrong key'].verdict, m['Wrong key'].failed_step, m.Failover.verdict], ['pass', 'fail', 'key', 'not_testable']);
  } finally {
    await etcd.close();
  }
});

// Last: every byte any run printed, on either stream.
test('did you mean: a 404 model_not_found asks the provider\'s list; JSON and text name the closest model', async () => {
  // Its own resources file: a model whose name the provider does not serve, one whose list cannot be had.
  const didYouMean = join(dir, 'did-you-mean.yaml');
  const key = (name, base) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: '${CHECK_GOOD_KEY}' });
  writeFileSync(didYouMean, stringify({
    _format_version: '1',
    provider_keys: [key('k-missing', up.base('modelMissing')), key('k-nolist', up.base('modelMissingNoList'))],
    models: [
      { display_name: 'Misnamed', provider: 'openai', model_name: 'upstream-model-y', provider_key: 'k-missing' },
      { display_name: 'No list', provider: 'openai', model_name: 'upstream-model-y', provider_key: 'k-nolist' },
    ],
  }));
  const env = relayEnv({ RESOURCES: didYouMean });
  const json = await check(['--all', '--format', 'json'], env);
  assert.equal(json.code, 1, json.stderr);
  const m = byName(JSON.parse(json.stdout));
  assert.equal(m.Misnamed.failed_step, 'model');
  assert.equal(m.Misnamed.steps[3].code, 'model_not_found');
  assert.deepEqual(m.Misnamed.model_suggestions, { names: ['upstream-model-x'], listed: 4 });
  assert.match(m.Misnamed.steps[3].advice, /the provider serves `upstream-model-x` for this key; did you mean it\?/);
  assert.deepEqual(m['No list'].model_suggestions, { unavailable: 'http_error', status: 403 });
  assert.match(m['No list'].steps[3].advice, /the provider's model list could not be had \(it answered GET \/models with HTTP 403\)/);

  const text = await check(['--model', 'Misnamed'], env);
  assert.equal(text.code, 1, text.stderr);
  const row = text.stdout.split('\n').find((l) => l.startsWith('Misnamed'));
  assert.match(row, /\sfail\s+model \(model_not_found\)\s.*did you mean it\?/);
  assert.match(row, /`upstream-model-x`/);
  // The list echoed the key in one id: never printed.
  for (const out of [json.stdout, text.stdout]) assert.ok(!out.includes(GOOD_KEY));
});

test('no key, no key tail, no masked key in any stdout or stderr', () => {
  assert.ok(outputs.length >= 10);
  for (const { args, stdout, stderr } of outputs) assertNoKey({ stdout, stderr }, KEYS, args);
  // The wrong key's model really did send the key back: redaction had something to remove.
  assert.ok(outputs.some(({ stdout }) => stdout.includes('[REDACTED]')));
});
