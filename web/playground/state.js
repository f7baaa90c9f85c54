// The page's state and how it becomes the core's PlaygroundForm. The state is plain data
// (it is what storage.js saves); the form is only gathered here, never checked: every rule
// about values and shapes lives in core.buildRequest.
import { normalizeKept } from './verdict.js';
import { emptyCheckAll, normalizeCheckAll } from './check-all.js';

export const MAX_PANES = 3;

/**
 * @typedef {{ name: string, type: string, size: number, dataUrl: string | null, dropped?: boolean }} Image
 * @typedef {{ modelId: string, content: string, reasoning: string, finishReason: string | null,
 *   status: 'running' | 'stopped' | 'error' | 'done' | string, error: string | null,
 *   verdict?: import('./verdict.js').Verdict | null }} Answer  `verdict`: a failed answer's checklist summary and advice
 * @typedef {{ user: { text: string, images: Image[] }, answers: (Answer | null)[] }} Turn
 * @typedef {{ system: string, composer: { text: string, images: Image[] }, params: Record<string, any>,
 *   modelIds: string[], compare: boolean, turns: Turn[], history?: 'answered' | 'all',
 *   checks?: (import('./verdict.js').KeptResult | null)[], checkAll?: import('./check-all.js').CheckAllState }} PageState  `checks`: each pane's last results, kept across a reload;
 *   `checkAll`: "Check all"'s last result per model (check-all.js)
 */

/**
 * The form's own settings. The parameters' values (temperature, max_tokens, …) sit beside
 * them under the parameters' keys, as typed; which parameters exist is the core's to say
 * (core.parameters()), not a list of the page's.
 */
export function defaultParams() {
  return { response_format: 'text', schema_name: '', schema: '', stream: true };
}

// A saved value is kept under any key a parameter could have; what is not a parameter is
// never read (formParams iterates the core's list).
const PARAM_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export function defaultState() {
  return {
    system: '',
    composer: { text: '', images: [] },
    params: defaultParams(),
    modelIds: [''],
    compare: false,
    turns: [],
    // Which earlier turns a request carries: "answered" leaves out a turn whose answer failed
    // or has no text (conversation.js leftOutTurns); "all" sends every one.
    history: /** @type {'answered' | 'all'} */ ('answered'),
    checks: /** @type {(import('./verdict.js').KeptResult | null)[]} */ ([]),
    checkAll: emptyCheckAll(),
  };
}

const str = (v, fallback = '') => (typeof v === 'string' ? v : fallback);

function normalizeImages(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((i) => i && typeof i === 'object').map((i) => ({
    name: str(i.name, 'image'), type: str(i.type), size: Number(i.size) || 0,
    dataUrl: typeof i.dataUrl === 'string' ? i.dataUrl : null, dropped: i.dropped === true || typeof i.dataUrl !== 'string',
  }));
}

function normalizeAnswer(a) {
  if (!a || typeof a !== 'object') return null;
  // A run that was still going when the page went away is over now.
  const status = a.status === 'running' ? 'stopped' : str(a.status, 'done');
  return {
    modelId: str(a.modelId), content: str(a.content), reasoning: str(a.reasoning),
    finishReason: typeof a.finishReason === 'string' ? a.finishReason : null,
    status, error: typeof a.error === 'string' ? a.error : null,
    verdict: typeof a.verdict?.summary === 'string' && typeof a.verdict?.advice === 'string' ? { summary: a.verdict.summary, advice: a.verdict.advice } : null,
  };
}

/** A saved (or hand-edited, or older) state made safe to use: every field present and typed. */
export function normalizeState(saved) {
  const s = defaultState();
  if (!saved || typeof saved !== 'object') return s;
  s.system = str(saved.system);
  s.composer = { text: str(saved.composer?.text), images: normalizeImages(saved.composer?.images) };
  const p = saved.params && typeof saved.params === 'object' ? saved.params : {};
  s.params.stream = p.stream !== false;
  for (const key of Object.keys(p)) {
    if (key !== 'stream' && PARAM_KEY.test(key) && typeof p[key] === 'string') s.params[key] = p[key];
  }
  if (!['text', 'json_object', 'json_schema'].includes(s.params.response_format)) s.params.response_format = 'text';
  if (Array.isArray(saved.modelIds) && saved.modelIds.length) s.modelIds = saved.modelIds.slice(0, MAX_PANES).map((x) => str(x));
  s.compare = saved.compare === true && s.modelIds.length > 1;
  s.history = saved.history === 'all' ? 'all' : 'answered';
  s.checks = normalizeKept(saved.checks);
  s.checkAll = normalizeCheckAll(saved.checkAll);
  if (Array.isArray(saved.turns)) {
    s.turns = saved.turns.filter((t) => t && typeof t === 'object').map((t) => ({
      user: { text: str(t.user?.text), images: normalizeImages(t.user?.images) },
      answers: Array.isArray(t.answers) ? t.answers.slice(0, MAX_PANES).map(normalizeAnswer) : [],
    }));
  }
  return s;
}

