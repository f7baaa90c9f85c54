// web/playground/live.js: streamed text is drawn a frame's worth at a time, and Stop ends
// the drawing at once even when the display is behind. live.js only draws: the answer's text
// is the run's Result (web/core.js gathers it), which the run's final render shows. Frames
// are stepped by hand here (a fake requestAnimationFrame), so each test knows exactly how many ran.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { LiveText, FRAME_CHARS } from '../../web/playground/live.js';

let frames = new Map();
let nextId = 1;
globalThis.requestAnimationFrame = (cb) => { const id = nextId++; frames.set(id, cb); return id; };
globalThis.cancelAnimationFrame = (id) => { frames.delete(id); };
beforeEach(() => { frames = new Map(); });

/** Runs the frames requested so far, then lets the awaiting code go on. */
async function frame() {
  const due = [...frames.values()];
  frames.clear();
  for (const cb of due) cb(0);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A pane whose DOM nodes only record what was appended to them (as SegmentedText's `text`). */
function pane(live, id) {
  const shown = { content: '', reasoning: '' };
  live.start(id);
  live.attach(id, {
    content: { append: (t) => { shown.content += t; }, get text() { return shown.content; } },
    reasoningText: { append: (t) => { shown.reasoning += t; }, get text() { return shown.reasoning; } },
    reasoning: { hidden: true },
  });
  return { shown };
}

const megabyte = (ch) => Array.from({ length: 64 }, (_, i) => `${ch}${i}`.padEnd(16 * 1024, ch));

test('a megabyte that arrived at once is drawn a frame’s worth at a time, all of it', async () => {
  const live = new LiveText();
  const { shown } = pane(live, 0);
  const parts = megabyte('a');
  for (const part of parts) live.push(0, { content: part });
  let done = false;
  const finished = live.finish(0).then(() => { done = true; });
  let count = 0;
  let most = 0;
  while (!done && count < 100) {
    const before = shown.content.length;
    await frame();
    most = Math.max(most, shown.content.length - before);
    count++;
  }
  await finished;
  assert.ok(most <= FRAME_CHARS, `at most a frame's worth per frame (${most} characters in one)`);
  assert.equal(shown.content, parts.join(''), 'every character reached the DOM');
  assert.ok(count >= Math.ceil(shown.content.length / FRAME_CHARS), `${count} frames for ${shown.content.length} characters`);
});

test('Stop while the display is behind: no more frames are awaited, nothing more is drawn', async () => {
  const live = new LiveText();
  const { shown } = pane(live, 0);
  const reasoning = 'thinking '.repeat(5_000);
  live.push(0, { reasoning });
  const parts = megabyte('b');
  for (const part of parts) live.push(0, { content: part });
  const stop = new AbortController();
  let done = false;
  const finished = live.finish(0, stop.signal).then(() => { done = true; });
  await frame(); // one frame's worth is on screen, seven more would follow
  await frame();
  const shownAtStop = shown.content.length + shown.reasoning.length;
  assert.ok(shownAtStop > 0 && shownAtStop < reasoning.length + parts.join('').length, 'the display is behind when Stop is pressed');
  stop.abort();
  for (let i = 0; i < 5 && !done; i++) await Promise.resolve();
  assert.ok(done, 'finish() resolved on Stop, with no further frame');
  await finished;
  assert.deepEqual(live.drawn(0), { content: '', reasoning: '' }, 'the pane is done with');
  assert.equal(shown.content.length + shown.reasoning.length, shownAtStop, 'nothing more is drawn frame by frame after Stop');
  await frame();
  assert.equal(shown.content.length + shown.reasoning.length, shownAtStop, 'not even by a frame requested before Stop');
});

test('Stop before the run’s end: finish() resolves without waiting for a frame', async () => {
  const live = new LiveText();
  const { shown } = pane(live, 0);
  live.push(0, { content: 'partial answer' });
  const stop = new AbortController();
  stop.abort();
  await live.finish(0, stop.signal);
  assert.equal(shown.content, '', 'nothing drawn after Stop');
  assert.equal(live.panes.size, 0);
});

test('drawn(): what a running pane shows so far, for a save while it runs', async () => {
  const live = new LiveText();
  pane(live, 0);
  live.push(0, { reasoning: 'hmm ' });
  live.push(0, { content: 'partial' });
  assert.deepEqual(live.drawn(0), { content: '', reasoning: '' }, 'nothing before a frame');
  await frame();
  assert.deepEqual(live.drawn(0), { content: 'partial', reasoning: 'hmm ' });
  assert.deepEqual(live.drawn(5), { content: '', reasoning: '' }, 'a pane that is not running');
});

test('two panes: Stop ends both, each drew its own text', async () => {
  const live = new LiveText();
  const a = pane(live, 0);
  const b = pane(live, 1);
  for (const part of megabyte('x')) live.push(0, { content: part });
  for (const part of megabyte('y')) live.push(1, { content: part });
  const stop = new AbortController();
  const both = Promise.all([live.finish(0, stop.signal), live.finish(1, stop.signal)]);
  await frame();
  stop.abort();
  await both;
  assert.ok(megabyte('x').join('').startsWith(a.shown.content) && a.shown.content.length > 0);
  assert.ok(megabyte('y').join('').startsWith(b.shown.content) && b.shown.content.length > 0);
  assert.equal(live.panes.size, 0);
});
