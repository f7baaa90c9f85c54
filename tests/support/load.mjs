// Load with integrity, and the relay as an operator runs it: a separate process.
//
// - startRelayProcess(): the real relay in a child process (this file with --relay-child),
//   wired like relay/main.js, started with --expose-gc so the parent can ask for a
//   collected heap (IPC) and read its RSS and open file descriptors from /proc.
// - startSeededUpstream(): a provider whose stream is a pure function of a seed the client
//   puts in the prompt, so the client can hash what it got and compare with what was sent.
// - streamCall() / runStreams(): many streams through the relay, every byte checked.
import http from 'node:http';
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { tempDir } from './temp-dir.mjs';

export const TOKEN = 'load-playground-token-0123456789';
const THIS_FILE = fileURLToPath(import.meta.url);

// ---- the seeded provider ------------------------------------------------------------

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?-';

/** The events of one seeded stream (strings), deterministic in (seed, chunks, size). */
export function seededEvents(seed, chunks, size) {
  let x = (seed >>> 0) || 0x9e3779b9;
  const events = [];
  for (let c = 0; c < chunks; c++) {
    let text = '';
    for (let i = 0; i < size; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; // xorshift32
      text += ALPHABET[x % ALPHABET.length];
    }
    events.push(`data: {"id":"s${seed}","object":"chat.completion.chunk","created":1732500000,"model":"load","choices":[{"index":0,"delta":{"content":"${text}"},"finish_reason":null}]}\n\n`);
  }
  events.push(`data: {"id":"s${seed}","object":"chat.completion.chunk","created":1732500000,"model":"load","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`);
  events.push('data: [DONE]\n\n');
  return events;
}

const expectedCache = new Map();
/** sha256 and length of the whole seeded stream. */
export function expectedDigest(seed, chunks, size) {
  const key = `${seed}/${chunks}/${size}`;
  let e = expectedCache.get(key);
  if (!e) {
    const body = Buffer.from(seededEvents(seed, chunks, size).join(''));
    e = { sha256: createHash('sha256').update(body).digest('hex'), length: body.length };
    if (expectedCache.size < 10_000) expectedCache.set(key, e);
  }
  return e;
}

/** The prompt that asks the seeded provider for one stream. */
export const seedPrompt = ({ seed, chunks = 10, size = 100, gap = 0, hold = false }) => `load seed=${seed} chunks=${chunks} size=${size} gap=${gap} hold=${hold ? 1 : 0}`;

/**
 * Starts the seeded provider. A held stream sends its first event, then waits for
 * `release()`; that is how a bench keeps thousands of streams open at one moment.
 */
export async function startSeededUpstream() {
  const state = { started: 0, finished: 0, closedEarly: 0, open: 0 };
  let held = [];
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      let prompt = '';
      try { prompt = JSON.parse(Buffer.concat(parts).toString()).messages?.at(-1)?.content ?? ''; } catch { /* answered below */ }
      const m = /seed=(\d+) chunks=(\d+) size=(\d+) gap=(\d+) hold=(\d)/.exec(prompt);
      if (!m) { res.writeHead(400, { 'content-type': 'application/json' }); res.end('{"error":{"message":"not a load prompt"}}'); return; }
      const [seed, chunks, size, gap, hold] = m.slice(1).map(Number);
      const events = seededEvents(seed, chunks, size);
      state.started++; state.open++;
      res.on('close', () => { state.open--; if (res.writableFinished) state.finished++; else state.closedEarly++; });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let i = 0;
      const next = () => {
        if (res.destroyed) return;
        if (i >= events.length) { res.end(); return; }
        res.write(events[i++]);
        if (i === 1 && hold) { held.push(next); return; }
        if (gap) setTimeout(next, gap); else setImmediate(next);
      };
      next();
    });
  });
  server.keepAliveTimeout = 30_000;
  server.maxHeadersCount = 0;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.port = server.address().port;
  server.state = state;
  server.base = `http://127.0.0.1:${server.port}/v1`;
  server.release = () => { const h = held; held = []; for (const fn of h) fn(); return h.length; };
  server.stop = () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
  return server;
}

// ---- the relay in its own process ---------------------------------------------------

/** Resources for one model pointing at `apiBase`, key from ${LOAD_KEY}. */
export const oneModelResources = (apiBase) => ({
  _format_version: '1',
  provider_keys: [{ display_name: 'load', provider: 'openai-compatible', adapter: 'openai', api_base: apiBase, api_key: '${LOAD_KEY}' }],
  models: [{ display_name: 'load', provider: 'openai', model_name: 'load-model', provider_key: 'load' }],
});

