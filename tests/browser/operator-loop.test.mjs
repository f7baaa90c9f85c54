// The operator's loop (issue 20, step 13): the configuration's state in the page (a failed
// reload shown, redacted), a run you can follow (phase, elapsed time, the limit, Esc stops
// it), the verdict in sight (in the failed answer, scrolled into view at 400 px, compare
// results beside the conversation at 1440 px, kept across a reload) and a history a provider
// will not refuse (failed turns left out, the page says what will be sent). Writes the
// config-reload-failed, run-phase, failed-run-400px and compare-1440px screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, SECRETS, MODELS } from './helpers.mjs';

const world = useWorld();

async function send(p, text) {
  await p.pg.locator('textarea[name="message"]').fill(text);
  await untilRunEnds(p.page, () => p.pg.locator('button[data-action="run"]').click());
}

test('history: a failed turn is not sent with the next message, the page says so, and the user may send it anyway', async () => {
  const p = await openPage(world);
  const { pg } = p;
  await pickModel(pg, world, MODELS.refused);
  await send(p, 'First, to a port nobody listens on');
  assert.equal(await pg.locator('.turn[data-turn="0"] .msg.assistant').getAttribute('data-status'), 'error');

  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Second');
  const note = pg.locator('[data-role="history"]');
  assert.equal(await note.textContent(), 'Run sends 0 of 1 earlier message as history; left out: message 1 (its answer failed).');
  assert.equal(await pg.locator('.turn[data-turn="0"] [data-role="not-sent"]').count(), 1, 'the failed turn is marked');
  const seen = world.upstream.seen.length;
  await untilRunEnds(p.page, () => pg.locator('button[data-action="run"]').click());
  assert.deepEqual(world.upstream.seen.slice(seen).map((s) => s.body.messages.map((m) => m.role)), [['user']], 'not [user, user]');
  assert.match(await pg.locator('.turn[data-turn="1"] .answer-text').textContent(), /You said: "Second"\. Messages: 1\./);

  // The user chooses to send it: [user, user, assistant, user].
  await pg.locator('textarea[name="message"]').fill('Third');
  await pg.locator('input[name="history-all"]').check();
  assert.match(await note.textContent(), /^Run sends all 2 earlier messages as history, including message 1 \(its answer failed\)/);
  assert.equal(await pg.locator('[data-role="not-sent"]').count(), 0);
  await untilRunEnds(p.page, () => pg.locator('button[data-action="run"]').click());
  assert.deepEqual(world.upstream.seen.at(-1).body.messages.map((m) => m.role), ['user', 'user', 'assistant', 'user']);
  await done(p);
});

