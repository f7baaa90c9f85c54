// Streamed text reaches the DOM once per animation frame, whatever the chunk rate: deltas
// are buffered per pane and appended once per frame to the answer's segmented text (a
// growing answer is never re-set as a whole). Each frame writes at most FRAME_CHARS per
// pane, so the layout a frame pays for stays a few segments long even when the network
// (or a slow frame) delivered far more at once; the rest waits for the next frame. New
// segments below the fold are not laid out at all (content-visibility), so the bound is
// about the DOM and string work, and can be generous: the display keeps up with a fast
// stream, and what is buffered when the run ends is out in a few frames (at once after Stop).

export const FRAME_CHARS = 128 * 1024;
// A hidden tab gets no animation frames: the writing goes on, on a slow timer.
const FRAME_FALLBACK_MS = 100;

export class LiveText {
  constructor() {
    this.panes = new Map(); // pane -> { refs, content: [], reasoning: [] }: what is not drawn yet
    this.frame = 0;
  }

  /**
   * Starts drawing a pane's running answer. The display only: the answer's text is the run's
   * (the stream's Result, gathered once in web/core.js), which the run's final render shows.
   */
  start(pane) {
    this.panes.set(pane, { refs: null, content: [], reasoning: [] });
  }

  /** (Re)binds the DOM nodes of a pane's running answer (after a re-render). */
  attach(pane, refs) {
    const entry = this.panes.get(pane);
    if (entry) entry.refs = refs;
  }

  push(pane, delta) {
    const entry = this.panes.get(pane);
    if (!entry) return;
    if (delta.content) entry.content.push(delta.content);
    if (delta.reasoning) entry.reasoning.push(delta.reasoning);
    this.#schedule();
  }

  /** What is drawn of a pane's running answer so far (for a save while it runs). */
  drawn(pane) {
    const refs = this.panes.get(pane)?.refs;
    return { content: refs?.content.text ?? '', reasoning: refs?.reasoningText.text ?? '' };
  }

  /** Draws up to `limit` characters of what is buffered (one frame's worth), per pane. */
  flush(limit = FRAME_CHARS) {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    let more = false;
    for (const entry of this.panes.values()) {
      let budget = limit;
      const reasoning = take(entry.reasoning, budget);
      budget -= reasoning.length;
      if (reasoning && entry.refs) {
        entry.refs.reasoningText.append(reasoning);
        entry.refs.reasoning.hidden = false;
      }
      const content = take(entry.content, budget);
      if (content) entry.refs?.content.append(content);
      if (entry.reasoning.length || entry.content.length) more = true;
    }
    if (more) this.#schedule();
  }

  /**
   * Resolves once everything buffered for the pane is drawn, a frame's worth at a time.
   * Stop (`signal` aborted) ends the drawing at once, even when the whole answer had already
   * arrived and only its display was behind (a fast provider, a megabyte in eight frames):
   * what is not drawn is dropped here, and the run's final render shows the whole answer
   * from its Result, so Stop never waits for frames and nothing received is lost.
   */
  async finish(pane, signal) {
    const entry = this.panes.get(pane);
    while (entry && (entry.content.length || entry.reasoning.length) && !signal?.aborted) {
      // A hidden tab draws nothing and gets a frame a second at most: draw it all at once.
      if (globalThis.document?.hidden) { this.flush(Infinity); break; }
      // The frame's one writer is the scheduled flush (every pane, a frame's worth each);
      // this only waits for it. Writing here too would double the work of that frame.
      this.#schedule();
      if (await nextFrame(signal) === 'timer') this.flush(); // no frame came: draw anyway
    }
    this.panes.delete(pane);
  }

  #schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.flush(); });
  }
}

/** Removes up to `max` characters from the front of a list of strings and returns them. */
function take(parts, max) {
  if (!parts.length || max <= 0) return '';
  let taken = 0;
  let n = 0;
  while (n < parts.length && taken + parts[n].length <= max) taken += parts[n++].length;
  const out = parts.splice(0, n);
  if (taken < max && parts.length) {
    // Split the next string, but never between the two halves of a surrogate pair.
    let cut = max - taken;
    const code = parts[0].charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    if (cut > 0) {
      out.push(parts[0].slice(0, cut));
      parts[0] = parts[0].slice(cut);
    }
  }
  return out.join('');
}

/** The next animation frame, the fallback timer, or Stop: whichever comes first, by name. */
function nextFrame(signal) {
  return new Promise((resolve) => {
    let frame = 0;
    const onStop = () => done('stop');
    const done = (why) => {
      clearTimeout(timer);
      cancelAnimationFrame(frame);
      signal?.removeEventListener('abort', onStop);
      resolve(why);
    };
    const timer = setTimeout(() => done('timer'), FRAME_FALLBACK_MS);
    frame = requestAnimationFrame(() => done('frame'));
    signal?.addEventListener('abort', onStop, { once: true });
  });
}
