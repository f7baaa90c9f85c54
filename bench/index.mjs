// Every Step 5 figure in one run, each against its peer and its target:
//
//   node bench/index.mjs [--quick] [--only stream,builds,relay,capacity,page]
//
// stream   — bench/stream-bench.mjs: core vs eventsource-parser + JSON.parse vs the openai
//            SDK's stream parser; module weight; start in Node.
// builds   — bench/core-builds-bench.mjs: the relay's core calls (body check, redaction) in
//            the page's build (-Oz) and the relay's (-O3).
// relay    — bench/relay-bench.mjs: time to first byte through the relay vs direct vs
//            http-proxy, with 1, 50 and 200 concurrent open streams; CPU per call of each.
// capacity — bench/relay-capacity.mjs: 2,000 concurrent streams, integrity, memory per stream
//            (needs `ulimit -n` of about 4,300 or more; `make bench` raises it).
// page     — bench/page-bench.mjs: a 1 MB streamed answer in headless Chromium (long tasks,
//            Stop), and the core's start in Chromium.
//
// Each part prints its own detailed table; the summary at the end lists every metric with
// its value, the peer's, the ratio, the target and whether it is met. --quick runs smaller
// sizes (a smoke check of the benches, not figures to quote).
import { run as runStream } from './stream-bench.mjs';
import { run as runBuilds } from './core-builds-bench.mjs';
import { run as runRelay } from './relay-bench.mjs';
import { run as runCapacity } from './relay-capacity.mjs';
import { run as runPage } from './page-bench.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : null;
const wanted = (part) => !only || only.has(part);

const parts = [
  ['stream', () => runStream(quick ? { chunks: 20_000, runs: 3 } : { chunks: 200_000, runs: 7 })],
  ['builds', () => runBuilds(quick ? { runs: 3 } : { runs: 9 })],
  // Closed loop at 50 clients only: it gives the CPU each forwarding process spends per call.
  ['relay', () => runRelay(quick ? { probes: 50, requests: 200, concurrency: [1, 50, 200], closedConcurrency: [50] } : { probes: 400, requests: 12000, rounds: 6, concurrency: [1, 50, 200], closedConcurrency: [50] })],
  ['capacity', () => runCapacity(quick ? { streams: 200 } : { streams: 2000 })],
  ['page', () => runPage(quick ? { runs: 2, stops: 1, starts: 21, log: (l) => console.log(`# ${l}`) } : { runs: 5, stops: 3, starts: 21, log: (l) => console.log(`# ${l}`) })],
];

const summary = [];
for (const [name, fn] of parts) {
  if (!wanted(name)) continue;
  console.log(`\n== ${name}\n`);
  try {
    for (const row of await fn()) summary.push({ part: name, ...row });
  } catch (err) {
    console.log(`${name}: could not run: ${err?.message ?? err}`);
    summary.push({ part: name, metric: `${name} bench`, value: 'failed', peer: null, ratio: null, target: 'runs', met: false });
  }
}

const show = (v) => (v === null || v === undefined ? '—' : typeof v === 'number' && Number.isNaN(v) ? '—' : String(v));
console.log(`\n== summary (${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, \`node bench/index.mjs${quick ? ' --quick' : ''}\`)\n`);
console.log('| part | metric | value | peer | ratio | target | met |');
console.log('|---|---|---:|---:|---:|---|---|');
for (const r of summary) {
  const value = r.unit && typeof r.value === 'number' ? `${r.value} ${r.unit}` : show(r.value);
  console.log(`| ${r.part} | ${r.metric} | ${value} | ${show(r.peer)} | ${r.ratio ? `${r.ratio}×` : '—'} | ${show(r.target)} | ${r.met === null || r.met === undefined ? '—' : r.met ? 'yes' : '**no**'} |`);
}
// Benches measure, they do not gate: the exit code only says whether every part ran.
process.exitCode = summary.some((r) => r.value === 'failed') ? 1 : 0;
