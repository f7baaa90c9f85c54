// Response validation through the WASM module: core.validateCompletion on whole bodies and
// core.openStream on providers' event streams, fed whole, byte by byte and in random splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCore, CoreError } from '../../web/core.js';
import { runOnce } from '../../web/playground/run.js';
import { boundedOutcome, DIAGNOSE_TEXT_CHARS } from '../../web/playground/render-checklist.js';
import { readFixture } from '../support/fixtures.mjs';

const core = await loadCore();
const fixture = (name) => readFixture('responses', name);
const text = async (name) => new TextDecoder().decode(await fixture(name));

const errors = (result) => result.findings.filter((f) => f.severity === 'error');
const warnings = (result) => result.findings.filter((f) => f.severity === 'warning');
const hasFinding = (result, severity, path, pattern) =>
  result.findings.some((f) => f.severity === severity && f.path === path && pattern.test(f.message));

// A small deterministic PRNG so a failing split can be replayed.
function splitter(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function runStream(pieces) {
  const stream = core.openStream();
  try {
    const deltas = [];
    for (const piece of pieces) deltas.push(...stream.push(piece));
    return { result: stream.end(), deltas };
  } finally {
    stream.free();
  }
}

// Adjacent deltas of one kind merged, so differently split runs compare equal.
function coalesce(deltas) {
  const out = [];
  for (const d of deltas) {
    const [key] = Object.keys(d);
    const last = out.at(-1);
    if (last && Object.keys(d).length === 1 && Object.keys(last).length === 1 && key in last && key !== 'error') {
      if (key === 'content' || key === 'reasoning') last[key] += d[key];
      else if (key === 'toolCalls') last[key] = [...last[key], ...d[key]];
      else last[key] = d[key];
      continue;
    }
    out.push(structuredClone(d));
  }
  return out;
}

/** Feeds a fixture whole, in 1-byte pushes and in random splits; asserts they agree. */
async function streamEveryWay(name) {
  const bytes = await fixture(name);
  const whole = runStream([bytes]);
  const bytewise = runStream(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  assert.deepEqual(bytewise.result, whole.result, `${name}: byte-wise result`);
  assert.deepEqual(coalesce(bytewise.deltas), coalesce(whole.deltas), `${name}: byte-wise deltas`);
  for (const seed of [7, 42, 1234]) {
    const random = splitter(seed);
    const pieces = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(random() * 64);
      pieces.push(bytes.subarray(at, at + n));
      at += n;
    }
    const split = runStream(pieces);
    assert.deepEqual(split.result, whole.result, `${name}: split result (seed ${seed})`);
    assert.deepEqual(coalesce(split.deltas), coalesce(whole.deltas), `${name}: split deltas (seed ${seed})`);
  }
  return whole;
}

// ---- validateCompletion -----------------------------------------------------------------

test('validateCompletion: an OpenAI completion has the Result shape (docs/contracts.md)', async () => {
  const r = core.validateCompletion(await text('openai-completion.json'));
  assert.deepEqual(r, {
    ok: true,
    content: 'Paris is the capital of France.',
    reasoning: '',
    toolCalls: [],
    functionCall: null,
    finishReason: 'stop',
    usage: { prompt_tokens: 14, completion_tokens: 8, total_tokens: 22, reasoning_tokens: 0, cached_tokens: 0 },
    model: 'gpt-4o-mini-2024-07-18',
    done: false,
    relayEvent: null,
    providerError: null,
    findings: [],
  });
});

test('validateCompletion: tool calls, Anthropic compat, DeepSeek and OpenRouter reasoning, Azure', async () => {
  const tools = core.validateCompletion(await text('openai-tool-calls.json'));
  assert.equal(tools.ok, true);
  assert.deepEqual(tools.toolCalls.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]), [
    ['call_a1', 'get_weather', { city: 'Oslo' }],
    ['call_b2', 'get_time', { tz: 'Europe/Oslo' }],
  ]);

  const anthropic = core.validateCompletion(await text('anthropic-compat-completion.json'));
  assert.deepEqual(anthropic.findings, []);
  assert.equal(anthropic.model, 'claude-sonnet-4-5');

  const deepseek = core.validateCompletion(await text('deepseek-reasoner-completion.json'));
  assert.match(deepseek.reasoning, /^Compare 9\.11 and 9\.8/);
  assert.equal(deepseek.usage.reasoning_tokens, 98);

  const openrouter = core.validateCompletion(await text('openrouter-completion.json'));
  assert.equal(openrouter.reasoning, 'The user wants the answer to everything.');

  const azure = core.validateCompletion(await text('azure-completion.json'));
  assert.deepEqual(azure.findings, []);
});

