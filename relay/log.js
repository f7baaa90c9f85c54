// The relay's log format: one JSON line per entry, `time` (ISO 8601) first, then the entry's
// own fields (docs/relay.md, "Operating it": never a prompt or a secret; callers redact).

/** `{"time":"…", …entry}` and a newline, built without copying the entry (one per chat call). */
export function logLine(entry) {
  if (entry === null || typeof entry !== 'object' || Object.hasOwn(entry, 'time')) return `${JSON.stringify({ time: now(), ...entry })}\n`;
  const rest = JSON.stringify(entry);
  return `{"time":"${now()}"${rest.length > 2 ? `,${rest.slice(1)}` : '}'}\n`;
}

// The time's text, written once per millisecond: a busy relay logs many lines in one, and
// toISOString() took about a third of a line's cost.
let lastMs = Number.NaN;
let lastText = '';
function now() {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastText = new Date(ms).toISOString();
  }
  return lastText;
}
