// What the relay will send upstream for a body, as the inspect view shows it: the URL, the
// headers (the key as ***) and a curl command with $PROVIDER_KEY. The URL, the auth header
// and the command come from the core (planChatCall, curlCommand), which knows each
// provider's wire protocol; nothing here joins URLs or picks headers.

/** The core's ChatTarget for a model of the relay's public list. */
export function chatTarget(model) {
  const target = { provider: model.provider ?? '', api_base: model.api_base ?? '', model_name: model.model_name ?? '' };
  if (model.adapter) target.adapter = model.adapter; // listed by relays that publish it
  return target;
}

/** @returns {{ summary: string, curl: string|null, curlMissing?: string }} */
export function upstreamInfo(core, model, body) {
  const target = chatTarget(model);
  let plan = null;
  let curl = null;
  try { plan = core.planChatCall(target); } catch { /* shown as unknown below */ }
  try { curl = core.curlCommand(target, body) || null; } catch { /* shown as missing below */ }
  const lines = [];
  if (plan?.ok) {
    lines.push(`POST ${plan.url}`, 'Content-Type: application/json', `${headerName(plan.authHeader)}: ${plan.authScheme}***`);
    for (const note of plan.notes ?? []) lines.push(`# ${note}`);
  } else {
    lines.push(`# the relay cannot build this call: ${plan?.error ?? 'unknown base URL'}`);
  }
  return {
    summary: lines.join('\n'),
    curl,
    curlMissing: curl ? undefined : 'No curl command: the core could not build the upstream call for this model.',
  };
}

function headerName(name) {
  return String(name ?? '').replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
}
