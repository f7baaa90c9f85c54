// What the relay will send upstream for a body, as the inspect view shows it: the URL, the
// headers (the key as ***, a key's default headers as the gateway renders them), what the
// key's settings change ("sent as the gateway sends it: …") and a curl command with
// $PROVIDER_KEY and the shaped body. The URL, the auth header
// and the command come from the core (planChatCall, curlCommand), which knows each
// provider's wire protocol; nothing here joins URLs or picks headers.

/** The core's ChatTarget for a model of the relay's public list (with its key's shaping, when listed). */
export function chatTarget(model) {
  const target = { provider: model.provider ?? '', api_base: model.api_base ?? '', model_name: model.model_name ?? '' };
  const adapter = model.adapter ?? model.provider_key?.adapter;
  if (adapter) target.adapter = adapter;
  if (model.gateway?.shaping) target.shaping = model.gateway.shaping;
  return target;
}

// What the relay renders per call for a key's `${request.id}` header template.
const PER_CALL = '(set per call)';

/**
 * The core's plan for the model. TODO(relay): the public model list does not say the key's
 * adapter yet; a testable model whose provider alone does not name a protocol speaks the
 * OpenAI-compatible one (the relay only lists such models as testable), so that is assumed,
 * and said, until the list carries the adapter.
 */
function planFor(core, target) {
  const plan = core.planChatCall(target);
  if (plan?.ok || target.adapter) return { plan, target };
  const assumed = { ...target, adapter: 'openai' };
  const retry = core.planChatCall(assumed);
  if (!retry?.ok) return { plan, target };
  return { plan: { ...retry, notes: [...(retry.notes ?? []), 'assuming an OpenAI-compatible adapter (the model list does not name it)'] }, target: assumed };
}

/**
 * @returns {{ summary: string, curl: string|null, curlMissing?: string }}
 * The curl command is made when first read (the inspect view, when opened): the body can
 * carry a megabyte of conversation, and Run should not wait for a command nobody looked at.
 */
export function upstreamInfo(core, model, body) {
  let target = chatTarget(model);
  let plan = null;
  try { ({ plan, target } = planFor(core, target)); } catch { /* shown as unknown below */ }
  // The body and headers as the gateway sends them for this key (the relay does the same).
  let shaped = null;
  if (target.shaping) {
    try { shaped = core.shapeChatBody(body, target.shaping, PER_CALL); } catch { shaped = null; }
  }
  const lines = [];
  if (plan?.ok) {
    lines.push(`POST ${plan.url}`, 'Content-Type: application/json', `${headerName(plan.authHeader)}: ${plan.authScheme}***`);
    if (target.shaping) lines.push(`X-Aisix-Request-Id: ${PER_CALL}`);
    for (const h of shaped?.headers ?? []) lines.push(`${headerName(h.name)}: ${h.value}`);
    for (const note of plan.notes ?? []) lines.push(`# ${note}`);
    for (const change of shaped?.changes ?? []) lines.push(`# sent as the gateway sends it: ${change.text}`);
    for (const note of plan.gateway?.shaping ?? []) {
      if (note.code === 'deadline' || note.code.startsWith('tls_') || note.code === 'reasoning_field' || note.code === 'stream_done_marker') lines.push(`# ${note.text}`);
    }
  } else {
    lines.push(`# the relay cannot build this call: ${plan?.error ?? 'unknown base URL'}`);
  }
  let curl;
  const curlOnce = () => {
    if (curl === undefined) {
      const sent = shaped?.body ?? body;
      const withHeaders = shaped ? { ...target, headers: shaped.headers } : target;
      try { curl = core.curlCommand(withHeaders, sent) || null; } catch { curl = null; }
    }
    return curl;
  };
  return {
    summary: lines.join('\n'),
    get curl() { return curlOnce(); },
    get curlMissing() { return curlOnce() ? undefined : 'No curl command: the core could not build the upstream call for this model.'; },
  };
}

function headerName(name) {
  return String(name ?? '').replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
}
