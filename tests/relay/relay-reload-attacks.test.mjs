// A bad reload never ends the relay and never puts a secret where a stranger can read it:
// /healthz without a session says a state and a count; the details are signed in only,
// and every message about the bad file is redacted with the old and the new secrets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startRelay } from '../support/relay-harness.mjs';

const OLD = 'sk-old-GOODkey000000000000000000000-AAAA';
const NEW = 'sk-new-PASTEDkey11111111111111111111-BBBB';

const good = `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: "${OLD}"
models:
  - display_name: gpt
    provider: openai
    model_name: gpt-4.1-mini
    provider_key: main
`;

// Each bad file, and what must not leak from it.
const BAD = {
  // The key's value pasted where the key's name goes: "references unknown provider key …".
  'a key value as the model\'s provider_key': `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: "${NEW}"
models:
  - display_name: gpt
    provider: openai
    model_name: gpt-4.1-mini
    provider_key: "${NEW}"
`,
  // A key pasted where an alias goes: the YAML parser's message quotes it.
  'an unresolved alias that is a key': `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: *${NEW}
`,
  // A block scalar header with a key glued to it: the parser quotes the header.
  'a block scalar header': `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: |${NEW}
      x
`,
  // The old key, still in the failing file, with a structural error elsewhere.
  'the old key in a file with an unknown field': `_format_version: "1"
provider_keys:
  - display_name: main
    provider: openai
    api_key: "${OLD}"
    note_${OLD}: 1
models: []
`,
};

let relay;

before(async () => {
  relay = await startRelay({ resources: good });
});

after(async () => {
  await relay?.stop();
});

for (const [what, text] of Object.entries(BAD)) {
  test(`a failed reload (${what}): degraded, last good kept, nothing secret anywhere`, async () => {
    writeFileSync(relay.file, text);
    assert.equal(await relay.source.reload(), false);
    const health = await relay.call('/healthz', { auth: null });
    assert.equal(health.status, 503);
    const body = await health.json();
    assert.deepEqual(Object.keys(body).sort(), ['problems', 'status']);
    assert.equal(body.status, 'degraded');
    assert.ok(body.problems >= 1);

    const details = await relay.call('/api/playground/status');
    assert.equal(details.status, 200);
    const status = await details.json();
    assert.equal(status.source.state, 'degraded');
    assert.ok(status.source.lastReloadError.errors.length >= 1, 'the reason is there for a signed-in operator');
    assert.equal((await relay.call('/api/playground/status', { auth: null })).status, 401, 'and only for one');

    // The last good configuration still serves.
    const models = await relay.models();
    assert.equal(models.length, 1);
    assert.equal(models[0].display_name, 'gpt');
    assert.deepEqual(relay.leaks([OLD, NEW]), []);

    writeFileSync(relay.file, good);
    assert.equal(await relay.source.reload(), true);
    assert.equal((await relay.call('/healthz', { auth: null })).status, 200);
  });
}

test('SIGHUP with a self-referencing alias or an alias bomb: the process lives, the last good configuration stays', async () => {
  const stop = relay.source.watchSignals();
  const cases = {
    'a self-referencing alias': `_format_version: "1"\nprovider_keys: &loop\n  - display_name: main\n    provider: openai\n    api_key: "${NEW}"\n    extra: *loop\nmodels: []\n`,
    'a map that contains itself': `_format_version: "1"\nx: &m { a: 1, b: *m }\nprovider_keys: []\nmodels: []\n`,
    'an alias bomb': `_format_version: "1"\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nprovider_keys: []\nmodels: []\n`,
  };
  try {
    for (const [what, text] of Object.entries(cases)) {
      writeFileSync(relay.file, text);
      const logged = relay.logs.length;
      process.kill(process.pid, 'SIGHUP');
      // The reload runs on the signal; wait for its log line.
      const until = Date.now() + 5000;
      while (!relay.logs.slice(logged).some((l) => l.includes('reload failed'))) {
        assert.ok(Date.now() < until, `${what}: no reload result logged`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const status = await (await relay.call('/api/playground/status')).json();
      assert.equal(status.source.state, 'degraded', what);
      const message = status.source.lastReloadError.errors.map((e) => e.message).join(' ');
      assert.match(message, what === 'an alias bomb' ? /aliases expand too far/ : /refers to a node that contains it/, what);
      assert.equal((await relay.models()).length, 1, `${what}: the last good list still serves`);
    }
  } finally {
    stop();
    writeFileSync(relay.file, good);
    await relay.source.reload();
  }
  assert.deepEqual(relay.leaks([OLD, NEW]), []);
});
