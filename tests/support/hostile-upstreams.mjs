// Upstreams that misbehave at the HTTP and byte level, for the relay's hostile-peer tests.
// A raw TCP server (not node:http) so a scenario can send what a well-behaved HTTP stack
// never would: a 1 MB header block, a malformed chunk size, a reset right after the
// headers, invalid UTF-8. The scenario is the first path segment of the request, so a
// provider key's api_base http://127.0.0.1:<port>/<scenario>/v1 picks the behaviour.
import net from 'node:net';
import zlib from 'node:zlib';

const CRLF = '\r\n';

/** SSE chunk text for one content delta (the OpenAI stream shape). */
export const sseChunk = (content, finish = null) =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1732500000,"model":"gpt-4.1-mini","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":${finish ? JSON.stringify(finish) : 'null'}}]}\n\n`;

export const completionJson = (content) =>
  `{"id":"c1","object":"chat.completion","created":1732500000,"model":"gpt-4.1-mini","choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`;

/** Bytes that are not UTF-8: a lone continuation byte, an overlong NUL, 0xFF, a cut 3-byte sequence. */
export const INVALID_UTF8 = Buffer.from([0x80, 0xc0, 0x80, 0xff, 0xfe, 0xe2, 0x82]);

/** A stream whose second delta carries invalid UTF-8 inside the JSON string. */
export function invalidUtf8Stream() {
  const [head, tail] = sseChunk('@@').split('@@');
  return Buffer.concat([
    Buffer.from(sseChunk('fine ')),
    Buffer.from(head), INVALID_UTF8, Buffer.from(tail),
    Buffer.from(sseChunk('', 'stop')),
    Buffer.from('data: [DONE]\n\n'),
  ]);
}

export function invalidUtf8Json() {
  const [head, tail] = completionJson('@@').split('@@');
  return Buffer.concat([Buffer.from(head), INVALID_UTF8, Buffer.from(tail)]);
}

export const head = (status, headers) =>
  `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Status'}${CRLF}${Object.entries({ connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}${CRLF}`).join('')}${CRLF}`;

/** A complete response with a content-length. */
export function respond(sock, status, headers, body) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  sock.end(Buffer.concat([Buffer.from(head(status, { ...headers, 'content-length': bytes.length })), bytes]));
}

export const chunked = (data) => {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}${CRLF}`), bytes, Buffer.from(CRLF)]);
};

/**
 * Writes `next()` blocks until the socket closes, honouring back-pressure; counts bytes.
 * Yields to the event loop every 16 blocks: on loopback the kernel takes megabytes
 * without back-pressure, and this server shares its process with the relay under test.
 */
function pump(sock, next, state) {
  const go = () => {
    for (let n = 0; n < 16; n++) {
      if (sock.destroyed) return;
      const block = next();
      if (!block) return;
      state.bytesSent += block.length;
      if (!sock.write(block)) { sock.once('drain', go); return; }
    }
    setImmediate(go);
  };
  go();
}

