// What the relay will send upstream for a body, as the inspect view shows it: the relay's own
// call plan from the model list (PublicModel.call: method, URL, headers with the key as a
// placeholder, notes), then from the relay's preview of this body (api.preview, POST
// /api/playground/preview) the headers and body changes the key's settings make to it ("sent
// as the gateway sends it: …") and a curl command with $PROVIDER_KEY. The relay's core shapes
// the body and writes the command (the page's module has neither): nothing here plans, joins
// URLs, picks headers or quotes for a shell.
import { PER_CALL } from '../contract.js';

// The gateway notes worth a line in the summary (the rest repeat the body's changes).
const SHOWN_GATEWAY_NOTE = /^(deadline|tls_.*|reasoning_field|stream_done_marker)$/;
const NO_CALL = 'No curl command: the relay cannot build the upstream call for this model.';

/**
 * @typedef {import('../core.js').PublicModel} PublicModel
 * @typedef {import('./api.js').PreviewReply} PreviewReply
 * @typedef {{ summary: string, curl: string | null, curlMissing: string | undefined, failed: boolean }} UpstreamCall
 *   the whole view: `failed` when the relay could not be asked (curlMissing says why)
 * @typedef {{ summary: string, complete(): Promise<UpstreamCall> }} UpstreamInfo
 *   `summary`: the call plan's lines, at once; complete(): with this body's shaped lines and
 *   the curl command, from the relay (asked on the first call; never rejects)
 */

/**
 * @param {Pick<import('./api.js').RelayApi, 'preview'>} api
 * @param {Pick<PublicModel, 'id' | 'call' | 'gateway'>} model  an entry of the relay's model list
 * @param {object} body  the chat-completions body the page sends
 * @returns {UpstreamInfo}
 * The relay is asked when the view is first needed (the inspect view, when opened), not per
 * run: the body can carry a megabyte of conversation, and Run should not send it twice for a
 * command nobody looked at.
 */
export function upstreamInfo(api, model, body) {
  const call = model?.call;
  const summary = summaryOf(call, null);
  /** @type {Promise<UpstreamCall> | null} */
  let asked = null;
  const ask = async () => {
    if (!call?.ok) return { summary, curl: null, curlMissing: NO_CALL, failed: false };
    const reply = await api.preview(model.id, body);
    if (!reply.ok) {
      asked = null; // asked again the next time the view is opened
      // The summary then lacks the lines only the relay knows: say so, not only why.
      const why = String(reply.message ?? '').replace(/\.$/, '');
      return { summary, curl: null, curlMissing: `No curl command: ${why}. What the key's settings add to this call is not shown either.`, failed: true };
    }
    return { summary: summaryOf(call, reply), curl: reply.curl || null, curlMissing: reply.curl ? undefined : NO_CALL, failed: false };
  };
  return {
    summary,
    complete() { return (asked ??= ask()); },
  };
}

/**
 * The summary's lines: the call plan's, with the preview's shaped headers and changes in place.
 * @param {PublicModel['call']} call
 * @param {PreviewReply | null} shaped  the relay's preview of this body (ok)
 */
function summaryOf(call, shaped) {
  const lines = [];
  if (call?.ok === true) {
    lines.push(`${call.method} ${call.url}`);
    for (const h of call.headers) lines.push(`${headerName(h.name)}: ${h.value}`);
    if (call.perCallHeaders.includes('x-aisix-request-id')) lines.push(`X-Aisix-Request-Id: ${PER_CALL}`);
    for (const h of shaped?.headers ?? []) lines.push(`${headerName(h.name)}: ${h.value}`);
    for (const note of call.notes) lines.push(`# ${note}`);
    for (const change of shaped?.changes ?? []) lines.push(`# sent as the gateway sends it: ${change.text}`);
    for (const note of call.gatewayNotes) if (SHOWN_GATEWAY_NOTE.test(note.code)) lines.push(`# ${note.text}`);
  } else {
    lines.push(`# the relay cannot build this call: ${call?.error ?? 'the model list does not say how the relay calls this model'}`);
  }
  return lines.join('\n');
}

/** "content-type" → "Content-Type". */
function headerName(name) {
  return String(name ?? '').replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
}
