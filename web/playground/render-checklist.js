// The checklist (design.md): five steps, each pass / fail / not reached with its evidence and
// one line of advice, then the provider- and prompt-side conditions and a summary. The
// verdict is the core's (core.diagnose); this file only shows it.
import { h } from './dom.js';

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

/** The core's diagnosis of an outcome (every step "not reached" if the core failed). */
export function diagnose(core, outcome) {
  try {
    return core.diagnose(outcome);
  } catch (err) {
    return placeholder(`The checklist could not be computed: ${err?.message ?? err}`);
  }
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
  return h('section', { class: 'checklist', dataset: { verdict: diagnosis?.verdict ?? 'unknown' }, attrs: { 'aria-label': title } },
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
    }, h('strong', { text: conditionSide(c.side) }), ' ', c.message, c.advice ? h('span', { class: 'advice', text: ` ${c.advice}` }) : null))) : null);
}

function conditionSide(side) {
  if (side === 'provider') return 'Provider:';
  if (side === 'prompt') return 'Prompt:';
  if (side === 'relay') return 'Relay:';
  return 'Note:';
}
