// Parameters: the core's field errors appear at the field that caused them (aria-invalid,
// aria-describedby) and nothing is sent; warnings appear too but do not block the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS } from './helpers.mjs';

const world = useWorld();

/** The messages under a control, found through its aria-describedby. */
function describedText(control) {
  return control.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(' ')
    .map((id) => el.getRootNode().getElementById(id)?.textContent ?? '').join(' | '));
}

test('temperature 5: an error at the field, and nothing is sent', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  const temperature = pg.locator('input[name="temperature"]');
  await temperature.fill('5');
  await pg.locator('textarea[name="message"]').fill('Hot take');
  const seen = world.upstream.seen.length;
  await pg.locator('button[data-action="run"]').click();

  await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('input[name="temperature"]').getAttribute('aria-invalid') === 'true');
  assert.match(await describedText(temperature), /must be between 0 and 2 \(got 5\)/);
  assert.equal(await temperature.evaluate((el) => el.getRootNode().activeElement === el), true, 'focus moves to the wrong field');
  assert.equal(world.upstream.seen.length, seen, 'nothing reached the provider');
  assert.equal(p.received.length > 0, true);
  const chatCalls = (await Promise.all(p.received)).filter((r) => r.url.endsWith('/api/playground/chat'));
  assert.equal(chatCalls.length, 0, 'nothing was posted to the relay');
  assert.equal(await pg.locator('.turn').count(), 0, 'the message stays in the composer');
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), 'Hot take');

  // Fixed: the error goes away and the value is sent.
  await temperature.fill('0.7');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(await temperature.getAttribute('aria-invalid'), null);
  assert.doesNotMatch(await describedText(temperature), /must be between/);
  assert.equal(world.upstream.seen.at(-1).body.temperature, 0.7);
  assert.match(await pg.locator('.answer-text').first().textContent(), /Temperature: 0\.7\./);
  await done(p);
});

test('several wrong fields are all marked at once', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[name="seed"]').fill('abc');
  await pg.locator('input[name="top_p"]').fill('1.5');
  await pg.locator('textarea[name="stop"]').fill('a\nb\nc\nd\ne');
  await pg.locator('textarea[name="message"]').fill('Hi');
  const seen = world.upstream.seen.length;
  await pg.locator('button[data-action="run"]').click();
  await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelectorAll('[aria-invalid="true"]').length >= 3);
  for (const name of ['seed', 'top_p']) assert.equal(await pg.locator(`input[name="${name}"]`).getAttribute('aria-invalid'), 'true', name);
  assert.equal(await pg.locator('textarea[name="stop"]').getAttribute('aria-invalid'), 'true');
  assert.match(await describedText(pg.locator('textarea[name="stop"]')), /5 stop sequences; the limit is 4/);
  assert.match(await describedText(pg.locator('input[name="top_p"]')), /between 0 and 1/);
  assert.equal(world.upstream.seen.length, seen);
  await done(p);
});

test('a warning is shown at its field and the run still goes', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('select[name="response_format"]').selectOption('json_object');
  await pg.locator('textarea[name="message"]').fill('Tell me a joke');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const format = pg.locator('select[name="response_format"]');
  assert.equal(await format.getAttribute('aria-invalid'), null, 'a warning is not an error');
  assert.match(await describedText(format), /mentions JSON/);
  assert.deepEqual(world.upstream.seen.at(-1).body.response_format, { type: 'json_object' });
  await done(p);
});

test('JSON schema: a schema that is not JSON is an error at the schema box; a valid one is sent', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('select[name="response_format"]').selectOption('json_schema');
  const schema = pg.locator('textarea[name="schema"]');
  assert.equal(await schema.isVisible(), true, 'the schema box appears with JSON schema');
  await schema.fill('{"type": "object",');
  await pg.locator('textarea[name="message"]').fill('Answer in JSON');
  const seen = world.upstream.seen.length;
  await pg.locator('button[data-action="run"]').click();
  await page.waitForFunction(() => document.querySelector('model-playground').shadowRoot.querySelector('textarea[name="schema"]').getAttribute('aria-invalid') === 'true');
  assert.match(await describedText(schema), /not valid JSON/);
  assert.equal(world.upstream.seen.length, seen);

  await schema.fill('{"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}');
  await pg.locator('input[name="schema_name"]').fill('reply');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const sent = world.upstream.seen.at(-1).body.response_format;
  assert.equal(sent.type, 'json_schema');
  assert.equal(sent.json_schema.name, 'reply');
  assert.deepEqual(sent.json_schema.schema.required, ['answer']);
  await done(p);
});

test('every control has a label', async () => {
  const p = await openPage(world);
  const unlabeled = await p.page.evaluate(() => {
    const root = document.querySelector('model-playground').shadowRoot;
    return [...root.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !el.hidden && el.type !== 'file')
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML.slice(0, 80));
  });
  assert.deepEqual(unlabeled, []);
  await done(p);
});
