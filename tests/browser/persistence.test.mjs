// Nothing lost: the draft, parameters, chosen models and conversation survive a reload and a
// failed call; images too while they fit in browser storage, and the page says when not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, waitReady, MODELS } from './helpers.mjs';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const world = useWorld();

async function reload(page) {
  await page.reload();
  await waitReady(page);
}

test('a reload keeps the draft, the parameters, the models and the conversation', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo2);
  await pg.locator('textarea[name="system"]').fill('You are terse.');
  await pg.locator('input[name="temperature"]').fill('0.3');
  await pg.locator('textarea[name="stop"]').fill('END\nSTOP');
  await pg.locator('select[name="response_format"]').selectOption('json_schema');
  await pg.locator('textarea[name="schema"]').fill('{"type": "object"}');
  await pg.locator('input[name="stream"]').uncheck();
  await pg.locator('textarea[name="message"]').fill('first');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  await pg.locator('textarea[name="message"]').fill('an unsent draft');
  await pg.locator('input[type="file"]').setInputFiles({ name: 'small.png', mimeType: 'image/png', buffer: Buffer.from(PNG_BASE64, 'base64') });
  await pg.locator('.composer-images img[alt="small.png"]').waitFor();

  await reload(page);
  assert.equal(await pg.locator('select[name="model-0"]').inputValue(), world.ids[MODELS.echo2]);
  assert.equal(await pg.locator('textarea[name="system"]').inputValue(), 'You are terse.');
  assert.equal(await pg.locator('input[name="temperature"]').inputValue(), '0.3');
  assert.equal(await pg.locator('textarea[name="stop"]').inputValue(), 'END\nSTOP');
  assert.equal(await pg.locator('select[name="response_format"]').inputValue(), 'json_schema');
  assert.equal(await pg.locator('textarea[name="schema"]').inputValue(), '{"type": "object"}');
  assert.equal(await pg.locator('input[name="stream"]').isChecked(), false);
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), 'an unsent draft');
  assert.equal(await pg.locator('.composer-images img[alt="small.png"]').count(), 1, 'a small image is kept');
  assert.equal(await pg.locator('.turn').count(), 1);
  assert.equal(await pg.locator('.turn .msg.user .text').textContent(), 'first');
  assert.match(await pg.locator('.turn .answer-text').textContent(), /You said: "first"/);

  // The restored conversation is the context of the next call.
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const sent = world.upstream.seen.at(-1).body;
  assert.deepEqual(sent.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  assert.equal(sent.messages[3].content[1].image_url.url, `data:image/png;base64,${PNG_BASE64}`);
  assert.deepEqual(sent.stop, ['END', 'STOP']);
  await done(p);
});

test('a failed call keeps the message; compare mode and its models survive a reload', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pg.locator('input[name="compare"]').check();
  await pickModel(pg, world, MODELS.refused, 0);
  await pickModel(pg, world, MODELS.echo, 1);
  await pg.locator('textarea[name="message"]').fill('Will this get through?');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(await pg.locator('.msg.assistant[data-pane="0"]').getAttribute('data-status'), 'error');

  await reload(page);
  assert.equal(await pg.locator('input[name="compare"]').isChecked(), true);
  assert.equal(await pg.locator('select[name="model-0"]').inputValue(), world.ids[MODELS.refused]);
  assert.equal(await pg.locator('select[name="model-1"]').inputValue(), world.ids[MODELS.echo]);
  assert.equal(await pg.locator('.turn .msg.user .text').textContent(), 'Will this get through?');
  assert.equal(await pg.locator('.msg.assistant[data-pane="0"]').getAttribute('data-status'), 'error');
  assert.match(await pg.locator('.msg.assistant[data-pane="0"] .answer-error').textContent(), /refused/);

  // Run with an empty box retries the failed turn; here on a model that works.
  await pickModel(pg, world, MODELS.echo2, 0);
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(await pg.locator('.turn').count(), 1);
  assert.match(await pg.locator('.msg.assistant[data-pane="0"] .answer-text').textContent(), /You said: "Will this get through\?"/);
  await done(p);
});

test('an image too large for browser storage is named, not silently lost', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  // 4.5 MB passes the 5 MB attachment limit but not the storage budget (base64 grows it).
  const big = Buffer.concat([Buffer.from(PNG_BASE64, 'base64'), Buffer.alloc(4.5 * 1024 * 1024, 7)]);
  await pg.locator('input[type="file"]').setInputFiles({ name: 'poster.png', mimeType: 'image/png', buffer: big });
  await pg.locator('.composer-images img[alt="poster.png"]').waitFor();
  await pg.locator('textarea[name="message"]').fill('look');
  const note = pg.locator('[data-note="not-kept"]');
  await note.waitFor();
  assert.match(await note.textContent(), /poster\.png/);

  await reload(page);
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), 'look', 'the text is kept');
  assert.match(await pg.locator('.composer-images .dropped').textContent(), /poster\.png: not kept after the reload/);
  await done(p);
});

test('a megabyte answer survives a reload: saved in parts, never as a half-written state', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.big);
  await pg.locator('textarea[name="message"]').fill('a long one');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const shown = await pg.locator('.msg.assistant .answer-text').textContent();
  assert.ok(shown.length > 1_000_000, `${shown.length} characters shown`);
  // The main key names its parts; no part is larger than one quick write.
  const saved = await page.evaluate(() => Object.keys(localStorage).map((k) => [k, localStorage.getItem(k).length]));
  const main = await page.evaluate(() => JSON.parse(localStorage.getItem('model-playground:v1')));
  assert.ok(main.split.parts >= 4, JSON.stringify(main));
  assert.equal(saved.length, main.split.parts + 1, 'no stale parts');
  assert.ok(saved.every(([, n]) => n <= 256 * 1024));

  await reload(page);
  assert.equal(await pg.locator('.msg.assistant .answer-text').textContent(), shown);
  assert.equal(await pg.locator('.turn .msg.user .text').textContent(), 'a long one');
  await done(p);
});
