// etcd as a configuration source (docs/scale-out.md): the rows the AISIX gateway itself
// keeps, `<prefix>[/<env_id>]/<kind>/<id>` with canonical JSON values. Every replica lists
// them once, then watches from that revision, so a change reaches every replica within a
// second and without a restart. Validation is the core's (core.loadRows), row by row: a bad
// row is skipped and reported, the rest keeps serving.
//
// Never an empty or partial list as the truth: the first snapshot exists only after one
// complete listing; when etcd goes away the last snapshot keeps serving (state "degraded")
// while the source reconnects with backoff, lists everything again and watches from there.
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { Snapshot } from './snapshot.js';
import { rowPrefix, splitRowKey } from './etcd-layout.js';
import { secretCandidates } from './secret-candidates.js';
import { redactErrors } from './file-source.js';

const PAGE = 2000; // keys per range call while listing (bounded messages, one revision)
const BATCH = 500; // rows per core.loadRows call
const LONG_ID = 80; // the core shortens ids past this in its messages: check such rows alone
const MAX_REPORTED = 20; // row problems shown in /healthz (all of them are logged)

// The etcd3 client's per-host circuit breaker would refuse calls for 5 s after a failure;
// this source has its own backoff, and a restarted etcd should be used at once.
// (async: the client calls it with a function that throws, and catches the rejection.)
// Typed loosely: the client's type is cockatiel's whole IPolicy, of which it calls execute() only.
const passThrough = /** @type {any} */ ({ execute: async (fn) => fn({ signal: new AbortController().signal }) });

const yieldToIo = () => new Promise((resolve) => { setImmediate(resolve); });
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms).unref?.(); });

