// Relay capacity: N streams open at the same moment through the relay (its own process),
// every byte checked, and the memory each open stream costs; the same through a plain
// `http-proxy` forward (its own process) as the peer, in the same run.
//
//   node bench/relay-capacity.mjs [--streams 2000] [--chunks 20] [--size 100]
//
// Each stream sends its first event and is then held by the seeded upstream until every
// stream is open; memory is read then (RSS from /proc), the streams are released and
// finish, and the client compares a hash of every stream with what the upstream generated.
// Step 5's target 5: 2,000 open streams on 2 cores, no error, no lost or reordered byte,
// ≤ 32 KB per open stream (RSS growth / streams).
//
// Exports run(options) → rows { metric, value, peer, ratio, target, met } for bench/index.mjs.
import { execSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { startRelayProcess, startSeededUpstream, oneModelResources, runStreams, summarize, loadAgent, delay } from '../tests/support/load.mjs';
import { startProxyProcess } from './relay-bench.mjs';

/** The soft limit on open files, and whether N streams fit (each needs a socket on both sides of a hop). */
export function checkOpenFiles(streams) {
  let limit = Infinity;
  try { limit = Number(execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim()) || Infinity; } catch { /* unknown: try anyway */ }
  // This process holds a client socket and an upstream socket per stream; the relay a
  // browser-side and a provider-side socket. Plus slack for pools and files.
  const need = 2 * streams + 256;
  return { limit, need, ok: limit >= need };
}

/** Opens `streams` held streams through `target`, measures, releases; returns the numbers. */
async function measure({ target, upstream, streams, chunks, size, seedBase }) {
  const agent = loadAgent();
  const warm = await runStreams({ n: 100, seedBase: seedBase + 900_000, agent, chunks: 2, size: 10, ...target.call });
  if (warm.summary.ok !== 100) throw new Error(`${target.name}: warm-up failed: ${JSON.stringify(warm.summary)}`);
  await delay(300);
  const before = await target.memory();
  const fdsBefore = target.fds();
  let open = 0;
  const t0 = Date.now();
  // Two halves: RSS at half and at all streams open gives the marginal cost of a stream,
  // apart from one-off growth (JIT code, allocator arenas, the core's heap).
  const half = Math.floor(streams / 2);
  const hold = { agent, chunks, size, gap: 5, hold: true, ramp: 100, onFirstByte: () => { open++; }, timeoutMs: 180_000, ...target.call };
  const firstHalf = runStreams({ n: half, seedBase, ...hold });
  while (open < half && Date.now() - t0 < 120_000) await delay(50);
  await delay(500);
  const mid = await target.memory();
  const secondHalf = runStreams({ n: streams - half, seedBase: seedBase + half, ...hold });
  while (open < streams && Date.now() - t0 < 240_000) await delay(50);
  const openMs = Date.now() - t0;
  await delay(500); // let every stream settle into its idle state
  const peak = await target.memory();
  const fdsPeak = target.fds();
  const heldOpen = open;
  upstream.release();
  const summary = summarize([...(await firstHalf).results, ...(await secondHalf).results]);
  agent.destroy();
  await delay(1000);
  const after = await target.memory();
  const fdsAfter = target.fds();
  return {
    name: target.name, streams, heldOpen, openMs, summary,
    rss: { before: before.rss, peak: peak.rss, after: after.rss },
    heap: before.heapUsed === undefined ? null : { before: before.heapUsed + before.external, peak: peak.heapUsed + peak.external, after: after.heapUsed + after.external },
    fds: { before: fdsBefore, peak: fdsPeak, after: fdsAfter },
    perStreamKB: (peak.rss - before.rss) / heldOpen / 1024,
    marginalKB: (peak.rss - mid.rss) / (heldOpen - half) / 1024,
  };
}

export async function run({ streams = 2000, chunks = 20, size = 100, log = console.log, peer = true } = {}) {
  const files = checkOpenFiles(streams);
  if (!files.ok) {
    throw new Error(`ulimit -n is ${files.limit}; ${streams} streams need about ${files.need} open files in this process (and as many in the relay). ` +
      `Raise it first, e.g. \`ulimit -n ${Math.max(files.need * 2, 65536)}\` in this shell (root may also need /etc/security/limits.conf).`);
  }
  const upstream = await startSeededUpstream();
  const relay = await startRelayProcess({
    resources: oneModelResources(upstream.base),
    // The soak/bench user runs all the streams: raise the per-user limit for it.
    env: { ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upstream.port}`, MAX_CONCURRENT_PER_USER: String(streams * 2) },
  });
  const proxy = peer ? await startProxyProcess(`http://127.0.0.1:${upstream.port}`) : null;
  let relayResult;
  let proxyResult = null;
  try {
    const model = await relay.modelId();
    relayResult = await measure({
      upstream, streams, chunks, size, seedBase: 1,
      target: { name: 'relay', call: { base: relay.base, model }, memory: () => relay.memory(), fds: () => relay.fds() },
    });
    if (proxy) {
      proxyResult = await measure({
        upstream, streams, chunks, size, seedBase: 1_000_000,
        target: { name: 'http-proxy', call: { base: proxy.base, via: 'plain' }, memory: async () => ({ rss: proxy.rss() }), fds: () => proxy.fds() },
      });
    }
  } finally {
    await relay.stop();
    await proxy?.stop();
    await upstream.stop();
  }

  const mb = (b) => (b / 1024 / 1024).toFixed(1);
  log(`Relay capacity: ${streams} streams held open at once (${chunks} events of ${size} characters each), Node ${process.versions.node}, ulimit -n ${files.limit}\n`);
  log('| | relay | http-proxy |');
  log('|---|---:|---:|');
  const both = (f) => `| ${f[0]} | ${f[1](relayResult)} | ${proxyResult ? f[1](proxyResult) : '–'} |`;
  for (const row of [
    ['streams open at once', (r) => `${r.heldOpen} / ${r.streams} (in ${(r.openMs / 1000).toFixed(1)} s)`],
    ['completed intact', (r) => r.summary.ok],
    ['errors', (r) => r.summary.errors + (r.summary.firstErrors.length ? ` (${r.summary.firstErrors.join('; ')})` : '')],
    ['lost bytes / reordered streams', (r) => `${r.summary.lostBytes} / ${r.summary.reorderedStreams}`],
    ['RSS before / peak / after (MB)', (r) => `${mb(r.rss.before)} / ${mb(r.rss.peak)} / ${mb(r.rss.after)}`],
    ['heap+external before / peak / after (MB)', (r) => (r.heap ? `${mb(r.heap.before)} / ${mb(r.heap.peak)} / ${mb(r.heap.after)}` : '–')],
    ['fds before / peak / after', (r) => `${r.fds.before} / ${r.fds.peak} / ${r.fds.after}`],
    ['memory per open stream (KB, RSS growth from idle / streams)', (r) => r.perStreamKB.toFixed(1)],
    ['marginal memory per open stream (KB, RSS at N − at N/2, / (N/2))', (r) => r.marginalKB.toFixed(1)],
  ]) log(both(row));

  const r = relayResult;
  const p = proxyResult;
  return [
    { metric: `streams open at once with no error (of ${streams})`, value: r.summary.errors === 0 ? r.heldOpen : r.heldOpen - r.summary.errors, peer: p ? p.heldOpen : null, ratio: null, target: `${streams}`, met: r.heldOpen === streams && r.summary.errors === 0 && r.summary.ok === streams },
    { metric: 'lost or reordered bytes', value: r.summary.lostBytes + r.summary.reorderedStreams + r.summary.corrupt, peer: p ? p.summary.lostBytes + p.summary.reorderedStreams + p.summary.corrupt : null, ratio: null, target: '0', met: r.summary.lostBytes === 0 && r.summary.reorderedStreams === 0 && r.summary.corrupt === 0 },
    { metric: 'memory per open stream (KB, RSS growth / streams)', value: +r.perStreamKB.toFixed(1), peer: p ? +p.perStreamKB.toFixed(1) : null, ratio: p && p.perStreamKB > 0 ? +(r.perStreamKB / p.perStreamKB).toFixed(2) : null, target: '≤ 32', met: r.perStreamKB <= 32 },
    { metric: 'marginal memory per open stream (KB, RSS at N − at N/2)', value: +r.marginalKB.toFixed(1), peer: p ? +p.marginalKB.toFixed(1) : null, ratio: p && p.marginalKB > 0 ? +(r.marginalKB / p.marginalKB).toFixed(2) : null, target: '≤ 32', met: r.marginalKB <= 32 },
    { metric: 'file descriptors left open after the streams (relay)', value: r.fds.after - r.fds.before, peer: p ? p.fds.after - p.fds.before : null, ratio: null, target: '≤ 64 (pooled upstream sockets)', met: r.fds.after - r.fds.before <= 64 },
  ];
}

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  run({ streams: Number(args.streams ?? 2000), chunks: Number(args.chunks ?? 20), size: Number(args.size ?? 100), peer: args.peer !== 'no' })
    .then((rows) => { console.log(''); console.table(rows); })
    .catch((err) => { console.error(err.message ?? err); process.exit(1); });
}
