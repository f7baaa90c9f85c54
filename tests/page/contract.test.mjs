// web/contract.js: what the relay and the page share. The relay's error as it writes it is
// what the page's one reader reads; the page's own failure kind is one the core knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELAY_SOURCE, RELAY_UNREACHABLE, SOURCE_HEADER, relayErrorEnvelope, relayErrorFromText, relayErrorOf, relayUnreachable } from '../../web/contract.js';
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
