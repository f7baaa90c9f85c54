// Shared setup for the page's browser tests: the real relay in-process (tests/support),
// a local scenario provider, Debian's Chromium through playwright-core (never a downloaded
// browser), a logged-in page, and the secret scan every test file ends with.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';
import { startScenarioUpstream } from './scenario-upstream.mjs';

export { TOKEN };

export const SECRETS = {
  PG_SCENARIO_KEY: 'sk-proj-BROWSERTESTgoodkey0000000000000000-GOOD',
  PG_WRONG_KEY: 'sk-proj-BROWSERTESTwrongkey000000000000000-BAD1',
};

export const SCREENSHOTS = fileURLToPath(new URL('../output/screenshots/', import.meta.url));

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

async function closedPort() {
  const tmp = net.createServer();
  await new Promise((r) => tmp.listen(0, '127.0.0.1', r));
  const { port } = tmp.address();
  await new Promise((r) => tmp.close(r));
  return port;
}

/** The display names tests pick models by. */
export const MODELS = {
  echo: 'Echo',
  echo2: 'Echo two',
  slow: 'Slow stream',
  reasoner: 'Reasoner',
  endless: 'Endless',
  big: 'Big answer',
  flood: 'Flood',
  wrongKey: 'Wrong key',
  missing: 'Missing model',
  refused: 'Refused',
  dns: 'No such host',
  failover: 'Chat with failover',
  late: 'Late answer',
};

