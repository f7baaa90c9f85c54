// The core's calls on the relay's path, in the page's build (web/dist, -Oz: downloaded, so
// built for size) and in the relay's (relay/dist, -O2: relay/core.js), in one run:
//
//   node bench/core-builds-bench.mjs [--runs 9]
//
// Per chat call the relay checks the body again and redacts the answer as it streams; a
// request with images is checked on the worker thread. Each figure is the median of `runs`
// rounds. Exports run(options) → rows for bench/index.mjs.
import { pathToFileURL } from 'node:url';
import { loadCore } from '../web/core.js';
import { loadRelayCore } from '../relay/core.js';

const SECRET = 'sk-bench-SECRET-0000000000000000000000-ABCD';
const TARGET = { model_name: 'gpt-4o-mini', provider: 'openai' };
const SMALL = { stream: true, messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello in three languages.' }], temperature: 0.7, max_tokens: 256 };
// A 4 MiB data-URL image: what a vision prompt carries (the relay accepts 25 MiB).
const IMAGE = { stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${'iVBORw0KGgo'.repeat(381_300)}` } }] }] };
const CHUNK = new TextEncoder().encode('data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hello there, how"},"finish_reason":null}]}\n\n');

/**
 * Median time per call (µs) of each function, over `runs` rounds that alternate between
 * them: garbage one build's rounds leave behind is then collected in either's, not always
 * in the second's.
 */
function perCall(fns, calls, runs) {
  const times = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) fn();
      times[name].push(Number(process.hrtime.bigint() - t0) / calls / 1000);
    }
  }
  const median = (list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return Object.fromEntries(Object.entries(times).map(([k, list]) => [k, median(list)]));
}

const cases = [
  ['chat body check, small request (µs)', (core) => () => core.checkChatBody(SMALL, TARGET), 2000],
  ['answer redaction per call: new, 10 chunks, finish (µs)', (core) => () => {
    const r = core.streamRedactor([SECRET]);
    for (let i = 0; i < 10; i++) r.push(CHUNK);
    r.finish();
    r.free();
  }, 2000],
  ['chat body check, 4 MiB image (ms)', (core) => () => core.checkChatBody(IMAGE, TARGET), 3, 1000],
];

export async function run({ runs = 9, log = console.log } = {}) {
  const page = await loadCore();
  const relay = await loadRelayCore();
  const rows = [];
  log(`The core's calls on the relay path, median of ${runs} rounds (Node ${process.versions.node})\n`);
  log('| call | page build (-Oz) | relay build (-O2) | page ÷ relay |');
  log('|---|---:|---:|---:|');
  for (const [metric, make, calls, scale = 1] of cases) {
    const fns = { page: make(page), relay: make(relay) };
    for (const fn of Object.values(fns)) for (let i = 0; i < Math.min(calls, 200); i++) fn(); // JIT and heap warm
    const measured = perCall(fns, calls, runs);
    const t = { page: measured.page / scale, relay: measured.relay / scale };
    const ratio = t.page / t.relay;
    log(`| ${metric} | ${t.page.toFixed(1)} | ${t.relay.toFixed(1)} | ${ratio.toFixed(2)}× |`);
    rows.push({ metric: `${metric}, relay build (peer: page build)`, value: +t.relay.toFixed(1), peer: +t.page.toFixed(1), ratio: +(t.relay / t.page).toFixed(2), target: 'reported', met: null });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs');
  await run({ runs: at >= 0 ? Number(process.argv[at + 1]) : 9 });
}
