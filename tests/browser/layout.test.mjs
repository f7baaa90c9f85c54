// Layout and accessibility: readable at 1280 px and at 400 px (no sideways scrolling), dark
// mode from the system setting, the gateway notice always there, visible focus, a polite
// live region for the streamed answer, and a sensible tab order. Also writes the idle,
// 400 px and dark-mode screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useWorld, done, openPage, untilRunEnds, pickModel, screenshot, MODELS } from './helpers.mjs';

const world = useWorld();

/** Elements of the shadow tree wider than the viewport, or the page scrolling sideways. */
function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const root = document.querySelector('model-playground').shadowRoot;
    const wide = [...root.querySelectorAll('*')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && (r.right > width + 1 || r.left < -1);
    }).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
    return { scroll: document.documentElement.scrollWidth > width, wide: wide.slice(0, 10) };
  });
}

test('idle at 1280 px: the notice, three columns, nothing sideways', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  const notice = pg.locator('.notice');
  assert.match(await notice.textContent(), /bypass the managed gateway/);
  assert.match(await notice.textContent(), /provider bills/);
  const [setup, chat, results] = await Promise.all(['.setup', '.chat', '.results'].map((s) => pg.locator(s).boundingBox()));
  assert.ok(setup.x < chat.x && chat.x < results.x && Math.abs(setup.y - results.y) < 2, 'three columns side by side');
  assert.deepEqual(await overflow(page), { scroll: false, wide: [] });
  await screenshot(page, 'idle');
  await done(p);
});

test('400 px wide: one column, readable, no sideways scrolling, notice still shown', async () => {
  const p = await openPage(world, { viewport: { width: 400, height: 860 } });
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.echo);
  await pg.locator('textarea[name="message"]').fill('Narrow screen, long words: supercalifragilisticexpialidocious_without_any_break_at_all_0123456789');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const [setup, chat, results] = await Promise.all(['.setup', '.chat', '.results'].map((s) => pg.locator(s).boundingBox()));
  assert.ok(setup.y < chat.y && chat.y < results.y, 'stacked in one column');
  assert.ok(chat.width > 360, 'the conversation uses the width');
  assert.equal(await pg.locator('.notice').isVisible(), true);
  assert.deepEqual(await overflow(page), { scroll: false, wide: [] });
  const fontSize = await pg.locator('.answer-text').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 14, 'text stays readable');
  await screenshot(page, 'narrow-400px');
  await done(p);
});

test('dark mode follows the system setting', async () => {
  const p = await openPage(world, { colorScheme: 'dark' });
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.reasoner);
  await pg.locator('textarea[name="message"]').fill('Hello in the dark');
  await untilRunEnds(page, () => pg.locator('button[data-action="run"]').click());
  const [bg, fg] = await pg.locator('.app').evaluate((el) => {
    const host = el.getRootNode().host;
    return [getComputedStyle(host).backgroundColor, getComputedStyle(host).color];
  });
  const lum = (c) => { const [r, g, b] = c.match(/\d+/g).map(Number); return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; };
  assert.ok(lum(bg) < 0.2, `dark background (${bg})`);
  assert.ok(lum(fg) > 0.7, `light text (${fg})`);
  await screenshot(page, 'dark');
  await done(p);
});

test('keyboard: a sensible tab order, visible focus, a polite live region while streaming', async () => {
  const p = await openPage(world);
  const { pg, page } = p;
  await pickModel(pg, world, MODELS.slow);
  // Tab from the model picker: the next stops follow the page's reading order.
  await pg.locator('select[name="model-0"]').focus();
  const order = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const name = await page.evaluate(() => {
      const el = document.querySelector('model-playground').shadowRoot.activeElement;
      return el ? (el.getAttribute('name') || el.dataset.action || el.textContent.trim().slice(0, 20)) : null;
    });
    order.push(name);
  }
  const at = (n) => order.indexOf(n);
  assert.ok(at('compare') >= 0 && at('probe') > at('compare'), 'compare, then Test connection');
  assert.ok(at('temperature') > at('probe'), 'then the parameters');
  assert.ok(at('system') > at('temperature'), 'then the system prompt');
  assert.ok(at('message') > at('system') && at('run') > at('message'), 'then the message and Run');

  const outline = await pg.locator('button[data-action="run"]').evaluate((el) => {
    el.focus({ focusVisible: true });
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.notEqual(outline.style, 'none', 'focus is visible');
  assert.ok(outline.width >= 2);

  await pg.locator('textarea[name="message"]').fill('Stream for the screen reader');
  await untilRunEnds(page, async () => {
    await pg.locator('textarea[name="message"]').press('Control+Enter');
    const live = pg.locator('.msg.assistant[data-status="running"] .answer-text');
    await live.waitFor();
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    await pg.locator('button[data-action="stop"]').click();
  });
  await done(p);
});
