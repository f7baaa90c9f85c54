// `node relay/main.js seed-etcd --resources FILE`: writes a resources file's provider keys and
// models into etcd in the gateway's layout, as the core's canonical rows (to_canonical_rows:
// models name their key by provider_key_id, a key holds api_key in plain text). Keys go first,
// so a watching relay never sees a model before the key it names.
import { Etcd3 } from 'etcd3';
import { readResourcesFile, formatErrors, redactErrors } from './file-source.js';
import { KINDS, rowPrefix, splitRowKey } from './etcd-layout.js';
import { clientOptions } from './etcd-source.js';

const CONCURRENT_PUTS = 64;

/**
 * @param {{ core: import('../../web/core.js').Core, etcd: { endpoints, prefix, envId, tls, auth }, resources: string,
 *   env?: Record<string, string | undefined>,
 *   allowUnsetVars?: boolean, prune?: boolean, client?: Etcd3 }} o
 * @returns {Promise<{ providerKeys: number, models: number, leftOut: string[], pruned: number, prefix: string }>}
 */
export async function seedEtcd({ core, etcd, resources, env = process.env, allowUnsetVars = false, prune = false, client }) {
  const loaded = await readResourcesFile(core, resources, env, { allowUnsetVars });
  if (!loaded.ok) throw new Error(`cannot load ${resources}:\n${formatErrors(redactErrors(core, loaded.errors, loaded.secretCandidates ?? []))}`);

  // A key still missing its ${VAR} (allowUnsetVars only) has no secret to store: leave it out,
  // and its models are listed by the relays as "provider key not defined".
  const unset = new Set(loaded.providerKeys.filter((k) => !k.api_key).map((k) => `provider_keys/${k.id}`));
  const leftOut = loaded.providerKeys.filter((k) => !k.api_key).map((k) => k.display_name);
  const rows = loaded.rows.filter((r) => !unset.has(r.key));
  const base = rowPrefix(etcd.prefix, etcd.envId);
  const own = !client;
  client ??= new Etcd3(clientOptions(etcd));
  try {
    const byKind = (kind) => rows.filter((r) => r.key.startsWith(`${kind}/`));
    for (const kind of KINDS) await putAll(client, byKind(kind).map((r) => [base + r.key, JSON.stringify(r.value)]));
    let pruned = 0;
    if (prune) {
      const wanted = new Set(rows.map((r) => base + r.key));
      const existing = await client.getAll().prefix(base).keys();
      const stale = existing.filter((k) => splitRowKey(k, base) && !wanted.has(k));
      // Models first: a relay never sees a model whose key was just deleted under it.
      stale.sort((a, b) => Number(a.startsWith(`${base}provider_keys/`)) - Number(b.startsWith(`${base}provider_keys/`)));
      for (const k of stale) await client.delete().key(k);
      pruned = stale.length;
    }
    return { providerKeys: byKind('provider_keys').length, models: byKind('models').length, leftOut, pruned, prefix: base };
  } finally {
    if (own) client.close();
  }
}

async function putAll(client, entries) {
  for (let i = 0; i < entries.length; i += CONCURRENT_PUTS) {
    await Promise.all(entries.slice(i, i + CONCURRENT_PUTS).map(([key, value]) => client.put(key).value(value)));
  }
}
