// The long hostile-client and load soak against a real relay in its own process (`make soak`;
// not part of `make test`, whose short versions are tests/relay/hostile-*.test.mjs).
//
//   node scripts/soak.mjs [--streams 2000] [--burst 10000] [--aborts 2000] [--slowloris 500]
//
// Phases: 2,000 streams held open at once (memory per open stream), 2,000 streams flowing
// at once, a burst of 10,000 GETs, 2,000 aborts mid-stream, 500 slowloris connections
// beside live streams. Every stream is hashed by the client and compared with what the
// seeded upstream generated. Ends with a summary table and exits non-zero on any error,
// lost or reordered byte, or leak.
//
// Limits: the soak user runs every stream, so the relay is started with
// MAX_CONCURRENT_PER_USER raised to fit (the shipped default is 8 per user, per replica).
// Open files: this process and the relay each hold about two sockets per stream; the
// script checks `ulimit -n` first and says how to raise it (`ulimit -n 65536` in the shell
// that runs `make soak`).
import net from 'node:net';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  startRelayProcess, startSeededUpstream, oneModelResources, runStreams, burst, loadAgent, delay,
} from '../tests/support/load.mjs';
import { checkOpenFiles } from '../bench/relay-capacity.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const STREAMS = Number(args.streams ?? 2000);
const BURST = Number(args.burst ?? 10_000);
const ABORTS = Number(args.aborts ?? 2000);
const SLOWLORIS = Number(args.slowloris ?? 500);
const BURST_SOCKETS = 2000; // the burst's requests share this many client connections

const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const say = (msg) => process.stdout.write(`[soak ${(performance.now() / 1000).toFixed(1)}s] ${msg}\n`);

