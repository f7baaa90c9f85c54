// The key's headroom under a pane's results: what the provider's rate-limit headers said
// (read by the relay with core.forwardAnswerHeaders and sent with the answer: "9,998 of 10,000
// requests left; resets in 6 s", retry-after; contract.js headroomOf), and which
// of them could not be read. Nothing when the provider sent none; never a number of its own.

import { h } from './dom.js';

/**
 * @param {import('../core.js').RateLimits | null | undefined} headroom
 * @returns {HTMLElement | null}
 */
export function renderHeadroom(headroom) {
  if (!headroom) return null;
  const lines = headroom.limits.map((l) => h('li', { dataset: { kind: l.kind, source: l.source }, text: l.text }));
  if (headroom.retryAfter) lines.push(h('li', { dataset: { kind: 'retry-after' }, text: headroom.retryAfter.text }));
  const problems = headroom.problems ?? [];
  if (!lines.length && !problems.length) return null;
  const box = h('section', { class: 'headroom', attrs: { 'data-metric': 'headroom', part: 'headroom' } },
    h('h4', { text: 'Key headroom (from the provider\u2019s headers)' }));
  if (lines.length) box.appendChild(h('ul', {}, ...lines));
  if (problems.length) {
    box.appendChild(h('p', { class: 'hint', attrs: { 'data-role': 'headroom-problems' } },
      `Not read: ${problems.map((p) => `${p.header} (${p.message})`).join('; ')}`));
  }
  return box;
}
