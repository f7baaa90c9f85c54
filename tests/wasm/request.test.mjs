// core.buildRequest through the WASM module: realistic forms for several providers, the
// shared fixtures (also checked natively), and the error/warning shape the page reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { loadCore } from '../../web/core.js';
import { fixtureUrl, readFixture } from '../support/fixtures.mjs';

const core = await loadCore();

const fieldsOf = (result) => (result.errors ?? []).map((e) => e.field).sort();
const pathsOf = (result) => (result.warnings ?? []).map((w) => w.path).sort();
const errorAt = (result, field) => result.errors?.find((e) => e.field === field);
const warningAt = (result, path) => result.warnings?.find((w) => w.path === path);

// A 2x2 PNG we generated for these tests.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAE/8EISAAAHfED/XkOi+8AAAAASUVORK5CYII=';

test('every shared fixture builds the expected body, errors and warnings', async () => {
  const names = (await readdir(fixtureUrl('request'))).filter((n) => n.endsWith('.json'));
  assert.ok(names.length >= 8, `only ${names.length} fixtures`);
  for (const name of names) {
    const { form, expect } = JSON.parse(await readFixture('request', name, 'utf8'));
    const result = core.buildRequest(form);
    assert.equal(result.ok, expect.ok, `${name}: ${JSON.stringify(result.errors)}`);
    if (expect.body) assert.deepEqual(result.body, expect.body, name);
    if (expect.error_fields) assert.deepEqual(fieldsOf(result), [...expect.error_fields].sort(), name);
    assert.deepEqual(pathsOf(result), [...expect.warning_paths].sort(), name);
  }
});

test('an OpenAI chat as the page sends it: strings from inputs become numbers', () => {
  const result = core.buildRequest({
    system: 'You are a helpful assistant.',
    messages: [{ role: 'user', content: 'Write a haiku about tea.' }],
    params: { temperature: '0.9', top_p: '0.95', max_tokens: '128', seed: '', stop: '' },
    stream: true,
    model: { model_name: 'gpt-4o', provider: 'openai' },
  });
  assert.equal(result.ok, true, JSON.stringify(result.errors));
  assert.deepEqual(result.body, {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Write a haiku about tea.' },
    ],
    temperature: 0.9,
    top_p: 0.95,
    max_tokens: 128,
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(typeof result.body.temperature, 'number');
  assert.deepEqual(result.warnings, []);
});

test('Anthropic-compatible: sent unchanged, with warnings for what the endpoint ignores', () => {
  const result = core.buildRequest({
    messages: [{ role: 'user', content: 'Name three rivers.' }],
    params: { temperature: 1.2, frequency_penalty: 0.4, response_format: 'json_object' },
    model: { model_name: 'claude-haiku-4-5', provider: 'anthropic' },
  });
  assert.equal(result.ok, true);
  assert.equal(result.body.temperature, 1.2);
  assert.deepEqual(result.body.response_format, { type: 'json_object' });
  assert.match(warningAt(result, 'params.temperature').message, /caps temperature at 1/);
  assert.match(warningAt(result, 'params.frequency_penalty').message, /ignores frequency_penalty/);
  // Two warnings on response_format: ignored by Anthropic, and no message mentions JSON.
  assert.equal(result.warnings.filter((w) => w.path === 'params.response_format').length, 2);
  assert.ok(result.warnings.every((w) => w.severity === 'warning'));
});

test('DeepSeek: deepseek-reasoner is not an OpenAI reasoning model, so max_tokens and temperature stay', () => {
  const result = core.buildRequest({
    system: 'Solve carefully.',
    messages: [
      { role: 'user', content: 'What is 17 * 23?' },
      { role: 'assistant', content: '391' },
      { role: 'user', content: 'And 17 * 24?' },
    ],
    params: { max_tokens: 2048, temperature: 0.6 },
    stream: true,
    model: { model_name: 'deepseek-reasoner', provider: 'deepseek' },
  });
  assert.equal(result.ok, true);
  assert.equal(result.body.messages[0].role, 'system');
  assert.equal(result.body.max_tokens, 2048);
  assert.equal(result.body.temperature, 0.6);
  assert.equal(result.body.max_completion_tokens, undefined);
});

test('o3: developer role, max_completion_tokens, and a clear error for a set temperature', () => {
  const form = {
    system: 'Show your final answer only.',
    messages: [{ role: 'user', content: 'How many primes are below 100?' }],
    params: { max_tokens: '1000', temperature: '0.2', stop: ['\n\n'] },
    model: { model_name: 'o3', provider: 'openai' },
  };
  const rejected = core.buildRequest(form);
  assert.equal(rejected.ok, false);
  assert.deepEqual(rejected.errors, [
    {
      field: 'params.temperature',
      message: 'o3 is a reasoning model and accepts only the default temperature (1); clear this field',
    },
  ]);
  // The warnings are already there, so the page can show them beside the error.
  assert.deepEqual(pathsOf(rejected), ['params.max_tokens', 'params.stop']);

  const accepted = core.buildRequest({ ...form, params: { ...form.params, temperature: '' } });
  assert.equal(accepted.ok, true);
  assert.deepEqual(accepted.body.messages[0], { role: 'developer', content: 'Show your final answer only.' });
  assert.equal(accepted.body.max_completion_tokens, 1000);
  assert.equal('max_tokens' in accepted.body, false);
  assert.equal('temperature' in accepted.body, false);
  assert.match(warningAt(accepted, 'params.max_tokens').message, /max_completion_tokens/);
});

test('an image message: data URL and https link go through, bad ones are located exactly', () => {
  const ok = core.buildRequest({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this.' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
        ],
      },
    ],
    model: { model_name: 'gpt-4.1', provider: 'openai' },
  });
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.deepEqual(ok.body.messages[0].content[1], {
    type: 'image_url',
    image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' },
  });

  const bad = core.buildRequest({
    messages: [
      { role: 'assistant', content: [{ type: 'image_url', image_url: { url: 'https://cdn.example.com/a.png' } }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare.' },
          { type: 'image_url', image_url: { url: 'http://cdn.example.com/b.png' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0K*GgoAAAA' } },
          { type: 'image_url', image_url: { url: 'data:image/tiff;base64,SUkqAA==' } },
        ],
      },
    ],
  });
  assert.equal(bad.ok, false);
  assert.deepEqual(fieldsOf(bad), [
    'messages[0].content[0]',
    'messages[1].content[1].image_url.url',
    'messages[1].content[2].image_url.url',
    'messages[1].content[3].image_url.url',
  ]);
  assert.match(errorAt(bad, 'messages[1].content[1].image_url.url').message, /https/);
  assert.match(errorAt(bad, 'messages[1].content[2].image_url.url').message, /base64/);
  assert.match(errorAt(bad, 'messages[1].content[3].image_url.url').message, /PNG, JPEG, GIF or WebP/);
});

