// Accessibility: axe-core (npm, pinned; injected from node_modules, no network) audits the
// page in Chromium in the states an operator meets — first load, a run with the inspect view
// open, a field error, a failed checklist, 400 px wide, dark mode, a failed configuration
// reload, the history note, a run in progress — and finds nothing of
// impact moderate, serious or critical. Besides the audit: one <main> landmark, the message
// box focused on load, and outcomes (the checklist's summary, a run's error) announced in a
// polite live region. The login error page (a wrong link) too: its look under its own CSP,
// light and dark, and axe; it writes the login-error screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, MODELS } from './helpers.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BLOCKING = new Set(['moderate', 'serious', 'critical']);

const world = useWorld();

/**
 * A logged-in page. The relay's CSP allows only the relay's own scripts, so the context
 * bypasses CSP for the injected axe script (the page's own CSP is tested elsewhere).
 */
async function open({ viewport = { width: 1280, height: 900 }, dark = false } = {}) {
  const context = await world.browser.newContext({ viewport, colorScheme: 'light', bypassCSP: true });
  const p = await openPage(world, { context });
  if (dark) {
    // The system's scheme switched on the live page: the element follows it at once.
    await p.page.emulateMedia({ colorScheme: 'dark' });
    assert.equal(await p.page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
  }
  return p;
}

/**
 * axe's findings on the whole document (the element's open shadow root included): its
 * violations, and what it could not decide ("incomplete"), which counts as a violation too —
 * except the contrast of an icon hidden from assistive technology (a glyph, no text).
 */
async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations', 'incomplete'] });
    const iconOnly = (n) => [...n.any, ...n.all, ...n.none].some((c) => c.id === 'color-contrast' && c.data?.messageKey === 'nonBmp');
    const shown = (v, undecided) => ({
      id: v.id, impact: v.impact, help: v.help, undecided,
      count: v.nodes.length,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.flat().join(' >> '), why: (n.failureSummary ?? [...n.any, ...n.all].map((c) => c.message).join('; ')).split('\n').slice(-2).join(' ').trim() })),
    });
    const undecided = result.incomplete
      .map((v) => ({ ...v, nodes: v.nodes.filter((n) => !iconOnly(n)) }))
      .filter((v) => v.nodes.length);
    return [...result.violations.map((v) => shown(v, false)), ...undecided.map((v) => shown(v, true))];
  });
}

async function expectClean(page, state) {
  const findings = await audit(page);
  const blocking = findings.filter((v) => BLOCKING.has(v.impact));
  const minor = findings.filter((v) => !BLOCKING.has(v.impact));
  if (minor.length) console.log(`# ${state}: minor findings: ${minor.map((v) => v.id).join(', ')}`);
  assert.deepEqual(blocking, [], `${state}: axe found\n${JSON.stringify(blocking, null, 2)}`);
}

async function runWith(p, model, text = 'Say hello') {
  await pickModel(p.pg, world, model);
  await p.pg.locator('textarea[name="message"]').fill(text);
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
}

/** Opens a pane's inspect view and waits for the relay's preview to fill it (or say why not). */
async function openInspect(pg, pane = 0) {
  await pg.locator(`.pane-results[data-pane="${pane}"] details.inspect summary`).click();
  await pg.locator(`.pane-results[data-pane="${pane}"] .inspect-upstream:not([data-preview="waiting"])`).waitFor();
}

test('axe: first load', async () => {
  const p = await open();
  await expectClean(p.page, 'first load');
  await done(p);
});

test('axe: a run with the inspect view open', async () => {
  const p = await open();
  await runWith(p, MODELS.reasoner);
  await openInspect(p.pg);
  await p.pg.locator('.pane-results[data-pane="0"] .inspect-body').waitFor();
  await expectClean(p.page, 'a run with inspect open');
  await done(p);
});

test('axe: a field error', async () => {
  const p = await open();
  await pickModel(p.pg, world, MODELS.echo);
  await p.pg.locator('input[name="temperature"]').fill('5');
  await p.pg.locator('textarea[name="message"]').fill('Hot take');
  await p.pg.locator('button[data-action="run"]').click();
  await p.pg.locator('input[name="temperature"][aria-invalid="true"]').waitFor();
  await expectClean(p.page, 'a field error');
  await done(p);
});