/**
 * Starts relay/ code in a child process. `env` are the relay's own settings (MAX_*, *_MS);
 * `limits` are extra settings.limits fields (e.g. headersMs) for the test-only child.
 */
export async function startRelayProcess({ resources, env = {}, limits = {}, nodeArgs = [] }) {
  const dir = tempDir('load');
  const file = join(dir, 'resources.json');
  writeFileSync(file, JSON.stringify(resources));
  const secret = env.LOAD_KEY ?? `sk-load-${randomBytes(12).toString('hex')}`;
  const child = fork(THIS_FILE, ['--relay-child'], {
    execArgv: ['--expose-gc', ...nodeArgs],
    env: { ...process.env, PLAYGROUND_TOKEN: TOKEN, SESSION_SECRET: 'load-session-secret', RESOURCES: file, PORT: '0', LOAD_KEY: secret, PG_CHILD_LIMITS: JSON.stringify(limits), ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'], // the log goes where an operator's would: out of the process
  });
  const replies = [];
  child.on('message', (m) => { const r = replies.shift(); r?.(m); });
  const ask = (msg) => new Promise((resolve, reject) => {
    replies.push(resolve);
    child.send(msg, (err) => err && reject(err));
  });
  const ready = await new Promise((resolve, reject) => {
    replies.push(resolve);
    child.once('exit', (code) => reject(new Error(`the relay child exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${ready.port}`;
  return {
    pid: child.pid, base, secret, child,
    /** Heap after two full collections, and RSS, from inside the child. */
    memory: () => ask({ cmd: 'memory' }),
    /** Writes a V8 heap snapshot of the relay to `file` (investigation only). */
    heapSnapshot: (file) => ask({ cmd: 'heapSnapshot', file }),
    /** Resident set size from /proc (kB → bytes), no collection. */
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024,
    fds: () => readdirSync(`/proc/${child.pid}/fd`).length,
    async modelId() {
      const res = await fetch(`${base}/api/playground/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return (await res.json()).models[0].id;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function relayChild() {
  const { loadRelayCore } = await import('../../relay/core.js');
  const { readSettings } = await import('../../relay/settings.js');
  const { Sessions } = await import('../../relay/session.js');
  const { FileSource } = await import('../../relay/sources/file-source.js');
  const { createRelay } = await import('../../relay/server.js');
  const { logLine } = await import('../../relay/log.js');
  const log = (entry) => process.stdout.write(logLine(entry)); // as relay/main.js logs
  const settings = readSettings(process.env);
  Object.assign(settings.limits, JSON.parse(process.env.PG_CHILD_LIMITS || '{}'));
  const core = await loadRelayCore();
  const source = new FileSource({ core, path: settings.resources, env: process.env, log });
  await source.start();
  const sessions = new Sessions({ token: settings.token, secret: settings.sessionSecret, ttlSeconds: 3600, log });
  const server = createRelay({ core, source, sessions, settings, log });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  process.on('message', async (m) => {
    if (m?.cmd === 'memory') {
      global.gc?.(); global.gc?.();
      process.send({ ...process.memoryUsage(), activeHandles: process.getActiveResourcesInfo().length });
    } else if (m?.cmd === 'heapSnapshot') {
      // For investigating memory per stream (not used by the tests): where is the heap?
      const v8 = await import('node:v8');
      process.send({ file: v8.writeHeapSnapshot(m.file) });
    }
  });
  process.on('SIGTERM', () => { server.closeAllConnections(); process.exit(0); });
  process.on('disconnect', () => process.exit(0)); // the parent is gone
  process.send({ port: server.address().port });
}

// ---- clients ------------------------------------------------------------------------

/** A client agent with room for every concurrent stream. */
export const loadAgent = () => new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });

/**
 * One streaming chat call through the relay; hashes what arrives and compares it with
 * the seeded stream. `abortAfterBytes` cuts the call once that many bytes arrived.
 */
export function streamCall({ base, model, agent, seed, chunks = 10, size = 100, gap = 0, hold = false, abortAfterBytes = 0, onFirstByte, timeoutMs = 60_000, via = 'relay', padding = 0 }) {
  // via 'relay': the playground API; via 'plain': an OpenAI-style path (a plain proxy, or the upstream itself).
  // padding: that many more bytes of prompt after the seed line (a large request).
  const prompt = seedPrompt({ seed, chunks, size, gap, hold }) + (padding ? ` ${'x'.repeat(padding)}` : '');
  const chat = { stream: true, messages: [{ role: 'user', content: prompt }] };
  const body = JSON.stringify(via === 'relay' ? { model, body: chat } : { model: 'load-model', ...chat });
  const url = via === 'relay' ? `${base}/api/playground/chat` : `${base}/v1/chat/completions`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    let received = 0;
    let ttfb = 0;
    const hash = createHash('sha256');
    const done = (extra) => { clearTimeout(timer); resolve({ seed, received, ttfb, ms: performance.now() - t0, ...extra }); };
    const req = http.request(url, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => done({ status: res.statusCode, error: text.slice(0, 300) }));
        res.on('error', (err) => done({ status: res.statusCode, error: err.message }));
        return;
      }
      res.on('data', (c) => {
        if (!ttfb) { ttfb = performance.now() - t0; onFirstByte?.(); }
        received += c.length;
        hash.update(c);
        if (abortAfterBytes && received >= abortAfterBytes) { req.destroy(); done({ status: 200, aborted: true }); }
      });
      res.on('end', () => {
        const expected = expectedDigest(seed, chunks, size);
        const intact = hash.digest('hex') === expected.sha256;
        done({
          status: 200, intact,
          lost: Math.max(0, expected.length - received),
          // Same length, different bytes: reordered or corrupted.
          reordered: !intact && received === expected.length,
          extra: Math.max(0, received - expected.length),
        });
      });
      res.on('error', (err) => { if (!abortAfterBytes) done({ status: 200, error: err.message }); });
    });
    const timer = setTimeout(() => { req.destroy(); done({ error: `no end within ${timeoutMs} ms` }); }, timeoutMs);
    req.on('error', (err) => { if (!(abortAfterBytes && received >= abortAfterBytes)) done({ error: `${err.code ?? ''} ${err.message}` }); });
    req.end(body);
  });
}

/**
 * Runs `n` streams at once; returns their results and a summary. With `ramp`, they are
 * opened `ramp` at a time, each batch once the previous one has its first bytes (thousands
 * of SYNs at one instant overflow the listen backlog and measure the kernel's retry timer).
 */
export async function runStreams({ n, seedBase = 1, ramp = 0, ...opts }) {
  if (!ramp) {
    const results = await Promise.all(Array.from({ length: n }, (_, i) => streamCall({ seed: seedBase + i, ...opts })));
    return { results, summary: summarize(results) };
  }
  const all = [];
  for (let i = 0; i < n; i += ramp) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + ramp); j++) {
      let started;
      batch.push(new Promise((r) => { started = r; }));
      const call = streamCall({ seed: seedBase + j, ...opts, onFirstByte: () => { opts.onFirstByte?.(); started(); } });
      call.then(started);
      all.push(call);
    }
    await Promise.all(batch);
  }
  const results = await Promise.all(all);
  return { results, summary: summarize(results) };
}

export function summarize(results) {
  const s = { requests: results.length, ok: 0, errors: 0, aborted: 0, corrupt: 0, lostBytes: 0, reorderedStreams: 0, bytes: 0, firstErrors: [] };
  for (const r of results) {
    s.bytes += r.received ?? 0;
    if (r.aborted) { s.aborted++; continue; }
    if (r.error || r.status !== 200) { s.errors++; if (s.firstErrors.length < 3) s.firstErrors.push(r.error ?? `status ${r.status}`); continue; }
    if (r.intact) s.ok++; else s.corrupt++;
    s.lostBytes += r.lost ?? 0;
    if (r.reordered) s.reorderedStreams++;
  }
  return s;
}

/** Simple GETs (healthz, models) all at once: how many were answered, refused, failed. */
export async function burst({ base, n, agent, paths = ['/healthz', '/api/playground/models'] }) {
  const counts = { total: n, byStatus: {}, errors: 0, firstErrors: [] };
  await Promise.all(Array.from({ length: n }, (_, i) => new Promise((resolve) => {
    const req = http.get(`${base}${paths[i % paths.length]}`, { agent, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => { counts.byStatus[res.statusCode] = (counts.byStatus[res.statusCode] ?? 0) + 1; resolve(); });
      res.on('error', () => { counts.errors++; resolve(); });
    });
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', (err) => { counts.errors++; if (counts.firstErrors.length < 3) counts.firstErrors.push(err.code ?? err.message); resolve(); });
  })));
  return counts;
}

export const delay = (ms) => new Promise((r) => setTimeout(r, ms));

if (process.argv[2] === '--relay-child' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  relayChild().catch((err) => { process.stderr.write(`relay child: ${err.stack}\n`); process.exit(1); });
}
