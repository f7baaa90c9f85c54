// Polish (issue 20, item 7), in Chromium: a refused image's message goes with the message that
// is sent; a stopped run's condition reads as two sentences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, MODELS } from './helpers.mjs';

const world = useWorld();

test('an image-rejection message is gone once a later message is sent', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('input[type="file"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  const msg = pg.locator('.composer p.field-error[role="alert"]');
  await msg.waitFor();
  assert.match(await msg.textContent(), /notes\.txt/);
  await pg.locator('textarea[name="message"]').fill('Hello');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  assert.equal(await msg.isVisible(), false, 'the refusal went with the message sent');
  await done(p);
});

test('a stopped run says "You stopped the run. Run again …", not glued', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.endless);
  await pg.locator('textarea[name="message"]').fill('Go on');
  await untilRunEnds(page, async () => {
    await pg.locator('button[data-action="run"]').click();
    await page.waitForTimeout(600);
    await pg.locator('button[data-action="stop"]').click();
  });
  const line = await pg.locator('.pane-results[data-pane="0"] .conditions li[data-kind="stopped"]').textContent();
  assert.match(line, /You stopped the run\. Run again to check a whole answer\./);
  assert.doesNotMatch(line, /run run/);
  await done(p);
});

test('a relay error shows no "First byte" time and not the relay\'s own headers as the response', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.refused); // nobody listening: the relay's own 502
  await untilRunEnds(page, () => pg.locator('button[data-action="probe"]').click());
  const card = pg.locator('.pane-results[data-pane="0"]');
  assert.equal(await card.locator('.metric[data-metric="first-token"] dd').textContent(), '—');
  await card.locator('details.inspect > summary').click();
  await card.locator('.inspect-body').waitFor();
  await card.locator('.inspect-upstream[data-preview="ready"]').waitFor(); // the relay's preview, asked on opening
  assert.equal(await card.locator('pre[aria-label="Response headers"]').count(), 0);
  assert.match(await card.locator('[data-role="relay-answer"]').textContent(), /The relay answered itself \(HTTP 502, refused\)/);
  await done(p);
});

test('an image dropped on the composer is attached; a dropped file of another type is refused', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
  const drop = (name, type, base64) => page.evaluate(({ name, type, base64 }) => {
    const root = document.querySelector('model-playground').shadowRoot;
    const target = root.querySelector('textarea[name="message"]');
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
    target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
    const marked = root.querySelector('.composer').dataset.drop === 'on';
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
    return marked;
  }, { name, type, base64 });
  assert.equal(await drop('dot.png', 'image/png', PNG), true, 'the composer is marked while files are over it');
  await pg.locator('.composer-images img[alt="dot.png"]').waitFor();
  assert.equal(await pg.locator('.composer').getAttribute('data-drop'), null);
  await drop('notes.txt', 'text/plain', 'aGVsbG8=');
  assert.match(await pg.locator('.composer p.field-error[role="alert"]').textContent(), /notes\.txt is a text\/plain file/);
  await done(p);
});

test('"Clear conversation" can be undone: the turns and the results come back', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Keep me');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const before = await pg.locator('.conversation').textContent();
  assert.match(before, /Keep me/);
  await pg.locator('button[data-action="clear"]').click();
  assert.doesNotMatch(await pg.locator('.conversation').textContent(), /Keep me/);
  await pg.locator('[data-role="undo"] button[data-action="undo"]').click();
  assert.match(await pg.locator('.conversation').textContent(), /Keep me/);
  assert.equal(await pg.locator('.pane-results[data-pane="0"] .checklist').count(), 1, 'the checklist is back');
  assert.equal(await pg.locator('[data-role="undo"]').count(), 0);
  await done(p);
});

test('an untestable model\'s reason is said once, its targets not repeated, `code` as <code>', async () => {
  const p = await openPage(world);
  const { pg } = p;
  await pg.locator('details.untestable summary').click();
  const item = pg.locator(`details.untestable li[data-model-id="${world.ids[MODELS.failover]}"]`);
  const text = await item.textContent();
  assert.doesNotMatch(text, /\(routes to /, 'the core\'s reason names the targets; the page adds nothing');
  assert.equal(text.split(MODELS.echo2).length - 1, 1, 'each target named once');
  assert.doesNotMatch(text, /`/);
  await done(p);
});

test('a long model name is readable in the picker at 1280 px, and fits at 400 px with no sideways scroll', async () => {
  const LONG = 'Echo with a rather long display name for the team sandbox v2'; // 60 characters
  assert.equal(LONG.length, 60);
  for (const width of [1280, 400]) {
    const context = await world.browser.newContext({ viewport: { width, height: 900 } });
    await context.route((url) => url.pathname.endsWith('/models'), async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      for (const m of body.models) if (m.display_name === MODELS.echo) m.display_name = LONG;
      await route.fulfill({ response: res, json: body });
    });
    const p = await openPage(world, { context });
    const { pg, page } = p;
    await pickModel(pg, world, MODELS.echo);
    const fit = await page.evaluate(() => {
      const root = document.querySelector('model-playground').shadowRoot;
      const select = root.querySelector('select[name="model-0"]');
      const pane = select.closest('.picker-pane').getBoundingClientRect();
      const box = select.getBoundingClientRect();
      const shown = root.querySelector('.picker-pane[data-pane="0"] [data-role="chosen-model"]');
      return {
        selectInPane: box.left >= pane.left - 1 && box.right <= pane.right + 1,
        title: select.title,
        shown: shown && shown.checkVisibility() ? shown.textContent : null,
        shownClipped: shown ? shown.scrollWidth > shown.clientWidth + 1 : null,
        pageScroll: document.documentElement.scrollWidth > document.documentElement.clientWidth,
      };
    });
    // The select is as wide as its column (it cuts a long label); the card under it has the whole name.
    assert.equal(fit.selectInPane, true, `the select stays in its column at ${width} px`);
    assert.ok(fit.shown?.includes(LONG), `the chosen model's full name is shown under the select at ${width} px`);
    assert.equal(fit.shownClipped, false);
    assert.ok(fit.title?.includes(LONG), 'the select\'s tooltip is the whole label');
    assert.equal(fit.pageScroll, false, `no sideways scroll at ${width} px`);
    await done(p);
  }
});
