// The gateway's etcd key layout (docs/scale-out.md, "etcd"):
// `<prefix>/<kind>/<id>`, or `<prefix>/<env_id>/<kind>/<id>` when an environment id is set.
// The playground reads two kinds; every other kind the gateway keeps there is ignored.

export const KINDS = ['provider_keys', 'models'];

/** The key prefix every row of this store starts with, ending in "/". */
export function rowPrefix(prefix = '/aisix', envId = '') {
  return envId ? `${prefix}/${envId}/` : `${prefix}/`;
}

/** `<kind>/<id>` below the prefix → { kind, id }, or null for a key of another kind. */
export function splitRowKey(key, base) {
  if (!key.startsWith(base)) return null;
  const rest = key.slice(base.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  const kind = rest.slice(0, slash);
  if (!KINDS.includes(kind)) return null;
  // An empty id is kept: the core reports it ("the row's key has no id").
  return { kind, id: rest.slice(slash + 1) };
}

/** Checks ETCD_PREFIX / ETCD_ENV_ID; throws an Error naming the bad setting. */
export function checkLayout(prefix, envId) {
  if (!prefix.startsWith('/') || prefix.endsWith('/') || prefix.includes('//')) {
    throw new Error(`ETCD_PREFIX must start with "/" and not end with "/" (like /aisix), got "${prefix}"`);
  }
  if (envId && (envId.includes('/') || envId.trim() !== envId)) {
    throw new Error(`ETCD_ENV_ID must be one key segment (no "/" or spaces), got "${envId}"`);
  }
}
