// An immutable view of the configuration at one moment: the public model list (what the
// browser may see) and, apart from it, each model's provider key with its secret (what
// only the relay uses). Lookups are O(1).
/** @import { LoadedResources } from '../../web/core.js' */
export class Snapshot {
  /**
   * @param {Pick<LoadedResources, 'models' | 'providerKeys'> & { shaping?: LoadedResources['shaping'] }} loaded
   *   the core's loadResources() or loadRows() result
   */
  constructor(loaded, loadedAt = new Date().toISOString()) {
    this.loadedAt = loadedAt;
    this.models = loaded.models;
    this.modelsById = new Map(loaded.models.map((m) => [m.id, m]));
    this.keysById = new Map(loaded.providerKeys.map((k) => [k.id, k]));
    // Each direct model's shaping as the gateway applies it (relay only: every value, the CA's
    // PEM included), and the credential-like values among its default headers and body fields,
    // which answers are redacted against as against the keys.
    this.shapingById = new Map(Object.entries(loaded.shaping?.models ?? {}));
    this.secrets = loaded.providerKeys.flatMap((k) => [k.api_key, ...(k.header_secrets ?? [])]).filter(Boolean);
    Object.freeze(this);
  }

  /** { model, key, shaping } for a model id, or null. */
  lookup(id) {
    const model = this.modelsById.get(id);
    if (!model) return null;
    return { model, key: this.keysById.get(model.provider_key?.id) ?? null, shaping: this.shapingById.get(id) ?? null };
  }
}
