// The wording-independence check (Step 9): every human-readable text the core and the relay
// put into an outcome — finding messages, the relay's error message and detail, a stream's
// relay_error message — replaced by random words. A diagnosis that decides from codes and
// structured fields gives the same steps, statuses, conditions and verdict for both; one that
// matches message text does not. The provider's own texts (its body, Result.providerError)
// are left alone: they are evidence from outside, not our wording.
import { prng } from './prng.mjs';

const WORDS = ['amber', 'quartz', 'lantern', 'orbit', 'velvet', 'meadow', 'cobalt', 'harbor', 'thistle', 'ember'];

/** Random words of about the same length as `text` (a seeded, repeatable choice). */
function nonsense(text, next) {
  let out = '';
  while (out.length < Math.max(8, text.length)) out += `${WORDS[Math.floor(next() * WORDS.length)]} `;
  return out.trim();
}

/** A copy of `outcome` with every message the core and the relay wrote scrambled. */
export function scrambleMessages(outcome, seed = 1) {
  const next = prng(seed);
  const o = structuredClone(outcome);
  const scramble = (holder, key) => {
    if (holder && typeof holder[key] === 'string') holder[key] = nonsense(holder[key], next);
  };
  if (o.relayError) {
    scramble(o.relayError, 'message');
    scramble(o.relayError, 'detail');
  }
  if (o.result) {
    for (const f of o.result.findings ?? []) scramble(f, 'message');
    scramble(o.result.relayEvent, 'message');
  }
  return o;
}

/** What a verdict is made of: compared between an outcome and its scrambled copy. */
export function verdictFacts(d) {
  return {
    verdict: d.verdict,
    steps: d.steps.map((s) => `${s.step}:${s.status}:${s.code ?? ''}`),
    conditions: d.conditions.map((c) => `${c.kind}/${c.side}`),
  };
}