/** Scenario name → handler(sock, request, state). `state` is shared and inspected by tests. */
export const hostileScenarios = {
  // A well-behaved streaming answer: the concurrent "other user" in every test.
  normal(sock, req) {
    const stream = /"stream":true/.test(req.body);
    if (!stream) return respond(sock, 200, { 'content-type': 'application/json' }, completionJson('all good'));
    sock.write(head(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }));
    let i = 0;
    const parts = [sseChunk('all '), sseChunk('good'), sseChunk('', 'stop'), 'data: [DONE]\n\n'];
    const t = setInterval(() => {
      if (sock.destroyed) return clearInterval(t);
      if (i < parts.length) { sock.write(chunked(parts[i++])); return; }
      clearInterval(t);
      sock.end(`0${CRLF}${CRLF}`);
    }, 20);
  },
  // An event stream that never ends: one chunk after another as fast as the relay reads.
  endless(sock, req, state) {
    sock.write(head(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }));
    const block = chunked(sseChunk('x'.repeat(1000)));
    pump(sock, () => block, state);
  },
  // A 1 GB JSON body, declared up front.
  gigabyte(sock, req, state) {
    sock.write(head(200, { 'content-type': 'application/json', 'content-length': 1024 ** 3 }));
    const block = Buffer.alloc(64 * 1024, 0x61);
    let left = 1024 ** 3;
    pump(sock, () => { if (left <= 0) return null; left -= block.length; return block; }, state);
  },
  // A 1 GB JSON body with no declared length (chunked): only the running count can cap it.
  gigabyteChunked(sock, req, state) {
    sock.write(head(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }));
    const block = chunked(Buffer.alloc(64 * 1024, 0x61));
    let left = 1024 ** 3;
    pump(sock, () => { if (left <= 0) return null; left -= block.length; return block; }, state);
  },
  // Headers, then one byte per second.
  drip(sock) {
    sock.write(head(200, { 'content-type': 'text/event-stream' }));
    const text = sseChunk('slow');
    let i = 0;
    const t = setInterval(() => { if (sock.destroyed || i >= text.length) { clearInterval(t); return; } sock.write(text[i++]); }, 1000);
    sock.on('close', () => clearInterval(t));
  },
  // A stream that never ends and never goes quiet: an event every 100 ms, each well inside
  // any idle limit, so only the total time limit can end it.
  trickle(sock) {
    sock.write(head(200, { 'content-type': 'text/event-stream' }));
    const t = setInterval(() => { if (sock.destroyed) { clearInterval(t); return; } sock.write(sseChunk('tick')); }, 100);
    sock.on('close', () => clearInterval(t));
  },
  badUtf8Stream(sock) {
    respond(sock, 200, { 'content-type': 'text/event-stream' }, invalidUtf8Stream());
  },
  badUtf8Json(sock) {
    respond(sock, 200, { 'content-type': 'application/json' }, invalidUtf8Json());
  },
  // A 1 MB header block (Node's parser stops at 16 KB by default).
  hugeHeaders(sock) {
    const line = `x-filler: ${'a'.repeat(1000)}${CRLF}`;
    sock.end(`HTTP/1.1 200 OK${CRLF}content-type: application/json${CRLF}${line.repeat(1024)}content-length: 2${CRLF}${CRLF}{}`);
  },
  // Headers and a first event, then a TCP reset.
  resetAfterHeaders(sock) {
    sock.write(head(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }));
    sock.write(chunked(sseChunk('partial')));
    setTimeout(() => sock.resetAndDestroy(), 30);
  },
  // Reads the request and never answers.
  silent() {},
  // A compressed body that echoes the key: the relay must decode it to redact it.
  gzip(sock, req) {
    respond(sock, 200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, zlib.gzipSync(completionJson(`gz echo ${req.key}`)));
  },
  br(sock, req) {
    const body = Buffer.concat([Buffer.from(sseChunk(`br echo ${req.key}`)), Buffer.from(sseChunk('', 'stop')), Buffer.from('data: [DONE]\n\n')]);
    respond(sock, 200, { 'content-type': 'text/event-stream', 'content-encoding': 'br' }, zlib.brotliCompressSync(body));
  },
  // A chunked stream whose second chunk size is not hexadecimal.
  badChunk(sock) {
    sock.write(head(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }));
    sock.write(chunked(sseChunk('before ')));
    setTimeout(() => sock.end(`zz${CRLF}${sseChunk('after')}${CRLF}0${CRLF}${CRLF}`), 20);
  },
};

/**
 * Starts the hostile server. Returns it with `base(scenario)`, `state` (bytes sent,
 * connections open/closed per scenario) and `stop()`.
 */
export async function startHostileUpstream(extraScenarios = {}) {
  const scenarios = { ...hostileScenarios, ...extraScenarios };
  const state = { bytesSent: 0, open: new Map(), closed: [], requests: [] };
  const sockets = new Set();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let handled = false;
    const onData = (data) => {
      buf = Buffer.concat([buf, data]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0 || handled) return;
      const headText = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headText)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      handled = true;
      sock.off('data', onData);
      const path = headText.split(' ')[1] ?? '/';
      const name = path.split('/')[1];
      const auth = /\r\nauthorization:\s*Bearer (\S+)/i.exec(headText)?.[1] ?? '';
      const req = { path, name, headers: headText, key: auth, body: buf.subarray(end + 4, end + 4 + length).toString() };
      state.requests.push({ name, path });
      state.open.set(name, (state.open.get(name) ?? 0) + 1);
      sock.on('close', () => { state.open.set(name, state.open.get(name) - 1); state.closed.push({ name, at: Date.now() }); });
      const fn = scenarios[name];
      if (!fn) return respond(sock, 404, { 'content-type': 'application/json' }, '{"error":{"message":"no such scenario"}}');
      fn(sock, req, state);
    };
    sock.on('data', onData);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.port = server.address().port;
  server.state = state;
  server.base = (scenario) => `http://127.0.0.1:${server.port}/${scenario}/v1`;
  /** Resolves when no connection of `name` is open (the relay closed or finished it). */
  server.waitClosed = async (name, ms = 5000) => {
    const until = Date.now() + ms;
    while ((state.open.get(name) ?? 0) > 0) {
      if (Date.now() > until) throw new Error(`${name}: ${state.open.get(name)} upstream connection(s) still open after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  server.stop = () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return server;
}
