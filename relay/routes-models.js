// The routes about models and the configuration, for a signed-in caller: the public model
// list (each model with the call the relay makes for it), the configuration's state and the
// relay's limits, and the provider's model list for one model's key.
import { performance } from 'node:perf_hooks';
import { RelayError } from './errors.js';
import { publicCall } from './upstream-headers.js';
import { listUpstreamModels } from './upstream-models.js';
import { sendJson } from './responses.js';
import { shortId } from './routes-chat.js';
import { keySecrets, redactValue } from './call-plans.js';

/**
 * @param {{ core, source, settings, log: Function, active: Map<string, number>, plans: ReturnType<typeof import('./call-plans.js').callPlans> }} deps
 * → { configStatus(res), listModels(res), upstreamModels(res, user, rawId) }
 */
export function modelRoutes({ core, source, settings, log, active, plans }) {
  const { planFor, redactError } = plans;

  /**
   * The configuration source's state, for a signed-in operator; every secret redacted. Also
   * the relay's upstream time limits, so the page can say which one a run is waiting on, and
   * its per-user limit on calls at once, which the page's "Check all" stays under.
   */
  function configStatus(res) {
    const status = source.status();
    const secrets = source.snapshot()?.secrets ?? [];
    const { connectMs, firstByteMs, idleMs, totalMs, concurrentPerUser } = settings.limits;
    sendJson(res, 200, {
      status: status.state, source: redactValue(core, status, secrets), core: core.version,
      limits: { connectMs, firstByteMs, idleMs, totalMs, concurrentPerUser },
    });
  }

  function listModels(res) {
    const snap = source.snapshot();
    const status = source.status();
    sendJson(res, 200, { models: publicModels(snap), source: { state: status.state, loadedAt: snap.loadedAt } });
  }

  /**
   * The snapshot's public models: each with a name carrying `probe` and `reasoningEffort`
   * (modelFacts), each direct model with a key carrying `call`: the plan the chat route calls
   * it with (planFor, the same cached plan), the key as a placeholder and everything redacted
   * with the key's secrets. So the page shows and copies the URL the relay
   * calls, never one planned again from other fields. Computed once per snapshot.
   */
  const listed = new WeakMap(); // snapshot -> models
  function publicModels(snap) {
    let models = listed.get(snap);
    if (models) return models;
    models = snap.models.map((model) => {
      const found = model.kind === 'direct' ? snap.lookup(model.id) : null;
      const facts = modelFacts(core, model);
      if (!found?.key) return facts ? { ...model, ...facts } : model;
      const { key, shaping } = found;
      const plan = planFor(snap, found.model, key, shaping);
      const call = publicCall(plan);
      return { ...model, ...facts, call: redactValue(core, call, keySecrets(key)) };
    });
    listed.set(snap, models);
    return models;
  }

  /**
   * The provider's model list for one model's key ("did you mean …?", "Models this key can
   * use"; relay/upstream-models.js): counted against the per-user limit like a chat call, the
   * whole reply redacted with the key's secrets.
   */
  async function upstreamModels(res, user, rawId) {
    let id;
    try { id = decodeURIComponent(rawId); } catch { throw new RelayError('invalid_request', 'the model id in the path is not valid', { reason: 'bad_path' }); }
    const n = active.get(user.subject) ?? 0;
    if (n >= settings.limits.concurrentPerUser) throw new RelayError('busy', `you already have ${n} calls running (the limit per user on this relay); wait for one to finish or stop it`, { reason: 'per_user_limit' });
    active.set(user.subject, n + 1);
    const t0 = performance.now();
    const snap = source.snapshot();
    const entry = { msg: 'upstream-models', user: user.subject, model: shortId(id), ok: false, unavailable: null };
    try {
      const reply = await listUpstreamModels({ core, settings, snap, id, planFor });
      Object.assign(entry, { ok: reply.ok, unavailable: reply.unavailable ?? null, count: reply.models?.length ?? 0 });
      // Redacted with every configured secret: a one-off reply, not a stream's hot path.
      const secrets = snap.secrets ?? [];
      sendJson(res, 200, redactValue(core, reply, secrets));
    } catch (err) {
      throw err instanceof RelayError ? redactError(err, snap) : err;
    } finally {
      const left = (active.get(user.subject) ?? 1) - 1;
      if (left > 0) active.set(user.subject, left); else active.delete(user.subject);
      log({ ...entry, ms: Math.round(performance.now() - t0) });
    }
  }

  return { configStatus, listModels, upstreamModels };
}

/**
 * What the core says of a model by its name alone, for the page (whose download leaves these
 * functions out): its "Test connection" form (PublicModel.probe) and the reasoning_effort
 * values it takes (PublicModel.reasoningEffort). None for a model without a name.
 */
export function modelFacts(core, model) {
  if (typeof model?.model_name !== 'string' || !model.model_name) return null;
  return {
    probe: core.probeForm({ model_name: model.model_name, provider: model.provider }),
    reasoningEffort: core.reasoningEffort({ model_name: model.model_name }),
  };
}