test('validateCompletion: Ollama style (no id, created, usage) only warns', async () => {
  const r = core.validateCompletion(await text('ollama-style-completion.json'));
  assert.equal(r.ok, true);
  assert.equal(r.usage, null);
  assert.deepEqual(warnings(r).map((f) => f.path).sort(), ['created', 'id', 'usage']);
});

test('validateCompletion: error envelopes with HTTP 200 and wrong APIs are errors with the reason', async () => {
  const vllm = core.validateCompletion(await text('vllm-flat-error.json'));
  assert.equal(vllm.ok, false);
  assert.match(errors(vllm)[0].message, /maximum context length is 8192 tokens.*\(type BadRequestError, code 400\)$/);

  const openai = core.validateCompletion(await text('openai-error-200.json'));
  assert.match(errors(openai)[0].message, /gpt-9.*code model_not_found/);

  const native = core.validateCompletion(await text('anthropic-native-message.json'));
  assert.ok(hasFinding(native, 'error', 'type', /native Anthropic API/));

  const chunk = core.validateCompletion(await text('chunk-as-completion.json'));
  assert.ok(hasFinding(chunk, 'error', 'object', /chat\.completion\.chunk.*non-streaming/));

  const html = core.validateCompletion('<html><body>Welcome to nginx!</body></html>');
  assert.ok(hasFinding(html, 'error', '', /not JSON/));
});

test('validateCompletion: empty answers', async () => {
  const length = core.validateCompletion(await text('openai-reasoning-length.json'));
  assert.equal(length.ok, true);
  assert.ok(hasFinding(length, 'warning', 'choices[0].message.content', /token limit cut the answer before any text/));

  const refusal = core.validateCompletion(await text('openai-refusal.json'));
  assert.ok(hasFinding(refusal, 'warning', 'choices[0].message.refusal', /refused/));
});

// ---- openStream ------------------------------------------------------------------------

test('openStream: OpenAI content with a usage chunk, merged into few deltas', async () => {
  const { result, deltas } = await streamEveryWay('openai-content.sse');
  assert.deepEqual(result.findings, []);
  assert.equal(result.ok, true);
  assert.equal(result.done, true);
  assert.equal(result.content, 'Paris é🙂 ok.');
  assert.deepEqual(deltas.map((d) => Object.keys(d)[0]), ['content', 'finishReason', 'usage']);
  assert.equal(deltas[2].usage.total_tokens, 19);
});