test('extra fields pass through; overriding what the playground sets is refused', () => {
  const ok = core.buildRequest({
    messages: [{ role: 'user', content: 'hi' }],
    model: { model_name: 'gpt-5', provider: 'openai' },
    extra: { reasoning_effort: 'low', user: 'playground-test', metadata: { run: '42' } },
  });
  assert.equal(ok.ok, true);
  assert.equal(ok.body.reasoning_effort, 'low');
  assert.deepEqual(ok.body.metadata, { run: '42' });

  const bad = core.buildRequest({
    messages: [{ role: 'user', content: 'hi' }],
    params: { seed: 1 },
    extra: { model: 'gpt-4o', stream: true, seed: 2 },
  });
  assert.deepEqual(fieldsOf(bad), ['extra.model', 'extra.seed', 'extra.stream']);
  assert.match(errorAt(bad, 'extra.model').message, /cannot override model/);
  assert.match(errorAt(bad, 'extra.seed').message, /conflicts with params\.seed/);
});

test('every error is reported in one go, and the reply shape matches core.d.ts', () => {
  const result = core.buildRequest({
    messages: [{ role: 'robot', content: 'hi' }],
    params: { temperature: 'warm', max_tokens: -5, top_p: 3, stop: ['a', 'b', 'c', 'd', 'e'] },
    stream: 'true',
    extra: 'n=2',
  });
  assert.equal(result.ok, false);
  assert.deepEqual(fieldsOf(result), [
    'extra',
    'messages[0].role',
    'params.max_tokens',
    'params.stop',
    'params.temperature',
    'params.top_p',
    'stream',
  ]);
  for (const e of result.errors) {
    assert.deepEqual(Object.keys(e).sort(), ['field', 'message']);
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
  }
  assert.equal('body' in result, false);
  assert.ok(Array.isArray(result.warnings));
});

test('an oversized body is one error on the form, in human units', () => {
  const huge = 'A'.repeat(21 * 1024 * 1024);
  const result = core.buildRequest({
    messages: [
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: `data:image/jpeg;base64,/9j/4AAQSkZJRgAB${huge}` } }],
      },
    ],
  });
  assert.equal(result.ok, false);
  assert.deepEqual(result.errors, [
    {
      field: '',
      message: 'the request body is 21.1 MB; the limit is 20 MB: attach smaller images or shorten the conversation',
    },
  ]);
});

test('hostile values come back as errors, never as exceptions', () => {
  // 1 MB in each of a dozen places (the native tests cover 10 MB; here it is the boundary
  // that matters, and parsing JSON in WASM costs about 0.3 s per MB).
  const big = 'x'.repeat(1024 * 1024);
  for (const value of [null, true, 0, -1.5, big, [], {}, [[[[]]]], { a: { b: { c: {} } } }]) {
    const result = core.buildRequest({
      system: value,
      messages: [{ role: value, content: value }],
      params: { temperature: value, max_tokens: value, stop: value, seed: value, response_format: value },
      stream: value,
      model: { model_name: value, provider: value },
      extra: { deep: value },
    });
    assert.equal(result.ok, false);
    assert.ok(result.errors.length > 0);
  }
  // The module is still healthy afterwards.
  assert.equal(core.buildRequest({ messages: [{ role: 'user', content: 'still there?' }] }).ok, true);
});
