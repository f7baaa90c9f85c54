// The checklist (docs/contracts.md): five steps, each pass / fail / not reached with its evidence and
// one line of advice, then the provider- and prompt-side conditions and a summary. The
// verdict is the core's (core.diagnose); this file only shows it.
import { h } from './dom.js';
import { sentence } from './messages.js';

export const STEPS = ['reach', 'endpoint', 'key', 'model', 'answer'];
export const STEP_LABELS = {
  reach: 'Reach the host',
  endpoint: 'OpenAI-compatible endpoint',
  key: 'Key accepted',
  model: 'Model name exists',
  answer: 'Valid chat answer',
};
const STATUS_LABELS = { pass: 'Pass', fail: 'Fail', not_reached: 'Not reached' };
const STATUS_ICONS = { pass: '✓', fail: '✗', not_reached: '–' };

// The checklist reads of an answer's text only whether there is one and how long it is, so a
// long answer goes to the core as its start plus its size (contentLength / reasoningLength,
// UTF-8 bytes as the core counts): a megabyte is not serialised and parsed again for that.
export const DIAGNOSE_TEXT_CHARS = 4 * 1024;

/** The core's diagnosis of an outcome (every step "not reached" if the core failed). */
export function diagnose(core, outcome) {
  try {
    return core.diagnose(boundedOutcome(outcome));
  } catch (err) {
    return placeholder(`The checklist could not be computed: ${err?.message ?? err}`);
  }
}

/** The outcome with the result's long texts cut to an excerpt and their sizes beside them. */
export function boundedOutcome(outcome) {
  const result = outcome?.result;
  if (!result || typeof result !== 'object') return outcome;
  const long = (text) => typeof text === 'string' && text.length > DIAGNOSE_TEXT_CHARS;
  if (!long(result.content) && !long(result.reasoning)) return outcome;
  const bounded = { ...result };
  if (long(result.content)) {
    bounded.content = excerpt(result.content, DIAGNOSE_TEXT_CHARS);
    bounded.contentLength = utf8Length(result.content);
  }
  if (long(result.reasoning)) {
    bounded.reasoning = excerpt(result.reasoning, DIAGNOSE_TEXT_CHARS);
    bounded.reasoningLength = utf8Length(result.reasoning);
  }
  return { ...outcome, result: bounded };
}

/** The first `max` UTF-16 units, never ending inside a surrogate pair (that would not encode). */
export function excerpt(text, max) {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** The size of a string in UTF-8 (a lone surrogate counts 3, as its replacement character). */
export function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

function placeholder(summary) {
  return {
    steps: STEPS.map((step) => ({ step, status: 'not_reached', evidence: '', advice: '' })),
    conditions: [],
    summary,
    verdict: 'unknown',
    placeholder: true,
  };
}

export function renderChecklist(diagnosis, { title = 'Checklist' } = {}) {
  const steps = Array.isArray(diagnosis?.steps) ? diagnosis.steps : [];
  const conditions = Array.isArray(diagnosis?.conditions) ? diagnosis.conditions : [];
  // Not a named region (a landmark): every pane of compare mode has one, and landmarks must
  // be told apart. Its heading names it.
  return h('section', { class: 'checklist', dataset: { verdict: diagnosis?.verdict ?? 'unknown' }, attrs: { part: 'checklist' } },
    h('h4', { text: title }),
    diagnosis?.summary ? h('p', { class: 'summary', text: diagnosis.summary }) : null,
    h('ol', { class: 'steps' }, ...steps.map((s) => h('li', {
      class: `step step-${s.status}`,
      dataset: { step: s.step, status: s.status },
    },
    h('span', { class: 'step-icon', attrs: { 'aria-hidden': 'true' }, text: STATUS_ICONS[s.status] ?? '?' }),
    h('div', { class: 'step-body' },
      h('div', { class: 'step-head' },
        h('strong', { text: STEP_LABELS[s.step] ?? s.step }),
        h('span', { class: 'step-status', text: STATUS_LABELS[s.status] ?? s.status })),
      s.evidence ? h('p', { class: 'evidence', text: s.evidence }) : null,
      s.advice ? h('p', { class: 'advice', text: s.advice }) : null)))),
    conditions.length ? h('ul', { class: 'conditions', attrs: { 'aria-label': 'Conditions' } }, ...conditions.map((c) => h('li', {
      dataset: { kind: c.kind, side: c.side },
    }, h('strong', { text: conditionSide(c.side) }), ' ', sentence(c.message), c.advice ? h('span', { class: 'advice', text: ` ${sentence(c.advice)}` }) : null))) : null);
}

function conditionSide(side) {
  if (side === 'provider') return 'Provider:';
  if (side === 'prompt') return 'Prompt:';
  if (side === 'relay') return 'Relay:';
  return 'Note:';
}
