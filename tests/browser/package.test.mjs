// The element as an npm package (issue 20, item 9): `npm pack` in packages/playground-element
// gives a tarball with the element, the core and the built module; installed offline into a
// temporary folder, its `exports` resolve in Node (the core loads there from the package), and
// a page served from that folder loads <model-playground> from node_modules in Chromium. The
// element renders, a Test connection against a local fake provider fires `run-finished` with
// the core's verdict (pass, and fail with the failed step's code), `model-changed` fires on a
// pick, and a --pg-* custom property and a ::part() rule change its look.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, done, screenshot } from './helpers.mjs';
import { startFakeProvider } from './fake-provider.mjs';
import { startRelay } from '../support/relay-harness.mjs';
import { tempDir } from '../support/temp-dir.mjs';

const PKG_DIR = fileURLToPath(new URL('../../packages/playground-element/', import.meta.url));
const NAME = '@model-playground/element';
const KEY = 'sk-proj-TESTSECRETpackage00000000000000000-PKGE';
const WRONG_KEY = 'sk-proj-TESTSECRETpackagewrong00000000000-BAD2';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

let world;

const EMBEDDING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A console</title>
<script type="importmap">{ "imports": { "${NAME}": "/node_modules/${NAME}/playground/element.js" } }</script>
<style>
  model-playground { --pg-accent: rgb(1, 2, 3); }
  model-playground::part(results) { outline: 3px solid rgb(4, 5, 6); }
</style>
<script type="module">
  window.events = [];
  for (const type of ['run-finished', 'model-changed']) document.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
  await import('${NAME}');
