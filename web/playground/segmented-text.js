// Long text (a streamed answer can pass a megabyte) kept as a column of block segments of a
// few kilobytes each. Appending touches only the last segment, so the browser lays out a
// few kilobytes per frame instead of the whole answer; segments out of view skip rendering
// (content-visibility in playground.css). Segments break only after a newline, where a
// block boundary looks exactly like the line break it replaces; a single line longer than
// MAX_SEGMENT is cut at a space (or anywhere, as a last resort).

export const SEGMENT = 4 * 1024;
export const MAX_SEGMENT = 12 * 1024;

export class SegmentedText {
  /** @param {HTMLElement} container  emptied and filled with segments */
  constructor(container) {
    this.container = container;
    this.last = null;
    this.lastLength = 0;
    this.text = ''; // everything shown, so a re-render can tell whether this DOM is still right
  }

  setText(text) {
    this.container.replaceChildren();
    this.last = null;
    this.lastLength = 0;
    this.text = '';
    this.append(text);
  }

  append(text) {
    let rest = String(text ?? '');
    this.text += rest;
    while (rest.length) {
      if (!this.last) this.#newSegment();
      const room = SEGMENT - this.lastLength;
      if (room > 0 && rest.length <= room) {
        this.#write(rest);
        return;
      }
      // The segment is full (or will be): end it at a newline, else at a space once it is
      // far too long, else keep filling it.
      const window = rest.slice(0, Math.max(room, 0) + MAX_SEGMENT);
      let cut = window.indexOf('\n', Math.max(room, 0));
      if (cut < 0 && this.lastLength + window.length >= MAX_SEGMENT) {
        const limit = Math.max(1, MAX_SEGMENT - this.lastLength);
        cut = window.lastIndexOf(' ', limit);
        if (cut < 0) cut = limit - 1;
      }
      if (cut < 0) {
        this.#write(rest);
        return;
      }
      this.#write(rest.slice(0, cut + 1));
      rest = rest.slice(cut + 1);
      this.last = null;
    }
  }

  #newSegment() {
    this.last = document.createElement('span');
    this.last.className = 'seg';
    this.container.appendChild(this.last);
    this.lastLength = 0;
  }

  #write(text) {
    const node = /** @type {Text | null} */ (this.last.lastChild); // a segment holds text nodes only
    if (node) node.appendData(text); else this.last.appendChild(document.createTextNode(text));
    this.lastLength += text.length;
  }
}