test('configuration: a failed reload is shown in the page, redacted, and the reload button says what it did', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  const config = pg.locator('[data-role="config"]');
  assert.equal(await config.getAttribute('data-state'), 'ok');
  assert.equal(await pg.locator('[data-role="config-source"]').textContent(), `Configuration: the resources file ${world.relay.file}.`);
  assert.match(await pg.locator('[data-role="config-loaded"]').textContent(), /^Loaded at \d\d:\d\d:\d\d \(\d+ s ago\)\.$/);
  const result = pg.locator('[data-role="reload-result"]');
  assert.equal(await result.textContent(), '', 'nothing reloaded yet');
  await pg.locator('button[data-action="reload-models"]').click();
  await page.waitForFunction(() => /^Reloaded at/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="reload-result"]').textContent));
  assert.match(await result.textContent(), /models \(1 not testable here\)\. The relay's configuration has not changed since the last list\.$/);

  // The operator changes the file and sends SIGHUP; the new file is refused (a key pasted
  // where a key's name goes: the core's message quotes it) and the relay keeps the old one.
  const original = readFileSync(world.relay.file, 'utf8');
  const doc = parse(original);
  doc.models[0].model_name = 'echo-renamed';
  doc.models[1].provider_key = SECRETS.PG_SCENARIO_KEY;
  writeFileSync(world.relay.file, stringify(doc));
  try {
    assert.equal(await world.relay.source.reload(), false);
    // The next run shows it, without reloading the list.
    await pickModel(pg, world, MODELS.echo);
    await send(p, 'Did my change apply?');
    await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('[data-role="config"]').dataset.state === 'degraded');
    await result.evaluate((el) => { el.textContent = ''; });
    await pg.locator('button[data-action="reload-models"]').click();
    await page.waitForFunction(() => /^Reloaded at/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="reload-result"]').textContent));
    assert.match(await result.textContent(), /The relay's last configuration reload failed, so these are the previous settings\.$/);
    assert.equal(await config.getAttribute('data-state'), 'degraded');
    const failure = await pg.locator('[data-role="config-failure"]').textContent();
    assert.match(failure, /^Not applied\. Last reload failed at \d\d:\d\d:\d\d \(\d+ s ago\): .*provider_key.* — still using the previous settings\.$/);
    assert.ok(!failure.includes(SECRETS.PG_SCENARIO_KEY.slice(8, -6)), `redacted: ${failure}`);
    await pickModel(pg, world, MODELS.echo);
    assert.match(await pg.locator('.model-card').textContent(), /echo-1/, 'the list is the one still in use');
    await screenshot(page, 'config-reload-failed');
  } finally {
    writeFileSync(world.relay.file, original);
    assert.equal(await world.relay.source.reload(), true);
  }
  await pg.locator('button[data-action="reload-models"]').click();
  await page.waitForFunction(() => /loaded a new configuration/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="reload-result"]').textContent));
  assert.equal(await config.getAttribute('data-state'), 'ok');
  assert.equal(await pg.locator('[data-role="config-failure"]').count(), 0);
  const health = await fetch(`${world.relay.base}/healthz`);
  assert.deepEqual(Object.keys(await health.json()).sort(), ['problems', 'status'], '/healthz still says only a state and a count');
  await done(p);
});

const progress = (pg, pane = 0) => pg.locator(`.pane-results[data-pane="${pane}"] [data-role="progress"]`);

test('a run you can follow: the phase, the elapsed time and the limit that applies (the model\'s own here); Esc stops it wherever the focus is', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.late);
  await pg.locator('textarea[name="message"]').fill('Take a while before the first byte');
  await untilRunEnds(page, async () => {
    await pg.locator('button[data-action="run"]').click();
    const box = progress(pg);
    await box.waitFor();
    assert.equal(await box.getAttribute('data-phase'), 'connecting');
    assert.equal(await box.locator('[data-role="phase"]').getAttribute('role'), 'status', 'the phase is said when it changes');
    assert.equal(await box.locator('[data-role="phase"]').textContent(), 'Connecting and waiting for the first byte');
    assert.equal(await box.locator('[data-role="limit"]').textContent(),
      'The response headers within 8.0 s of the start (the model\'s stream_timeout, connecting included).');
    // Past the relay's connect limit (3 s here) without an error, the connection was made.
    await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('[data-role="progress"]')?.dataset.phase === 'first_byte');
    assert.equal(await box.locator('[data-role="phase"]').textContent(), 'Connected; waiting for the first byte');
    assert.match(await box.locator('[data-role="elapsed"]').textContent(), /^[3-9]\.\d s elapsed$/);
    await screenshot(page, 'run-phase');
    // The focus is in the system prompt, not on Stop: Esc still stops the run.
    await pg.locator('textarea[name="system"]').focus();
    await page.keyboard.press('Escape');
  });
  assert.equal(await pg.locator('.msg.assistant').first().getAttribute('data-status'), 'stopped');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .metric[data-metric="outcome"] dd').textContent(), 'Stopped by you');
  assert.equal(await pg.locator('button[data-action="stop"]').getAttribute('aria-keyshortcuts'), 'Escape');
  await done(p);
});

test('a streaming run shows its chunks and the relay\'s idle and total limits', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.slow);
  await pg.locator('textarea[name="message"]').fill('Stream slowly');
  await untilRunEnds(page, async () => {
    await pg.locator('button[data-action="run"]').click();
    await page.waitForFunction(() => /\b([3-9]|\d\d+) chunks/.test(document.querySelector('model-playground').shadowRoot.querySelector('[data-role="progress"] [data-role="phase"]')?.textContent ?? ''));
    const box = progress(pg);
    assert.equal(await box.getAttribute('data-phase'), 'streaming');
    assert.match(await box.locator('[data-role="phase"]').textContent(), /^Streaming the answer \(\d+ chunks so far\)$/);
    assert.match(await box.locator('[data-role="limit"]').textContent(),
      /^Each chunk within 10 s of the one before \(the relay's limit, \d+ ms since the last\); the whole run within 1 min \(the relay's limit\)\.$/);
  });
  assert.equal(await progress(pg).count(), 0, 'the progress goes when the run ends');
  assert.equal(await pg.locator('.msg.assistant').first().getAttribute('data-status'), 'done');
  await done(p);
});

