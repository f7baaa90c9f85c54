// web/contract.js: what the relay and the page share. The relay's error as it writes it is
// what the page's one reader reads; the page's own failure kind is one the core knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEADROOM_HEADER, RELAY_SOURCE, RELAY_UNREACHABLE, SOURCE_HEADER, UPSTREAM_SOURCE, headroomOf, relayErrorEnvelope, relayErrorFromText, relayErrorOf, relayUnreachable } from '../../web/contract.js';
import { RelayError } from '../../relay/errors.js';
import { loadCore } from '../../web/core.js';

test('the relay\'s error, as it writes it, is read back whole by the page\'s one reader', () => {
  const error = new RelayError('timeout', 'no first byte', { phase: 'first_byte', reason: 'first_byte_timeout' });
  const text = JSON.stringify(error.toJSON());
  assert.deepEqual(relayErrorFromText(text, { [SOURCE_HEADER]: RELAY_SOURCE }),
    { source: 'relay', kind: 'timeout', message: 'no first byte', phase: 'first_byte', reason: 'first_byte_timeout' });
  assert.deepEqual(error.toJSON(), relayErrorEnvelope('timeout', 'no first byte', { phase: 'first_byte', reason: 'first_byte_timeout' }));
  assert.equal(relayErrorFromText(text, { [SOURCE_HEADER]: 'upstream' }), null, 'not without the relay\'s header');
});

test('only the envelope with source "relay" and a kind is the relay\'s', () => {
  assert.equal(relayErrorOf({ error: { source: 'relay', kind: 'dns', message: 'x' } })?.kind, 'dns');
  for (const parsed of [null, 'text', 42, {}, { error: 'relay' }, { error: { kind: 'dns' } }, { error: { source: 'upstream', kind: 'dns' } }, { error: { source: 'relay', kind: 7 } }]) {
    assert.equal(relayErrorOf(parsed), null, JSON.stringify(parsed));
  }
});

test('the page\'s own "relay unreachable" is a kind the core reads as the relay being unreachable', async () => {
  const error = relayUnreachable('the page could not reach the relay (fetch failed)');
  assert.deepEqual(error, { kind: RELAY_UNREACHABLE, message: 'the page could not reach the relay (fetch failed)' });
  const core = await loadCore();
  const d = core.diagnose({ relayError: error, model: { provider: 'openai', model_name: 'm', api_base: 'https://api.openai.com/v1' } });
  assert.ok(d.conditions.some((c) => c.kind === 'relay_unreachable'), JSON.stringify(d.conditions));
});

test('headroomOf: the relay\'s headroom on a forwarded answer; nothing from a relay\'s own answer or a malformed value', () => {
  const headroom = { limits: [{ kind: 'requests', source: 'openai', limit: 10000, remaining: 9998, resetMs: 6000, resetAt: null, text: '9,998 of 10,000 requests left; resets in 6 s' }], retryAfter: null, problems: [] };
  const forwarded = new Headers({ [SOURCE_HEADER]: UPSTREAM_SOURCE, [HEADROOM_HEADER]: JSON.stringify(headroom) });
  assert.deepEqual(headroomOf(forwarded), headroom);
  assert.deepEqual(headroomOf(Object.fromEntries(forwarded.entries())), headroom, 'a plain object of headers reads the same');
  // A relay's own answer never carries the key's headroom, whatever it says.
  assert.equal(headroomOf(new Headers({ [SOURCE_HEADER]: RELAY_SOURCE, [HEADROOM_HEADER]: JSON.stringify(headroom) })), null);
  assert.equal(headroomOf(new Headers({ [SOURCE_HEADER]: UPSTREAM_SOURCE })), null);
  for (const bad of ['{', '[]', '{"limits":[]}', '{"limits":{},"problems":[]}', 'null']) {
    assert.equal(headroomOf(new Headers({ [HEADROOM_HEADER]: bad })), null, bad);
  }
});
