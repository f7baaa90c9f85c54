// Where a run's errors and warnings are shown: the core's paths are into the form it built
// ("messages[3].content"), and the form's messages came from the conversation (forms.js
// `origins`). A path into the message being composed goes to the composer's field; one into
// a past message is said in words ("message 2 (yours)") in the list under the composer; any
// other path is left for the field it names (fields.js matches it to a control). Pure: no DOM.

/**
 * @typedef {import('./forms.js').Message} Message
 * @typedef {Message & { severity: 'error' | 'warning' }} GeneralItem
 */

const MESSAGE_PATH = /^messages\[(\d+)\](.*)$/;

/**
 * Splits messages into those a field shows (with the field's path) and those said in the
 * general list (with `where` and a severity).
 * @param {Message[]} errors
 * @param {Message[]} warnings  their path is `path` (a Finding's), not `field`
 * @param {{ editing?: boolean }} [o]  an edit run: a message index with no origin is the edited message
 * @returns {{ errors: Message[], warnings: Message[], general: GeneralItem[] }}
 */
export function mapToFields(errors, warnings, { editing = false } = {}) {
  const general = [];
  const placedErrors = [];
  const placedWarnings = [];
  for (const e of errors) {
    const { path, where } = place(e, e.field ?? '', editing);
    if (path) placedErrors.push({ ...e, field: path }); else general.push({ ...e, where, severity: 'error' });
  }
  for (const w of warnings) {
    const { path, where } = place(w, w.path ?? '', editing);
    if (path) placedWarnings.push({ ...w, field: path, path: undefined }); else general.push({ ...w, where, severity: 'warning' });
  }
  return { errors: placedErrors, warnings: placedWarnings, general };
}

/**
 * One message's field path, or where it is in words when no field shows it.
 * @param {Message} item
 * @param {string} path
 * @param {boolean} editing
 * @returns {{ path: string, where?: string }}
 */
function place(item, path, editing) {
  const m = MESSAGE_PATH.exec(path);
  if (!m) return { path };
  // Each item has its own origins: panes build different message lists.
  const origin = item.origins?.[Number(m[1])];
  if (origin?.turn === -1) return { path: `composer${m[2]}` };
  if (origin) return { path: '', where: `message ${origin.turn + 1} (${origin.role === 'user' ? 'yours' : 'the answer'})` };
  return { path: '', where: editing ? 'the edited message' : 'a message' };
}

/**
 * The line the general list shows for an item.
 * @param {{ prefix?: string, where?: string, message: string }} item
 */
export function generalLine(item) {
  return `${item.prefix ?? ''}${item.where ? `${item.where}: ` : ''}${item.message}`;
}

/**
 * The relay checks the body again with the same core rules; if it still finds errors (a
 * relay with other limits), they are listed: their paths are the body's, not the form's.
 * @param {{ kind?: string, errors?: unknown } | null | undefined} relayError
 * @param {string} prefix  the model's name in compare mode, else ""
 * @returns {GeneralItem[]}
 */
export function relayRefusals(relayError, prefix) {
  if (relayError?.kind !== 'invalid_request' || !Array.isArray(relayError.errors)) return [];
  return relayError.errors.map((e) => ({
    severity: 'error', prefix, where: `the relay refused ${String(e?.field ?? '') || 'the body'}`, message: String(e?.message ?? ''),
  }));
}