test('axe: a failed checklist (steps failed and not reached)', async () => {
  const p = await open();
  await runWith(p, MODELS.wrongKey);
  await p.pg.locator('.pane-results[data-pane="0"] li[data-status="not_reached"]').first().waitFor();
  await expectClean(p.page, 'a failed checklist');
  await done(p);
});

test('axe: 400 px wide, at load and after a failed run', async () => {
  const p = await open({ viewport: { width: 400, height: 860 } });
  await expectClean(p.page, '400 px, first load');
  await runWith(p, MODELS.missing);
  await openInspect(p.pg);
  await expectClean(p.page, '400 px, a failed run with inspect open');
  await done(p);
});

test('axe: dark mode, at load, after a failed run with inspect open, and a field error', async () => {
  const p = await open({ dark: true });
  await expectClean(p.page, 'dark, first load');
  await runWith(p, MODELS.wrongKey);
  await openInspect(p.pg);
  await expectClean(p.page, 'dark, a failed checklist with inspect open');
  await p.pg.locator('input[name="temperature"]').fill('5');
  await p.pg.locator('button[data-action="run"]').click();
  await p.pg.locator('input[name="temperature"][aria-invalid="true"]').waitFor();
  await expectClean(p.page, 'dark, a field error');
  await done(p);
});

test('axe: the Check all table, light and dark, with passes, failures and an untestable model', async () => {
  const p = await open();
  const box = p.pg.locator('[data-role="check-all"]');
  await p.pg.locator('button[data-action="check-all"]').click();
  await p.page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('[data-role="check-all"]').dataset.checks === '1', null, { timeout: 30_000 });
  assert.equal(await box.locator('tr[data-verdict="fail"]').count() > 0 && await box.locator('tr[data-verdict="pass"]').count() > 0, true);
  await expectClean(p.page, 'the Check all table');
  await p.page.emulateMedia({ colorScheme: 'dark' });
  await expectClean(p.page, 'dark, the Check all table');
  await done(p);
});

test('axe: compare mode, two models, each with its inspect view open', async () => {
  const p = await open();
  await p.pg.locator('input[name="compare"]').check();
  await pickModel(p.pg, world, MODELS.echo, 0);
  await pickModel(p.pg, world, MODELS.wrongKey, 1);
  await p.pg.locator('textarea[name="message"]').fill('Compare this');
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
  for (const pane of [0, 1]) await openInspect(p.pg, pane);
  await expectClean(p.page, 'compare mode with inspect open');
  await done(p);
});

test('axe: the operator\'s loop — a failed reload shown, the history note with its choice, a verdict in a failed answer, a run in progress', async () => {
  const p = await open();
  const original = readFileSync(world.relay.file, 'utf8');
  const doc = parse(original);
  doc.models[1].provider_key = 'no such key';
  writeFileSync(world.relay.file, stringify(doc));
  try {
    assert.equal(await world.relay.source.reload(), false);
    await p.pg.locator('button[data-action="reload-models"]').click();
    await p.pg.locator('[data-role="config-failure"]').waitFor();
  } finally {
    writeFileSync(world.relay.file, original);
    assert.equal(await world.relay.source.reload(), true);
  }
  await runWith(p, MODELS.wrongKey);
  await p.pg.locator('[data-role="verdict"]').waitFor();
  await p.pg.locator('textarea[name="message"]').fill('Again');
  await p.pg.locator('input[name="history-all"]').waitFor();
  await expectClean(p.page, 'a failed reload, a verdict and the history note');
  await pickModel(p.pg, world, MODELS.late);
  await untilRunEnds(p.page, async () => {
    await p.pg.locator('button[data-action="run"]').click();
    await p.pg.locator('[data-role="progress"] [data-role="limit"]').waitFor();
    await expectClean(p.page, 'a run in progress');
    await p.page.keyboard.press('Escape');
  });
  await done(p);
});

