// The page under a 1 MB streamed answer, in headless Chromium (Debian's, via playwright-core):
// the longest main-thread task (Long Tasks API: wall time), how many pass 50 ms, the longest
// task's CPU time (a Chromium trace, every other run: on a loaded machine wall time is mostly
// waiting for a core), the time to the end of the run, how fast Stop takes effect, and how
// long the core takes to start in the browser.
//
//   flock /tmp/pg-wasm.lock node bench/page-bench.mjs [--runs 5] [--stops 3] [--starts 21] [--core-dir DIR]
//
// --core-dir serves core.js and dist/ from another web folder (a variant build of the core).
//
// The world is the browser tests' (tests/browser/helpers.mjs): the real relay in-process, the
// scenario provider (model "Big answer": 12,500 chunks, about 1 MB of text, 2.5 MB on the
// wire) and a logged-in page. Every run starts from an empty conversation, so each is the
// same first answer. run(options) returns rows {metric, value, unit, target, met} for
// bench/index.mjs; run as a script, it prints them as a table.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startWorld, openPage, pickModel, MODELS } from '../tests/browser/helpers.mjs';
import { median } from './support/stats.mjs';

const LONG_TASK_MS = 50;
const STOP_TARGET_MS = 200;
const START_TARGET_MS = 10;

/** One 1 MB run from inside the page: its long tasks and its duration. */
function streamOnce(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('model-playground');
    const root = el.shadowRoot;
    const tasks = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
    observer.observe({ type: 'longtask', buffered: false });
    const t0 = performance.now();
    el.addEventListener('playground-run-end', () => {
      const took = performance.now() - t0;
      // The last frame and the results pane are part of the run: let them land first. The
      // answer's length is read after that: reading a megabyte of textContent here, inside
      // the page's own task, would add the bench's cost to the task it measures.
      requestAnimationFrame(() => setTimeout(() => {
        observer.disconnect();
        resolve({ tasks, took, chars: root.querySelector('.msg.assistant .answer-text')?.textContent.length ?? 0 });
      }, 200));
    }, { once: true });
    root.querySelector('button[data-action="run"]').click();
  }));
}

/**
 * The renderer's main-thread tasks while `action` runs, from a Chromium trace: wall time and
 * CPU time of each. On a loaded machine a task's wall time (what the Long Tasks API reports)
 * includes the time the thread waited for a core; its CPU time is the page's own cost. Tasks
 * that carry DevTools messages (this bench driving the page) are left out.
 */
