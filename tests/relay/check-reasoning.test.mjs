// `node relay/main.js check` on reasoning models (issue 19, item 4), as a child process against a
// local provider that answers with recorded reasoning-model answers: the probe it sends asks
// for the family's lowest reasoning_effort with a budget a reply fits in (never max_tokens 64
// as max_completion_tokens), reasoning tokens are printed beside tokens in/out (text) and kept
// in usage (JSON), and an answer cut by the limit after reasoning, with no text, is a pass with
// a condition ("reached, answered, cut short"), never a failed model. No run prints the key
// (check() asserts it on every run's stdout and stderr, as check-cli does).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readFixture } from '../support/fixtures.mjs';
import { runCheck, assertNoKey } from '../support/check-cli.mjs';
import { tempDir } from '../support/temp-dir.mjs';

const KEY = 'sk-proj-TESTSECRETreasoning0000000000000-RZQX';

let server; let port; let file;
const seen = [];
// What each path answers: a recorded gpt-5 answer (128 reasoning tokens), and o4-mini's
// answer that spent the whole limit on reasoning.
const answers = {};

before(async () => {
  const gpt5 = JSON.parse(await readFixture('recordings', 'openai-json-gpt5-reasoning-tokens.json', 'utf8'));
  answers.gpt5 = gpt5.body;
  answers.cut = await readFixture('responses', 'openai-reasoning-length.json', 'utf8');
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      const scenario = new URL(req.url, 'http://x').pathname.split('/')[1];
      seen.push({ scenario, body: JSON.parse(raw || '{}') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answers[scenario]);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  port = server.address().port;
  const dir = tempDir('check-reasoning');
  file = join(dir, 'resources.yaml');
  const key = (name, scenario) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: `http://127.0.0.1:${port}/${scenario}/v1`, api_key: '${CHECK_REASONING_KEY}' });
  writeFileSync(file, stringify({
    _format_version: '1',
    provider_keys: [key('k-gpt5', 'gpt5'), key('k-cut', 'cut')],
    models: [
      { display_name: 'GPT-5', provider: 'openai', model_name: 'gpt-5', provider_key: 'k-gpt5', cost: { input_per_1k: 0.00125, output_per_1k: 0.01 } },
      { display_name: 'o4-mini cut', provider: 'openai', model_name: 'o4-mini', provider_key: 'k-cut' },
    ],
  }));
});

after(() => server?.close());

async function check(args) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'RESOURCES' || k.startsWith('ETCD_') || /_KEY$/.test(k) || k.startsWith('ALLOW')) delete env[k];
  Object.assign(env, { RESOURCES: file, CHECK_REASONING_KEY: KEY, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${port}` });
  const out = await runCheck(args, env);
  assertNoKey(out, [KEY], args.join(' '));
  return out;
}

test('the probe asks a reasoning model for its lowest effort, with a budget a reply fits in', async () => {
  seen.length = 0;
  const { code, stderr } = await check(['--model', 'GPT-5', '--format', 'json']);
  assert.equal(code, 0, stderr);
  assert.equal(seen.length, 1);
  const sent = seen[0].body;
  assert.equal(sent.model, 'gpt-5');
  assert.equal(sent.reasoning_effort, 'low');
  assert.equal(sent.max_completion_tokens, 1024);
  assert.equal(sent.max_tokens, undefined);
  assert.equal(sent.temperature, undefined);
});

test('JSON keeps the reasoning tokens in usage; text shows them beside tokens in/out', async () => {
  const json = await check(['--model', 'GPT-5', '--format', 'json']);
  const [m] = JSON.parse(json.stdout).models;
  assert.equal(m.verdict, 'pass');
  assert.equal(m.usage.reasoning_tokens, 128);
  assert.equal(m.usage.completion_tokens, 139);
  assert.equal(m.cost_usd, Math.round((19 * 0.00125 + 139 * 0.01) / 1000 * 1e9) / 1e9);
  const text = await check(['--model', 'GPT-5']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /19 in, 139 out \(128 reasoning\)/);
  assert.doesNotMatch(text.stdout + text.stderr + json.stdout, /TESTSECRET/);
});

test('reasoning spent, no text, finish length: a pass with the truncated condition, exit 0', async () => {
  const { code, stdout, stderr } = await check(['--model', 'o4-mini cut', '--format', 'json']);
  assert.equal(code, 0, stderr);
  const [m] = JSON.parse(stdout).models;
  assert.equal(m.verdict, 'pass');
  assert.equal(m.diagnosis_verdict, 'warn');
  assert.equal(m.failed_step, null);
  assert.deepEqual(m.conditions.map((c) => c.kind), ['truncated']);
  assert.equal(m.usage.reasoning_tokens, 64);
  assert.match(m.steps.find((s) => s.step === 'answer').evidence, /reached, answered, cut short/);
  const text = await check(['--model', 'o4-mini cut']);
  assert.match(text.stdout, /pass \(warn\)/);
  assert.match(text.stdout, /\(64 reasoning\)/);
});
