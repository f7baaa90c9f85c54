// One pane's results: what was run, its times (measured in the page, and the relay's
// Server-Timing phases), tokens, cost and finish reason, then the checklist and the inspect
// view. Values come from the run and the core; nothing here decides anything.
import { h, ms } from './dom.js';
import { renderChecklist } from './render-checklist.js';
import { renderInspect } from './render-inspect.js';
import { formatCost } from './cost.js';
import { modelLabel } from './render-picker.js';
import { progressBlock } from './render-progress.js';
import { renderUpstreamModels } from './render-upstream-models.js';
import { renderHeadroom } from './render-headroom.js';

const PHASES = [['dns', 'DNS'], ['connect', 'connect'], ['tls', 'TLS'], ['ttfb', 'first byte'], ['relay', 'relay'], ['total', 'total']];

/**
 * A pane's result (element.js): what was run, and once it has run, how it went.
 * @typedef {{ label: string, model: import('../core.js').PublicModel, body: object, warnings: object[],
 *   running: boolean, upstream: import('./upstream-view.js').UpstreamInfo,
 *   run?: Awaited<ReturnType<typeof import('./run.js').runOnce>>, diagnosis?: import('../core.js').Diagnosis,
 *   cost?: import('../core.js').CostResult | null, probeAnswer?: string, restored?: boolean,
 *   upstreamList?: import('./render-upstream-models.js').UpstreamModelsReply | null,
 *   upstreamModels?: () => Promise<import('./render-upstream-models.js').UpstreamModelsReply> }} PaneResult  `restored`: kept across a reload (verdict.js); `upstreamList`: the provider's model list a run asked for ("did you mean"), `upstreamModels` asks for it again
 */

/**
 * @param {PaneResult} r   the pane's result
 * @param {number} pane
 */
export function renderResults(r, pane) {
  const card = h('article', { class: 'pane-results', dataset: { pane, state: r.running ? 'running' : 'done' }, attrs: { 'aria-label': `Results for ${r.model?.display_name ?? 'the model'}` } });
  card.appendChild(h('header', {},
    h('h3', { text: r.model ? modelLabel(r.model) : 'Model' }),
    h('span', { class: 'run-label', text: r.label })));
  if (r.running) {
    card.appendChild(progressBlock());
    return card;
  }
  const run = r.run;
  const usage = run?.result?.usage ?? null;
  const metric = (name, value, key) => h('div', { class: 'metric', dataset: { metric: key } }, h('dt', { text: name }), h('dd', { text: value }));
  const tokens = usage
    ? `${usage.prompt_tokens ?? '—'} in / ${usage.completion_tokens ?? '—'} out${usage.reasoning_tokens ? ` (${usage.reasoning_tokens} reasoning)` : ''}`
    : '—';
  card.appendChild(h('dl', { class: 'metrics' },
    metric('Outcome', outcomeText(run), 'outcome'),
    // The relay's own error answer has no first byte of the provider's to time.
    metric(run?.streamed ? 'First token' : 'First byte', run?.relayError && !run.streamed ? '—' : ms(run?.timing.firstToken ?? run?.timing.firstByte), 'first-token'),
    metric('Total', ms(run?.timing.total), 'total'),
    metric('Tokens', tokens, 'tokens'),
    metric('Cost', formatCost(r.cost), 'cost'),
    metric('Finish reason', run?.result?.finishReason ?? '—', 'finish-reason')));
  const server = run?.timing.server ?? {};
  const phases = PHASES.filter(([k]) => typeof server[k] === 'number');
  if (phases.length) {
    card.appendChild(h('p', { class: 'server-timing', attrs: { 'data-metric': 'server-timing' } },
      h('span', { class: 'label', text: 'Relay timing: ' }),
      phases.map(([k, label]) => `${label} ${ms(server[k])}`).join(' · ')));
  }
  const headroom = renderHeadroom(run?.headroom);
  if (headroom) card.appendChild(headroom);
  if (r.probeAnswer !== undefined) {
    card.appendChild(h('p', { class: 'probe-answer' }, h('span', { class: 'label', text: 'Answer: ' }), r.probeAnswer || '(empty)'));
  }
  const notCovered = renderNotCovered(r.model);
  if (notCovered) card.appendChild(notCovered);
  card.appendChild(renderChecklist(r.diagnosis));
  const upstreamModels = renderUpstreamModels(r);
  if (upstreamModels) card.appendChild(upstreamModels);
  // Kept across a reload of the page (verdict.js): the request and the raw answer are not.
  if (r.restored) card.appendChild(h('p', { class: 'hint', attrs: { 'data-role': 'restored' }, text: 'From before the page was reloaded; run again for the inspect view.' }));
  else card.appendChild(renderInspect(r));
  return card;
}

/**
 * Every pane's card: its last run's results, or a hint before the first.
 * @param {PaneResult[]} results  per pane
 * @param {number} paneCount
 */
export function renderResultCards(results, paneCount) {
  const cards = [];
  for (let p = 0; p < paneCount; p++) {
    const r = results[p];
    cards.push(r ? renderResults(r, p) : h('article', { class: 'pane-results empty', dataset: { pane: p } },
      h('p', { class: 'hint', text: 'Run a message or test the connection: the times, tokens, cost and checklist show here.' })));
  }
  return cards;
}

/**
 * After a run: the first failed pane's card scrolled into view when its start is out of sight
 * (a narrow screen puts the results below the conversation). Returns whether it scrolled.
 * @param {HTMLElement} grid
 * @param {(PaneResult | undefined)[]} results  per pane
 * @param {number[]} panes  the panes the run covered
 */
export function revealFailed(grid, results, panes) {
  const pane = panes.find((p) => results[p]?.diagnosis?.verdict === 'fail' && !results[p]?.run?.aborted);
  const card = pane === undefined ? null : grid.querySelector(`.pane-results[data-pane="${pane}"]`);
  if (!card) return false;
  const top = card.getBoundingClientRect().top;
  if (top > -2 && top < window.innerHeight * 0.75) return false;
  card.scrollIntoView({ block: 'start' });
  return true;
}

/** One pane's card replaced in the grid (the others are left as they are). */
export function replaceResultCard(grid, r, pane) {
  const old = grid.querySelector(`.pane-results[data-pane="${pane}"]`);
  const card = renderResults(r, pane);
  if (old) old.replaceWith(card); else grid.appendChild(card);
}

/**
 * "What this test does not cover": the core's differences between this direct call and
 * gateway traffic for the model (no caller key, guardrails, cache, the Messages API, …),
 * only those its configuration makes real. Nothing when there are none.
 */
function renderNotCovered(model) {
  const differences = model?.gateway?.differences ?? [];
  if (!differences.length) return null;
  // Named by its heading only, not a landmark (compare mode repeats it; see render-checklist.js).
  return h('section', { class: 'not-covered' },
    h('h4', { text: 'What this test does not cover' }),
    h('ul', {}, ...differences.map((d) => h('li', { dataset: { code: d.code }, text: d.text }))));
}

function outcomeText(run) {
  if (!run) return '—';
  if (run.aborted) return 'Stopped by you';
  if (run.relayError) return `Relay: ${run.relayError.kind}`;
  if (!run.status) return '—';
  return `HTTP ${run.status}${run.result && !run.result.ok ? ' (answer has errors)' : ''}`;
}
