// Field errors and warnings shown where they belong: a core field path ("params.temperature",
// "messages[2].content[1].image_url.url") is matched to the control that produced it; the
// control gets aria-invalid and aria-describedby pointing at the message under it.
import { h } from './dom.js';

export class FieldMessages {
  constructor() {
    this.fields = new Map(); // path prefix -> { control, slot }
    this.shown = [];
  }

  /** Registers a control and the element under it that shows its messages. */
  register(path, control, slot) {
    slot.classList.add('field-messages');
    slot.hidden = true;
    this.fields.set(path, { control, slot });
  }

  unregisterPrefix(prefix) {
    for (const key of [...this.fields.keys()]) if (key.startsWith(prefix)) this.fields.delete(key);
  }

  /** The registered field for a core path: the longest registered prefix of it. */
  find(path) {
    let best = null;
    for (const [key, field] of this.fields) {
      const matches = path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
      if (matches && (!best || key.length > best.key.length)) best = { key, ...field };
    }
    return best;
  }

  clear() {
    for (const { control, slot } of this.shown) {
      control.removeAttribute('aria-invalid');
      const ids = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== slot.id);
      if (ids.length) control.setAttribute('aria-describedby', ids.join(' ')); else control.removeAttribute('aria-describedby');
      slot.replaceChildren();
      slot.hidden = true;
    }
    this.shown = [];
  }

  /**
   * Shows errors and warnings at their fields (paths already mapped: field-map.js). Returns
   * the messages that matched no field.
   */
  show({ errors = [], warnings = [] }) {
    this.clear();
    const unplaced = [];
    const place = (item, severity) => {
      const path = item.field ?? item.path ?? '';
      const field = path ? this.find(path) : null;
      if (!field) { unplaced.push({ ...item, severity }); return; }
      const { control, slot } = field;
      const sub = path !== field.key ? `${path.slice(field.key.length).replace(/^\./, '')}: ` : '';
      slot.appendChild(h('p', { class: severity === 'error' ? 'field-error' : 'field-warning' },
        h('span', { class: 'sr-only', text: severity === 'error' ? 'Error: ' : 'Warning: ' }),
        `${item.prefix ?? ''}${sub}${item.message}`));
      slot.hidden = false;
      if (severity === 'error') control.setAttribute('aria-invalid', 'true');
      const ids = new Set((control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
      ids.add(slot.id);
      control.setAttribute('aria-describedby', [...ids].join(' '));
      if (!this.shown.some((s) => s.slot === slot)) this.shown.push({ control, slot });
    };
    for (const e of errors) place(e, 'error');
    for (const w of warnings) place(w, 'warning');
    return unplaced;
  }

  /** The first control showing an error (to move focus there). */
  firstInvalid() {
    return this.shown.find(({ control }) => control.getAttribute('aria-invalid') === 'true')?.control ?? null;
  }
}
