// What the relay works out once per configuration snapshot, not per call: each model's
// upstream call plan, the secrets an answer from each host is redacted against, and the
// redaction of an error with the snapshot's secrets; and the two helpers every redacted reply
// uses (a key's secrets, a value redacted).
import { RelayError } from './errors.js';

// Redaction cost grows with the number of secrets, and redaction runs on every byte of
// every answer. Up to this many, an answer is redacted against all of them; past it,
// against those of the keys sent to the same host (the only ones that host has seen).
const ALL_SECRETS_MAX = 64;

/** A key's own secrets: its API key and the secrets its header templates carry. */
export function keySecrets(key) {
  return [key.api_key, ...(key.header_secrets ?? [])].filter(Boolean);
}

/** A value the relay answers with, every one of `secrets` removed from its text (a reply, not a stream). */
export function redactValue(core, value, secrets) {
  return secrets.length ? JSON.parse(core.redact(JSON.stringify(value), secrets)) : value;
}

/** The per-snapshot caches of one relay, over its core: { planFor, secretsFor, redactError }. */
export function callPlans({ core }) {
  // The upstream call's plan (URL, auth header) depends only on the model and its key, which
  // a snapshot never changes: computed once per snapshot and model, not per call.
  const plans = new WeakMap(); // snapshot -> Map(model id -> plan)
  function planFor(snap, model, key, shaping) {
    let byModel = plans.get(snap);
    if (!byModel) { byModel = new Map(); plans.set(snap, byModel); }
    let plan = byModel.get(model.id);
    if (!plan) {
      // With the model's shaping, the plan carries `gateway`: its deadlines and TLS settings.
      plan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: model.model_name, ...(shaping ? { shaping } : {}) });
      byModel.set(model.id, plan);
    }
    return plan;
  }

  /**
   * The secrets an answer from `plan`'s host is redacted against: every configured one, or
   * in a large fleet those of every key sent to that host (the called key's included). The
   * same snapshot, host and key give the same array: what is kept per secrets list (the
   * compiled redactor, the content types' verdicts) is then made once per list, not per call.
   */
  const hostSecrets = new WeakMap(); // snapshot -> Map(host -> secrets)
  function listFor(snap, plan, secret) {
    if (snap.secrets.length <= ALL_SECRETS_MAX) return snap.secrets.includes(secret) ? snap.secrets : [secret, ...snap.secrets];
    let byHost = hostSecrets.get(snap);
    if (!byHost) {
      byHost = new Map();
      for (const key of snap.keysById.values()) {
        if (!key.api_key) continue;
        const keyPlan = core.planChatCall({ provider: key.provider, adapter: key.adapter, api_base: key.api_base, model_name: 'm' });
        if (!keyPlan.ok) continue;
        const host = new URL(keyPlan.url).hostname;
        if (!byHost.has(host)) byHost.set(host, new Set());
        for (const secret of keySecrets(key)) byHost.get(host).add(secret);
      }
      hostSecrets.set(snap, byHost);
    }
    const set = new Set([secret, ...(byHost.get(new URL(plan.url).hostname) ?? [])]);
    return [...set];
  }

  const lists = new WeakMap(); // snapshot -> Map(host and key -> secrets)
  function secretsFor(snap, plan, secret) {
    if (snap.secrets.length <= ALL_SECRETS_MAX && snap.secrets.includes(secret)) return snap.secrets;
    let byCall = lists.get(snap);
    if (!byCall) { byCall = new Map(); lists.set(snap, byCall); }
    const name = snap.secrets.length <= ALL_SECRETS_MAX ? secret : `${new URL(plan.url).hostname}\n${secret}`;
    let list = byCall.get(name);
    if (!list) {
      list = listFor(snap, plan, secret);
      if (byCall.size >= 4_096) byCall.clear();
      byCall.set(name, list);
    }
    return list;
  }

  /**
   * An error message can quote what a provider or resolver said: scrub every secret. `detail`
   * (the base URL's problem, which may quote the URL) is redacted as the message is.
   */
  function redactError(error, snap) {
    const secrets = snap?.secrets ?? [];
    if (!secrets.length) return error;
    const { detail, ...rest } = error.extra;
    const extra = redactValue(core, rest, secrets);
    if (typeof detail === 'string') extra.detail = core.redact(detail, secrets);
    return new RelayError(error.kind, core.redact(error.message, secrets), extra, error.status);
  }

  return { planFor, secretsFor, redactError };
}
