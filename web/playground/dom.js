// The one way this page makes DOM: elements built from plain values, text always set as
// text (model output and provider messages are never parsed as HTML).

/**
 * h('p', { class: 'x', attrs: { 'aria-live': 'polite' }, on: { click } }, 'text', child)
 * Props: class, text, attrs (setAttribute), dataset, on (event listeners), and any
 * other key is assigned as a DOM property (value, checked, disabled, type, …).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) { if (v !== undefined && v !== null && v !== false) el.setAttribute(a, v === true ? '' : String(v)); }
    else if (key === 'dataset') for (const [d, v] of Object.entries(value)) { if (v !== undefined && v !== null) el.dataset[d] = String(v); }
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else el[key] = value;
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces every child of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Runs `fn` (a re-render) without losing the focused control of `root`, matched again by
 * its name or action.
 * @param {ShadowRoot} root
 * @param {() => void} fn
 */
export function keepFocus(root, fn) {
  const active = /** @type {HTMLElement | null} */ (root.activeElement);
  const key = active && (active.getAttribute('name') ? `[name="${active.getAttribute('name')}"]` : active.dataset?.action ? `[data-action="${active.dataset.action}"]` : null);
  fn();
  if (key && !root.activeElement) /** @type {HTMLElement | null} */ (root.querySelector(key))?.focus();
}

/**
 * Shows `text` in a banner (its kind in data-kind), or hides it when there is none.
 * @param {HTMLElement} banner
 * @param {string | null} text
 * @param {string} kind
 */
export function showBanner(banner, text, kind) {
  if (!text) { banner.hidden = true; banner.textContent = ''; delete banner.dataset.kind; return; }
  banner.textContent = text;
  banner.dataset.kind = kind;
  banner.hidden = false;
}

let idCounter = 0;
/** A document-unique id for label/aria wiring inside one shadow root. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** "1.2 MB", "830 kB", "412 B". */
export function humanBytes(n) {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} kB`;
  return `${n} B`;
}

/** "812 ms", "3.4 s"; "—" when unknown. */
export function ms(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(value < 10000 ? 2 : 1)} s`;
}
