// A value JavaScript itself refuses to convert (an object without toString, a Symbol where a
// number goes) is the caller's error: every method of the wrapper answers it with
// CoreError bad_input, and the core is not stopped by it (web/core-input.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreError } from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';

const core = await loadRelayCore(); // every method: the page's and the relay's
const bare = Object.create(null); // String(bare) throws a TypeError
const badInput = (err) => err instanceof CoreError && err.code === 'bad_input';

const CALLS = {
  validateCompletion: () => core.validateCompletion(bare),
  parseError: () => core.parseError(Symbol('status'), 'application/json', '{}'),
  'parseError body': () => core.parseError(400, 'application/json', bare),
  redact: () => core.redact(bare, ['secret-0123456789']),
  'redact secrets': () => core.redact('text', [bare]),
  redactHeaderValues: () => core.redactHeaderValues([bare], ['secret-0123456789']),
  forwardAnswerHeaders: () => core.forwardAnswerHeaders([['x-request-id', bare]], ['secret-0123456789']),
  // HTTP allows no NUL in a field (Node refuses such an answer); the binding's form ends each name and value with one.
  'forwardAnswerHeaders NUL in a value': () => core.forwardAnswerHeaders([['x-request-id', 'req\u0000x-ratelimit-limit-requests\u00009']], []),
  'forwardAnswerHeaders NUL in a name': () => core.forwardAnswerHeaders([['x-request-id\u0000', 'req']], []),
  shapeChatBody: () => core.shapeChatBody({ messages: [] }, {}, bare),
  upstreamUrl: () => core.upstreamUrl(bare, '/chat/completions'),
  curlCommand: () => core.curlCommand({ url: 'https://x/v1/chat/completions', auth: { header: 'authorization', scheme: 'Bearer ' }, headers: [{ name: bare, value: 'v' }] }, {}),
  classifyAddress: () => core.classifyAddress(bare),
  probeForm: () => core.probeForm({ model_name: bare }),
  reasoningEffort: () => core.reasoningEffort({ model_name: bare }),
  readModelList: () => core.readModelList('{"data":[]}', bare),
  'openChatRequest check, model name': () => core.openChatRequest(new TextEncoder().encode('{"model":"m","body":{"messages":[{"role":"user","content":"hi"}]}}')).check({ model_name: bare, provider: 'openai' }),
  'openChatRequest check, request id': () => core.openChatRequest(new TextEncoder().encode('{"model":"m","body":{"messages":[{"role":"user","content":"hi"}]}}')).check({ model_name: 'm', provider: 'openai', requestId: bare }),
};

test('a value JavaScript refuses to convert is bad_input from every method, and the core keeps working', () => {
  for (const [name, call] of Object.entries(CALLS)) assert.throws(call, badInput, name);
  // Not stopped: each kind of call still answers.
  assert.equal(core.parseError(401, 'application/json', '{"error":{"message":"no","type":"invalid_request_error","code":"invalid_api_key"}}').code, 'invalid_api_key');
  assert.match(core.curlCommand({ url: 'https://x/v1/chat/completions', auth: { header: 'authorization', scheme: 'Bearer ' }, headers: [] }, {}), /\$PROVIDER_KEY/);
  const checked = core.openChatRequest(new TextEncoder().encode('{"model":"m","body":{"messages":[{"role":"user","content":"hi"}]}}')).check({ model_name: 'm', provider: 'openai', requestId: 'r' });
  assert.equal(checked.ok, true);
});
