// Image attachments, from the file picker and from a paste: checked for type and size
// before they are read, shown as thumbnails, sent as data: URL image parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS } from './helpers.mjs';

// A real 1×1 PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const png = Buffer.from(PNG_BASE64, 'base64');

const world = useWorld();

test('an image from the file picker is sent as a data: URL image part', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[type="file"]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
  await pg.locator('.composer-images img[alt="dot.png"]').waitFor();
  await pg.locator('textarea[name="message"]').fill('What is in this image?');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());

  const content = world.upstream.seen.at(-1).body.messages.at(-1).content;
  assert.deepEqual(content[0], { type: 'text', text: 'What is in this image?' });
  assert.equal(content[1].type, 'image_url');
  assert.equal(content[1].image_url.url, `data:image/png;base64,${PNG_BASE64}`);
  assert.match(await pg.locator('.answer-text').first().textContent(), /Images: image\/png\./);
  // The thumbnail moved into the conversation; the composer is empty again.
  assert.equal(await pg.locator('.turn .msg.user img[alt="dot.png"]').count(), 1);
  assert.equal(await pg.locator('.composer-images img').count(), 0);
  await done(p);
});

test('an image pasted into the message box is attached', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Pasted:');
  await pg.locator('textarea[name="message"]').evaluate((box, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'clip.png', { type: 'image/png' }));
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  }, PNG_BASE64);
  await pg.locator('.composer-images img[alt="clip.png"]').waitFor();
  assert.equal(await pg.locator('textarea[name="message"]').inputValue(), 'Pasted:', 'the paste did not insert text');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.match(await pg.locator('.answer-text').first().textContent(), /You said: "Pasted:"\. .*Images: image\/png\./);
  await done(p);
});

test('a file of another type, or over 5 MB, is refused before it is read', async () => {
  const p = await openPage(world);
  const { pg } = p;
  const file = pg.locator('input[type="file"]');
  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  const msg = pg.locator('.composer p.field-error[role="alert"]');
  await msg.waitFor();
  assert.match(await msg.textContent(), /notes\.txt is a text\/plain file: attach a PNG, JPEG, GIF or WebP image/);

  const big = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]);
  await file.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: big });
  await p.page.waitForFunction(() => /huge\.png is 5\.0 MB: the limit is 5 MB/.test(document.querySelector('model-playground').shadowRoot.querySelector('.composer p.field-error').textContent));
  assert.equal(await pg.locator('.composer-images img').count(), 0, 'nothing was attached');

  // Removing an attached image.
  await file.setInputFiles({ name: 'ok.png', mimeType: 'image/png', buffer: png });
  await pg.locator('.composer-images img[alt="ok.png"]').waitFor();
  assert.equal(await msg.isHidden(), true, 'the message goes once a good file is attached');
  await pg.getByRole('button', { name: 'Remove ok.png' }).click();
  assert.equal(await pg.locator('.composer-images img').count(), 0);
  await done(p);
});
