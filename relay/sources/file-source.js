// The AISIX resources file as a configuration source (design.md, "Scale"): the embedded
// default. Reads the file, turns YAML into JSON, and lets the core do the rest (the same
// validation the gateway applies). SIGHUP reloads; a bad reload keeps the last good one.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Snapshot } from './snapshot.js';

export class FileSource {
  /** @param {{ core, path: string, env?: object, allowUnsetVars?: boolean, log?: Function }} o */
  constructor({ core, path, env = process.env, allowUnsetVars = false, log = () => {} }) {
    this.core = core;
    this.path = path;
    this.env = env;
    this.allowUnsetVars = allowUnsetVars;
    this.log = log;
    this.current = null;
    this.lastError = null;
    this.listeners = new Set();
  }

  /** Loads once; throws an Error listing every problem when the first load fails. */
  async start() {
    const result = await this.#load();
    if (!result.ok) throw new Error(`cannot load ${this.path}:\n${formatErrors(result.errors)}`);
    this.#apply(result);
    return this;
  }

  /** Reloads; on failure keeps serving the last good configuration and says why. */
  async reload() {
    const result = await this.#load();
    if (!result.ok) {
      this.lastError = { at: new Date().toISOString(), errors: result.errors };
      this.log({ msg: 'reload failed: keeping the last good configuration', path: this.path, errors: result.errors });
      return false;
    }
    this.lastError = null;
    this.#apply(result);
    this.log({ msg: 'configuration reloaded', path: this.path, models: this.current.models.length });
    return true;
  }

  watchSignals() {
    const onHup = () => { this.reload(); };
    process.on('SIGHUP', onHup);
    return () => process.off('SIGHUP', onHup);
  }

  snapshot() { return this.current; }
  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }
  status() {
    return {
      source: 'file',
      state: this.lastError ? 'degraded' : 'ok',
      path: this.path,
      loadedAt: this.current?.loadedAt ?? null,
      ...(this.lastError ? { lastReloadError: this.lastError } : {}),
    };
  }
  close() {}

  #load() {
    return readResourcesFile(this.core, this.path, this.env, { allowUnsetVars: this.allowUnsetVars });
  }

  #apply(result) {
    this.current = new Snapshot(result);
    for (const fn of this.listeners) fn(this.current);
  }
}

/**
 * Reads an AISIX resources file: YAML → JSON here, everything else in the core. The result is
 * core.loadResources()'s ({ ok, errors, models, providerKeys, rows }), or { ok: false, errors }
 * when the file cannot be read or is not YAML. Also used by `seed-etcd`.
 */
export async function readResourcesFile(core, path, env = process.env, { allowUnsetVars = false } = {}) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [{ entry: '', field: '', message: `cannot read the file: ${err.code ?? err.message}` }] };
  }
  let document;
  try {
    // YAML 1.2 core schema, like the gateway's parser: `1` is a number, "1" a string.
    document = parseYaml(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [{ entry: '', field: '', message: `not valid YAML: ${err.message.split('\n')[0]}` }] };
  }
  return core.loadResources(document ?? null, envObject(env), { allowUnsetVars });
}

function envObject(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function formatErrors(errors) {
  return errors.map((e) => `  - ${[e.entry, e.field].filter(Boolean).join(' ')}${e.entry || e.field ? ': ' : ''}${e.message}`).join('\n');
}
