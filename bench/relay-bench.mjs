// Relay overhead: time to first byte through the relay minus direct to the same local
// upstream, and the same through a plain `http-proxy` forward, in one run.
//
//   node bench/relay-bench.mjs [--requests 2000] [--concurrency 1,200]
//
// Every request is a streaming chat call; the upstream answers its first event at once
// and ends the stream after a few more, so the measure is the relay's own added latency.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import httpProxy from 'http-proxy';
import { startRelay } from '../tests/support/relay-harness.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const REQUESTS = Number(args.requests ?? 2000);
const LEVELS = String(args.concurrency ?? '1,200').split(',').map(Number);
const SECRET = 'sk-bench-SECRET-0000000000000000000000-ABCD';

const event = (content) => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;

function startUpstream() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(event('first'));
      setImmediate(() => { res.write(event('second')); res.end('data: [DONE]\n\n'); });
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

/** One request; resolves with its time to first body byte (ms). */
function timeToFirstByte(url, headers, body) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let first = 0;
      res.on('data', () => { if (!first) first = performance.now() - t0; });
      res.on('end', () => (res.statusCode === 200 ? resolve(first) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(fn, total, concurrency) {
  const times = [];
  let next = 0;
  const worker = async () => { while (next < total) { next++; times.push(await fn()); } };
  await Promise.all(Array.from({ length: concurrency }, worker));
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: q(0.5), p99: q(0.99) };
}

async function main() {
  const upstream = await startUpstream();
  const upPort = upstream.address().port;
  const relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [{ display_name: 'bench', provider: 'bench', adapter: 'openai', api_base: `http://127.0.0.1:${upPort}/v1`, api_key: SECRET }],
      models: [{ display_name: 'bench', provider: 'bench', model_name: 'm', provider_key: 'bench' }],
    },
    env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upPort}` },
    settings: { limits: { concurrentPerUser: 100_000 } },
  });
  relay.logs.push = () => 0; // logging is not what we measure here
  const id = await relay.idOf('bench');
  const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${upPort}`, agent });
  const proxyServer = http.createServer((req, res) => proxy.web(req, res));
  await new Promise((r) => proxyServer.listen(0, '127.0.0.1', r));

  const chatBody = JSON.stringify({ model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
  const relayBody = JSON.stringify({ model: id, body: { stream: true, messages: [{ role: 'user', content: 'hi' }] } });
  const direct = () => timeToFirstByte(`http://127.0.0.1:${upPort}/v1/chat/completions`, { authorization: `Bearer ${SECRET}` }, chatBody);
  const viaProxy = () => timeToFirstByte(`http://127.0.0.1:${proxyServer.address().port}/v1/chat/completions`, { authorization: `Bearer ${SECRET}` }, chatBody);
  const viaRelay = () => timeToFirstByte(`${relay.base}/api/playground/chat`, { authorization: 'Bearer test-playground-token-0123456789' }, relayBody);

  console.log(`Time to first byte, ${REQUESTS} streaming requests per cell, local upstream (Node ${process.versions.node})\n`);
  console.log('| concurrency | direct p50 / p99 ms | http-proxy p50 / p99 ms | relay p50 / p99 ms | relay − direct p50 / p99 ms | http-proxy − direct p50 / p99 ms |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const c of LEVELS) {
    await measure(direct, Math.min(200, REQUESTS), c); // warm pools and JIT
    await measure(viaRelay, Math.min(200, REQUESTS), c);
    await measure(viaProxy, Math.min(200, REQUESTS), c);
    const d = await measure(direct, REQUESTS, c);
    const r = await measure(viaRelay, REQUESTS, c);
    const p = await measure(viaProxy, REQUESTS, c);
    const f = (x) => x.toFixed(2);
    console.log(`| ${c} | ${f(d.p50)} / ${f(d.p99)} | ${f(p.p50)} / ${f(p.p99)} | ${f(r.p50)} / ${f(r.p99)} | ${f(r.p50 - d.p50)} / ${f(r.p99 - d.p99)} | ${f(p.p50 - d.p50)} / ${f(p.p99 - d.p99)} |`);
  }
  await relay.stop();
  proxyServer.close();
  upstream.close();
  agent.destroy();
}

main().catch((err) => { console.error(err); process.exit(1); });
