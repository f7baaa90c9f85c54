// Starts the real relay in-process against a resources document, and records every byte
// it returns (status line, headers, body) and every log line, so a test file can prove at
// the end that no secret reached a client.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadRelayCore } from '../../relay/core.js';
import { readSettings } from '../../relay/settings.js';
import { Sessions } from '../../relay/session.js';
import { FileSource } from '../../relay/sources/file-source.js';
import { EtcdSource } from '../../relay/sources/etcd-source.js';
import { createRelay } from '../../relay/server.js';
import { tempDir } from './temp-dir.mjs';
import { delay } from './load.mjs';

export const TOKEN = 'test-playground-token-0123456789';

/**
 * With `resources`, the relay reads a resources file written from it; with ETCD_ENDPOINTS in
 * `env` (and no resources), it reads etcd (`etcd`: extra EtcdSource options, e.g. backoff).
 */
export async function startRelay({ resources, env = {}, settings: overrides = {}, etcd = {} }) {
  let file = null;
  if (resources !== undefined) {
    const dir = tempDir('relay');
    file = join(dir, 'resources.yaml');
    writeFileSync(file, typeof resources === 'string' ? resources : stringify(resources));
  }
  const core = await loadRelayCore();
  const logs = [];
  const log = (entry) => logs.push(JSON.stringify(entry));
  const settings = readSettings({ PLAYGROUND_TOKEN: TOKEN, ...(file ? { RESOURCES: file } : {}), SESSION_SECRET: 'test-session-secret', PORT: '0', ...env });
  Object.assign(settings.limits, overrides.limits ?? {});
  for (const [k, v] of Object.entries(overrides)) if (k !== 'limits') settings[k] = v;
  const source = settings.etcd
    ? new EtcdSource({ core, ...settings.etcd, log, ...etcd })
    : new FileSource({ core, path: file, env: { ...process.env, ...env }, allowUnsetVars: settings.allowUnsetKeyVars, log });
  await source.start();
  const sessions = new Sessions({ token: TOKEN, secret: settings.sessionSecret, previousSecret: settings.sessionSecretPrevious, ttlSeconds: 3600, log });
  const server = createRelay({ core, source, sessions, settings, log });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const captured = []; // every response the relay gave, as text

  /** fetch against the relay, capturing the response. Defaults to bearer auth. */
  async function call(path, { method = 'GET', body, headers = {}, auth = 'bearer', signal } = {}) {
    const h = { ...headers };
    if (auth === 'bearer') h.authorization = `Bearer ${TOKEN}`;
    if (body !== undefined) h['content-type'] ??= 'application/json';
    const res = await fetch(base + path, { method, headers: h, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)), redirect: 'manual', signal });
    const record = { status: res.status, headers: [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n'), body: '' };
    captured.push(record);
    const text = async () => { record.body = await res.text(); return record.body; };
    return { res, status: res.status, headers: res.headers, text, json: async () => JSON.parse(await text()) };
  }

  const chat = (model, body, opts = {}) => call('/api/playground/chat', { method: 'POST', body: { model, body }, ...opts });
  return {
    base, core, source, server, logs, captured, file, call, chat,
    async models() { return (await (await call('/api/playground/models')).json()).models; },
    async idOf(displayName) { return (await this.models()).find((m) => m.display_name === displayName)?.id; },
    /** Every secret must be absent from every captured byte and log line. */
    leaks(secrets) {
      const found = [];
      const hay = [...captured.map((c) => `${c.status}\n${c.headers}\n\n${c.body}`), ...logs];
      for (const s of secrets) for (const h of hay) if (h.includes(s)) found.push({ secret: `${s.slice(0, 4)}…`, where: h.slice(0, 200) });
      return found;
    },
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(() => r()));
      await source.close();
    },
  };
}

/**
 * Runs `attack` (a hostile upstream, a hostile request) while another user's ordinary stream
 * goes through the same relay, from the model `normalId` (the hostile upstreams' `normal`
 * scenario: "all good" in three chunks). Both must finish: the neighbour's answer is read
 * by the core to its end. → what `attack` returned.
 */
export async function besideNormalCall(relay, normalId, attack) {
  const normal = (async () => {
    await delay(25); // start while the attack is in flight
    const r = await relay.chat(normalId, { messages: [{ role: 'user', content: 'Say hello' }], stream: true });
    assert.equal(r.status, 200, 'the neighbour got its answer');
    const stream = relay.core.openStream();
    try {
      stream.push(new Uint8Array(await r.res.arrayBuffer()));
      const result = stream.end();
      assert.equal(result.ok, true, JSON.stringify(result.findings));
      assert.equal(result.content, 'all good');
      assert.equal(result.done, true, 'the neighbour\'s stream ran to its end');
    } finally { stream.free(); }
  })();
  const [value] = await Promise.all([attack(), normal]);
  return value;
}

/**
 * Runs `fn` while the relay's core refuses to plan any call with `error` (as for a base URL
 * it cannot use). The relay plans each model once per snapshot, so the source is reloaded
 * before and after: the refusal lives in a snapshot of its own. → what `fn` returned.
 */
export async function withRefusedPlan(relay, error, fn) {
  relay.core.planChatCall = () => ({ ok: false, error });
  try {
    assert.equal(await relay.source.reload(), true);
    return await fn();
  } finally {
    delete relay.core.planChatCall; // the class's own method again
    assert.equal(await relay.source.reload(), true);
  }
}

/**
 * A key's `request` settings that change a call in every way the gateway shapes one: a rename,
 * a clamp, default body fields, and default headers with templates, an Authorization the
 * gateway never sends, and a credential-like header read from `secretVar` (in the resources
 * file's ${VAR} form: templates are written $${…}).
 */
export function shapedRequestSettings(secretVar) {
  return {
    param_renames: { max_tokens: 'max_completion_tokens' },
    param_constraints: { temperature_max: 1.0 },
    default_body_fields: { safe_prompt: true, temperature: 0.1 },
    default_headers: {
      'X-Tenant': 'acme', 'x-model': '$${model.name}', 'x-call': '$${request.id}',
      'x-team': '$${request.api_key.team_id}', Authorization: 'Bearer not-the-key', 'x-portkey-api-key': `\${${secretVar}}`,
    },
  };
}
