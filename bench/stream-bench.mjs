// Stream decoding benchmark: the playground core (WASM, through web/core.js) against the
// JS peers on the same bytes in the same run. Prints a table of medians and ratios.
//
//   node bench/stream-bench.mjs [--chunks 200000] [--runs 7]
//
// Each contender does the same work: decode SSE, parse every chunk's JSON, check its
// shape (object, choices), and accumulate content, finish reason and usage.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createParser } from 'eventsource-parser';
import { Stream } from 'openai/streaming';
import { loadCore } from '../web/core.js';
import { median } from './support/stats.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const CHUNKS = Number(args.chunks ?? 200_000);
const RUNS = Number(args.runs ?? 7);

// ---- inputs ------------------------------------------------------------------------------

function chatStream(chunks, contentOf) {
  const base = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1732500000,"model":"gpt-4.1-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":';
  const parts = [`data: ${base}{"role":"assistant","content":""},"finish_reason":null}]}\n\n`];
  for (let i = 0; i < chunks; i++) parts.push(`data: ${base}{"content":${JSON.stringify(contentOf(i))}},"finish_reason":null}]}\n\n`);
  parts.push(`data: ${base}{},"finish_reason":"stop"}]}\n\n`);
  parts.push('data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1732500000,"model":"gpt-4.1-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":' + chunks + ',"total_tokens":' + (chunks + 12) + '}}\n\n');
  parts.push('data: [DONE]\n\n');
  return new TextEncoder().encode(parts.join(''));
}

const WORDS = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog', '.', ' Über', ' naïve', ' 日本', ' 🙂'];
const shortContent = (i) => WORDS[i % WORDS.length];
const longContent = (i) => `${WORDS[i % WORDS.length]} `.repeat(200).slice(0, 2000);

function pieces(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

// ---- contenders --------------------------------------------------------------------------

function runCore(core, input) {
  const stream = core.openStream();
  let content = '';
  for (const piece of input) {
    for (const d of stream.push(piece)) if (d.content) content += d.content;
  }
  const result = stream.end();
  stream.free();
  if (!result.ok || result.content.length !== content.length) throw new Error(`core: unexpected result ${JSON.stringify(result.findings.slice(0, 3))}`);
  return result.content.length;
}

function runEventsourceParser(input) {
  let content = '';
  let finish = null;
  let usage = null;
  let done = false;
  let errors = 0;
  const parser = createParser({
    onEvent(ev) {
      if (ev.data === '[DONE]') { done = true; return; }
      const chunk = JSON.parse(ev.data);
      if (chunk.object !== 'chat.completion.chunk' || !Array.isArray(chunk.choices)) errors++;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) return;
      if (typeof choice.delta?.content === 'string') content += choice.delta.content;
      if (choice.finish_reason) finish = choice.finish_reason;
    },
  });
  const text = new TextDecoder();
  for (const piece of input) parser.feed(text.decode(piece, { stream: true }));
  if (!done || errors || !finish || !usage) throw new Error('eventsource-parser: unexpected result');
  return content.length;
}

async function runOpenAiSdk(input) {
  const body = new ReadableStream({
    start(controller) { for (const piece of input) controller.enqueue(piece); controller.close(); },
  });
  const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const stream = Stream.fromSSEResponse(response, new AbortController());
  let content = '';
  let finish = null;
  for await (const chunk of stream) {
    const choice = chunk.choices?.[0];
    if (choice?.delta?.content) content += choice.delta.content;
    if (choice?.finish_reason) finish = choice.finish_reason;
  }
  if (!finish) throw new Error('openai: unexpected result');
  return content.length;
}

// ---- measurement -------------------------------------------------------------------------

