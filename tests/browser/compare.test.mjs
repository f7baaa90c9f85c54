// Compare: the same conversation on up to three models side by side, each pane with its own
// answer, times, tokens, cost and checklist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, checklist, MODELS } from './helpers.mjs';

const world = useWorld();

test('three models side by side, each with its own results and checklist', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pg.locator('input[name="compare"]').check();
  assert.equal(await pg.locator('select[name^="model-"]').count(), 2, 'compare starts with two models');
  await pg.locator('button[data-action="add-pane"]').click();
  assert.equal(await pg.locator('select[name^="model-"]').count(), 3);
  assert.equal(await pg.locator('button[data-action="add-pane"]').isDisabled(), true, 'three at most');
  await pickModel(pg, world, MODELS.echo, 0);
  await pickModel(pg, world, MODELS.reasoner, 1);
  await pickModel(pg, world, MODELS.wrongKey, 2);

  await pg.locator('textarea[name="message"]').fill('Compare this');
  const seen = world.upstream.seen.length;
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(world.upstream.seen.length, seen + 3, 'one call per model');
  assert.deepEqual(world.upstream.seen.slice(seen).map((s) => s.body.model).sort(), ['echo-1', 'echo-1', 'reasoner-1']);

  const turn = pg.locator('.turn[data-turn="0"]');
  assert.equal(await turn.locator('.msg.assistant').count(), 3);
  assert.match(await turn.locator('.msg.assistant[data-pane="0"] .answer-text').textContent(), /You said: "Compare this"/);
  assert.equal(await turn.locator('.msg.assistant[data-pane="1"] details.reasoning').isVisible(), true);
  assert.equal(await turn.locator('.msg.assistant[data-pane="2"]').getAttribute('data-status'), 'error');

  // Side by side: the answer columns and result panes share a row at 1280 px.
  const boxes = await Promise.all([0, 1, 2].map((i) => pg.locator(`.pane-results[data-pane="${i}"]`).boundingBox()));
  assert.ok(boxes[0].x < boxes[1].x && boxes[1].x < boxes[2].x, 'panes left to right');
  assert.ok(Math.abs(boxes[0].y - boxes[2].y) < 2, 'on one row');

  const pass = { reach: 'pass', endpoint: 'pass', key: 'pass', model: 'pass', answer: 'pass' };
  assert.deepEqual(await checklist(pg, 0), pass);
  assert.deepEqual(await checklist(pg, 1), pass);
  assert.equal((await checklist(pg, 2)).key, 'fail');
  for (const i of [0, 1, 2]) {
    assert.match(await pg.locator(`.pane-results[data-pane="${i}"] .metric[data-metric="total"] dd`).textContent(), /\d/, `pane ${i} has its own total time`);
  }
  assert.match(await pg.locator('.pane-results[data-pane="1"] h3').textContent(), /Reasoner · reasoner-1/);
  assert.match(await pg.locator('.pane-results[data-pane="0"] .metric[data-metric="tokens"] dd').textContent(), /in \/ \d+ out/);
  assert.equal(await pg.locator('.pane-results[data-pane="2"] .metric[data-metric="tokens"] dd').textContent(), '—');
  await screenshot(page, 'compare');

  // A follow-up goes to every model, each with its own history.
  await pg.locator('textarea[name="message"]').fill('And then?');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const reasonerCall = world.upstream.seen.at(-3).body.model === 'reasoner-1' ? world.upstream.seen.at(-3) : world.upstream.seen.slice(-3).find((s) => s.body.model === 'reasoner-1');
  assert.deepEqual(reasonerCall.body.messages.map((m) => m.role), ['user', 'assistant', 'user']);
  assert.match(reasonerCall.body.messages[1].content, /You said: "Compare this"/);

  // Retry only one pane.
  const before = world.upstream.seen.length;
  await untilRunEnds(page, () => pg.locator('.turn[data-turn="1"] .msg.assistant[data-pane="0"] button[data-action="retry"]').click());
  assert.equal(world.upstream.seen.length, before + 1);
  assert.equal(world.upstream.seen.at(-1).body.model, 'echo-1');

  // Back to one model.
  await pg.locator('button[data-action="remove-pane"]').click();
  assert.equal(await pg.locator('select[name^="model-"]').count(), 2);
  await pg.locator('input[name="compare"]').uncheck();
  assert.equal(await pg.locator('select[name^="model-"]').count(), 1);
  assert.equal(await pg.locator('.turn[data-turn="0"] .msg.assistant').count(), 1);
  await done(p);
});
