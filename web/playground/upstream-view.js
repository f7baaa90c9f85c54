// What the relay will send upstream for a body, as the inspect view shows it: the relay's own
// call plan from the model list (PublicModel.call: method, URL, headers with the key as a
// placeholder, notes), the headers and body changes the key's settings make to this body
// ("sent as the gateway sends it: …", from core.shapeChatBody), and a curl command with
// $PROVIDER_KEY built by the core (curlCommand) from that same call.
// Nothing here plans, joins URLs or picks headers.

// What the relay renders per call for a key's `${request.id}` header template.
const PER_CALL = '(set per call)';
// The gateway notes worth a line in the summary (the rest repeat the body's changes).
const SHOWN_GATEWAY_NOTE = /^(deadline|tls_.*|reasoning_field|stream_done_marker)$/;

/**
 * @typedef {import('../core.js').PublicModel} PublicModel
 * @typedef {{ summary: string, readonly curl: string | null, readonly curlMissing: string | undefined }} UpstreamInfo
 */

/**
 * @param {import('../core.js').Core} core
 * @param {Pick<PublicModel, 'call' | 'gateway'>} model  an entry of the relay's model list
 * @param {object} body  the chat-completions body the page sends
 * @returns {UpstreamInfo}
 * The curl command is made when first read (the inspect view, when opened): the body can
 * carry a megabyte of conversation, and Run should not wait for a command nobody looked at.
 */
export function upstreamInfo(core, model, body) {
  const call = model?.call;
  const shaping = model?.gateway?.shaping;
  // The body and headers as the gateway sends them for this key (the relay does the same).
  let shaped = null;
  if (call?.ok && shaping) {
    try { shaped = core.shapeChatBody(body, shaping, PER_CALL); } catch { shaped = null; }
  }
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
  /** @type {string | null | undefined} */
  let curl;
  const curlOnce = () => {
    if (curl === undefined) {
      if (!call?.ok) return (curl = null);
      const sent = shaped?.body ?? body;
      const headers = [...call.headers, ...(shaped?.headers ?? [])];
      try { curl = core.curlCommand({ url: call.url, auth: call.auth, headers }, sent) || null; } catch { curl = null; }
    }
    return curl;
  };
  return {
    summary: lines.join('\n'),
    get curl() { return curlOnce(); },
    get curlMissing() { return curlOnce() ? undefined : 'No curl command: the relay cannot build the upstream call for this model.'; },
  };
}

/** "content-type" → "Content-Type". */
function headerName(name) {
  return String(name ?? '').replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
}