export class EtcdSource {
  /**
   * @param {{ core: import('../../web/core.js').Core, endpoints: string[], prefix?: string, envId?: string,
   *   tls?: { caFile?: string, certFile?: string, keyFile?: string }, auth?: { username: string, password: string } | null,
   *   log?: Function, backoff?: { initialMs?: number, maxMs?: number }, connectTimeoutMs?: number }} o
   */
  constructor({ core, endpoints, prefix = '/aisix', envId = '', tls = {}, auth = null, log = () => {}, backoff = {}, connectTimeoutMs = 5000 }) {
    this.core = core;
    this.endpoints = endpoints;
    this.base = rowPrefix(prefix, envId);
    this.log = log;
    this.initialBackoffMs = backoff.initialMs ?? 200;
    this.maxBackoffMs = backoff.maxMs ?? 5000;
    this.connectTimeoutMs = connectTimeoutMs;
    this.client = new Etcd3({
      ...clientOptions({ endpoints, tls, auth }),
      dialTimeout: connectTimeoutMs,
      // Unary calls fail in bounded time; the watch stream has no deadline.
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + connectTimeoutMs }),
      faultHandling: { host: () => passThrough },
      // A silent network partition is noticed by keepalive pings, not only by a closed socket.
      grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000, 'grpc.keepalive_permit_without_calls': 1 },
    });

    // The raw rows, by id, as etcd holds them.
    this.keyRows = new Map();
    this.modelRows = new Map();
    // What the core made of them.
    this.keys = new Map(); // id -> the relay's provider key (holds the secret)
    this.models = new Map(); // id -> the public model entry
    this.shaping = new Map(); // id -> the model's shaping (relay only: see Snapshot)
    this.problems = new Map(); // "kind/id" -> { skipped, problems: [{ field, message }] }
    // Which models name which key, read from the raw rows, so a key change re-checks its models.
    this.modelKey = new Map(); // model id -> provider_key_id
    this.modelsByKey = new Map(); // provider_key_id -> Set of model ids

    this.current = null;
    this.state = 'starting';
    this.revision = null;
    this.lastError = null;
    this.listeners = new Set();
    this.closed = false;
    this.watcher = null;
    this.firstLoad = null;
    this.queue = Promise.resolve();
  }

  /**
   * Resolves once the first complete listing is served. Until then it keeps trying (with
   * backoff) and reports why in status() and the log; it never serves a partial list.
   */
  start() {
    if (!this.firstLoad) {
      this.firstLoad = new Promise((resolve, reject) => {
        this.#resolveFirst = resolve;
        this.#rejectFirst = reject;
      });
      this.#run();
    }
    return this.firstLoad.then(() => this);
  }

  /** @type {(value?: unknown) => void} */
  #resolveFirst = () => {};
  /** @type {(reason: Error) => void} */
  #rejectFirst = () => {};

  snapshot() { return this.current; }
  onChange(fn) { this.listeners.add(fn); return () => this.listeners.delete(fn); }

  status() {
    const rows = [...this.problems].filter(([, p]) => p.skipped);
    return {
      source: 'etcd',
      state: this.state,
      endpoints: this.endpoints,
      prefix: this.base,
      revision: this.revision,
      loadedAt: this.current?.loadedAt ?? null,
      models: this.models.size,
      providerKeys: this.keys.size,
      skippedRows: rows.length,
      ...(rows.length ? { rowProblems: rows.slice(0, MAX_REPORTED).map(([row, p]) => ({ row, problems: p.problems })) } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async close() {
    this.closed = true;
    const w = this.watcher;
    this.watcher = null;
    await w?.cancel().catch(() => {});
    this.client.close();
    this.#rejectFirst(new Error('the etcd source was closed before its first load'));
  }

  // ---- connection: list, then watch from that revision; on any failure, back off and redo --

  async #run() {
    let attempt = 0;
    while (!this.closed) {
      let watched = false;
      try {
        const revision = await this.#listAll();
        watched = await this.#watchFrom(revision + 1);
      } catch (err) {
        if (this.closed) break;
        this.#trouble(err);
      }
      if (this.closed) break;
      attempt = watched ? 0 : attempt + 1;
      const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(attempt, 16));
      await sleep(delay * (0.8 + Math.random() * 0.4));
    }
  }

  #trouble(err) {
    const message = describe(err);
    const first = !this.lastError || this.lastError.message !== message;
    this.lastError = { at: new Date().toISOString(), message };
    if (this.current) this.state = 'degraded';
    if (first) {
      this.log({
        msg: this.current ? 'etcd unreachable: serving the last good configuration, reconnecting' : 'etcd unreachable: no configuration loaded yet, retrying',
        endpoints: this.endpoints, error: message,
      });
    }
  }

  /** One consistent listing (all pages at one revision) replaces everything. */
  async #listAll() {
    const end = prefixEnd(this.base);
    const rows = [];
    let revision = null;
    /** @type {string | Buffer} */
    let start = this.base;
    for (;;) {
      let range = this.client.getAll().inRange({ start, end }).limit(PAGE);
      if (revision !== null) range = range.revision(revision);
      const res = await range.exec();
      if (revision === null) revision = Number(res.header.revision);
      for (const kv of res.kvs) rows.push([kv.key.toString('utf8'), kv.value.toString('utf8')]);
      if (!res.more || !res.kvs.length) break;
      start = Buffer.concat([res.kvs[res.kvs.length - 1].key, Buffer.from([0])]);
    }
    // Only what differs from the rows already held goes through the core again: a reconnect
    // after an outage costs the changes made meanwhile, not the whole store.
    const listed = { provider_keys: new Map(), models: new Map() };
    for (const [key, value] of rows) {
      const row = splitRowKey(key, this.base);
      if (row) listed[row.kind].set(row.id, value);
    }
    const changes = [];
    /** @type {Array<[string, Map<string, string>]>} */
    const heldRows = [['provider_keys', this.keyRows], ['models', this.modelRows]];
    for (const [kind, held] of heldRows) {
      for (const [id, value] of listed[kind]) if (held.get(id) !== value) changes.push({ kind, id, value });
      for (const id of held.keys()) if (!listed[kind].has(id)) changes.push({ kind, id, value: null });
    }
    await this.#enqueue(changes, revision);
    return revision;
  }

  /** Watches from `revision`; resolves true after a watch that connected, when it ends. */
  async #watchFrom(revision) {
    const pending = this.client.watch().prefix(this.base).startRevision(String(revision)).create();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the watch did not start within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
    });
    let watcher;
    try {
      watcher = await Promise.race([pending, timeout]);
    } catch (err) {
      pending.then((w) => w.cancel()).catch(() => {}); // a late one must not linger
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (this.closed) { await watcher.cancel().catch(() => {}); return true; }
    this.watcher = watcher;
    // Listed and watching: whatever happened while etcd was away is in this snapshot.
    const recovered = this.state === 'degraded';
    this.state = 'ok';
    this.lastError = null;
    if (recovered) this.log({ msg: 'etcd reachable again: listed every row and watching', revision: this.revision, models: this.models.size });
    this.#resolveFirst();

    await /** @type {Promise<void>} */ (new Promise((resolve) => {
      const stop = (err) => {
        if (this.watcher !== watcher) return;
        this.watcher = null;
        // The client would resume this watch on its own; this source lists everything again
        // instead, so a compacted revision or a long outage cannot leave a gap.
        watcher.cancel().catch(() => {});
        if (!this.closed) this.#trouble(err ?? new Error('the watch ended'));
        resolve();
      };
      watcher.on('data', (res) => {
        try {
          this.#applyEvents(res.events, Number(res.header.revision));
        } catch (err) {
          this.log({ msg: 'internal error applying an etcd change', error: String(err?.stack ?? err) });
          stop(err);
        }
      });
      watcher.on('disconnected', stop);
      watcher.on('error', stop);
      watcher.on('end', () => stop());
    }));
    return true;
  }

  // ---- rows -------------------------------------------------------------------------------

  #applyEvents(events, revision) {
    const changes = [];
    for (const ev of events) {
      const row = splitRowKey(ev.kv.key.toString('utf8'), this.base);
      if (row) changes.push({ ...row, value: ev.type === 'Put' ? ev.kv.value.toString('utf8') : null });
    }
    this.#enqueue(changes, revision).catch((err) => {
      this.log({ msg: 'internal error applying an etcd change', error: String(err?.stack ?? err) });
    });
  }

  /** Changes are processed one batch after another, in etcd's order, each ending in one snapshot. */
  #enqueue(changes, revision) {
    const job = this.queue.then(() => this.#process(changes, revision));
    this.queue = job.catch(() => {});
    return job;
  }

  async #process(changes, revision) {
    const models = new Set();
    const keys = new Set();
    const before = new Set();
    for (const { kind, id, value } of changes) {
      if (value === null) this.#deleteRow(kind, id); else this.#setRow(kind, id, value);
      (kind === 'models' ? models : keys).add(id);
    }
    this.revision = revision;
    if (!changes.length && this.current) return;
    for (const id of keys) for (const m of this.modelsByKey.get(id) ?? []) models.add(m);
    for (const id of keys) { this.keys.delete(id); this.#forgetProblem(`provider_keys/${id}`, before); }
    for (const id of models) { this.models.delete(id); this.shaping.delete(id); this.#forgetProblem(`models/${id}`, before); }
    await this.#evaluate(models, keys, before);
    this.#publish();
  }

  #forgetProblem(row, before) {
    if (this.problems.delete(row)) before.add(row);
  }

  #setRow(kind, id, value) {
    if (kind === 'provider_keys') {
      this.keyRows.set(id, value);
      return;
    }
    this.#unlinkModel(id);
    this.modelRows.set(id, value);
    const keyId = referencedKey(value);
    if (keyId !== null) {
      this.modelKey.set(id, keyId);
      if (!this.modelsByKey.has(keyId)) this.modelsByKey.set(keyId, new Set());
      this.modelsByKey.get(keyId).add(id);
    }
  }

  #deleteRow(kind, id) {
    if (kind === 'provider_keys') { this.keyRows.delete(id); return; }
    this.#unlinkModel(id);
    this.modelRows.delete(id);
  }

  #unlinkModel(id) {
    const keyId = this.modelKey.get(id);
    if (keyId === undefined) return;
    this.modelKey.delete(id);
    const set = this.modelsByKey.get(keyId);
    set?.delete(id);
    if (set && !set.size) this.modelsByKey.delete(keyId);
  }

  /**
   * Runs the core over the given rows that still exist: models in batches together with the
   * key rows they name (testability depends on the key), grouped by key so each key row is
   * mostly read once; then the changed keys no model named. Yields between batches, so a
   * large change does not hold up the calls being served. `before` holds the rows that had
   * problems, so only news is logged.
   */
  async #evaluate(modelIds, keyIds, before) {
    const keyOf = (id) => this.modelKey.get(id) ?? '';
    const modelList = [...modelIds].filter((id) => this.modelRows.has(id)).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const keysDone = new Set();
    for (const batch of batches(modelList)) {
      const rows = batch.map((id) => ({ kind: 'models', id, value: this.modelRows.get(id) }));
      const named = new Set(batch.map(keyOf).filter((k) => this.keyRows.has(k)));
      for (const id of named) rows.push({ kind: 'provider_keys', id, value: this.keyRows.get(id) });
      const loaded = this.core.loadRows(rows);
      for (const m of loaded.models) {
        this.models.set(m.id, m);
        const shaping = loaded.shaping?.models?.[m.id];
        if (shaping) this.shaping.set(m.id, shaping);
      }
      this.#record('models', batch, new Set(loaded.models.map((m) => m.id)), loaded.warnings, before);
      const fresh = [...named].filter((id) => keyIds.has(id) && !keysDone.has(id));
      if (fresh.length) {
        const accepted = new Set();
        for (const k of loaded.providerKeys) if (fresh.includes(k.id)) { this.keys.set(k.id, k); accepted.add(k.id); }
        this.#record('provider_keys', fresh, accepted, loaded.warnings, before);
        for (const id of fresh) keysDone.add(id);
      }
      await yieldToIo();
    }
    const keyList = [...keyIds].filter((id) => this.keyRows.has(id) && !keysDone.has(id));
    for (const batch of batches(keyList)) {
      const loaded = this.core.loadRows(batch.map((id) => ({ kind: 'provider_keys', id, value: this.keyRows.get(id) })));
      for (const k of loaded.providerKeys) this.keys.set(k.id, k);
      this.#record('provider_keys', batch, new Set(loaded.providerKeys.map((k) => k.id)), loaded.warnings, before);
      await yieldToIo();
    }
  }

  #record(kind, ids, accepted, warnings, before) {
    const byEntry = new Map();
    for (const w of warnings) {
      if (!byEntry.has(w.entry)) byEntry.set(w.entry, []);
      byEntry.get(w.entry).push({ field: w.field, message: w.message });
    }
    for (const id of ids) {
      const row = `${kind}/${id}`;
      const problems = byEntry.get(row) ?? [];
      const skipped = !accepted.has(id);
      if (!problems.length && !skipped) continue;
      if (skipped && !problems.length) problems.push({ field: '', message: 'the core did not accept this row' });
      const clean = this.#redactRow(kind, id, problems);
      this.problems.set(row, { skipped, problems: clean });
      if (!before.has(row)) {
        this.log({ msg: skipped ? 'etcd row skipped' : 'etcd row: unknown fields ignored', row: this.base + row, problems: clean });
      }
    }
  }

  /** A row's problems with every secret redacted: the keys in use and whatever the row itself holds. */
  #redactRow(kind, id, problems) {
    const raw = (kind === 'models' ? this.modelRows : this.keyRows).get(id) ?? '';
    let value = raw;
    try { value = JSON.parse(raw); } catch { /* a row that is not JSON: its text is searched for ${VAR}s only */ }
    const secrets = [...secretCandidates(value), ...[...this.keys.values()].map((k) => k.api_key).filter(Boolean)];
    return redactErrors(this.core, problems, secrets);
  }

  #publish() {
    // The models in etcd's key order, so every replica lists them alike.
    const ids = [...this.modelRows.keys()].filter((id) => this.models.has(id)).sort();
    const shaping = { models: Object.fromEntries(ids.filter((id) => this.shaping.has(id)).map((id) => [id, this.shaping.get(id)])) };
    this.current = new Snapshot({ models: ids.map((id) => this.models.get(id)), providerKeys: [...this.keys.values()], shaping });
    for (const fn of this.listeners) fn(this.current);
  }
}

