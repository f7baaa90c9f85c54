// The inspect view: the exact body the page sent, what the relay adds on its way upstream
// (the key only ever as *** or $PROVIDER_KEY), the raw response (JSON or SSE text), the
// findings about it, and "Copy as curl". Built when opened: a 1 MB raw stream costs nothing
// until someone looks at it. The upstream part shows the call plan at once, and the key's
// shaped headers and the curl command when the relay's preview of the call arrives
// (upstream-view.js): the relay's core makes them.
import { h, humanBytes } from './dom.js';

const DATA_URL = /data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]{120,}/gi;

/** Long image data shortened for reading; the copy buttons copy the exact text. */
function readable(text) {
  return text.replace(DATA_URL, (m) => `${m.slice(0, 60)}…(${humanBytes(m.length)} of image data)`);
}

export function renderInspect(r) {
  const details = h('details', { class: 'inspect' }, h('summary', { text: 'Inspect request and response' }));
  let built = false;
  details.addEventListener('toggle', () => {
    if (!details.open || built) return;
    built = true;
    details.appendChild(inspectBody(r));
  });
  return details;
}

// Each <pre> scrolls and takes the focus (tabindex 0), so it needs a name, and a plain <pre>
// may not carry aria-label (axe: aria-prohibited-attr): each is a labelled group. Not a
// region: in compare mode every pane has the same five, and landmarks must be unique.
function inspectBody(r) {
  const run = r.run;
  const bodyText = r.body ? JSON.stringify(r.body, null, 2) : '';
  const status = h('p', { class: 'copy-status', attrs: { role: 'status' } });
  const copyButton = (label, text, what) => h('button', {
    type: 'button', text: label, disabled: !text,
    on: { click: async () => { status.textContent = (await copyText(text)) ? `${what} copied.` : `Could not copy: select the text instead.`; } },
  });

  const upstream = upstreamSection(r.upstream, status);
  const findings = [...(r.warnings ?? []), ...(run?.result?.findings ?? [])];
  const headerLines = Object.entries(run?.headers ?? {}).filter(([k]) => k !== 'set-cookie').map(([k, v]) => `${k}: ${v}`).join('\n');

  return h('div', { class: 'inspect-body' },
    h('section', { class: 'inspect-request' },
      h('h5', { text: 'Request body sent to the relay' }),
      h('pre', { class: 'code', attrs: { role: 'group', tabindex: '0', 'aria-label': 'Request body' }, text: readable(bodyText) || '(nothing was sent)' }),
      copyButton('Copy request body', bodyText, 'Request body')),
    upstream,
    h('section', { class: 'inspect-response' },
      h('h5', { text: 'Raw response' }),
      // The relay's own answer (x-playground-source: relay) carries only the relay's headers:
      // nothing about the provider, so they are not shown as if they were its response.
      run?.status && run.relayError ? h('p', { class: 'hint', attrs: { 'data-role': 'relay-answer' }, text: `The relay answered itself (HTTP ${run.status}, ${run.relayError.kind}): the provider's response did not reach the page. The relay's error:` }) : null,
      run?.status && !run.relayError ? h('pre', { class: 'code', attrs: { role: 'group', tabindex: '0', 'aria-label': 'Response headers' }, text: `HTTP ${run.status}\n${headerLines}` }) : null,
      h('pre', { class: 'code raw', attrs: { role: 'group', tabindex: '0', 'aria-label': 'Response body' }, text: rawText(run) }),
      run?.rawTruncated ? h('p', { class: 'hint', text: `Showing the first ${humanBytes(run.raw.length)} of ${humanBytes(run.rawBytes)}.` }) : null,
      copyButton('Copy response', run?.raw ?? '', 'Response')),
    h('section', { class: 'inspect-findings' },
      h('h5', { text: 'Findings' }),
      findings.length
        ? h('ul', { class: 'findings' }, ...findings.map((f) => h('li', { class: `finding finding-${f.severity}`, dataset: { severity: f.severity } },
          h('strong', { text: f.severity === 'error' ? 'Error' : 'Warning' }), f.path ? ` ${f.path}: ` : ': ', f.message)))
        : h('p', { class: 'hint', text: run?.result ? 'The response follows the OpenAI chat-completions shape.' : 'No answer to check.' })),
    status);
}

const WAITING = 'Asking the relay for the call as it sends it…';

/**
 * "What the relay adds upstream": the summary at once; the shaped lines, the curl command
 * and its copy button once the relay's preview arrives (data-preview: waiting, then ready or
 * failed, saying why in place of the command). Never throws.
 * @param {import('./upstream-view.js').UpstreamInfo | undefined} info
 * @param {HTMLElement} status  where "copied" is said
 */
function upstreamSection(info, status) {
  const summary = h('pre', { class: 'code', attrs: { role: 'group', tabindex: '0', 'aria-label': 'Upstream call' }, text: info?.summary ?? '' });
  let curlArea = h('p', { class: 'hint', text: WAITING });
  let curl = '';
  const copy = h('button', {
    type: 'button', text: 'Copy as curl', disabled: true,
    on: { click: async () => { status.textContent = (await copyText(curl)) ? 'curl command copied.' : `Could not copy: select the text instead.`; } },
  });
  const section = h('section', { class: 'inspect-upstream', dataset: { preview: 'waiting' }, attrs: { 'aria-busy': 'true' } },
    h('h5', { text: 'What the relay adds upstream' }),
    summary,
    h('p', { class: 'hint', text: 'The relay sets the model name from its configuration, adds the provider key (shown here as ***) and sends nothing else from your browser.' }),
    curlArea,
    copy);
  /** @param {import('./upstream-view.js').UpstreamCall} view */
  const fill = (view) => {
    summary.textContent = view.summary;
    curl = view.curl ?? '';
    const area = curl
      ? h('pre', { class: 'code curl', attrs: { role: 'group', tabindex: '0', 'aria-label': 'curl command' }, text: curl })
      : h('p', { class: 'hint', text: view.curlMissing ?? '' });
    curlArea.replaceWith(area);
    curlArea = area;
    copy.disabled = !curl;
    section.dataset.preview = view.failed ? 'failed' : 'ready';
    section.removeAttribute('aria-busy');
  };
  const failed = (err) => fill({ summary: info?.summary ?? '', curl: null, curlMissing: `No curl command: ${err?.message ?? err}.`, failed: true });
  if (!info) fill({ summary: '', curl: null, curlMissing: '', failed: false });
  else {
    try { info.complete().then(fill, failed); } catch (err) { failed(err); }
  }
  return section;
}

function rawText(run) {
  if (!run) return '';
  if (run.aborted && !run.raw) return '(stopped before the response arrived)';
  if (run.relayError && !run.raw) return JSON.stringify({ error: run.relayError }, null, 2);
  return run.raw || '(empty body)';
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
