// An immutable view of the configuration at one moment: the public model list (what the
// browser may see) and, apart from it, each model's provider key with its secret (what
// only the relay uses). Lookups are O(1).
export class Snapshot {
  /** @param {{ models: object[], providerKeys: object[] }} loaded  the core's loadResources() result */
  constructor(loaded, loadedAt = new Date().toISOString()) {
    this.loadedAt = loadedAt;
    this.models = loaded.models;
    this.modelsById = new Map(loaded.models.map((m) => [m.id, m]));
    this.keysById = new Map(loaded.providerKeys.map((k) => [k.id, k]));
    this.secrets = loaded.providerKeys.map((k) => k.api_key).filter(Boolean);
    Object.freeze(this);
  }

  /** { model, key } for a model id, or null. */
  lookup(id) {
    const model = this.modelsById.get(id);
    if (!model) return null;
    return { model, key: this.keysById.get(model.provider_key?.id) ?? null };
  }
}