function resources(upBase, refusedPort) {
  const cost = { input_per_1k: 0.5, output_per_1k: 1.5 };
  return {
    _format_version: '1',
    provider_keys: [
      { display_name: 'Scenario provider', provider: 'openai-compatible', adapter: 'openai', api_base: upBase, api_key: '${PG_SCENARIO_KEY}' },
      { display_name: 'Scenario provider (wrong key)', provider: 'openai-compatible', adapter: 'openai', api_base: upBase, api_key: '${PG_WRONG_KEY}' },
      { display_name: 'Nobody listening', provider: 'openai-compatible', adapter: 'openai', api_base: `http://127.0.0.1:${refusedPort}/v1`, api_key: '${PG_SCENARIO_KEY}' },
      { display_name: 'Unknown host', provider: 'openai-compatible', adapter: 'openai', api_base: 'https://no-such-host.invalid/v1', api_key: '${PG_SCENARIO_KEY}' },
    ],
    models: [
      { display_name: MODELS.echo, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Scenario provider', cost },
      { display_name: MODELS.echo2, provider: 'openai-compatible', model_name: 'echo-2', provider_key: 'Scenario provider', cost },
      { display_name: MODELS.slow, provider: 'openai-compatible', model_name: 'slow-1', provider_key: 'Scenario provider', cost },
      { display_name: MODELS.reasoner, provider: 'openai-compatible', model_name: 'reasoner-1', provider_key: 'Scenario provider', cost },
      { display_name: MODELS.endless, provider: 'openai-compatible', model_name: 'endless-1', provider_key: 'Scenario provider' },
      { display_name: MODELS.big, provider: 'openai-compatible', model_name: 'big-1', provider_key: 'Scenario provider' },
      { display_name: MODELS.flood, provider: 'openai-compatible', model_name: 'flood-1', provider_key: 'Scenario provider' },
      { display_name: MODELS.wrongKey, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Scenario provider (wrong key)' },
      { display_name: MODELS.missing, provider: 'openai-compatible', model_name: 'gpt-does-not-exist', provider_key: 'Scenario provider' },
      { display_name: MODELS.refused, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Nobody listening' },
      { display_name: MODELS.dns, provider: 'openai-compatible', model_name: 'echo-1', provider_key: 'Unknown host' },
      // Its own stream budget (8 s) is shorter than the relay's connect + first-byte limits.
      { display_name: MODELS.late, provider: 'openai-compatible', model_name: 'late-1', provider_key: 'Scenario provider', stream_timeout: 8000 },
      { display_name: MODELS.failover, routing: { strategy: 'failover', targets: [{ model: MODELS.echo }, { model: MODELS.echo2 }] } },
    ],
  };
}

/**
 * The relay, the scenario provider and a browser, for one test file. `limits`: relay limits
 * besides the usual time limits (e.g. concurrentPerUser).
 */
export async function startWorld({ limits = {} } = {}) {
  const upstream = await startScenarioUpstream({ key: SECRETS.PG_SCENARIO_KEY });
  const refusedPort = await closedPort();
  const relay = await startRelay({
    resources: resources(upstream.base, refusedPort),
    env: { ...SECRETS, ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${upstream.port},127.0.0.1:${refusedPort}` },
    settings: { limits: { connectMs: 3000, firstByteMs: 10_000, idleMs: 10_000, totalMs: 60_000, ...limits } },
  });
  const browser = await launchBrowser();
  const ids = Object.fromEntries((await relay.models()).map((m) => [m.display_name, m.id]));
  return {
    upstream, relay, browser, ids,
    async close() {
      await browser.close().catch(() => {});
      await relay.stop().catch(() => {});
      await upstream.stop().catch(() => {});
    },
  };
}

/**
 * A test file's usual setup: one world (startWorld) started before its tests and closed after
 * them. The object returned is filled in when the tests start.
 */
export function useWorld(options) {
  const world = {};
  before(async () => { Object.assign(world, await startWorld(options)); });
  after(async () => { await world.close?.(); });
  return world;
}

/**
 * Closes a page after checking it got no secret and raised no error (CSP violations included).
 * The secrets are SECRETS and the page's world's own (`world.secrets`, see openPage).
 */
export async function done(p) {
  const { found } = await findSecrets(p.page, p.received, p.secrets);
  assert.deepEqual(found, [], 'no secret reaches the browser');
  assert.deepEqual(p.problems, [], 'no page error or console error');
  await p.context.close();
}

/**
 * A fresh browser context, logged in through /?token=, with the playground ready. Every
 * response body the browser receives is recorded for the secret scan. A test file with its own
 * world and provider keys lists those keys as `world.secrets`, so done() looks for them too;
 * `origin` serves the page from elsewhere than the relay (a host page that passes /api/ on).
 */
export async function openPage(world, { viewport = { width: 1280, height: 900 }, colorScheme = 'light', context: existing, origin = world.relay?.base } = {}) {
  const context = existing ?? await world.browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const received = [];
  const problems = [];
  page.on('response', (res) => {
    received.push((async () => {
      let body = '';
      try { body = await res.text(); } catch { /* aborted or redirected: no body */ }
      return { url: res.url(), status: res.status(), headers: JSON.stringify(await res.allHeaders().catch(() => ({}))), body };
    })());
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  // An HTTP error status is logged by the browser as a failed resource: expected here (the
  // tests provoke them). Anything else, CSP violations included, is a problem.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of \d+/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  await page.goto(`${origin}/?token=${TOKEN}`);
  await waitReady(page);
  return { context, page, pg: page.locator('model-playground'), received, problems, secrets: world.secrets ?? [] };
}

export async function waitReady(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('model-playground');
    return el?.dataset.ready === 'true' && !!el.shadowRoot.querySelector('select[name="model-0"]');
  }, null, { timeout: 20_000 });
}

/** Runs `action` and waits until the run it starts has ended (the element counts runs). */
export async function untilRunEnds(page, action, { timeout = 20_000 } = {}) {
  const before = Number(await page.evaluate(() => document.querySelector('model-playground').dataset.runs ?? 0));
  await action();
  await page.waitForFunction((n) => Number(document.querySelector('model-playground').dataset.runs ?? 0) > n, before, { timeout });
}

export async function pickModel(pg, world, displayName, pane = 0) {
  await pg.locator(`select[name="model-${pane}"]`).selectOption(world.ids[displayName]);
}

export function shadowText(page) {
  return page.evaluate(() => {
    const root = document.querySelector('model-playground').shadowRoot;
    const values = [...root.querySelectorAll('input, textarea, select')].map((e) => e.value);
    return `${root.innerHTML}\n${root.textContent}\n${values.join('\n')}`;
  });
}

/**
 * Every response body, header and the final DOM (light and shadow, input values included)
 * searched for every configured secret (SECRETS, and `extra`), whole and in its recognisable
 * middle part.
 */
export async function findSecrets(page, received, extra = []) {
  const bodies = await Promise.all(received);
  const hay = [
    ...bodies.map((b) => `${b.url}\n${b.status}\n${b.headers}\n${b.body}`),
    await page.content(),
    await shadowText(page),
    await page.evaluate(() => JSON.stringify(localStorage)),
  ];
  const found = [];
  for (const secret of [...Object.values(SECRETS), ...extra]) {
    const middle = secret.slice(8, -6);
    for (const h of hay) {
      if (h.includes(secret) || h.includes(middle)) found.push({ secret: `${secret.slice(0, 10)}…`, where: h.slice(0, 160) });
    }
  }
  return { found, scanned: hay.length };
}

export async function screenshot(page, name, options = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, ...options });
}

/** The checklist of a results pane, as {step: status}. */
export function checklist(pg, pane = 0) {
  return pg.locator(`.pane-results[data-pane="${pane}"] .steps li[data-step]`).evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.step, li.dataset.status])));
}