async function main() {
  const files = checkOpenFiles(Math.max(STREAMS, BURST_SOCKETS, SLOWLORIS));
  if (!files.ok) {
    process.stderr.write(`soak: ulimit -n is ${files.limit}, the soak needs about ${files.need} open files per process.\n` +
      `Raise it in this shell and run again:  ulimit -n ${Math.max(65536, files.need * 2)} && make soak\n`);
    process.exit(2);
  }

  const up = await startSeededUpstream();
  const relay = await startRelayProcess({
    resources: oneModelResources(up.base),
    env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}`, MAX_CONCURRENT_PER_USER: String(4 * STREAMS) },
  });
  const model = await relay.modelId();
  const base = relay.base;
  const totals = { served: 0, errors: 0, lostBytes: 0, reordered: 0, corrupt: 0 };
  const phases = [];
  let peakRss = 0;
  const sampler = setInterval(() => { try { peakRss = Math.max(peakRss, relay.rss()); } catch { /* exiting */ } }, 100);
  const count = (name, summary, extra = '') => {
    totals.served += summary.ok ?? 0;
    totals.errors += summary.errors ?? 0;
    totals.lostBytes += summary.lostBytes ?? 0;
    totals.reordered += summary.reorderedStreams ?? 0;
    totals.corrupt += summary.corrupt ?? 0;
    phases.push({ phase: name, ...summary, firstErrors: (summary.firstErrors ?? []).join('; '), note: extra });
    say(`${name}: ${JSON.stringify(summary)} ${extra}`);
  };

  let failed;
  try {
    // Warm-up: pools, JIT and the core's buffers reach their working size.
    let agent = loadAgent();
    await runStreams({ n: 200, seedBase: 9_000_000, base, model, agent, chunks: 5, size: 50 });
    agent.destroy();
    await delay(500);
    const before = await relay.memory();
    const fdsBefore = relay.fds();
    say(`baseline: RSS ${mb(before.rss)}, heap+external ${mb(before.heapUsed + before.external)}, fds ${fdsBefore}`);

    // 1. STREAMS held open at once: what each open stream costs.
    agent = loadAgent();
    let open = 0;
    const held = runStreams({ n: STREAMS, seedBase: 1, base, model, agent, chunks: 20, size: 100, gap: 5, hold: true, ramp: 100, onFirstByte: () => { open++; }, timeoutMs: 300_000 });
    const t0 = Date.now();
    while (open < STREAMS && Date.now() - t0 < 180_000) await delay(100);
    await delay(500);
    const openMem = await relay.memory();
    const fdsOpen = relay.fds();
    const perStreamKB = (openMem.rss - before.rss) / open / 1024;
    say(`${open} streams open: RSS ${mb(openMem.rss)}, fds ${fdsOpen}, ${perStreamKB.toFixed(1)} KB per open stream`);
    up.release();
    count(`${STREAMS} streams held open, then released`, (await held).summary, `${perStreamKB.toFixed(1)} KB/open stream`);
    agent.destroy();

    // 2. STREAMS flowing at once (an event every 20 ms each, interleaved by the relay).
    agent = loadAgent();
    count(`${STREAMS} streams flowing at once`, (await runStreams({ n: STREAMS, seedBase: 100_000, base, model, agent, chunks: 50, size: 80, gap: 20, ramp: 200, timeoutMs: 300_000 })).summary);
    agent.destroy();

    // 3. A burst of GETs.
    agent = new http.Agent({ keepAlive: true, maxSockets: BURST_SOCKETS });
    const b = await burst({ base, n: BURST, agent });
    agent.destroy();
    const ok200 = b.byStatus[200] ?? 0;
    const refused = (b.byStatus[429] ?? 0) + (b.byStatus[503] ?? 0);
    count(`burst of ${BURST} GETs (${BURST_SOCKETS} connections)`, { requests: BURST, ok: ok200, errors: BURST - ok200 - refused, firstErrors: b.firstErrors }, `refused cleanly: ${refused}; by status ${JSON.stringify(b.byStatus)}`);

    // 4. Aborts mid-stream: each upstream call must be closed.
    const closedBefore = up.state.closedEarly;
    agent = loadAgent();
    const ab = (await runStreams({ n: ABORTS, seedBase: 200_000, base, model, agent, chunks: 500, size: 50, gap: 20, abortAfterBytes: 1, ramp: 200 })).summary;
    agent.destroy();
    const until = Date.now() + 15_000;
    while (up.state.closedEarly - closedBefore < ABORTS && Date.now() < until) await delay(50);
    const closedUpstream = up.state.closedEarly - closedBefore;
    count(`${ABORTS} aborts mid-stream`, { requests: ABORTS, ok: 0, errors: ABORTS - ab.aborted + (ABORTS - closedUpstream), firstErrors: ab.firstErrors }, `aborted ${ab.aborted}, upstream calls closed ${closedUpstream}`);

    // 5. Slowloris beside live streams: the relay cuts each within its headers timeout.
    const port = Number(new URL(base).port);
    const sockets = [];
    let cut = 0;
    const ts = Date.now();
    for (let i = 0; i < SLOWLORIS; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => { cut++; });
      s.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n');
      sockets.push(s);
    }
    const drip = setInterval(() => { for (const s of sockets) if (!s.destroyed) s.write('x'); }, 500);
    agent = loadAgent();
    const live = (await runStreams({ n: 200, seedBase: 300_000, base, model, agent, chunks: 40, size: 50, gap: 50 })).summary;
    agent.destroy();
    while (cut < SLOWLORIS && Date.now() - ts < 30_000) await delay(100);
    clearInterval(drip);
    for (const s of sockets) s.destroy();
    count(`200 streams beside ${SLOWLORIS} slowloris connections`, live, `slowloris cut by the relay: ${cut}/${SLOWLORIS} within ${((Date.now() - ts) / 1000).toFixed(1)} s`);
    if (cut < SLOWLORIS) totals.errors += SLOWLORIS - cut;

    // After: memory and descriptors back to baseline?
    await delay(2000);
    const after = await relay.memory();
    const fdsAfter = relay.fds();
    clearInterval(sampler);

    const heapGrowth = after.heapUsed + after.external - before.heapUsed - before.external;
    const rows = [
      ['requests served intact', totals.served],
      ['errors', totals.errors],
      ['lost bytes / reordered streams / corrupt streams', `${totals.lostBytes} / ${totals.reordered} / ${totals.corrupt}`],
      ['relay RSS before / peak / after', `${mb(before.rss)} / ${mb(Math.max(peakRss, openMem.rss))} / ${mb(after.rss)}`],
      ['relay heap+external before / after (after GC)', `${mb(before.heapUsed + before.external)} / ${mb(after.heapUsed + after.external)}`],
      ['relay fds before / with streams open / after', `${fdsBefore} / ${fdsOpen} / ${fdsAfter}`],
      [`memory per open stream (RSS growth / ${open} streams)`, `${perStreamKB.toFixed(1)} KB (target ≤ 32 KB)`],
    ];
    console.log('\n| phase | requests | served intact | errors | aborted | lost bytes | reordered | note |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---|');
    for (const p of phases) console.log(`| ${p.phase} | ${p.requests ?? ''} | ${p.ok ?? ''} | ${p.errors ?? ''} | ${p.aborted ?? ''} | ${p.lostBytes ?? ''} | ${p.reorderedStreams ?? ''} | ${[p.note, p.firstErrors].filter(Boolean).join('; ')} |`);
    console.log('\n| summary | |\n|---|---|');
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);

    failed = totals.errors > 0 || totals.lostBytes > 0 || totals.reordered > 0 || totals.corrupt > 0 ||
      heapGrowth > 16 * 1024 * 1024 || fdsAfter > fdsBefore + 64;
    if (heapGrowth > 16 * 1024 * 1024) say(`heap+external grew ${mb(heapGrowth)} over the soak: a leak?`);
    if (fdsAfter > fdsBefore + 64) say(`${fdsAfter - fdsBefore} more descriptors open than at the start: a leak?`);
  } finally {
    clearInterval(sampler);
    await relay.stop();
    await up.stop();
  }
  say(failed ? 'FAILED' : 'passed');
  process.exit(failed ? 1 : 0);
}

main().catch((err) => { console.error(err); process.exit(1); });