test('400 px: a failed answer repeats the checklist\'s summary and advice, the checklist is scrolled into view, and both survive a reload', async () => {
  const p = await openPage(world, { viewport: { width: 400, height: 860 } });
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.wrongKey);
  await send(p, 'Is my key right?');
  const summary = await pg.locator('.pane-results[data-pane="0"] .checklist .summary').textContent();
  const failedStep = pg.locator('.pane-results[data-pane="0"] .steps li[data-status="fail"]');
  assert.equal(await failedStep.getAttribute('data-step'), 'key');
  const advice = await failedStep.locator('.advice').textContent();
  const verdict = pg.locator('.msg.assistant[data-status="error"] [data-role="verdict"]');
  // The summary, and the failed step's advice unless the summary already says it.
  const said = summary.toLowerCase().includes(advice.toLowerCase().replace(/[.\s]+$/, ''));
  assert.equal(await verdict.textContent(), said ? summary : `${summary} ${advice}`, 'the checklist\'s verdict, in the answer');
  assert.match(await pg.locator('.msg.assistant[data-status="error"] .answer-error').textContent(), /^Provider answered HTTP 401/);
  // The results are below the conversation at this width: the card was scrolled into view.
  const top = await pg.locator('.pane-results[data-pane="0"]').evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(top > -2 && top < 860 * 0.75, `the checklist starts in view (top ${top})`);
  assert.ok(await page.evaluate(() => scrollY) > 0, 'the page scrolled');
  await screenshot(page, 'failed-run-400px', { fullPage: false });

  // The checklist and the verdict are kept across a reload, like the conversation.
  await new Promise((r) => setTimeout(r, 600)); // past the save's debounce
  await page.reload();
  await page.waitForFunction(() => document.querySelector('model-playground')?.dataset.ready === 'true');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .checklist .summary').textContent(), summary);
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .steps li[data-step="key"]').getAttribute('data-status'), 'fail');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] [data-role="restored"]').count(), 1, 'said to be from before the reload');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] details.inspect').count(), 0, 'no inspect view: the request is not kept');
  assert.match(await pg.locator('.pane-results[data-pane="0"] .metric[data-metric="outcome"] dd').textContent(), /^HTTP 401/);
  assert.equal(await verdict.textContent(), said ? summary : `${summary} ${advice}`);
  // Clear forgets them.
  await pg.locator('button[data-action="clear"]').click();
  await page.reload();
  await page.waitForFunction(() => document.querySelector('model-playground')?.dataset.ready === 'true');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .checklist').count(), 0);
  await done(p);
});

test('1440 px, compare mode: the results beside the conversation, near the top', async () => {
  const p = await openPage(world, { viewport: { width: 1440, height: 900 } });
  const { pg, page } = p;
  await pg.locator('input[name="compare"]').check();
  await pickModel(pg, world, MODELS.echo, 0);
  await pickModel(pg, world, MODELS.wrongKey, 1);
  await send(p, 'Compare these two');
  const [chat, results, card0, card1] = await Promise.all(['.chat', '.results', '.pane-results[data-pane="0"]', '.pane-results[data-pane="1"]'].map((s) => pg.locator(s).boundingBox()));
  assert.ok(results.x > chat.x + chat.width - 1, 'the results column is right of the conversation');
  assert.ok(Math.abs(results.y - chat.y) < 2, 'on the same row');
  assert.ok(card0.y < 400, `the first card starts near the top (y ${card0.y})`);
  assert.ok(card1.y > card0.y, 'the cards one under the other');
  assert.ok(chat.width > 480, `the conversation keeps room for two answers (${chat.width} px)`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth), false, 'nothing sideways');
  await screenshot(page, 'compare-1440px');
  await done(p);
});
