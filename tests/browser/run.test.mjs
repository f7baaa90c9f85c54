// Running models from the page: streamed and whole answers, Stop, the keyboard shortcut, a
// multi-turn conversation (continue, edit, retry) and reasoning shown apart from the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, MODELS } from './helpers.mjs';

const world = useWorld();

const answers = (pg) => pg.locator('.msg.assistant .answer-text');
const metric = (pg, name) => pg.locator(`.pane-results[data-pane="0"] .metric[data-metric="${name}"] dd`);

test('picks a model and runs a streamed answer', async () => {
  const p = await openPage(world);
  const { pg } = p;
  await pickModel(pg, world, MODELS.echo);
  await assert.doesNotReject(pg.locator('.model-card').getByText('Scenario provider').waitFor());
  const seenBefore = world.upstream.seen.length;
  await pg.locator('textarea[name="message"]').fill('Hello there');
  await untilRunEnds(p.page, () => pg.locator('button[data-action="run"]').click());

  assert.match(await answers(pg).first().textContent(), /You said: "Hello there"\. Messages: 1\./);
  const sent = world.upstream.seen.slice(seenBefore);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].body.stream, true, 'streaming is on by default');
  assert.equal(sent[0].body.model, 'echo-1');
  assert.match(await metric(pg, 'first-token').textContent(), /\d+(\.\d+)? m?s/);
  assert.match(await metric(pg, 'total').textContent(), /\d+(\.\d+)? m?s/);
  assert.match(await metric(pg, 'tokens').textContent(), /^21 in \/ \d+ out/);
  assert.equal(await metric(pg, 'finish-reason').textContent(), 'stop');
  assert.equal(await metric(pg, 'outcome').textContent(), 'HTTP 200');
  assert.match(await pg.locator('[data-metric="server-timing"]').textContent(), /first byte \d/);
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), '', 'the composer is emptied once the message is sent');
  await done(p);
});

test('runs without streaming', async () => {
  const p = await openPage(world);
  const { pg } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[name="stream"]').uncheck();
  const seenBefore = world.upstream.seen.length;
  await pg.locator('textarea[name="message"]').fill('Whole please');
  await untilRunEnds(p.page, () => pg.locator('button[data-action="run"]').click());
  assert.match(await answers(pg).first().textContent(), /You said: "Whole please"/);
  const [sent] = world.upstream.seen.slice(seenBefore);
  assert.equal(sent.body.stream, undefined, 'no stream field when streaming is off');
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .metric[data-metric="first-token"] dt').textContent(), 'First byte');
  assert.match(await metric(pg, 'tokens').textContent(), /in \/ \d+ out/);
  await done(p);
});

test('renders a slow stream as it arrives', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.slow);
  await pg.locator('textarea[name="message"]').fill('Take your time');
  await untilRunEnds(page, async () => {
    await pg.locator('button[data-action="run"]').click();
    // Part of the answer is on screen while the run is still going.
    await page.waitForFunction(() => {
      const root = document.querySelector('model-playground').shadowRoot;
      const live = root.querySelector('.msg.assistant[data-status="running"] .answer-text[aria-live="polite"]');
      return live && live.textContent.split(' ').length >= 8;
    });
    assert.equal(await pg.locator('button[data-action="stop"]').isEnabled(), true, 'Stop is available while running');
    assert.equal(await pg.locator('button[data-action="run"]').isEnabled(), false);
    await screenshot(page, 'streaming');
  });
  assert.match(await answers(pg).first().textContent(), /one word at a time, so that you can watch it arrive and stop it\.$/);
  assert.equal(await pg.locator('.msg.assistant').first().getAttribute('data-status'), 'done');
  await done(p);
});