/** The panes that run: one model, or up to three in compare mode. */
export function activePaneCount(state) {
  return state.compare ? Math.min(MAX_PANES, Math.max(1, state.modelIds.length)) : 1;
}

/** A user turn as a chat message: plain text, or text and image parts. */
export function userMessage(user) {
  const images = user.images.filter((i) => typeof i.dataUrl === 'string');
  if (!images.length) return { role: 'user', content: user.text };
  const parts = [];
  if (user.text) parts.push({ type: 'text', text: user.text });
  for (const img of images) parts.push({ type: 'image_url', image_url: { url: img.dataUrl } });
  return { role: 'user', content: parts };
}

/**
 * The parameters as the form carries them: empty fields are left out (the provider's
 * default applies); values stay as typed, the core reads and checks them. A schema that is
 * not JSON is carried as its text, and the core's one error says so.
 */
export function formParams(p, parameters) {
  const params = {};
  const errors = [];
  for (const { key, kind } of parameters) {
    if (kind === 'response_format') continue; // the select and the schema fields, below
    const raw = String(p[key] ?? '');
    if (kind === 'stop') {
      const lines = raw.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.length);
      if (lines.length) params.stop = lines;
    } else if (raw.trim() !== '') {
      params[key] = raw.trim();
    }
  }
  if (p.response_format === 'json_object') params.response_format = 'json_object';
  if (p.response_format === 'json_schema') {
    const json_schema = {};
    if (p.schema_name.trim()) json_schema.name = p.schema_name.trim();
    if (p.schema.trim()) {
      // Text that is not JSON goes as typed: the core says, once, what is wrong with it.
      try {
        json_schema.schema = JSON.parse(p.schema);
      } catch {
        json_schema.schema = p.schema;
      }
    }
    params.response_format = { type: 'json_schema', json_schema };
  }
  return { params, errors };
}

/**
 * The form for one pane, through turn `upTo` (inclusive), with `pending` (the composer, not
 * yet a turn) after it when given. `origins[i]` says where form message i came from, so a
 * field error "messages[i]…" can be shown at the right place. The turns in `skip` are left
 * out, user message and answer (which ones is conversation.js's leftOutTurns).
 */
export function paneForm(state, pane, model, { upTo = state.turns.length - 1, pending = null, parameters, skip = new Set() }) {
  const messages = [];
  const origins = [];
  for (let t = 0; t <= upTo && t < state.turns.length; t++) {
    if (skip.has(t)) continue;
    const turn = state.turns[t];
    messages.push(userMessage(turn.user));
    origins.push({ turn: t, role: 'user' });
    const answer = turn.answers[pane];
    // The answer of the turn being run (when no new message follows it) is what we are
    // asking for; every other answer is context.
    if ((t < upTo || pending) && answer && answer.content) {
      messages.push({ role: 'assistant', content: answer.content });
      origins.push({ turn: t, role: 'assistant' });
    }
  }
  if (pending) {
    messages.push(userMessage(pending));
    origins.push({ turn: -1, role: 'user' });
  }
  const { params, errors } = formParams(state.params, parameters);
  const form = { messages, params, stream: state.params.stream === true, model: { model_name: model.model_name, provider: model.provider } };
  if (state.system.trim()) form.system = state.system;
  return { form, origins, localErrors: errors };
}

/**
 * The "Test connection" form: tiny, not streamed, but never so small a reasoning model fails.
 * The core chooses it (core.probeForm: a reasoning family's lowest reasoning_effort and a
 * budget it can answer in) on the relay, which sends it with each model of its list as `probe`;
 * the page and `node relay/main.js check` send the same. A copy: the caller may change it.
 * @param {{ probe?: object }} model  an entry of the relay's model list
 * @returns {any}
 */
export function probeForm(model) {
  return model?.probe ? structuredClone(model.probe) : null;
}
