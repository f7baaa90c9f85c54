// core.parseError through the WASM module: the provider envelopes the page meets most,
// and bodies that are not envelopes at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore } from '../../web/core.js';
import { readFixture } from '../support/fixtures.mjs';

const core = await loadCore();
const fixture = (name) => readFixture('errors', name, 'utf8');

test('OpenAI 401: type, code, message; param only when present', async () => {
  const e = core.parseError(401, 'application/json', await fixture('openai-401-invalid-key.json'));
  assert.equal(e.type, 'invalid_request_error');
  assert.equal(e.code, 'invalid_api_key');
  assert.match(e.message, /^Incorrect API key provided: sk-proj-\*{152}WxYz\. You can find your API key/);
  assert.equal('param' in e, false);

  const p = core.parseError(400, 'application/json', await fixture('openai-400-unsupported-parameter.json'));
  assert.deepEqual(p, {
    type: 'invalid_request_error',
    code: 'unsupported_parameter',
    message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    param: 'max_tokens',
  });
});

test('Anthropic, Azure, OpenRouter, Gemini, vLLM and Mistral envelopes', async () => {
  assert.deepEqual(core.parseError(401, 'application/json', await fixture('anthropic-401.json')),
    { type: 'authentication_error', code: null, message: 'invalid x-api-key' });
  const azure = core.parseError(404, 'application/json', await fixture('azure-404-deployment.json'));
  assert.equal(azure.type, 'error');
  assert.equal(azure.code, 'DeploymentNotFound');
  assert.equal(core.parseError(401, 'application/json', await fixture('azure-401.json')).code, '401');
  const openrouter = core.parseError(402, 'application/json', await fixture('openrouter-402.json'));
  assert.equal(openrouter.code, '402');
  assert.equal(typeof openrouter.code, 'string');
  const gemini = core.parseError(404, 'application/json', await fixture('gemini-array-404.json'));
  assert.equal(gemini.type, 'NOT_FOUND');
  assert.equal(gemini.code, '404');
  const vllm = core.parseError(400, 'application/json', await fixture('vllm-flat-400.json'));
  assert.equal(vllm.type, 'BadRequestError');
  assert.equal(vllm.code, '400');
  const mistral = core.parseError(422, 'application/json', await fixture('mistral-422-object.json'));
  assert.equal(mistral.message, 'Extra inputs are not permitted at messages[2].assistant.reasoning_content (and 1 more)');
});

test('HTML pages give their title, sniffed even under a JSON content type', async () => {
  const html = await fixture('nginx-404.html');
  for (const ct of ['text/html', 'application/json']) {
    assert.deepEqual(core.parseError(404, ct, html), { type: 'html', code: null, message: '404 Not Found' });
  }
  assert.equal(core.parseError(200, 'text/html', await fixture('login-page-200.html')).message,
    'Sign in \u2014 Acme AI & Research Portal \u2014 \u201CWelcome\u201D back');
});

test('text, empty and unknown JSON bodies', async () => {
  assert.deepEqual(core.parseError(502, 'text/plain', 'Bad Gateway\n'), { type: 'text', code: null, message: 'Bad Gateway' });
  assert.deepEqual(core.parseError(404, '', ''), { type: 'empty', code: null, message: 'empty response body (HTTP 404)' });
  assert.equal(core.parseError(200, 'application/json', await fixture('unknown-json-200.json')).type, 'json');
  // Non-string arguments are coerced by the wrapper, not fatal.
  assert.equal(core.parseError(undefined, undefined, undefined).type, 'empty');
});

test('hostile bodies: bounded single-line messages, quickly', () => {
  const bodies = [
    '<html><title>' + 'x'.repeat(2_000_000),
    '['.repeat(1_000_000),
    'line\n'.repeat(200_000),
    '{"error":{"message":"' + 'é\\n'.repeat(100_000) + '"}}',
  ];
  for (const body of bodies) {
    const started = performance.now();
    const e = core.parseError(500, 'text/html', body);
    assert.ok(performance.now() - started < 2000);
    assert.ok(new TextEncoder().encode(e.message).length <= 500);
    assert.equal(/[\r\n]/.test(e.message), false);
  }
});