test('one <main> landmark, and the message box has the focus on load', async () => {
  const p = await open();
  assert.equal(await p.page.locator('main').count(), 1);
  assert.equal(await p.page.locator('main model-playground').count(), 1, 'the element is in it');
  const focused = await p.page.evaluate(() => {
    const host = document.activeElement;
    const inner = host?.shadowRoot?.activeElement;
    return { host: host?.tagName.toLowerCase(), name: inner?.getAttribute('name') };
  });
  assert.deepEqual(focused, { host: 'model-playground', name: 'message' });
  assert.equal(await p.page.evaluate(() => scrollY), 0, 'focusing it did not scroll the page');
  // Typing goes straight into it.
  await p.page.keyboard.type('Typed at once');
  assert.equal(await p.pg.locator('textarea[name="message"]').inputValue(), 'Typed at once');
  await done(p);
});

test('outcomes are announced in a polite live region: a pass, a failed checklist, a run error', async () => {
  const p = await open();
  const region = p.pg.locator('[data-role="outcome"]');
  assert.equal(await region.getAttribute('aria-live'), 'polite');
  assert.equal(await region.getAttribute('role'), 'status');
  assert.equal(await region.textContent(), '', 'nothing to say before a run');

  await runWith(p, MODELS.echo);
  const summary = (pane = 0) => p.pg.locator(`.pane-results[data-pane="${pane}"] .checklist .summary`).textContent();
  assert.equal(await region.textContent(), await summary());

  await runWith(p, MODELS.wrongKey);
  const failed = await region.textContent();
  assert.ok(failed.startsWith(await summary()), `the checklist's summary first: ${failed}`);
  assert.match(failed, /Provider answered HTTP 401 \(invalid_api_key\)/, 'then the run error');
  assert.equal(failed, `${await summary()} ${await p.pg.locator('.msg.assistant[data-status="error"] .answer-error').last().textContent()}`);

  await runWith(p, MODELS.refused);
  assert.match(await region.textContent(), /^.+ Relay \(\w+\): .+/, 'a relay error too');
  await done(p);
});

test('compare mode: each pane\'s outcome, named by its model', async () => {
  const p = await open();
  await p.pg.locator('input[name="compare"]').check();
  await pickModel(p.pg, world, MODELS.echo, 0);
  await pickModel(p.pg, world, MODELS.missing, 1);
  await p.pg.locator('textarea[name="message"]').fill('Compare this');
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
  const said = await p.pg.locator('[data-role="outcome"]').textContent();
  assert.match(said, new RegExp(`^${MODELS.echo}: .+ ${MODELS.missing}: .+HTTP 404`));
  await done(p);
});

test('the login error page (a wrong link): its style allowed by its own CSP, light and dark, and clean for axe', async () => {
  const url = `${world.relay.base}/?token=not-the-token-0123456789`;
  // Under the relay's real CSP: the page's inline style applies (its hash), nothing is refused.
  const strict = await world.browser.newContext({ viewport: { width: 900, height: 700 }, colorScheme: 'light' });
  const page = await strict.newPage();
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error' && !/status of 40[14]/.test(msg.text())) problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(err.message));
  const response = await page.goto(url);
  assert.equal(response.status(), 401);
  assert.equal(await page.locator('h2').first().textContent(), 'This login link is not valid');
  const look = () => page.evaluate(() => ({
    body: getComputedStyle(document.body).backgroundColor,
    banner: getComputedStyle(document.querySelector('.banner')).color,
  }));
  assert.deepEqual(await look(), { body: 'rgb(255, 255, 255)', banner: 'rgb(179, 38, 30)' }, 'the playground\'s colours');
  await screenshot(page, 'login-error');
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.deepEqual(await look(), { body: 'rgb(20, 23, 28)', banner: 'rgb(255, 138, 128)' }, 'and its dark ones');
  await screenshot(page, 'login-error-dark');
  assert.deepEqual(problems, []);
  await strict.close();

  // axe needs its script in the page, which that CSP refuses: a context that bypasses it.
  const context = await world.browser.newContext({ viewport: { width: 400, height: 700 }, colorScheme: 'light', bypassCSP: true });
  const audited = await context.newPage();
  await audited.goto(url);
  await expectClean(audited, 'the login error page, 400 px');
  await audited.emulateMedia({ colorScheme: 'dark' });
  await expectClean(audited, 'the login error page, dark');
  await context.close();
});