test('Stop aborts the call, and the relay stops the provider', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.endless);
  const closedBefore = world.upstream.closed.length;
  await pg.locator('textarea[name="message"]').fill('Never stop');
  await untilRunEnds(page, async () => {
    await pg.locator('button[data-action="run"]').click();
    await page.waitForFunction(() => /word5 /.test(document.querySelector('model-playground').shadowRoot.querySelector('.answer-text')?.textContent ?? ''));
    await pg.locator('button[data-action="stop"]').click();
  });
  const msg = pg.locator('.msg.assistant').first();
  assert.equal(await msg.getAttribute('data-status'), 'stopped');
  assert.match(await msg.locator('.answer-text').textContent(), /word0 word1/, 'what arrived before Stop is kept');
  assert.equal(await metric(pg, 'outcome').textContent(), 'Stopped by you');
  // The checklist is shown after an aborted run too.
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .steps li[data-step]').count(), 5);
  const deadline = Date.now() + 5000;
  while (world.upstream.closed.length === closedBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(world.upstream.closed.length > closedBefore, 'the provider saw its connection closed');
  await done(p);
});

test('Ctrl+Enter (and Cmd+Enter) runs the message', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  const box = pg.locator('textarea[name="message"]');
  await box.fill('From the keyboard');
  await untilRunEnds(page, () => box.press('Control+Enter'));
  assert.match(await answers(pg).first().textContent(), /You said: "From the keyboard"/);
  await box.fill('And with Cmd');
  await untilRunEnds(page, () => box.press('Meta+Enter'));
  assert.match(await answers(pg).nth(1).textContent(), /You said: "And with Cmd"/);
  await done(p);
});

test('a conversation: continue, edit a past message, retry the last answer', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="system"]').fill('Be brief.');
  const box = pg.locator('textarea[name="message"]');
  const run = () => untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());

  await box.fill('first question');
  await run();
  await box.fill('second question');
  await run();
  assert.equal(await pg.locator('.turn').count(), 2);
  // The second call carried the whole conversation: system, user, assistant, user.
  assert.match(await answers(pg).nth(1).textContent(), /You said: "second question"\. Messages: 4\. Images: none\. System: "Be brief\."/);
  const last = world.upstream.seen.at(-1).body.messages;
  assert.deepEqual(last.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.match(last[2].content, /You said: "first question"/);

  // Edit the first message: the conversation is cut after it and that turn runs again.
  await pg.locator('.turn[data-turn="0"] .msg.user button', { hasText: 'Edit' }).click();
  const edit = pg.locator('textarea[data-edit]');
  await edit.fill('first question, edited');
  await untilRunEnds(page, () => pg.getByRole('button', { name: 'Save and run' }).click());
  assert.equal(await pg.locator('.turn').count(), 1);
  assert.equal(await pg.locator('.turn[data-turn="0"] .msg.user .text').textContent(), 'first question, edited');
  assert.match(await answers(pg).first().textContent(), /You said: "first question, edited"\. Messages: 2\./);

  // Retry the last answer: same turn, a new call.
  const seen = world.upstream.seen.length;
  await untilRunEnds(page, () => pg.locator('.msg.assistant button[data-action="retry"]').click());
  assert.equal(world.upstream.seen.length, seen + 1);
  assert.equal(await pg.locator('.turn').count(), 1);
  assert.match(await answers(pg).first().textContent(), /first question, edited/);

  // Clear empties the conversation.
  await pg.locator('button[data-action="clear"]').click();
  assert.equal(await pg.locator('.turn').count(), 0);
  await done(p);
});

test('reasoning is shown apart from the answer, collapsible', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.reasoner);
  await pg.locator('textarea[name="message"]').fill('Think first');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const msg = pg.locator('.msg.assistant').first();
  assert.equal(await msg.locator('details.reasoning').isVisible(), true);
  assert.match(await msg.locator('details.reasoning .text').textContent(), /^First I read the question\. Then I decide to answer briefly\./);
  assert.doesNotMatch(await msg.locator('.answer-text').textContent(), /First I read/);
  // Open while it streams, folded once the answer is there; a click unfolds it.
  assert.equal(await msg.locator('details.reasoning').evaluate((d) => d.open), false);
  await msg.locator('details.reasoning summary').click();
  assert.equal(await msg.locator('details.reasoning').evaluate((d) => d.open), true);
  assert.equal(await msg.locator('details.reasoning .text').isVisible(), true);
  await done(p);
});