/** The median time of `runs` calls of `fn`, after one to warm up. */
async function medianTime(fn, runs) {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const fmt = (n, d = 1) => n.toFixed(d);

/**
 * Runs every stream case, the module size and the Node start time; prints the tables with
 * `log` and returns rows { metric, value, peer, ratio, target, met } for bench/index.mjs.
 */
export async function run({ chunks = 200_000, runs = 7, wasm = null, log = console.log } = {}) {
  const wasmBinary = new Uint8Array(await readFile(wasm ?? new URL('../web/dist/playground-core.wasm', import.meta.url)));
  const loader = await readFile(new URL('../web/core-module.js', import.meta.url));
  const wrapper = await readFile(new URL('../web/core.js', import.meta.url));
  const core = await loadCore({ wasmBinary });

  // Cold starts: each compiles the module afresh from bytes already in memory.
  const startTimes = [];
  for (let i = 0; i < 21; i++) {
    const t0 = performance.now();
    await loadCore({ wasmBinary });
    startTimes.push(performance.now() - t0);
  }
  startTimes.sort((a, b) => a - b);

  const cases = [
    { key: '4k', name: `${chunks / 1000}k short chunks, 4 KiB pieces`, bytes: chatStream(chunks, shortContent), piece: 4096 },
    // A tenth of the stream: 64-byte pieces mean one boundary crossing per 64 bytes.
    { key: '64', name: `${chunks / 10000}k short chunks, 64 B pieces`, bytes: chatStream(chunks / 10, shortContent), piece: 64 },
    { key: 'long', name: `${chunks / 20000}k long (2 KB) chunks, 4 KiB pieces`, bytes: chatStream(chunks / 20, longContent), piece: 4096 },
  ];

  const rows = [];
  log(`Stream decoding + validation + accumulation, median of ${runs} runs (Node ${process.versions.node}, core ${core.version})\n`);
  log('| input | MB | core (WASM) MB/s | eventsource-parser + JSON.parse MB/s | openai SDK MB/s | core ÷ esp | core ÷ openai |');
  log('|---|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    const input = pieces(c.bytes, c.piece);
    const mb = c.bytes.length / 1e6;
    const tCore = await medianTime(() => runCore(core, input), runs);
    const tEsp = await medianTime(() => runEventsourceParser(input), runs);
    const tSdk = await medianTime(() => runOpenAiSdk(input), Math.min(runs, 3));
    log(`| ${c.name} | ${fmt(mb)} | ${fmt(mb / (tCore / 1000))} | ${fmt(mb / (tEsp / 1000))} | ${fmt(mb / (tSdk / 1000))} | ${fmt(tEsp / tCore, 2)}× | ${fmt(tSdk / tCore, 2)}× |`);
    const primary = c.key === '4k';
    rows.push({ metric: `stream MB/s, ${c.name}, ÷ eventsource-parser`, value: +fmt(mb / (tCore / 1000)), peer: +fmt(mb / (tEsp / 1000)), ratio: +fmt(tEsp / tCore, 2), target: primary ? '≥ 2×' : 'report', met: primary ? tEsp / tCore >= 2 : null });
    rows.push({ metric: `stream MB/s, ${c.name}, ÷ openai SDK`, value: +fmt(mb / (tCore / 1000)), peer: +fmt(mb / (tSdk / 1000)), ratio: +fmt(tSdk / tCore, 2), target: primary ? '≥ 8×' : 'report', met: primary ? tSdk / tCore >= 8 : null });
  }

  const gz = (b) => gzipSync(b, { level: 9 }).length;
  log('\n| module | bytes | gzip -9 |');
  log('|---|---:|---:|');
  log(`| playground-core.wasm | ${wasmBinary.length} | ${gz(wasmBinary)} |`);
  log(`| core-module.js (loader) | ${loader.length} | ${gz(loader)} |`);
  log(`| core.js (wrapper) | ${wrapper.length} | ${gz(wrapper)} |`);
  log(`| total | ${wasmBinary.length + loader.length + wrapper.length} | ${gz(wasmBinary) + gz(loader) + gz(wrapper)} |`);
  const start = startTimes[10];
  log(`\nStart (compile + instantiate + first call), median of 21 cold starts in Node: ${fmt(start, 2)} ms (min ${fmt(startTimes[0], 2)}, max ${fmt(startTimes[20], 2)})`);
  const moduleKB = (gz(wasmBinary) + gz(loader)) / 1000;
  rows.push({ metric: 'module weight, .wasm + loader, gzip -9 (KB)', value: +fmt(moduleKB), peer: null, ratio: null, target: '≤ 80', met: moduleKB <= 80 });
  rows.push({ metric: 'start, compile + instantiate, Node (ms, median of 21)', value: +fmt(start, 2), peer: null, ratio: null, target: '≤ 10', met: start <= 10 });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run({ chunks: CHUNKS, runs: RUNS, wasm: args.wasm ?? null }).catch((err) => { console.error(err); process.exit(1); });
}
