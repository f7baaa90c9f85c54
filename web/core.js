// The typed wrapper around the playground core (C++ compiled to WebAssembly).
//
// This file and its handle objects (core-objects.js, through the port made here) are the
// only JavaScript that touches the module's memory. Every call copies its input into the
// WASM heap, calls one exported function and decodes the reply, so a caller only ever sees
// plain JS values. The same file loads in a browser and in Node 20.
import { instantiateCore } from './core-module.js';
import { ChatRequest, ChatStream, NativeObject, SecretsRedactor, SseDecoder, StreamRedactor } from './core-objects.js';
import { u32At } from './core-deltas.js';
import { CoreError, jsonInput, lineLimit, stringFields, textInput, toBytes } from './core-input.js';

export { CoreError };

const decoder = new TextDecoder();
const encoder = new TextEncoder();
// Texts up to this many UTF-16 units are written into the module directly (#stage): at most
// three times as many bytes of its input buffer.
const DIRECT_TEXT_CHARS = 64 * 1024;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

async function readWasmInNode() {
  // Dynamic import keeps browsers (and bundlers targeting them) away from node:fs.
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(new URL('./dist/playground-core.wasm', import.meta.url)));
}

/**
 * Loads the core. In a browser the .wasm next to this file is fetched (and compiled as it
 * downloads); in Node it is read from disk. `wasmBinary` gives the bytes instead: another
 * build of the same core (the relay's, built for speed: relay/core.js) is loaded this way.
 * @param {{ wasmBinary?: Uint8Array }} [options]
 */
export async function loadCore(options = {}) {
  let mod;
  try {
    let source = options.wasmBinary;
    if (!source) source = isNode ? await readWasmInNode() : await fetch(new URL('./dist/playground-core.wasm', import.meta.url));
    mod = await instantiateCore(source);
  } catch (err) {
    throw new CoreError('load_failed', `the playground core could not be loaded: ${err?.message ?? err}`);
  }
  return new Core(mod);
}

class Core {
  #mod;
  #broken = null; // set when the module trapped: its state can no longer be trusted
  #parameters = null;
  #inPtr = 0;
  #inCap = 0;
  #secretsRedactors = new WeakMap(); // secrets array -> its secretsRedactor
  #chatTargets = new WeakMap(); // shaping object -> { key, handle, owner }: see #chatTarget
  #port; // the boundary as the handle objects reach it (core-objects.js)