test('openStream: OpenAI tool calls are assembled by index', async () => {
  const { result, deltas } = await streamEveryWay('openai-tool-calls.sse');
  assert.deepEqual(result.findings, []);
  assert.equal(result.finishReason, 'tool_calls');
  assert.deepEqual(result.toolCalls, [
    { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Oslo"}' } },
    { id: 'call_b2', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Oslo"}' } },
  ]);
  assert.equal(deltas[0].toolCalls.length, 5); // the fragments, as received
});

test('openStream: Anthropic compat, DeepSeek reasoner, Azure, OpenRouter reasoning', async () => {
  const anthropic = (await streamEveryWay('anthropic-compat.sse')).result;
  assert.deepEqual(anthropic.findings, []);
  assert.equal(anthropic.content, 'Hello from Claude.');

  const deepseek = await streamEveryWay('deepseek-reasoner.sse');
  assert.deepEqual(deepseek.result.findings, []);
  assert.equal(deepseek.result.reasoning, 'Compare the decimals.');
  assert.equal(deepseek.result.content, '9.8 is larger.');
  assert.deepEqual(deepseek.deltas.slice(0, 2), [{ reasoning: 'Compare the decimals.' }, { content: '9.8 is larger.' }]);

  const azure = (await streamEveryWay('azure.sse')).result;
  assert.deepEqual(azure.findings, []);
  assert.equal(azure.content, 'Hello from Azure.');
  assert.equal(azure.model, 'gpt-4o-2024-11-20');

  const openrouter = (await streamEveryWay('openrouter-reasoning.sse')).result;
  assert.deepEqual(openrouter.findings, []);
  assert.equal(openrouter.reasoning, 'Units: km to miles.');
  assert.equal(openrouter.usage.reasoning_tokens, 12);
});

test('openStream: Ollama style (no id, created, usage) only warns', async () => {
  const { result } = await streamEveryWay('ollama-style.sse');
  assert.equal(result.ok, true);
  assert.equal(result.content, 'Hi there!');
  assert.equal(result.usage, null);
  assert.deepEqual(warnings(result).map((f) => f.path).sort(), ['created', 'id', 'usage']);
});

test('openStream: OpenRouter mid-stream error after HTTP 200', async () => {
  const { result, deltas } = await streamEveryWay('openrouter-midstream-error.sse');
  assert.equal(result.ok, false);
  assert.equal(result.finishReason, 'error');
  assert.equal(result.content, 'The answer');
  assert.ok(hasFinding(result, 'error', 'chunks[2]', /Upstream provider disconnected \(code 502\)/));
  assert.ok(hasFinding(result, 'error', '', /without data: \[DONE\]/));
  assert.deepEqual(deltas.find((d) => d.error), { error: { code: '502', message: 'Upstream provider disconnected' } });
});

test('openStream: vLLM flat error chunk', async () => {
  const { result, deltas } = await streamEveryWay('vllm-midstream-error.sse');
  assert.equal(result.ok, false);
  assert.equal(result.content, 'Once upon');
  assert.deepEqual(deltas.at(-1).error, { type: 'InternalServerError', code: '500', message: 'The engine loop has stopped: CUDA out of memory.' });
});

test('openStream: a stream without [DONE] is cut short', async () => {
  const { result } = await streamEveryWay('missing-done.sse');
  assert.equal(result.ok, false);
  assert.equal(result.done, false);
  assert.equal(result.content, 'The quick brown fox');
  assert.deepEqual(errors(result).map((f) => f.message), ['stream ended without data: [DONE] (cut short)']);
});

test('openStream: strings are accepted and end() after free() is refused', () => {
  const stream = core.openStream();
  const deltas = stream.push('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\n');
  assert.deepEqual(deltas, [{ content: 'hi' }, { finishReason: 'stop' }]);
  stream.free();
  assert.throws(() => stream.end(), /after free/);
});

test('a long answer diagnosed as its start plus its size (the checklist\'s boundedOutcome) gets the whole answer\'s diagnosis', () => {
  const base = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":';
  const words = ['héllo ', '日本 ', '🙂 '];
  let sse = '';
  for (let i = 0; i < 3000; i++) sse += `data: ${base}{"content":${JSON.stringify(words[i % 3])}},"finish_reason":null}]}\n\n`;
  sse += `data: ${base}{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`;
  const stream = core.openStream();
  stream.push(new TextEncoder().encode(sse));
  const whole = stream.end();
  stream.free();
  const outcome = (result) => ({ status: 200, contentType: 'text/event-stream', result, model: { provider: 'openai', model_name: 'm', api_base: 'https://api.openai.com/v1' } });
  const bounded = boundedOutcome(outcome(whole));
  assert.ok(bounded.result.content.length <= DIAGNOSE_TEXT_CHARS && whole.content.startsWith(bounded.result.content), 'an excerpt of the start');
  assert.equal(bounded.result.contentLength, new TextEncoder().encode(whole.content).length, 'the whole size in UTF-8 bytes');
  // diagnose believes the declared size, so the page can send the excerpt.
  assert.deepEqual(core.diagnose(bounded), core.diagnose(outcome(whole)));
  // And the size is what it reads: the excerpt alone, without its size, is diagnosed differently.
  const { contentLength, ...unsized } = bounded.result;
  assert.ok(contentLength > 0);
  assert.notDeepEqual(core.diagnose(outcome(unsized)), core.diagnose(outcome(whole)));
});

// ---- what was asked: the page's outcome carries the request's response_format ------------

test('runOnce puts the body\'s response_format in the outcome, and diagnose checks the answer against it', async () => {
  const answer = (content) => JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
  const run = async (content, extra) => {
    const api = { chat: async () => new Response(answer(content), { status: 200, headers: { 'content-type': 'application/json' } }) };
    const body = { messages: [{ role: 'user', content: 'Who?' }], stream: false, ...extra };
    const model = { id: 'x', provider: 'openai', model_name: 'm', api_base: 'https://api.openai.com/v1' };
    return (await runOnce({ core, api, model, body, signal: new AbortController().signal })).outcome;
  };
  const asked = { response_format: { type: 'json_schema', json_schema: { name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } } } };

  const prose = await run('Ada Lovelace.', asked);
  assert.deepEqual(prose.request, { stream: false, ...asked });
  const failed = core.diagnose(prose);
  assert.equal(failed.verdict, 'fail');
  assert.equal(failed.steps[4].status, 'fail');
  assert.equal(failed.steps[4].code, 'format_mismatch');
  assert.match(failed.steps[4].evidence, /asked for JSON \(response_format json_schema `person`\), but the content is not JSON/);

  assert.equal(core.diagnose(await run('{"name":"Ada"}', asked)).verdict, 'pass');
  assert.match(core.diagnose(await run('{"name":"Ada","born":1815}', asked)).steps[4].evidence, /`born`, which the schema does not allow/);

  const plain = await run('Ada Lovelace.', {});
  assert.deepEqual(plain.request, { stream: false }, 'no response_format: only whether it streamed is copied');
  assert.equal(core.diagnose(plain).verdict, 'pass');
});

test('validateCompletion and openStream read a legacy function_call as functionCall', () => {
  const body = '{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}},"finish_reason":"function_call"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}';
  const whole = core.validateCompletion(body);
  assert.equal(whole.ok, true);
  assert.deepEqual(whole.functionCall, { name: 'f', arguments: '{}' });
  assert.deepEqual(whole.toolCalls, []);
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const stream = core.openStream();
  stream.push(chunk({ role: 'assistant', function_call: { name: 'f', arguments: '{"a"' } }) + chunk({ function_call: { arguments: ':1}' } }) + chunk({}, 'function_call') + 'data: [DONE]\n\n');
  const streamed = stream.end();
  stream.free();
  assert.equal(streamed.ok, true);
  assert.deepEqual(streamed.functionCall, { name: 'f', arguments: '{"a":1}' });
});

test('openStream({shaping}) reads the answer as the gateway reads the key\'s: reasoning_field and stream_done_marker', () => {
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const bytes = chunk({ role: 'assistant', reasoning_text: 'Think.' }) + chunk({ content: 'Hi' }, 'stop');
  const read = (options) => {
    const stream = core.openStream(options);
    const deltas = stream.push(bytes);
    return { deltas, result: stream.end() };
  };
  const plain = read();
  assert.equal(plain.result.reasoning, '');
  assert.ok(plain.result.findings.some((f) => f.code === 'stream_ended_without_done'));

  const shaped = read({ shaping: { reasoningField: 'delta.reasoning_text', streamDoneMarker: 'none' } });
  assert.equal(shaped.result.reasoning, 'Think.');
  assert.deepEqual(shaped.deltas.filter((d) => d.reasoning).map((d) => d.reasoning), ['Think.']);
  assert.equal(shaped.result.content, 'Hi');
  assert.equal(shaped.result.ok, true);
  assert.ok(!shaped.result.findings.some((f) => f.code === 'stream_ended_without_done'), 'a key whose streams carry no [DONE]: nothing to say');
  // Not JSON, or not an object: read as no shaping, never a throw.
  assert.equal(read({ shaping: 'x' }).result.reasoning, '');
});

test('the page\'s run reads a stream with the model\'s shaping (PublicModel.gateway.shaping)', async () => {
  globalThis.scheduler ??= { yield: () => new Promise((resolve) => setImmediate(resolve)) };
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const api = { chat: async () => new Response(chunk({ role: 'assistant', reasoning_text: 'Think.' }) + chunk({ content: 'Hi' }, 'stop') + 'data: [DONE]\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } }) };
  const body = { messages: [{ role: 'user', content: 'Hi?' }], stream: true };
  const model = { id: 'x', provider: 'openai', model_name: 'm', api_base: 'https://api.openai.com/v1' };
  const shaped = { ...model, gateway: { shaping: { reasoningField: 'delta.reasoning_text', streamDoneMarker: null }, differences: [] } };
  const plain = await runOnce({ core, api, model, body, signal: new AbortController().signal });
  const withShaping = await runOnce({ core, api, model: shaped, body, signal: new AbortController().signal });
  assert.equal(plain.outcome.result.reasoning, '');
  assert.equal(withShaping.outcome.result.reasoning, 'Think.');
  assert.equal(withShaping.outcome.request.stream, true);
});

test('a shaping JSON cannot carry, or a line limit that is no number, is the caller\'s error: openStream refuses it and the core stays usable', () => {
  const cyclic = { reasoningField: 'delta.reasoning' };
  cyclic.self = cyclic;
  assert.throws(() => core.openStream({ shaping: cyclic }), (err) => err instanceof CoreError && err.code === 'bad_input');
  assert.throws(() => core.openStream({ maxLineBytes: Symbol('limit') }), (err) => err instanceof CoreError && err.code === 'bad_input');
  const stream = core.openStream({ shaping: { reasoningField: 'delta.reasoning' } });
  stream.push(new TextEncoder().encode('data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'));
  assert.equal(stream.end().content, 'ok');
  stream.free();
});
