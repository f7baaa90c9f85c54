// Relay latency: time to first byte through the relay minus direct to the same local
// upstream, and the same through a plain `http-proxy` forward, in one run. The relay and
// the proxy each run in their own process (what an operator runs); the upstream and the
// clients share this one.
//
//   node bench/relay-bench.mjs [--probes 400] [--requests 2000] [--concurrency 1,50,200] [--rounds 3] [--cpu-prof DIR]
//
// Two measures per concurrency c:
//  - "open": c streams are open at once (each sends an event every 50 ms, like a model
//    generating), and probe calls made one at a time measure TTFB beside them. This is
//    the latency a user's call gets on a busy relay: Step 5's target 4 (p50 ≤ 0.5 ms,
//    p99 ≤ 2 ms over direct at 200 streams, and no worse than http-proxy).
//  - "closed loop": c clients send back-to-back calls; TTFB then includes waiting for the
//    process's CPU (throughput), so the delta is queueing, reported for context.
//
// Exports run(options) → rows { metric, value, peer, ratio, target, met } for bench/index.mjs.
import http from 'node:http';
import { fork } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startRelayProcess, TOKEN } from '../tests/support/load.mjs';
import { median, quantile } from './support/stats.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const SECRET = 'sk-bench-SECRET-0000000000000000000000-ABCD';
const event = (content) => `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;

// ---- the upstream: probes answer at once; background streams tick every 50 ms ----------

// What OpenAI sends with every chat answer besides its type: a request id, its processing time
// and six rate-limit headers. Both paths forward them; the relay reads and redacts each one,
// so an upstream without them would leave that work out of its cost per call.
const PROVIDER_HEADERS = {
  'x-request-id': 'req_5f2c0a9d8e7b6a5f4e3d2c1b0a9f8e7d',
  'openai-processing-ms': '181',
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-limit-tokens': '30000000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-remaining-tokens': '29999980',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-reset-tokens': '0s',
};

function startUpstream() {
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', ...PROVIDER_HEADERS });
      res.write(event('first'));
      if (raw.includes('"background"')) {
        const t = setInterval(() => res.write(event('tick')), 50);
        res.on('close', () => clearInterval(t));
        return;
      }
      setImmediate(() => { res.write(event('second')); res.end('data: [DONE]\n\n'); });
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

// ---- http-proxy in its own process --------------------------------------------------

async function proxyChild() {
  const { default: httpProxy } = await import('http-proxy');
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 });
  const proxy = httpProxy.createProxyServer({ target: process.env.PROXY_TARGET, agent });
  proxy.on('error', (err, req, res) => { res.writeHead?.(502); res.end(); });
  const server = http.createServer((req, res) => proxy.web(req, res));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
  // An exit, not a kill: --cpu-prof writes its profile only when the process exits.
  process.on('SIGTERM', () => process.exit(0));
}

export async function startProxyProcess(target, { nodeArgs = [] } = {}) {
  const child = fork(THIS_FILE, ['--proxy-child'], { env: { ...process.env, PROXY_TARGET: target }, execArgv: nodeArgs, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const { port } = await new Promise((r) => child.once('message', r));
  return {
    base: `http://127.0.0.1:${port}`, pid: child.pid,
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024,
    fds: () => readdirSync(`/proc/${child.pid}/fd`).length,
    stop: () => new Promise((r) => { child.once('exit', r); child.kill(); }),
  };
}

/**
 * CPU time a process has used so far, in ms (from /proc; 10 ms ticks): { user, system }.
 * The split says whose the time is: user time is the process's own code (JavaScript, the
 * core's WASM, V8), system time mostly its sockets' system calls.
 */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 }; // utime, stime (fields 14 and 15 of stat)
}

// ---- clients ------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

/** One call; resolves with its time to first body byte (ms). `hold` keeps it open and resolves at once. */
function call(target, { background = false } = {}) {
  return new Promise((resolve, reject) => {
    const body = target.body(background);
    const t0 = performance.now();
    const req = http.request(target.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...target.headers } }, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new Error(`${target.name}: status ${res.statusCode}`)); return; }
      let first = 0;
      res.on('data', () => {
        if (first) return;
        first = performance.now() - t0;
        if (background) resolve({ close: () => req.destroy() });
      });
      res.on('end', () => resolve(first));
      res.on('error', () => {});
    });
    req.on('error', (err) => { if (!background) reject(err); });
    req.end(body);
  });
}

const quantiles = (times) => ({ p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length });

/**
 * c streams open through each target, then `probes` rounds of one call per target, one at
 * a time, in rotating order: on a shared machine every target sees the same load.
 */
