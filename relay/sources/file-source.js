// The AISIX resources file as a configuration source (docs/scale-out.md): the embedded
// default. Reads the file, turns YAML into JSON, and lets the core do the rest (the same
// validation the gateway applies). SIGHUP reloads; a bad reload keeps the last good one.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, visit, isAlias } from 'yaml';
import { Snapshot } from './snapshot.js';
import { secretCandidates } from './secret-candidates.js';
/** @import { Core, LoadedResources, ResourceProblem } from '../../web/core.js' */

export class FileSource {
  /** @param {{ core: Core, path: string, env?: Record<string, string | undefined>, allowUnsetVars?: boolean, log?: Function }} o */
  constructor({ core, path, env = process.env, allowUnsetVars = false, log = () => {} }) {
    this.core = core;
    this.path = path;
    this.env = env;
    this.allowUnsetVars = allowUnsetVars;
    this.log = log;
    this.current = null;
    this.lastError = null;
  }

  /** Loads once; throws an Error listing every problem when the first load fails. */
  async start() {
    const result = await this.#load();
    if (!result.ok) throw new Error(`cannot load ${this.path}:\n${formatErrors(result.errors)}`);
    this.#apply(result);
    return this;
  }

  /**
   * Reloads; on failure keeps serving the last good configuration and says why. Never
   * throws or rejects, whatever the file holds: a bad reload must not end the process.
   */
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
    const onHup = () => {
      this.reload().catch((err) => this.log({ msg: 'reload failed unexpectedly: keeping the last good configuration', error: `${err?.name ?? 'Error'}` }));
    };
    process.on('SIGHUP', onHup);
    return () => process.off('SIGHUP', onHup);
  }

  snapshot() { return this.current; }
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

  /** The file's result, its errors redacted with the old secrets and the new file's. */
  async #load() {
    const result = await readResourcesFile(this.core, this.path, this.env, { allowUnsetVars: this.allowUnsetVars });
    if (result.ok) return result;
    const secrets = [...(this.current?.secrets ?? []), ...(result.secretCandidates ?? [])];
    return { ok: false, errors: redactErrors(this.core, result.errors, secrets) };
  }

  #apply(result) {
    this.current = new Snapshot(result);
  }
}

/**
 * Reads an AISIX resources file: YAML → JSON here, everything else in the core. The result is
 * core.loadResources()'s ({ ok, errors, models, providerKeys, rows }), or { ok: false, errors }
 * when the file cannot be read or is not YAML. Also used by `seed-etcd`.
 */
/**
 * @param {Core} core
 * @param {string} path
 * @param {Record<string, string | undefined>} [env]
 * @param {{ allowUnsetVars?: boolean }} [options]
 * @returns {Promise<Partial<LoadedResources> & { ok: boolean, errors: ResourceProblem[], secretCandidates?: string[] }>}
 *   every field of LoadedResources when the core read the file; secretCandidates when not ok
 */
export async function readResourcesFile(core, path, env = process.env, { allowUnsetVars = false } = {}) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return { ok: false, errors: [problem(`cannot read the file (${typeof err?.code === 'string' ? err.code : 'read error'})`)] };
  }
  const vars = envObject(env);
  // Until the document is known good, anything in it or interpolated into it may be a key.
  const failed = (errors, document = text) => ({ ok: false, errors, secretCandidates: secretCandidates(document, vars) });
  let document;
  try {
    // YAML 1.2 core schema, like the gateway's parser: `1` is a number, "1" a string.
    const lines = new LineCounter();
    const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, lineCounter: lines });
    // The parser's messages quote the file's text (a key pasted where an alias goes), so
    // only its error code and position are reported.
    if (doc.errors.length) return failed(doc.errors.slice(0, 10).map(yamlProblem));
    const unresolved = [];
    visit(doc, { Alias(_, node) { if (isAlias(node) && !node.resolve(doc)) unresolved.push(node); } });
    if (unresolved.length) {
      return failed(unresolved.slice(0, 10).map((node) => problem(`not valid YAML: an alias names no anchor defined before it${position(lines, node.range?.[0])}`)));
    }
    document = doc.toJS({ maxAliasCount: 100 });
  } catch {
    // With every alias resolved, toJS throws only when aliases expand past maxAliasCount
    // (a "billion laughs" document).
    return failed([problem('not valid YAML for a resources file: its aliases expand too far (at most 100 uses)')]);
  }
  if (refersToItself(document)) {
    return failed([problem('not valid YAML for a resources file: an alias refers to a node that contains it (a cycle)')], document);
  }
  try {
    const result = core.loadResources(document ?? null, vars, { allowUnsetVars });
    return result.ok ? result : { ...result, secretCandidates: secretCandidates(document, vars) };
  } catch (err) {
    // bad_input (nesting past the core's limit) or a core that failed: the file is refused.
    return failed([problem(`the file could not be checked (${err?.code ?? 'error'}): ${err?.code === 'bad_input' ? 'it nests too deeply or is too large' : 'internal error'}`)], document);
  }
}

const problem = (message) => ({ entry: '', field: '', message });

function yamlProblem(err) {
  const at = err.linePos?.[0];
  return problem(`not valid YAML (${String(err.code ?? 'error').slice(0, 40)})${at ? ` at line ${at.line}, column ${at.col}` : ''}`);
}

function position(lines, offset) {
  if (!Number.isInteger(offset)) return '';
  const at = lines.linePos(offset);
  return ` at line ${at.line}, column ${at.col}`;
}

/** True when a container holds itself, through any depth (a YAML alias inside its own anchor). */
function refersToItself(value) {
  const path = new Set();
  const done = new Set();
  const visit = (v) => {
    if (!v || typeof v !== 'object') return false;
    if (path.has(v)) return true;
    if (done.has(v)) return false;
    path.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (visit(child)) return true;
    path.delete(v);
    done.add(v);
    return false;
  };
  return visit(value);
}

/** Errors with every secret (`secrets`) redacted from their entry, field and message. */
/**
 * @param {Core} core
 * @param {ResourceProblem[]} errors
 * @param {string[]} secrets
 * @returns {ResourceProblem[]}
 */
export function redactErrors(core, errors, secrets) {
  if (!secrets.length) return errors;
  return JSON.parse(core.redact(JSON.stringify(errors), secrets));
}

function envObject(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function formatErrors(errors) {
  return errors.map((e) => `  - ${[e.entry, e.field].filter(Boolean).join(' ')}${e.entry || e.field ? ': ' : ''}${e.message}`).join('\n');
}