function* batches(ids) {
  const long = ids.filter((id) => id.length > LONG_ID);
  const short = ids.filter((id) => id.length <= LONG_ID);
  for (let i = 0; i < short.length; i += BATCH) yield short.slice(i, i + BATCH);
  for (const id of long) yield [id];
}

/** The provider_key_id a model row names, only to know which key row to hand the core with it. */
function referencedKey(value) {
  try {
    const doc = JSON.parse(value);
    return typeof doc?.provider_key_id === 'string' ? doc.provider_key_id : null;
  } catch {
    return null;
  }
}

/** The first key after every key that starts with `prefix`. */
function prefixEnd(prefix) {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 0xff) return Buffer.concat([bytes.subarray(0, i), Buffer.from([bytes[i] + 1])]);
  }
  return Buffer.from([0]);
}

/** The etcd3 client's connection options from the ETCD_* settings (TLS files, user and password). */
export function clientOptions({ endpoints, tls = {}, auth = null }) {
  return { hosts: endpoints, ...credentials(tls), ...(auth ? { auth: { username: auth.username, password: auth.password } } : {}) };
}

function credentials({ caFile = '', certFile = '', keyFile = '' }) {
  if (!caFile && !certFile) return {};
  return {
    credentials: {
      rootCertificate: caFile ? readFileSync(caFile) : undefined,
      ...(certFile ? { certChain: readFileSync(certFile), privateKey: readFileSync(keyFile) } : {}),
    },
  };
}

function describe(err) {
  const text = String(err?.message ?? err).split('\n')[0];
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