async function measureOpen(targets, c, probes) {
  const bg = [];
  for (const target of Object.values(targets)) {
    for (let i = 0; i < c; i += 50) bg.push(...await Promise.all(Array.from({ length: Math.min(50, c - i) }, () => call(target, { background: true }))));
  }
  await new Promise((r) => setTimeout(r, 100));
  const names = Object.keys(targets);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < probes; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      times[name].push(await call(targets[name]));
    }
  }
  for (const b of bg) b.close();
  await new Promise((r) => setTimeout(r, 200)); // let the closes settle before the next cell
  return Object.fromEntries(names.map((n) => [n, quantiles(times[n])]));
}

/** c clients back to back, `total` calls. */
/** `total` calls from `c` clients back to back; the times to first byte (ms), in `times`. */
async function measureClosed(target, c, total, times = []) {
  let next = 0;
  const worker = async () => { while (next < total) { next++; times.push(await call(target)); } };
  await Promise.all(Array.from({ length: c }, worker));
  return times;
}


// ---- the run ------------------------------------------------------------------------

export async function run({ probes = 400, requests = 2000, concurrency = [1, 50, 200], closedConcurrency = concurrency, rounds = 3, cpuProf = null, log = console.log, closedLoop = true } = {}) {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1 (got ${rounds})`);
  const upstream = await startUpstream();
  const upBase = `http://127.0.0.1:${upstream.address().port}`;
  const relay = await startRelayProcess({
    resources: {
      _format_version: '1',
      provider_keys: [{ display_name: 'bench', provider: 'bench', adapter: 'openai', api_base: `${upBase}/v1`, api_key: '${LOAD_KEY}' }],
      models: [{ display_name: 'bench', provider: 'bench', model_name: 'm', provider_key: 'bench' }],
    },
    env: { LOAD_KEY: SECRET, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upstream.address().port}`, MAX_CONCURRENT_PER_USER: '100000' },
    nodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [],
  });
  // With --cpu-prof, both forwarding processes are profiled (a profile per process in DIR).
  const proxy = await startProxyProcess(upBase, { nodeArgs: cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [] });
  const id = await relay.modelId();
  const chat = (background) => JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: background ? 'background' : 'hi' }] });
  const targets = {
    direct: { name: 'direct', url: `${upBase}/v1/chat/completions`, headers: { authorization: `Bearer ${SECRET}` }, body: chat },
    proxy: { name: 'http-proxy', url: `${proxy.base}/v1/chat/completions`, headers: { authorization: `Bearer ${SECRET}` }, body: chat },
    relay: { name: 'relay', url: `${relay.base}/api/playground/chat`, headers: { authorization: `Bearer ${TOKEN}` }, body: (bg) => JSON.stringify({ model: id, body: { stream: true, messages: [{ role: 'user', content: bg ? 'background' : 'hi' }] } }) },
  };
  const f = (x) => x.toFixed(2);
  const rows = [];
  const table = [];
  const cpuTable = [];
  try {
    for (const t of Object.values(targets)) await measureClosed(t, 20, 400); // warm pools and JIT
    // Open cells: c streams through each of the three paths at once (3c on the upstream),
    // probes interleaved. Closed-loop cells: one path at a time (a throughput measure).
    for (const c of concurrency) {
      const cell = await measureOpen(targets, c, probes);
      const d = { p50: cell.relay.p50 - cell.direct.p50, p99: cell.relay.p99 - cell.direct.p99 };
      const pd = { p50: cell.proxy.p50 - cell.direct.p50, p99: cell.proxy.p99 - cell.direct.p99 };
      table.push(`| open ${c} | ${f(cell.direct.p50)} / ${f(cell.direct.p99)} | ${f(cell.proxy.p50)} / ${f(cell.proxy.p99)} | ${f(cell.relay.p50)} / ${f(cell.relay.p99)} | ${f(d.p50)} / ${f(d.p99)} | ${f(pd.p50)} / ${f(pd.p99)} |`);
      for (const p of ['p50', 'p99']) {
        const limit = p === 'p50' ? 0.5 : 2;
        const target = c === 200 ? `≤ ${limit} ms and ≤ http-proxy` : `≤ http-proxy`;
        rows.push({
          metric: `relay TTFB − direct, ${p}, ${c} open streams (ms)`, value: +f(d[p]), peer: +f(pd[p]),
          ratio: pd[p] > 0 ? +(d[p] / pd[p]).toFixed(2) : null, target,
          met: d[p] <= pd[p] + 0.05 && (c !== 200 || d[p] <= limit),
        });
      }
    }
    if (closedLoop) {
      for (const c of closedConcurrency) {
        // The CPU each forwarding process spends per call, in `rounds` rounds that alternate
        // between the paths: what else the machine does then weighs on each path alike, and
        // the median round of each (and the median of each round's ratio) is reported, as one
        // round's figure moves by a tenth or more between runs.
        const pids = { relay: relay.pid, proxy: proxy.pid };
        const times = { direct: [], proxy: [], relay: [] };
        const byRound = { proxy: [], relay: [] }; // { user, system, total } µs per call, per round
        const perRound = Math.ceil(requests / rounds);
        for (let r = 0; r < rounds; r++) {
          for (const [k, t] of Object.entries(targets)) {
            const before = pids[k] ? cpuMs(pids[k]) : null;
            await measureClosed(t, c, perRound, times[k]);
            if (!pids[k]) continue;
            const after = cpuMs(pids[k]);
            const user = ((after.user - before.user) * 1000) / perRound;
            const system = ((after.system - before.system) * 1000) / perRound;
            byRound[k].push({ user, system, total: user + system });
          }
        }
        const cell = Object.fromEntries(Object.entries(times).map(([k, list]) => [k, quantiles(list)]));
        // Each path's median round (its user and system time are that round's, so they add up).
        const split = Object.fromEntries(Object.entries(byRound).map(([k, list]) => [k, [...list].sort((a, b) => a.total - b.total)[Math.floor(list.length / 2)]]));
        const cpu = Object.fromEntries(Object.entries(split).map(([k, round]) => [k, round.total]));
        const ratios = byRound.relay.map((x, i) => x.total / byRound.proxy[i].total);
        const ratio = median(ratios);
        const d = { p50: cell.relay.p50 - cell.direct.p50, p99: cell.relay.p99 - cell.direct.p99 };
        const pd = { p50: cell.proxy.p50 - cell.direct.p50, p99: cell.proxy.p99 - cell.direct.p99 };
        table.push(`| closed ${c} | ${f(cell.direct.p50)} / ${f(cell.direct.p99)} | ${f(cell.proxy.p50)} / ${f(cell.proxy.p99)} | ${f(cell.relay.p50)} / ${f(cell.relay.p99)} | ${f(d.p50)} / ${f(d.p99)} | ${f(pd.p50)} / ${f(pd.p99)} |`);
        const us = (v) => v.toFixed(0);
        cpuTable.push(`| closed ${c} | ${us(cpu.proxy)} (${us(split.proxy.user)} + ${us(split.proxy.system)}) | ${us(cpu.relay)} (${us(split.relay.user)} + ${us(split.relay.system)}) | ${ratio.toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(', ')}) | ${(split.relay.user / split.proxy.user).toFixed(2)}× |`);
        rows.push({ metric: `relay TTFB − direct, p50, ${c} clients back to back (ms)`, value: +f(d.p50), peer: +f(pd.p50), ratio: pd.p50 > 0 ? +(d.p50 / pd.p50).toFixed(2) : null, target: '≤ http-proxy', met: d.p50 <= pd.p50 + 0.05 });
        rows.push({ metric: `CPU per call, ${c} clients back to back, median of ${rounds} rounds (µs)`, value: Math.round(cpu.relay), peer: Math.round(cpu.proxy), ratio: +ratio.toFixed(2), target: '≤ 1.5×', met: ratio <= 1.5 });
      }
    }
  } finally {
    await relay.stop();
    await proxy.stop();
    upstream.closeAllConnections();
    upstream.close();
    agent.destroy();
  }
  log(`Time to first byte (ms), streaming chat calls, local upstream; relay and http-proxy each in their own process (Node ${process.versions.node})`);
  log(`open c: c streams open through each path (an event every 50 ms each), ${probes} probe calls per path, one at a time, paths interleaved; closed c: c clients back to back, ${rounds} rounds of ${Math.ceil(requests / rounds)} calls per path, paths alternating\n`);
  log('| cell | direct p50 / p99 | http-proxy p50 / p99 | relay p50 / p99 | relay − direct p50 / p99 | http-proxy − direct p50 / p99 |');
  log('|---|---:|---:|---:|---:|---:|');
  for (const line of table) log(line);
  if (cpuTable.length) {
    log(`\nCPU time per call of the forwarding process (µs; user + system, from /proc; the median of ${rounds} rounds alternating between the paths, each round's calls ÷ its CPU time)\n`);
    log('| cell | http-proxy (user + system) | relay (user + system) | relay ÷ http-proxy: median (each round) | user time, relay ÷ http-proxy |');
    log('|---|---:|---:|---:|---:|');
    for (const line of cpuTable) log(line);
  }
  return rows;
}

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
if (process.argv[2] === '--proxy-child') {
  proxyChild();
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run({
    probes: Number(args.probes ?? 400),
    requests: Number(args.requests ?? 2000),
    concurrency: String(args.concurrency ?? '1,50,200').split(',').map(Number),
    rounds: Number(args.rounds ?? 3),
    cpuProf: args['cpu-prof'] ?? null,
    closedLoop: args['closed-loop'] !== 'no',
  }).then((rows) => {
    console.log('');
    console.table(rows);
  }).catch((err) => { console.error(err); process.exit(1); });
}