</script></head>
<body><main><h1>Console</h1><model-playground api-base="/api/playground"></model-playground></main></body></html>`;

before(async () => {
  const tmp = tempDir('package');
  // 1. Pack (prepack copies web/ and web/dist in) and install the tarball, offline.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: PKG_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))[0];
  const site = join(tmp, 'site');
  execFileSync('mkdir', ['-p', site]);
  writeFileSync(join(site, 'package.json'), JSON.stringify({ name: 'a-console', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(tmp, packed.filename)], { cwd: site, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(join(site, 'index.html'), EMBEDDING_PAGE);

  // 2. The relay (API and login), a fake provider, and a server for the folder that passes
  // the relay's paths on, so the page and the API share one origin as in a console.
  const up = await startFakeProvider({ key: KEY });
  const key = (name, k) => ({ display_name: name, provider: 'openai-compatible', adapter: 'openai', api_base: up.base, api_key: k });
  const relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [key('good', '${PG_PKG_KEY}'), key('bad', '${PG_PKG_WRONG}')],
      models: [
        { display_name: 'Packaged', provider: 'openai-compatible', model_name: 'plain-1', provider_key: 'good' },
        { display_name: 'Packaged wrong key', provider: 'openai-compatible', model_name: 'plain-1', provider_key: 'bad' },
      ],
    },
    env: { PG_PKG_KEY: KEY, PG_PKG_WRONG: WRONG_KEY, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${up.port}` },
  });
  const relayUrl = new URL(relay.base);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith('/api/') || url.searchParams.has('token')) {
      const forward = http.request({ host: relayUrl.hostname, port: relayUrl.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      req.pipe(forward);
      return;
    }
    const file = normalize(join(site, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
    if (!file.startsWith(site)) { res.writeHead(404).end(); return; }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch { res.writeHead(404).end(); }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await launchBrowser();
  const ids = Object.fromEntries((await relay.models()).map((m) => [m.display_name, m.id]));
  world = {
    tmp, site, packed, base, ids, browser,
    secrets: [KEY, WRONG_KEY],
    async close() {
      await browser.close().catch(() => {});
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
      await relay.stop().catch(() => {});
      await up.stop().catch(() => {});
      rmSync(tmp, { recursive: true, force: true });
    },
  };
});
after(async () => { await world?.close(); });

test('npm pack: the element, the core and the built module, nothing else', () => {
  const files = world.packed.files.map((f) => f.path).sort();
  for (const f of ['package.json', 'playground/element.js', 'playground/playground.css', 'core.js', 'core-deltas.js', 'core-input.js', 'core-objects.js', 'core-module.js', 'core.d.ts', 'contract.js', 'element.d.ts', 'dist/playground-core.wasm']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  assert.deepEqual(files.filter((f) => !/^(package\.json|README\.md|element\.d\.ts|core\.js|core-deltas\.js|core-input\.js|core-objects\.js|core-module\.js|core\.d\.ts|contract\.js|playground\/[a-z-]+\.(js|css)|dist\/playground-core\.wasm)$/.test(f)), []);
  assert.ok(!files.includes('playground/page.css') && !files.includes('prepack.mjs'));
});

test('the installed package resolves through its exports in Node, and its core loads there', () => {
  const script = `
    const el = import.meta.resolve('${NAME}');
    const { loadCore } = await import('${NAME}/core');
    const core = await loadCore();
    const built = core.buildRequest({ messages: [{ role: 'user', content: 'Hi' }], model: { model_name: 'm', provider: 'openai' } });
    console.log(JSON.stringify({ el, ok: built.ok, version: core.version }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: world.site, encoding: 'utf8' }));
  assert.ok(out.el.endsWith(`/node_modules/${NAME}/playground/element.js`), out.el);
  assert.equal(out.ok, true);
  assert.match(out.version, /^\d+\.\d+\.\d+\+/);
});

test('loaded from node_modules in Chromium: renders, announces run-finished with the verdict, takes a theme', async () => {
  const p = await openPage(world, { origin: world.base });
  const { page, pg } = p;
  const loaded = (await Promise.all(p.received)).map((r) => new URL(r.url).pathname);
  assert.ok(loaded.includes(`/node_modules/${NAME}/dist/playground-core.wasm`), 'the module came from the installed package');

  // model-changed, then a passing Test connection.
  await pg.locator('select[name="model-0"]').selectOption(world.ids.Packaged);
  const finished = async () => {
    const before = await page.evaluate(() => window.events.filter((e) => e.type === 'run-finished').length);
    await pg.locator('button[data-action="probe"]').click();
    await page.waitForFunction((n) => window.events.filter((e) => e.type === 'run-finished').length > n, before, { timeout: 20_000 });
    return page.evaluate(() => window.events.filter((e) => e.type === 'run-finished').at(-1).detail);
  };
  const pass = await finished();
  assert.equal(pass.kind, 'probe');
  assert.equal(pass.verdict, 'pass');
  assert.deepEqual(pass.panes.map((p) => [p.pane, p.model, p.verdict, p.failedStep]), [[0, world.ids.Packaged, 'pass', null]]);
  const changed = await page.evaluate(() => window.events.filter((e) => e.type === 'model-changed').map((e) => e.detail));
  assert.deepEqual(changed.at(-1), { pane: 0, model: world.ids.Packaged });

  // A wrong key: the verdict is the core's fail, with the failed step and its code.
  await pg.locator('select[name="model-0"]').selectOption(world.ids['Packaged wrong key']);
  const fail = await finished();
  assert.equal(fail.verdict, 'fail');
  assert.equal(fail.panes[0].failedStep, 'key');
  assert.equal(fail.panes[0].code, 'key_rejected');

  // Theming: a public custom property and a ::part() rule from the embedding page.
  const looks = await page.evaluate(() => {
    const root = document.querySelector('model-playground').shadowRoot;
    return {
      run: getComputedStyle(root.querySelector('button[data-action="run"]')).backgroundColor,
      results: getComputedStyle(root.querySelector('[part~="results"]')).outlineColor,
    };
  });
  assert.deepEqual(looks, { run: 'rgb(1, 2, 3)', results: 'rgb(4, 5, 6)' });
  await screenshot(page, 'package-embedded');
  await done(p);
});
