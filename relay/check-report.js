// `node relay/main.js check`'s results and how they are printed (docs/contracts.md, "Checking
// models from the command line"): one entry per model from the page's own run and the core's
// diagnosis, then a text table, JSON or JUnit XML. Pure functions, no I/O: relay/check.js
// runs the probes and redacts what is printed.
import { costOf } from '../web/playground/cost.js';
import { STEPS } from '../web/playground/render-checklist.js';

export const FORMATS = ['text', 'json', 'junit'];

const round = (ms) => (typeof ms === 'number' && Number.isFinite(ms) ? Math.round(ms) : null);

/** A model that is not probed (multi-target, no usable key or base URL): the core's reason. */
export function notTestableEntry(model) {
  return {
    ...identity(model),
    verdict: 'not_testable',
    failed_step: null,
    summary: model.reason || 'this model cannot be tested here',
    steps: [],
    conditions: [],
    diagnosis_verdict: null,
    timings: null,
    usage: null,
    cost_usd: null,
  };
}

/** The probe's request could not be built (core.buildRequest's field errors): nothing was sent. */
export function unbuiltEntry(model, errors) {
  const what = (errors ?? []).map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`).join('; ');
  return {
    ...identity(model),
    verdict: 'fail',
    failed_step: null,
    summary: `the probe's request could not be built, so nothing was sent: ${what || 'no reason given'}`,
    steps: STEPS.map((step) => ({ step, status: 'not_reached', code: null, evidence: '', advice: '' })),
    conditions: [],
    diagnosis_verdict: null,
    timings: null,
    usage: null,
    cost_usd: null,
  };
}

/**
 * One probed model: the page's run (web/playground/run.js) and the core's diagnosis. A `warn`
 * diagnosis (passed with a condition, such as an answer cut by max_tokens) is a pass here;
 * `diagnosis_verdict` keeps the core's word.
 */
export function probedEntry(core, model, run, diagnosis, list = null) {
  const steps = Array.isArray(diagnosis?.steps) ? diagnosis.steps : [];
  const usage = run?.result?.usage ?? null;
  const cost = costOf(core, usage, model.cost);
  const t = run?.outcome?.timings ?? {};
  const server = {};
  for (const name of ['relay', 'dns', 'connect', 'tls', 'ttfb']) if (round(t[name]) !== null) server[name] = round(t[name]);
  return {
    ...identity(model),
    verdict: diagnosis?.verdict === 'pass' || diagnosis?.verdict === 'warn' ? 'pass' : 'fail',
    failed_step: steps.find((s) => s.status === 'fail')?.step ?? null,
    summary: String(diagnosis?.summary ?? ''),
    steps: steps.map((s) => ({ step: s.step, status: s.status, code: s.code ?? null, evidence: s.evidence ?? '', advice: s.advice ?? '' })),
    conditions: (diagnosis?.conditions ?? []).map((c) => ({ kind: c.kind, side: c.side, message: c.message ?? '', advice: c.advice ?? '' })),
    diagnosis_verdict: diagnosis?.verdict ?? null,
    timings: {
      first_byte_ms: round(t.page_first_byte),
      first_token_ms: round(t.page_first_token),
      total_ms: round(t.page_total),
      server,
    },
    usage,
    // Rounded to a billionth of a dollar: the sum of two prices carries float noise.
    cost_usd: cost && cost.known !== false && Number.isFinite(cost.totalUsd) ? Math.round(cost.totalUsd * 1e9) / 1e9 : null,
    model_suggestions: modelSuggestions(list),
  };
}

/**
 * "Did you mean …?" (asked only when the model step failed with the key accepted): the
 * provider's closest names and how many it lists, or why its list could not be had; null when
 * not asked.
 */
function modelSuggestions(list) {
  if (!list) return null;
  if (list.ok === true) return { names: (list.suggestions ?? []).map(String), listed: Array.isArray(list.models) ? list.models.length : 0 };
  return { unavailable: String(list.unavailable ?? 'unreachable'), ...(Number.isInteger(list.status) ? { status: list.status } : {}) };
}

function identity(model) {
  return { id: model.id, display_name: model.display_name, provider: model.provider || '', model_name: model.model_name || '', kind: model.kind };
}

/** 0 when every checked model passed (not_testable ones are not checked), 1 when any failed. */
export function exitCodeOf(models) {
  return models.some((m) => m.verdict === 'fail') ? 1 : 0;
}

