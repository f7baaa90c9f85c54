// The configuration's state as the page says it (web/playground/config-status.js), from the
// real relay's GET /api/playground/status: where it comes from, when it was loaded, a failed
// reload redacted by the relay ("still using the previous settings"), the relay's time
// limits, and what "Reload the model list" did. /healthz keeps saying only a state and a count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startRelay } from '../support/relay-harness.mjs';
import { clockTime, configView, reloadText } from '../../web/playground/config-status.js';

const OLD = 'sk-old-CONFIGSTATUSkey0000000000000000-AAAA';
const NEW = 'sk-new-CONFIGSTATUSpasted111111111111-BBBB';
const good = (key) => `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: "${key}"
models:
  - display_name: gpt
    provider: openai
    model_name: gpt-4.1-mini
    provider_key: main
`;
// The new key pasted where the key's name goes: the core's message quotes it.
const bad = good(NEW).replace('provider_key: main', `provider_key: "${NEW}"`);

let relay;
before(async () => { relay = await startRelay({ resources: good(OLD), settings: { limits: { firstByteMs: 45_000 } } }); });
after(async () => { await relay?.stop(); });

const status = async () => {
  const body = await (await relay.call('/api/playground/status')).json();
  return { ok: true, state: body.status, source: body.source, core: body.core, limits: body.limits };
};

test('the status route carries the relay\'s time limits beside the source', async () => {
  const s = await status();
  assert.deepEqual(s.limits, { connectMs: 10_000, firstByteMs: 45_000, idleMs: 60_000, totalMs: 600_000, concurrentPerUser: 8 });
  assert.equal(s.source.source, 'file');
});

test('a healthy file source: where, when; the reload says nothing changed, then that a new configuration loaded', async () => {
  const now = Date.now();
  const first = configView(await status(), now);
  assert.equal(first.state, 'ok');
  assert.equal(first.where, `Configuration: the resources file ${relay.file}.`);
  assert.match(first.loaded, /^Loaded at \d\d:\d\d:\d\d \(\d+ s ago\)\.$/);
  assert.equal(first.failure, null);
  const models = { ok: true, models: [{ testable: true }] };
  assert.match(reloadText(models, first, configView(await status(), now), now), /^Reloaded at \d\d:\d\d:\d\d: 1 model\. The relay's configuration has not changed since the last list\.$/);

  await new Promise((r) => setTimeout(r, 5));
  writeFileSync(relay.file, good(OLD).replace('display_name: gpt', 'display_name: gpt two'));
  assert.equal(await relay.source.reload(), true);
  const after = configView(await status(), Date.now());
  assert.match(reloadText(models, first, after, Date.now()), /The relay loaded a new configuration since the last list\.$/);
});

test('a failed reload: degraded, the reason redacted, "still using the previous settings"; /healthz says only a count', async () => {
  writeFileSync(relay.file, bad);
  assert.equal(await relay.source.reload(), false);
  const now = Date.now();
  const view = configView(await status(), now);
  assert.equal(view.state, 'degraded');
  assert.match(view.failure, /^Last reload failed at \d\d:\d\d:\d\d \(\d+ s ago\): .+ — still using the previous settings\.$/);
  assert.match(view.failure, /provider_key/, 'the reason names the field');
  assert.ok(!view.failure.includes(NEW) && !view.failure.includes(NEW.slice(8, -6)), `never the key: ${view.failure}`);
  assert.ok(!view.failure.includes(OLD.slice(8, -6)));
  const text = reloadText({ ok: true, models: [{ testable: true }, { testable: false }] }, view, view, now);
  assert.match(text, /: 2 models \(1 not testable here\)\. The relay's last configuration reload failed, so these are the previous settings\.$/);

  const health = await relay.call('/healthz', { auth: null });
  assert.equal(health.status, 503);
  assert.deepEqual(Object.keys(await health.json()).sort(), ['problems', 'status']);
  assert.equal((await relay.call('/api/playground/status', { auth: null })).status, 401, 'the details only for a signed-in caller');
  assert.deepEqual(relay.leaks([NEW, OLD]), []);

  writeFileSync(relay.file, good(OLD));
  assert.equal(await relay.source.reload(), true);
  assert.equal(configView(await status(), Date.now()).failure, null, 'a good reload clears it');
});

test('etcd, an unknown status and a failed model list, in words', () => {
  const now = Date.parse('2026-12-05T10:10:00Z');
  const etcd = configView({ ok: true, state: 'degraded', source: {
    source: 'etcd', prefix: '/aisix', revision: 42, loadedAt: '2026-12-05T10:00:00Z', skippedRows: 3,
    rowProblems: [{ row: '/aisix/models/a', problems: [] }, { row: '/aisix/models/b', problems: [] }],
    lastError: { at: '2026-12-05T10:09:30Z', message: 'connect ECONNREFUSED 127.0.0.1:2379' },
  } }, now);
  assert.equal(etcd.where, 'Configuration: etcd (prefix /aisix, revision 42); 3 bad rows skipped (/aisix/models/a, /aisix/models/b, …).');
  assert.match(etcd.loaded, /^Loaded at \d\d:\d\d:00 \(10 min ago\)\.$/);
  assert.match(etcd.failure, /^etcd unreachable since \d\d:09:30 \(30 s ago\): connect ECONNREFUSED 127\.0\.0\.1:2379 — still using the previous settings\.$/);
  const unknown = configView({ ok: false, status: 404 }, now);
  assert.equal(unknown.state, 'unknown');
  assert.match(reloadText({ ok: true, models: [] }, unknown, unknown, now), /^Reloaded at \d\d:\d\d:\d\d: 0 models\.$/);
  assert.match(reloadText({ ok: false, status: 502, error: { message: 'bad gateway' } }, unknown, unknown, now), /failed: the model list could not be loaded \(bad gateway\)\.$/);
  assert.equal(clockTime('not a time', now), null);
  assert.match(clockTime('2026-12-04T10:10:00Z', now), /\(1 d ago\)$/);
});
