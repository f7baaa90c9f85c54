// The core's calls on the relay's path, in the page's build (web/dist, -Oz: downloaded, so
// built for size) and in the relay's (relay/dist, -O3: relay/core.js), in one run:
//
//   node bench/core-builds-bench.mjs [--runs 9]
//
// Per chat call the relay checks the request's bytes again (openChatRequest) and redacts the answer as it streams; a
// request with images is checked on the worker thread. Each figure is the median of `runs`
// rounds. A call the page's build does not export (src/wasm/exports-page.txt: the body
// check and redaction are the relay's alone) is measured on the relay's build only. Also the
// size of each module (.wasm + its loader web/core-module.js, gzip -9): the page's is what every browser downloads.
// Exports run(options) → rows for bench/index.mjs.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { loadCore } from '../web/core.js';
import { loadRelayCore } from '../relay/core.js';
import { median } from './support/stats.mjs';

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
  return Object.fromEntries(Object.entries(times).map(([k, list]) => [k, median(list)]));
}

const ROOT = new URL('../', import.meta.url);
const PAGE_EXPORTS = new Set(readFileSync(new URL('src/wasm/exports-page.txt', ROOT), 'utf8').split('\n').map((l) => l.trim()));

/** A build's module as downloaded: its .wasm and the loader (web/core-module.js), each gzip -9, in KB (1000 bytes). */
function gzipKB(dist) {
  const bytes = [`${dist}/playground-core.wasm`, 'web/core-module.js']
    .map((f) => gzipSync(readFileSync(new URL(f, ROOT)), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);
  return +(bytes / 1000).toFixed(1);
}

/** The relay's check of a request's bytes: open, then check (relay/chat-request.js). */
const requestCheck = (core, body) => {
  const bytes = new TextEncoder().encode(JSON.stringify({ model: 'bench-model-id', body }));
  return () => {
    const request = core.openChatRequest(bytes);
    const checked = request.check(TARGET);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  };
};

// [metric, make(core) → fn, calls per round, scale, the export the call needs]
const cases = [
  ['chat request check, small request (µs)', (core) => requestCheck(core, SMALL), 2000, 1, 'pg_request_check'],
  ['answer redaction per call: new, 10 chunks, finish (µs)', (core) => () => {
    const r = core.streamRedactor([SECRET]);
    for (let i = 0; i < 10; i++) r.push(CHUNK);
    r.finish();
    r.free();
  }, 2000, 1, 'pg_redactor_new'],
  // What the relay runs: the secrets list compiled once, a fresh redactor per answer.
  ['answer redaction per call, list compiled once: stream, 10 chunks, finish (µs)', (core) => {
    const secrets = [SECRET];
    return () => {
      const r = core.secretsRedactor(secrets).stream();
      for (let i = 0; i < 10; i++) r.push(CHUNK);
      r.finish();
      r.free();
    };
  }, 2000, 1, 'pg_secrets_stream'],
  ['chat request check, 4 MiB image (ms)', (core) => requestCheck(core, IMAGE), 3, 1000, 'pg_request_check'],
];

export async function run({ runs = 9, log = console.log } = {}) {
  const page = await loadCore();
  const relay = await loadRelayCore();
  const rows = [];
  log(`The core's calls on the relay path, median of ${runs} rounds (Node ${process.versions.node})\n`);
  log('| call | page build (-Oz) | relay build (-O3) | page ÷ relay |');
  log('|---|---:|---:|---:|');
  for (const [metric, make, calls, scale, exported] of cases) {
    const inPage = PAGE_EXPORTS.has(exported);  // else calling it would stop the page's core
    const fns = inPage ? { page: make(page), relay: make(relay) } : { relay: make(relay) };
    for (const fn of Object.values(fns)) for (let i = 0; i < Math.min(calls, 200); i++) fn(); // JIT and heap warm
    const measured = perCall(fns, calls, runs);
    const t = { page: inPage ? measured.page / scale : null, relay: measured.relay / scale };
    if (!inPage) {
      log(`| ${metric} | not in the page build | ${t.relay.toFixed(1)} | — |`);
      rows.push({ metric: `${metric}, relay build`, value: +t.relay.toFixed(1), peer: null, ratio: null, target: 'reported', met: null });
      continue;
    }
    const ratio = t.page / t.relay;
    log(`| ${metric} | ${t.page.toFixed(1)} | ${t.relay.toFixed(1)} | ${ratio.toFixed(2)}× |`);
    rows.push({ metric: `${metric}, relay build (peer: page build)`, value: +t.relay.toFixed(1), peer: +t.page.toFixed(1), ratio: +(t.relay / t.page).toFixed(2), target: 'reported', met: null });
  }
  const size = { page: gzipKB('web/dist'), relay: gzipKB('relay/dist') };
  log(`| module size, .wasm + loader, gzip -9 (KB) | ${size.page} | ${size.relay} | ${(size.page / size.relay).toFixed(2)}× |`);
  rows.push({ metric: 'page module size, .wasm + loader, gzip -9 (KB; peer: relay build)', value: size.page, peer: size.relay, ratio: +(size.page / size.relay).toFixed(2), target: '≤ 100', met: size.page <= 100 });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs');
  await run({ runs: at >= 0 ? Number(process.argv[at + 1]) : 9 });
}
