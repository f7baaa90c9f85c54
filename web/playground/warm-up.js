// The first call of each core function is slow in a browser: the engine compiles the WebAssembly it reaches on first use. The page makes those first calls
// while it loads, on tiny inputs and one per task, so that the user's first run (a build, a
// stream, a checklist) does not pay for them in the middle of an answer.
import { yieldToBrowser } from './run.js';

const MODEL = { provider: 'openai', adapter: 'openai', api_base: 'https://api.openai.com/v1', model_name: 'warm-up' };

const chunk = (delta, extra = {}) => `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', created: 1, model: 'warm-up', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

// A short stream that passes through every part of the decoder a real answer reaches.
const STREAM = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ reasoning_content: 'Thinking. ' }),
  chunk({ content: 'Hello ' }),
  chunk({ content: 'there.' }),
  chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }),
  `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', created: 1, model: 'warm-up', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  `data: ${JSON.stringify({ id: 'warm', object: 'chat.completion.chunk', created: 1, model: 'warm-up', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

const STEPS = [
  (core) => {
    core.buildRequest({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'Again' }], params: { temperature: 0.5, max_tokens: 16 }, stream: true, model: MODEL });
  },
  (core) => {
    const stream = core.openStream();
    try {
      stream.push(STREAM.slice(0, 200));
      stream.push(STREAM.slice(200));
      stream.end();
    } finally {
      stream.free();
    }
  },
  (core) => { core.diagnose({ status: 200, contentType: 'application/json', model: MODEL, body: '{}' }); },
  (core) => { core.cost({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, { input_per_1k: 1, output_per_1k: 2 }); },
  (core) => { core.parseError(401, 'application/json', '{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}'); },
  (core) => { core.validateCompletion('{"id":"w","object":"chat.completion","created":1,"model":"warm-up","choices":[{"index":0,"message":{"role":"assistant","content":"OK"},"finish_reason":"stop"}]}'); },
];

/** Makes the first call of each core function the page uses, one per task. Never throws. */
export async function warmUp(core) {
  for (const step of STEPS) {
    await yieldToBrowser();
    try { step(core); } catch { /* a warm-up is only an optimisation */ }
  }
}
