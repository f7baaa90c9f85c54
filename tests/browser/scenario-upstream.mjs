// A local OpenAI-compatible provider for the page's tests. The upstream model name picks the
// behaviour, so one server plays every provider the page meets:
//   echo-*      answers with what it received (last user text, message count, images,
//               system prompt, parameters): multi-turn, edit and images are checked end to end
//   slow-*      the same answer, one word every 60 ms (streaming screenshots, Stop)
//   reasoner-*  reasoning_content first, then the answer
//   endless-*   streams until the client goes away (Stop must end it)
//   big-*       a long streamed answer (about 1 MB)
//   flood-*     the big answer's chunks, as fast as the client reads, until the client goes
//               away (Stop must close it; a finite stream can be wholly sent, and the call
//               over, before a slow page presses Stop)
//   late-*      echo's answer, after LATE_MS without a byte (the page's "waiting for the
//               first byte" phase)
//   anything else: 404 model_not_found, like OpenAI
// A wrong key gets OpenAI's 401 invalid_api_key with a masked echo of the key it got (the
// relay must redact it). Every request is recorded for assertions.
import http from 'node:http';

const base = (model) => ({ id: 'chatcmpl-test', created: 1732500000, model });
export const LATE_MS = 3500;

export async function startScenarioUpstream({ key }) {
  const seen = [];
  const closed = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => setTimeout(() => {
      const send = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (req.method !== 'POST' || !req.url.endsWith('/v1/chat/completions')) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<html><body><h1>404 Not Found</h1></body></html>');
        return;
      }
      let body;
      try { body = JSON.parse(raw); } catch { return send(400, { error: { message: 'invalid JSON', type: 'invalid_request_error', code: null } }); }
      seen.push({ headers: req.headers, body, at: Date.now() });
      const sent = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (sent !== key) {
        return send(401, { error: { message: `Incorrect API key provided: ${sent.slice(0, 3)}${'*'.repeat(20)}${sent.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
      }
      const model = String(body.model ?? '');
      const kind = model.split('-')[0];
      if (!['echo', 'slow', 'reasoner', 'endless', 'big', 'flood', 'late'].includes(kind)) {
        return send(404, { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      }
      const answer = describe(body, kind);
      const reasoning = kind === 'reasoner' ? 'First I read the question. Then I decide to answer briefly.' : '';
      const usage = { prompt_tokens: 20 + (body.messages?.length ?? 0), completion_tokens: answer.split(' ').length, total_tokens: 0 };
      // A reasoner counts its reasoning in completion_tokens and says how much, as OpenAI does.
      if (reasoning) {
        usage.completion_tokens += reasoning.split(' ').length;
        usage.completion_tokens_details = { reasoning_tokens: reasoning.split(' ').length };
      }
      usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
      if (!body.stream) {
        const message = { role: 'assistant', content: answer };
        if (reasoning) message.reasoning_content = reasoning;
        return send(200, { ...base(model), object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'stop' }], usage });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta, finish = null) => `data: ${JSON.stringify({ ...base(model), object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.on('close', () => { if (!res.writableFinished) closed.push({ model, at: Date.now() }); });
      if (kind === 'endless') {
        res.write(chunk({ role: 'assistant', content: '' }));
        let n = 0;
        const t = setInterval(() => { if (res.destroyed) { clearInterval(t); return; } res.write(chunk({ content: `word${n++} ` })); }, 20);
        res.on('close', () => clearInterval(t));
        return;
      }
      const line = 'All work and no play makes a long answer that the page must render without jank. ';
      if (kind === 'flood') {
        res.write(chunk({ role: 'assistant', content: '' }));
        // Bounded so a client that never stops cannot keep the test server busy forever.
        let left = 200_000;
        const batch = chunk({ content: line }).repeat(50);
        const more = () => {
          while (!res.destroyed && left > 0) {
            left -= 50;
            if (!res.write(batch)) { res.once('drain', more); return; }
          }
          if (!res.destroyed) res.end('data: [DONE]\n\n');
        };
        more();
        return;
      }
      const pieces = [];
      pieces.push(chunk({ role: 'assistant', content: '' }));
      for (const w of reasoning ? reasoning.split(' ') : []) pieces.push(chunk({ reasoning_content: `${w} ` }));
      if (kind === 'big') {
        for (let i = 0; i < 12500; i++) pieces.push(chunk({ content: line }));
      } else {
        answer.split(' ').forEach((w, i) => pieces.push(chunk({ content: (i ? ' ' : '') + w })));
      }
      pieces.push(chunk({}, 'stop'));
      if (body.stream_options?.include_usage) pieces.push(`data: ${JSON.stringify({ ...base(model), object: 'chat.completion.chunk', choices: [], usage })}\n\n`);
      pieces.push('data: [DONE]\n\n');
      const gap = kind === 'slow' ? 60 : 0;
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i >= pieces.length) { res.end(); return; }
        if (gap) { res.write(pieces[i++]); setTimeout(next, gap); return; }
        // Fast: write in batches so a big answer arrives in many network chunks.
        let batch = '';
        for (let n = 0; n < 50 && i < pieces.length; n++) batch += pieces[i++];
        if (res.write(batch)) setImmediate(next); else res.once('drain', next);
      };
      next();
    }, /"model":"late-/.test(raw) ? LATE_MS : 0));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    port,
    base: `http://127.0.0.1:${port}/v1`,
    seen,
    closed,
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
  };
}

/** The answer: what the provider received, in words a test can check. */
function describe(body, kind) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const users = messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  const parts = typeof last?.content === 'string' ? [{ type: 'text', text: last.content }] : (last?.content ?? []);
  const text = parts.filter((p) => p.type === 'text').map((p) => p.text).join(' ');
  const images = parts.filter((p) => p.type === 'image_url').map((p) => (/^data:([^;,]+)/.exec(p.image_url?.url ?? '') ?? [])[1] ?? 'link');
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const facts = [
    `You said: "${text}".`,
    `Messages: ${messages.length}.`,
    `Images: ${images.length ? images.join(',') : 'none'}.`,
    `System: ${system ? `"${system.content}"` : 'none'}.`,
  ];
  if (body.temperature !== undefined) facts.push(`Temperature: ${body.temperature}.`);
  if (kind === 'slow') facts.push('This answer streams slowly, one word at a time, so that you can watch it arrive and stop it.');
  return facts.join(' ');
}
