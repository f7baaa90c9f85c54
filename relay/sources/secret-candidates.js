// What in a configuration document may be a secret, for redacting messages about a
// document that did not load (no core result names its keys then): the value of every
// field whose name says it holds a credential, at any depth, and the value of every
// environment variable the document interpolates (`${VAR}`), which is where keys live.
// Deliberately wide: a redacted word too many in an error costs little; a key too few leaks.
// A model's `provider_key` names a key; one that names none and looks like a token (16+
// characters, no space) is taken for a key's value pasted in its place.

const SECRET_FIELD = /(^|_)(api_key|secret|password|token|credentials?|key_hash|client_secret)$|^key$/i;
const TOKEN_LIKE = /^\S{16,}$/;
const QUOTED_FIELD = /"([A-Za-z_]{1,40})"\s*:\s*"([^"\\]{1,4096})"/g;
const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MIN_SECRET = 6; // shorter values are words, not keys, and would redact ordinary text

/** → string[]: candidate secrets in `document` (parsed YAML/JSON, or its text) with `env`. */
export function secretCandidates(document, env = {}) {
  const out = new Set();
  const addVars = (text) => {
    for (const m of text.matchAll(VAR)) {
      const value = env[m[1]];
      if (typeof value === 'string' && value.length >= MIN_SECRET) out.add(value);
    }
  };
  const seen = new Set();
  const walk = (value, field) => {
    if (typeof value === 'string') {
      addVars(value);
      if (field && SECRET_FIELD.test(field) && value.length >= MIN_SECRET) out.add(value);
      return;
    }
    if (!value || typeof value !== 'object' || seen.has(value)) return; // a YAML alias may loop
    seen.add(value);
    if (Array.isArray(value)) { for (const v of value) walk(v, field); return; }
    for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  if (typeof document === 'string') {
    // Text that did not parse: a quoted value after a credential's field name still counts.
    addVars(document);
    for (const m of document.matchAll(QUOTED_FIELD)) if (SECRET_FIELD.test(m[1]) && m[2].length >= MIN_SECRET) out.add(m[2]);
  }
  walk(document, '');
  const keys = Array.isArray(document?.provider_keys) ? document.provider_keys : [];
  const names = new Set(keys.map((k) => k?.display_name).filter((n) => typeof n === 'string'));
  for (const model of Array.isArray(document?.models) ? document.models : []) {
    const ref = model?.provider_key;
    if (typeof ref === 'string' && !names.has(ref) && TOKEN_LIKE.test(ref)) out.add(ref);
  }
  return [...out];
}