  constructor(mod) {
    this.#mod = mod;
    this.version = this.#readCString(mod.pg_version());
    this.#port = {
      mod,
      guard: (fn) => this.#guard(fn),
      stage: (input) => this.#stage(input),
      input: () => this.#inPtr,
      resultBytes: (len) => this.#resultBytes(len),
      callBytes: (name, input, ...args) => this.#callBytes(name, input, ...args),
      chatTarget: (target) => this.#chatTarget(target),
      answerHeaders: (list, headers, now) => this.#answerHeaders(list, headers, now),
      broken: () => this.#broken !== null,
    };
  }

  // ---- the boundary ------------------------------------------------------------------

  #readCString(ptr) {
    const heap = this.#mod.heap;
    let end = ptr;
    while (heap[end] !== 0) end++;
    return decoder.decode(heap.subarray(ptr, end));
  }

  /**
   * Copies an input into the reusable input buffer in the WASM heap, at #inPtr → its length in
   * bytes. Text (a JSON input, a request id) is written there as UTF-8 directly: encoding it
   * into an array of its own first cost an ArrayBuffer a call (docs/performance.md, session 13).
   * A long text is encoded first, so the buffer grows to its exact size, not to three bytes
   * for each of its characters.
   */
  #stage(input) {
    const direct = typeof input === 'string' && input.length <= DIRECT_TEXT_CHARS;
    const bytes = typeof input === 'string' && !direct ? encoder.encode(input) : input;
    const need = direct ? input.length * 3 : bytes.length; // UTF-8: at most 3 bytes per UTF-16 unit
    if (need > this.#inCap) {
      if (this.#inPtr) this.#mod.pg_free(this.#inPtr);
      this.#inCap = Math.max(need, 64 * 1024);
      this.#inPtr = this.#mod.pg_alloc(this.#inCap);
      if (!this.#inPtr) {
        this.#inCap = 0;
        throw new CoreError('out_of_memory', `the core could not allocate ${need} bytes`);
      }
    }
    if (direct) return encoder.encodeInto(input, this.#mod.heap.subarray(this.#inPtr, this.#inPtr + need)).written;
    this.#mod.heap.set(bytes, this.#inPtr);
    return bytes.length;
  }

  #resultBytes(len) {
    const ptr = this.#mod.pg_result_ptr();
    return this.#mod.heap.subarray(ptr, ptr + len);
  }

  /** Runs one exported call; turns a WASM trap into a CoreError and poisons the instance. */
  #guard(fn) {
    if (this.#broken) throw new CoreError('core_broken', `the core stopped after an internal error: ${this.#broken}`);
    try {
      return fn();
    } catch (err) {
      if (err instanceof CoreError) throw err;
      this.#broken = err?.message ?? String(err);
      throw new CoreError('internal', `internal error in the core: ${this.#broken}`);
    }
  }

  /** An export of this build, or CoreError('unsupported'): a missing one is no trap (the core stays usable). */
  #export(name) {
    const fn = this.#mod[name];
    if (typeof fn !== 'function') throw new CoreError('unsupported', `this build of the core has no ${name} (the relay's build has every export: relay/core.js)`);
    return fn;
  }

  #callBytes(name, input, ...args) {
    const fn = this.#export(name);
    return this.#guard(() => {
      const staged = this.#stage(input);
      return this.#resultBytes(fn(...args, this.#inPtr, staged));
    });
  }

  /** A bytes reply that is the core's JSON refusal instead (its input could not be read). */
  #refused(reply) {
    try { this.#replyJson(reply); } catch (err) { if (err instanceof CoreError) throw err; /* not JSON either */ }
    throw new CoreError('internal', 'the core answered in a form this wrapper does not read');
  }

  #callJson(name, input) {
    return this.#replyJson(this.#callBytes(name, jsonInput(input)));
  }

  /** A JSON reply; the core's refusal of its input is bad_input. */
  #replyJson(bytes) {
    const reply = JSON.parse(decoder.decode(bytes));
    if (reply && reply.error && reply.error.code === 'bad_input') throw new CoreError('bad_input', reply.error.message);
    return reply;
  }

  // ---- the contract (docs/contracts.md) ------------------------------------------------

  /** The playground's parameters, in the order a form shows them: [{key, kind, min?, max?}]. Read once. */
  parameters() {
    this.#parameters ??= Object.freeze(this.#guard(() => JSON.parse(decoder.decode(this.#resultBytes(this.#mod.pg_parameters())))));
    return this.#parameters;
  }

  /** Form → chat-completions body, or every field error. */
  buildRequest(form) {
    if (form === null || typeof form !== 'object') {
      return { ok: false, errors: [{ field: '', message: 'the form must be an object' }] };
    }
    return this.#callJson('pg_build_request', form);
  }

  /** Validates a whole non-streaming response body. */
  validateCompletion(text) {
    return this.#callJson('pg_validate_completion', () => String(text ?? ''));
  }

  /** Parses a provider's error body into {type, code, message}. */
  parseError(status, contentType, body) {
    return this.#callJson('pg_parse_error', () => ({
      status: Number(status) || 0,
      contentType: String(contentType ?? ''),
      body: String(body ?? ''),
    }));
  }

  /** Removes every secret from text: whole, escaped (JSON, %XX), base64-encoded, or in a provider's masked echo. */
  redact(text, secrets) {
    return this.#callJson('pg_redact', () => ({ text: String(text ?? ''), secrets: (secrets ?? []).map(String) })).text;
  }

  /**
   * Upstream header values as the relay forwards them (relay build only), in one call: each
   * redacted, or null when what redaction leaves still holds a run of a secret's raw bytes (8,
   * or half a short secret's, at least 6; secrets under 12 bytes are not looked for): a key
   * split across two headers survives redaction of each.
   */
  redactHeaderValues(values, secrets) {
    return this.#callJson('pg_redact_header_values', () => ({ values: (values ?? []).map(String), secrets: (secrets ?? []).map(String) })).values;
  }

  /**
   * A provider's answer headers as the relay forwards them (relay build only), in one call:
   * `headers` as [name, value] pairs (names lower-case), each value as redactHeaderValues gives
   * it, and the key's headroom read from the kept values (x-ratelimit-*, anthropic-ratelimit-*,
   * retry-after; `now` in ms since the epoch turns an absolute reset into "in …") as RateLimits'
   * JSON text, or null when they say nothing about the key's limits. The secrets are worked out
   * for this call only; the relay uses its kept list's (secretsRedactor(secrets).forwardAnswerHeaders).
   */
  forwardAnswerHeaders(headers, secrets, now) {
    const list = this.#fromSecrets('pg_secrets_new', secrets);
    try {
      return this.#answerHeaders(list, headers, now);
    } finally {
      if (!this.#broken) this.#mod.pg_secrets_free(list);
    }
  }

  /** forwardAnswerHeaders against a secrets list the core has already worked out (its handle). */
  #answerHeaders(list, headers, now) {
    // The clock, then each name and value ended by a NUL (the binding's form: no JSON for the
    // headers, which this call gets for every answer the relay forwards). jsonInput takes the
    // text as it is; it makes it before any #guard, a refusal as bad_input.
    const input = jsonInput(() => {
      let text = `${Number.isFinite(now) && now >= 0 && now < 1e15 ? Math.floor(now) : ''}\n`;
      for (const h of headers ?? []) {
        const name = String(h?.[0] ?? '');
        const value = String(h?.[1] ?? '');
        if (name.includes('\0') || value.includes('\0')) throw new CoreError('bad_input', 'a header name or value holds a NUL character, which HTTP does not allow');
        text += `${name}\0${value}\0`;
      }
      return text;
    });
    // The values' JSON, then the headroom's text, then the values' byte length (4 bytes, LE).
    const reply = this.#callBytes('pg_forward_answer_headers', input, list);
    const end = reply.length - 4;
    if (end < 0) return this.#refused(reply);
    const valuesLength = u32At(reply, end);
    if (valuesLength > end) return this.#refused(reply);
    const values = JSON.parse(decoder.decode(reply.subarray(0, valuesLength)));
    if (!Array.isArray(values)) return this.#refused(reply);
    return { values, headroom: valuesLength < end ? decoder.decode(reply.subarray(valuesLength, end)) : null };
  }

  /**
   * The relay's chat request, bytes in and bytes out (relay build only): the request's bytes
   * ({model, body}) are read once and the body kept in the core. → { ok: true, model,
   * check(target), free() } | { ok: false, error: { code: 'not_json' | 'no_model', message } }.
   * check({model_name, provider, shaping?, requestId?}), once, → { ok: true, payload:
   * Uint8Array (a copy of the body as sent upstream; a small one may share its buffer with
   * other copies: ownBuffer() before transferring it), stream, headers, changes }
   * | { ok: false, errors, badInput? }, and lets the request go. free() lets it go unchecked.
   */
  openChatRequest(bytes) {
    if (typeof this.#mod.pg_request_open !== 'function') throw new CoreError('unsupported', 'this build of the core has no chat request check (the relay\'s build has: relay/core.js)');
    const input = toBytes(bytes);
    const handle = this.#guard(() => { const staged = this.#stage(input); return this.#mod.pg_request_open(this.#inPtr, staged); });
    let opened;
    try {
      opened = this.#guard(() => JSON.parse(decoder.decode(this.#resultBytes(this.#mod.pg_request_model(handle)))));
    } catch (err) {
      if (!this.#broken) this.#mod.pg_request_free(handle);
      throw err;
    }
    if (opened.error) {
      this.#guard(() => this.#mod.pg_request_free(handle));
      return { ok: false, error: opened.error };
    }
    return new ChatRequest(this.#port, handle, opened.model);
  }

  /**
   * The core's reading of a chat target ({model_name, provider, shaping?}) for a check. A
   * model's shaping is the same object on every call until the configuration changes (the
   * relay's snapshot), so the target is read once per shaping object and kept while that
   * object lives, as secretsRedactor keeps a list's: a call then hands the core only its
   * request id, not the shaping's JSON again. A target without a shaping object, or one whose
   * shaping object was kept for another model, is read for that call only.
   * → { handle, temporary } (a temporary handle is the caller's to free).
   */
  #chatTarget(target) {
    const shaping = target?.shaping && typeof target.shaping === 'object' ? target.shaping : null;
    const modelName = textInput(target?.model_name, 'the model name');
    const provider = textInput(target?.provider, 'the provider');
    const key = `${modelName}\n${provider}`;
    const kept = shaping ? this.#chatTargets.get(shaping) : undefined;
    if (kept?.key === key) return { handle: kept.handle, temporary: false };
    const text = jsonInput(() => ({ model_name: modelName, provider, ...(shaping ? { shaping } : {}) }), 'the chat target');
    const handle = this.#guard(() => { const staged = this.#stage(text); return this.#mod.pg_chat_target_new(this.#inPtr, staged); });
    if (!handle) throw new CoreError('bad_input', 'the core could not read the chat target');
    if (!shaping || kept) return { handle, temporary: true };
    // Freed when the shaping object is collected (the registry's finalizer: core-objects.js).
    this.#chatTargets.set(shaping, { key, handle, owner: new NativeObject(this.#port, handle, 'pg_chat_target_free') });
    return { handle, temporary: false };
  }

  /**
   * A built body as the gateway would send it for a model (its public `gateway.shaping`):
   * { body, stream, headers: [{name, value}], changes: [{code, text}] }.
   */
  shapeChatBody(body, shaping, requestId = '') {
    return this.#callJson('pg_shape_chat_body', () => ({ body: body ?? {}, shaping: shaping ?? {}, requestId: String(requestId ?? '') }));
  }

  /** Normalises a base URL and joins a path: { ok, url, notes } | { ok: false, error }. */
  upstreamUrl(apiBase, path) {
    return this.#callJson('pg_upstream_url', () => ({ apiBase: String(apiBase ?? ''), path: String(path ?? '') }));
  }

  /** The chat call for a model: { ok, url, authHeader, authScheme, notes } | { ok: false, error }. */
  planChatCall(target) {
    const input = stringFields(target, ['provider', 'adapter', 'api_base', 'model_name']);
    // With the model's shaping: `gateway` {answerReading, deadlines, tls, shaping}.
    if (target?.shaping && typeof target.shaping === 'object') input.shaping = target.shaping;
    return this.#callJson('pg_plan_chat_call', input);
  }

  /** "Copy as curl": the relay's call (its url, auth and headers) with $PROVIDER_KEY in place of the key. */
  curlCommand(call, body) {
    return this.#callJson('pg_curl_command', () => ({
      call: {
        ...stringFields(call, ['url']),
        auth: stringFields(call?.auth, ['header', 'scheme']),
        headers: Array.isArray(call?.headers) ? call.headers.map((h) => ({ name: String(h?.name ?? ''), value: String(h?.value ?? '') })) : [],
      },
      body: body ?? {},
    })).command;
  }

  /** The SSRF guard's verdict on one resolved address. */
  classifyAddress(ip) {
    return this.#callJson('pg_classify_address', () => JSON.stringify(String(ip ?? '')));
  }

  /** usage × the model's prices (USD per 1,000 tokens). */
  cost(usage, prices) {
    return this.#callJson('pg_cost', { usage: usage ?? null, prices: prices ?? null });
  }

  /** Before a run: a built body's worst case at the model's prices (estimated prompt + its completion limit). */
  worstCaseCost(body, prices) {
    return this.#callJson('pg_worst_case_cost', { body: body ?? null, prices: prices ?? null });
  }

  /** The "Test connection" form for a model: tiny, not streamed, a reasoning family's lowest effort. */
  probeForm(model) {
    return this.#callJson('pg_probe_form', () => ({ model_name: String(model?.model_name ?? ''), provider: String(model?.provider ?? '') }));
  }

  /** The reasoning_effort values a model takes, lowest first (none when it is not offered). */
  reasoningEffort(model) {
    return this.#callJson('pg_reasoning_effort', () => ({ model_name: String(model?.model_name ?? '') }));
  }

  /** The checklist for one run's outcome (docs/contracts.md: Outcome → Diagnosis). */
  diagnose(outcome) {
    return this.#callJson('pg_diagnose', outcome ?? {});
  }

  /** The AISIX resources file (parsed from YAML) → models (public) and provider keys (relay only). */
  loadResources(document, env = {}, { allowUnsetVars = false } = {}) {
    return this.#callJson('pg_load_resources', { document: document ?? null, env, allowUnsetVars });
  }

  /** etcd rows ({kind, id, value}) → models and provider keys; bad rows are skipped and reported. */
  loadRows(rows) {
    return this.#callJson('pg_load_rows', { rows });
  }

  /**
   * Where a model's key lists the provider's models (GET <base>/models, relay only):
   * { ok, url, authHeader, authScheme, headers } | { ok: false, problem, error }.
   */
  modelListCall(target) {
    return this.#callJson('pg_model_list_call', stringFields(target, ['provider', 'adapter', 'api_base', 'model_name']));
  }

  /**
   * A provider's answer to GET /models, read bounded (relay only): { ok, ids, leftOut, closest? }
   * | { ok: false, problem, error }; `closest` (at most 3) when `wanted` names the refused model.
   */
  readModelList(body, wanted) {
    return this.#callJson('pg_read_model_list', () => ({ body: String(body ?? ''), ...(wanted !== undefined && wanted !== null ? { wanted: String(wanted) } : {}) }));
  }

  /** An incremental text/event-stream decoder over byte chunks. */
  sseDecoder(options = {}) {
    const maxLineBytes = lineLimit(options.maxLineBytes);
    const sseNew = this.#export('pg_sse_new');
    const handle = this.#guard(() => sseNew(maxLineBytes));
    return new SseDecoder(this.#port, handle);
  }

  /** A chat stream: SSE decoding, chunk validation and accumulation. */
  openStream(options = {}) {
    // { shaping }: the model's public shaping (PublicModel.gateway.shaping): its answer is
    // read as the gateway reads the key's (response.reasoning_field, stream_done_marker).
    const shaping = options.shaping ? jsonInput(() => JSON.stringify(options.shaping), 'the shaping') : null;
    const maxLineBytes = lineLimit(options.maxLineBytes);
    const handle = shaping
      ? this.#guard(() => { const staged = this.#stage(shaping); return this.#mod.pg_stream_new_shaped(maxLineBytes, this.#inPtr, staged); })
      : this.#guard(() => this.#mod.pg_stream_new(maxLineBytes));
    return new ChatStream(this.#port, handle);
  }

  /** Redacts secrets from a byte stream split anywhere (the relay's forwarding path). */
  streamRedactor(secrets) {
    return new StreamRedactor(this.#port, this.#fromSecrets('pg_redactor_new', secrets));
  }

  /**
   * One secrets list, compiled once (relay build only): stream() is a fresh stream redactor
   * over it, as streamRedactor(secrets) is, and forwardAnswerHeaders(headers, now) the header
   * pass against it, as forwardAnswerHeaders(headers, secrets, now) is, without handing the core
   * the secrets or working out their forms again. Kept per secrets array while the array lives
   * (the relay's lists are one per configuration snapshot, never changed): the same array gives
   * the same one. Each stream() is freed by its caller; free() on the list lets it go (the next
   * call compiles it again).
   */
  secretsRedactor(secrets) {
    let compiled = Array.isArray(secrets) ? this.#secretsRedactors.get(secrets) : undefined;
    if (compiled) return compiled;
    const handle = this.#fromSecrets('pg_secrets_new', secrets);
    if (!Array.isArray(secrets)) return new SecretsRedactor(this.#port, handle, null);
    compiled = new SecretsRedactor(this.#port, handle, () => this.#secretsRedactors.delete(secrets));
    this.#secretsRedactors.set(secrets, compiled);
    return compiled;
  }

  /**
   * The secrets as the core's JSON list handed to `exportName` (relay build only: a build
   * without the export is CoreError('unsupported'), and the core stays usable) → its handle.
   */
  #fromSecrets(exportName, secrets) {
    const make = this.#export(exportName);
    const text = jsonInput(() => (secrets ?? []).map(String), 'the secrets list');
    return this.#guard(() => { const staged = this.#stage(text); return make(this.#inPtr, staged); });
  }
}