export function formatJson(report) {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---- text -------------------------------------------------------------------------------

const oneLine = (text, max) => {
  const line = String(text ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function tokens(usage) {
  if (!usage || typeof usage !== 'object') return '—';
  const reasoning = Number.isFinite(usage.reasoning_tokens) && usage.reasoning_tokens > 0 ? ` (${usage.reasoning_tokens} reasoning)` : '';
  return `${usage.prompt_tokens ?? '?'} in, ${usage.completion_tokens ?? '?'} out${reasoning}`;
}

function verdictCell(m) {
  if (m.verdict === 'pass' && m.diagnosis_verdict === 'warn') return 'pass (warn)';
  return m.verdict;
}

function stepCell(m) {
  if (m.failed_step) {
    const code = m.steps.find((s) => s.step === m.failed_step)?.code;
    return code ? `${m.failed_step} (${code})` : m.failed_step;
  }
  // Failed or warned without a wrong setting: the condition that decided it.
  if (m.verdict !== 'not_testable' && m.conditions.length) return `— (${m.conditions[0].kind})`;
  return '—';
}

/** The table: model, verdict, failed step, one-line summary, time, tokens; then a count. */
export function formatText(report, { width = 120 } = {}) {
  const header = ['MODEL', 'VERDICT', 'FAILED STEP', 'TIME', 'TOKENS', 'SUMMARY'];
  const rows = report.models.map((m) => [
    oneLine(m.display_name, 40), verdictCell(m), stepCell(m), duration(m.timings?.total_ms ?? null), tokens(m.usage), oneLine(m.summary, Math.max(40, width)),
  ]);
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  const count = (v) => report.models.filter((m) => m.verdict === v).length;
  const totals = [`${count('pass')} passed`, `${count('fail')} failed`, `${count('not_testable')} not testable`];
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${totals.join(', ')} (checked at ${report.checked_at})\n`;
}

// ---- JUnit XML ----------------------------------------------------------------------------

/** Text as XML character data: `&`, `<`, `>` escaped, characters XML 1.0 cannot hold dropped (a lone surrogate becomes U+FFFD). */
export function xmlText(text) {
  return String(text ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text as a double- or single-quoted attribute value (line breaks and tabs kept as references). */
export function xmlAttr(text) {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function stepsText(m) {
  return m.steps.map((s) => `${s.step}: ${s.status}${s.code ? ` (${s.code})` : ''}${s.evidence ? ` — ${s.evidence}` : ''}${s.advice ? `\n  advice: ${s.advice}` : ''}`)
    .concat(m.conditions.map((c) => `condition ${c.kind} (${c.side}): ${c.message}${c.advice ? ` ${c.advice}` : ''}`))
    .join('\n');
}

/**
 * One testcase per model: classname the provider (the kind for a multi-target model), name the
 * display name; a failure's message is the summary, its text the checklist; not_testable is
 * skipped with its reason.
 */
export function formatJunit(report) {
  const seconds = (m) => ((m.timings?.total_ms ?? 0) / 1000).toFixed(3);
  const count = (v) => report.models.filter((m) => m.verdict === v).length;
  const total = report.models.reduce((s, m) => s + (m.timings?.total_ms ?? 0), 0) / 1000;
  const cases = report.models.map((m) => {
    const open = `    <testcase classname="${xmlAttr(m.provider || m.kind || 'model')}" name="${xmlAttr(m.display_name)}" time="${seconds(m)}">`;
    // The checklist goes in the failure's text when it failed, beside the test case otherwise.
    const about = `id: ${m.id}\nmodel_name: ${m.model_name}${m.verdict === 'fail' || !m.steps.length ? '' : `\n${stepsText(m)}`}`;
    const props = `\n      <system-out>${xmlText(about)}</system-out>`;
    if (m.verdict === 'not_testable') return `${open}\n      <skipped message="${xmlAttr(m.summary)}"/>${props}\n    </testcase>`;
    if (m.verdict === 'fail') {
      // The failed step and its code (key/key_rejected), or the condition that failed the run.
      const code = m.steps.find((s) => s.step === m.failed_step)?.code;
      const type = m.failed_step ? [m.failed_step, code].filter(Boolean).join('/') : (m.conditions[0]?.kind ?? 'fail');
      return `${open}\n      <failure message="${xmlAttr(m.summary)}" type="${xmlAttr(type)}">${xmlText(stepsText(m))}</failure>${props}\n    </testcase>`;
    }
    return `${open}${props}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="model-playground check" tests="${report.models.length}" failures="${count('fail')}" skipped="${count('not_testable')}" errors="0" time="${total.toFixed(3)}">`,
    `  <testsuite name="models" tests="${report.models.length}" failures="${count('fail')}" skipped="${count('not_testable')}" errors="0" time="${total.toFixed(3)}" timestamp="${xmlAttr(report.checked_at)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