async function traceTasks(browser, page, action) {
  const dir = await mkdtemp(join(tmpdir(), 'pg-page-bench-'));
  const path = join(dir, 'trace.json');
  await browser.startTracing(page, { path, categories: ['toplevel', 'disabled-by-default-devtools.timeline', 'devtools.timeline'] });
  let result;
  try {
    result = await action();
  } finally {
    await browser.stopTracing();
  }
  const events = JSON.parse(await readFile(path, 'utf8')).traceEvents ?? [];
  await rm(dir, { recursive: true, force: true });
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`));
  const devtools = onMain.filter((e) => e.name === 'Receive mojo message' && /DevTools/.test(e.args?.chrome_mojo_event_info?.mojo_interface_tag ?? ''));
  const tasks = onMain.filter((e) => e.name === 'RunTask' && !devtools.some((d) => d.ts >= e.ts && d.ts < e.ts + e.dur));
  return { result, tasks: tasks.map((t) => ({ wall: t.dur / 1000, cpu: (t.tdur ?? t.dur) / 1000 })) };
}

/**
 * Stop pressed once 64 K characters are on screen: the time until the answer shows its final
 * state. That is "stopped" when the provider was still sending, or "done" when the whole
 * answer had already arrived and only its drawing was behind (Stop then ends the drawing:
 * web/playground/live.js). Both count: each is how long the user waits after Stop.
 */
function stopOnce(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const el = document.querySelector('model-playground');
    const root = el.shadowRoot;
    let clickedAt = 0;
    let finalAt = 0;
    let final = null;
    el.addEventListener('playground-run-end', () => resolve({ final, toFinal: finalAt ? finalAt - clickedAt : null, toRunEnd: performance.now() - clickedAt }), { once: true });
    // The answer is re-rendered when it ends: watch the tree, not the frames (the state
    // can come and the run end between two frames).
    const ended = new MutationObserver(() => {
      const status = root.querySelector('.msg.assistant')?.dataset.status;
      if (clickedAt && !finalAt && (status === 'stopped' || status === 'done')) {
        finalAt = performance.now();
        final = status;
        ended.disconnect();
      }
    });
    ended.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    const watch = () => {
      const answer = root.querySelector('.msg.assistant');
      if (answer?.dataset.status === 'done') return; // ended before Stop: resolves with final null
      if ((answer?.querySelector('.answer-text')?.textContent.length ?? 0) >= 64 * 1024) {
        clickedAt = performance.now();
        root.querySelector('button[data-action="stop"]').click();
        return;
      }
      requestAnimationFrame(watch);
    };
    root.querySelector('button[data-action="run"]').click();
    requestAnimationFrame(watch);
  }));
}

/**
 * Cold starts of the core in the page: the .wasm bytes are fetched once, then each sample is
 * loadCore({ wasmBinary }) (compile, instantiate, the first call), on bytes made unique by a
 * custom section so that the engine cannot reuse an earlier compilation; then the page's
 * warm-up on that instance (web/playground/warm-up.js).
 */
function startTimes(page, samples) {
  return page.evaluate(async (n) => {
    const { loadCore } = await import('/core.js');
    const { warmUp } = await import('/playground/warm-up.js');
    const bytes = new Uint8Array(await (await fetch('/dist/playground-core.wasm', { cache: 'no-store' })).arrayBuffer());
    const times = [];
    for (let i = 0; i < n; i++) {
      const name = new TextEncoder().encode(`bench-${i}-${Math.random()}`);
      // custom section: id 0, size, name length, name (sizes < 128, one LEB byte each)
      const unique = new Uint8Array(bytes.length + 3 + name.length);
      unique.set(bytes);
      unique.set([0, name.length + 1, name.length, ...name], bytes.length);
      const t0 = performance.now();
      const core = await loadCore({ wasmBinary: unique });
      const t1 = performance.now();
      // The page's warm-up (the first call of each function compiles it): done while the
      // page loads, off the run path, but part of what starting costs.
      await warmUp(core);
      times.push({ start: t1 - t0, warmUp: performance.now() - t1 });
    }
    return times;
  }, samples);
}

/**
 * Serves core.js, its loader and dist/ from another web folder (a variant build of the core, e.g. a core
 * change measured before it lands): `--core-dir /path/to/other/web`.
 */
async function serveCoreFrom(context, dir) {
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
  await context.route(/\/(core(-module)?\.js|dist\/playground-core\.wasm)(\?.*)?$/, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const response = await route.fetch();
    const body = await readFile(join(dir, path));
    await route.fulfill({ response, body, headers: { ...response.headers(), 'content-type': types[extname(path)], 'content-length': String(body.length) } });
  });
}

const round = (x) => Math.round(x * 10) / 10;

async function clearConversation(pg) {
  const clear = pg.locator('button[data-action="clear"]');
  if (await clear.isEnabled()) await clear.click();
}

/**
 * @param {{ runs?: number, stops?: number, starts?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<Array<{ metric: string, value: number, unit: string, target: string|null, met: boolean|null }>>}
 */
export async function run({ runs = 5, stops = 3, starts = 21, coreDir = null, log = () => {} } = {}) {
  const world = await startWorld();
  try {
    const context = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (coreDir) await serveCoreFrom(context, coreDir);
    const p = await openPage(world, { context });
    const { pg, page } = p;
    await pickModel(pg, world, MODELS.big);

    const streams = [];
    const cpuRuns = [];
    for (let i = 0; i < runs; i++) {
      await clearConversation(pg);
      await pg.locator('textarea[name="message"]').fill('Write a lot');
      // Odd runs are traced for CPU time (tracing costs a little), even runs are not.
      const traced = i % 2 === 1;
      const { result: r, tasks } = traced ? await traceTasks(world.browser, page, () => streamOnce(page)) : { result: await streamOnce(page), tasks: null };
      if (r.chars < 1_000_000) throw new Error(`run ${i + 1}: only ${r.chars} characters arrived`);
      streams.push(r);
      if (tasks) cpuRuns.push(tasks);
      const cpuNote = tasks ? `; main-thread CPU per task: max ${Math.round(Math.max(0, ...tasks.map((t) => t.cpu)))} ms, tasks over ${LONG_TASK_MS} ms wall ${tasks.filter((t) => t.wall > LONG_TASK_MS).map((t) => `${Math.round(t.wall)} (cpu ${Math.round(t.cpu)})`).join(', ') || 'none'}` : '';
      log(`stream ${i + 1}: ${Math.round(r.took)} ms, long tasks ${JSON.stringify(r.tasks.map(Math.round))}${cpuNote}`);
    }

    const stopTimes = [];
    for (let i = 0; i < stops; i++) {
      await clearConversation(pg);
      await pg.locator('textarea[name="message"]').fill('Write a lot, then be stopped');
      const s = await stopOnce(page);
      const what = s.final === 'done' ? 'done (it had all arrived)' : s.final ?? 'the answer ended before Stop';
      log(`stop ${i + 1}: ${what} shown after ${s.toFinal === null ? '—' : Math.round(s.toFinal)} ms, run ended after ${Math.round(s.toRunEnd)} ms`);
      if (s.toFinal !== null) stopTimes.push(s.toFinal);
    }

    const startRuns = await startTimes(page, starts);
    const start = startRuns.map((s) => s.start);
    const warm = startRuns.map((s) => s.warmUp);
    log(`start: ${start.map(Math.round).join(' ')} ms; warm-up: ${warm.map(Math.round).join(' ')} ms`);
    await p.context.close();

    const longest = streams.map((r) => Math.max(0, ...r.tasks));
    const over = streams.map((r) => r.tasks.filter((d) => d > LONG_TASK_MS).length);
    const row = (metric, value, unit, target, met) => ({ metric, value: round(value), unit, target, met });
    return [
      row('longest task, 1 MB stream (p50 of runs)', median(longest), 'ms', `≤ ${LONG_TASK_MS} ms`, median(longest) <= LONG_TASK_MS),
      row('longest task, 1 MB stream (max of runs)', Math.max(...longest), 'ms', `≤ ${LONG_TASK_MS} ms`, Math.max(...longest) <= LONG_TASK_MS),
      row(`tasks over ${LONG_TASK_MS} ms per 1 MB stream (max)`, Math.max(...over), 'tasks', '0', Math.max(...over) === 0),
      ...(cpuRuns.length ? [row('longest task CPU time, 1 MB stream (max of traced runs)', Math.max(...cpuRuns.map((t) => Math.max(0, ...t.map((x) => x.cpu)))), 'ms', `≤ ${LONG_TASK_MS} ms`, Math.max(...cpuRuns.map((t) => Math.max(0, ...t.map((x) => x.cpu)))) <= LONG_TASK_MS)] : []),
      row('1 MB stream, Run to the end of the run (median)', median(streams.map((r) => r.took)), 'ms', null, null),
      row('Stop takes effect, 1 MB stream (median)', stopTimes.length ? median(stopTimes) : NaN, 'ms', `≤ ${STOP_TARGET_MS} ms`, stopTimes.length ? median(stopTimes) <= STOP_TARGET_MS : false),
      row('start (Chromium)', median(start), 'ms', `≤ ${START_TARGET_MS} ms`, median(start) <= START_TARGET_MS),
      row('core warm-up while the page loads (Chromium, median)', median(warm), 'ms', null, null),
    ];
  } finally {
    await world.close();
  }
}

function printTable(rows) {
  const cells = [['metric', 'value', 'target', 'met'], ...rows.map((r) => [r.metric, `${r.value} ${r.unit}`, r.target ?? '—', r.met === null ? '—' : r.met ? 'yes' : 'NO'])];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((c) => String(c[i]).length)));
  for (const c of cells) console.log(c.map((v, i) => String(v).padEnd(widths[i])).join('  '));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
  const rows = await run({ runs: Number(args.runs ?? 5), stops: Number(args.stops ?? 3), starts: Number(args.starts ?? 21), coreDir: args['core-dir'] ?? null, log: (line) => console.log(`# ${line}`) });
  printTable(rows);
}
