// Streamed text reaches the DOM once per animation frame, whatever the chunk rate: deltas
// are buffered per pane and appended once per frame to the answer's segmented text (a
// growing answer is never re-set as a whole, so a 1 MB answer costs about the same per
// frame as a short one).

export class LiveText {
  constructor() {
    this.panes = new Map(); // pane -> { answer, refs, content: [], reasoning: [] }
    this.frame = 0;
  }

  /** Starts buffering for a pane; `answer` is the state object that accumulates the text. */
  start(pane, answer) {
    this.panes.set(pane, { answer, refs: null, content: [], reasoning: [] });
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
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Writes what is buffered; also called once when a run ends. */
  flush() {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const entry of this.panes.values()) {
      if (entry.reasoning.length) {
        const text = entry.reasoning.join('');
        entry.reasoning = [];
        entry.answer.reasoning += text;
        if (entry.refs) {
          entry.refs.reasoningText.append(text);
          entry.refs.reasoning.hidden = false;
        }
      }
      if (entry.content.length) {
        const text = entry.content.join('');
        entry.content = [];
        entry.answer.content += text;
        entry.refs?.content.append(text);
      }
    }
  }

  stop(pane) {
    this.flush();
    this.panes.delete(pane);
  }
}
