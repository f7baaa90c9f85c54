// The etcd source at scale, against a real etcd (/usr/bin/etcd) on 127.0.0.1:
//  - propagation: from an etcd write to the change being served by two replicas (two
//    EtcdSource instances, each with its own client and watch), p50/p99 over N changes,
//    with a small store and with the large one;
//  - load: the first complete listing of 10,000 models + 10,000 provider keys (time, RSS
//    growth) and the cost of a lookup (a Map get) at 10 and at 10,000 models.
// Targets (the issue): propagation < 1 s, load < 2 s, lookup O(1), < 50 MB extra RSS.
//   node --expose-gc bench/etcd-bench.mjs [--changes 200] [--models 10000]
import { performance } from 'node:perf_hooks';
import { loadRelayCore } from '../relay/core.js';
import { EtcdSource } from '../relay/sources/etcd-source.js';
import { haveEtcd, startEtcd } from '../tests/support/etcd-harness.mjs';
import { quantile } from './support/stats.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CHANGES = arg('changes', 200);
const MODELS = arg('models', 10_000);
const gc = () => { globalThis.gc?.(); globalThis.gc?.(); };
const MB = (bytes) => (bytes / 1024 / 1024).toFixed(1);

if (!haveEtcd) { console.error('etcd is not installed (/usr/bin/etcd)'); process.exit(1); }

const etcd = await startEtcd();
const core = await loadRelayCore();

function keyValue(i, base = `https://h${i}.example.com/v1`) {
  return JSON.stringify({ display_name: `key ${i}`, provider: 'openai-compatible', adapter: 'openai', api_base: base, api_key: `sk-bench-${i}-0123456789abcdef` });
}
function modelValue(i) {
  return JSON.stringify({ display_name: `model ${i}`, provider: 'openai', model_name: 'gpt-4.1-mini', provider_key_id: `k${i}`, cost: { input_per_1k: 0.0004, output_per_1k: 0.0016 } });
}
async function putMany(prefix, n) {
  const entries = [];
  for (let i = 0; i < n; i++) entries.push([`${prefix}/provider_keys/k${i}`, keyValue(i)], [`${prefix}/models/m${i}`, modelValue(i)]);
  for (let i = 0; i < entries.length; i += 128) {
    await Promise.all(entries.slice(i, i + 128).map(([k, v]) => etcd.client.put(k).value(v)));
  }
}

/** Writes `changes` api_base edits one after another; each waits until both replicas serve it. */
async function propagation(prefix, storeSize) {
  const replicas = [0, 1].map(() => new EtcdSource({ core, endpoints: [etcd.endpoint], prefix }));
  await Promise.all(replicas.map((r) => r.start()));
  const waiters = new Set();
  for (const r of replicas) r.onChange(() => { for (const w of waiters) w(); });
  const times = [];
  for (let c = 0; c < CHANGES; c++) {
    const i = c % storeSize;
    const base = `https://changed-${c}.example.com/v1`;
    const served = () => replicas.every((r) => r.snapshot().lookup(`m${i}`)?.model.api_base === base);
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const check = () => { if (served()) { waiters.delete(check); resolve(); } };
      waiters.add(check);
    });
    await etcd.client.put(`${prefix}/provider_keys/k${i}`).value(keyValue(i, base));
    await done;
    times.push(performance.now() - t0);
  }
  await Promise.all(replicas.map((r) => r.close()));
  return { store: `${storeSize} models + ${storeSize} keys`, n: times.length, p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: Math.max(...times) };
}

function lookupNs(source, n) {
  const snap = source.snapshot();
  const ids = Array.from({ length: 1024 }, (_, i) => `m${(i * 7919) % n}`);
  const loops = 1_000_000;
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < loops; i++) if (snap.lookup(ids[i & 1023])) hits++;
  const ns = ((performance.now() - t0) * 1e6) / loops;
  if (hits !== loops) throw new Error('a lookup missed');
  return ns;
}

// --- small store ---------------------------------------------------------------------------
await putMany('/bench-small', 10);
const small = await propagation('/bench-small', 10);
const smallSource = new EtcdSource({ core, endpoints: [etcd.endpoint], prefix: '/bench-small' });
await smallSource.start();
const lookupSmall = lookupNs(smallSource, 10);
await smallSource.close();

// --- large store ---------------------------------------------------------------------------
let t = performance.now();
await putMany('/bench-large', MODELS);
const writeMs = performance.now() - t;
gc();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const large = new EtcdSource({ core, endpoints: [etcd.endpoint], prefix: '/bench-large' });
t = performance.now();
await large.start();
const loadMs = performance.now() - t;
gc();
const rssAfter = process.memoryUsage().rss;
const heapAfter = process.memoryUsage().heapUsed;
const lookupLarge = lookupNs(large, MODELS);
const listed = large.snapshot().models.length;
const testable = large.snapshot().models.filter((m) => m.testable).length;
await large.close();
const big = await propagation('/bench-large', MODELS);

await etcd.close();

const row = (cells) => `| ${cells.join(' | ')} |`;
console.log(`\netcd source bench (etcd ${etcd.endpoint.replace(/:\d+$/, '')}, node ${process.version}, ${CHANGES} changes per store)\n`);
console.log(row(['propagation: etcd write → served by both replicas', 'changes', 'p50 ms', 'p99 ms', 'max ms', 'target']));
console.log(row(['---', '---:', '---:', '---:', '---:', '---']));
for (const p of [small, big]) console.log(row([p.store, p.n, p.p50.toFixed(1), p.p99.toFixed(1), p.max.toFixed(1), '< 1000 ms']));
console.log('');
console.log(row(['load and lookup', 'value', 'target']));
console.log(row(['---', '---:', '---']));
console.log(row([`write ${MODELS} models + ${MODELS} keys to etcd (setup, not the relay)`, `${(writeMs / 1000).toFixed(1)} s`, '']));
console.log(row([`first complete listing (${listed} models, ${testable} testable)`, `${loadMs.toFixed(0)} ms`, '< 2000 ms']));
console.log(row(['RSS growth after the listing (gc before and after)', `${MB(rssAfter - rssBefore)} MB`, '< 50 MB']));
console.log(row(['JS heap growth after the listing', `${MB(heapAfter - heapBefore)} MB`, '']));
console.log(row(['lookup, 10 models', `${lookupSmall.toFixed(0)} ns`, 'O(1)']));
console.log(row([`lookup, ${MODELS} models`, `${lookupLarge.toFixed(0)} ns`, 'O(1)']));
if (!globalThis.gc) console.log('\n(run with --expose-gc for steadier memory figures)');
