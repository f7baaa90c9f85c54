// The conversation: each turn is the user's message and, per pane, the model's answer.
// Answers are text (textContent), reasoning is shown apart and collapsible. A running
// answer is an aria-live region that the stream fills frame by frame (see live.js).
import { h, uid } from './dom.js';
import { SegmentedText } from './segmented-text.js';

/** A text block of any length (see segmented-text.js). */
export function longText(cls, text) {
  const el = h('div', { class: cls });
  const segments = new SegmentedText(el);
  segments.setText(text);
  return { el, segments };
}

// The DOM of each answer's text, kept across re-renders while the text is unchanged: a
// finished megabyte answer is moved into the new tree, not rebuilt and laid out again.
const answerTexts = new WeakMap(); // answer object -> { content, reasoning } longText()s

function answerText(answer, key, cls) {
  let entry = answerTexts.get(answer);
  if (!entry) { entry = {}; answerTexts.set(answer, entry); }
  const cached = entry[key];
  // A running answer's DOM is live.js's, which draws the stream into it: kept as it is.
  if (cached && (answer.status === 'running' || cached.segments.text === answer[key])) return cached;
  entry[key] = longText(cls, answer[key]);
  return entry[key];
}

const STATUS_TEXT = { running: 'Answering…', stopped: 'Stopped', error: 'Failed', done: '' };

/**
 * @param {object} o
 * @param {import('./state.js').PageState} o.state
 * @param {(id: string) => object|undefined} o.modelById
 * @param {number} o.paneCount
 * @param {{turn: number, pane?: number}|null} o.editing
 * @param {boolean} o.running
 * @param {object} o.on   { edit(turn, pane?), saveEdit(turn, pane, text), cancelEdit(), retry(pane) }
 * @param {(turn: number, pane: number, refs: object) => void} o.registerLive
 * @param {Set<number>[]} [o.leftOut]  per pane, the turns the next run leaves out of its history
 */
export function renderConversation({ state, modelById, paneCount, editing, running, on, registerLive, leftOut = [] }) {
  if (!state.turns.length) {
    return h('p', { class: 'empty', text: 'No messages yet. Write one below and press Run (Ctrl+Enter).' });
  }
  const last = state.turns.length - 1;
  return h('ol', { class: 'turns', attrs: { 'aria-label': 'Conversation' } },
    ...state.turns.map((turn, t) => h('li', { class: 'turn', dataset: { turn: t } },
      userMessage(turn, t, editing, running, on),
      h('div', { class: 'answers', dataset: { count: paneCount } },
        ...Array.from({ length: paneCount }, (_, p) => answerBlock(turn.answers[p], t, p, t === last, { modelById, editing, running, on, registerLive, paneCount, notSent: !!leftOut[p]?.has(t) }))))));
}

function userMessage(turn, t, editing, running, on) {
  const isEditing = editing && editing.turn === t && editing.pane === undefined;
  const body = isEditing ? editBox(turn.user.text, 'Save and run', (text) => on.saveEdit(t, undefined, text), on.cancelEdit) : [
    turn.user.text ? longText('text', turn.user.text).el : null,
    imageList(turn.user.images),
  ];
  return h('div', { class: 'msg user', dataset: { role: 'user' } },
    h('div', { class: 'msg-head' },
      h('span', { class: 'who', text: 'You' }),
      isEditing ? null : h('button', { type: 'button', class: 'link', text: 'Edit', disabled: running, attrs: { 'aria-label': `Edit message ${t + 1}` }, on: { click: () => on.edit(t) } })),
    body);
}

function answerBlock(answer, t, p, isLast, { modelById, editing, running, on, registerLive, paneCount, notSent }) {
  // A turn the next run leaves out of its history (conversation.js leftOutTurns) says so.
  const notSentTag = notSent ? h('span', { class: 'status status-not-sent', attrs: { 'data-role': 'not-sent' }, text: 'Not sent as history' }) : null;
  if (!answer) {
    return h('div', { class: 'msg assistant missing', dataset: { pane: p, status: 'none' } },
      h('p', { class: 'hint', text: paneCount > 1 ? 'No answer from this model for this message.' : 'No answer yet.' }), notSentTag);
  }
  const model = modelById(answer.modelId);
  const name = model ? model.display_name : 'Model';
  const isEditing = editing && editing.turn === t && editing.pane === p;
  const reasoningText = answerText(answer, 'reasoning', 'text');
  const reasoning = h('details', { class: 'reasoning', open: answer.status === 'running' }, h('summary', { text: 'Reasoning' }), reasoningText.el);
  reasoning.hidden = !answer.reasoning;
  const contentText = answerText(answer, 'content', 'text answer-text');
  const content = contentText.el;
  if (answer.status === 'running') {
    content.setAttribute('aria-live', 'polite');
    registerLive(t, p, { content: contentText.segments, reasoning, reasoningText: reasoningText.segments });
  } else {
    content.removeAttribute('aria-live');
  }
  const actions = [];
  if (!running && isLast) actions.push(h('button', { type: 'button', class: 'link', text: 'Retry', attrs: { 'aria-label': `Retry ${name}`, 'data-action': 'retry' }, on: { click: () => on.retry(p) } }));
  if (!running && !isEditing && answer.status !== 'running') actions.push(h('button', { type: 'button', class: 'link', text: 'Edit', attrs: { 'aria-label': `Edit the answer of ${name}` }, on: { click: () => on.edit(t, p) } }));
  return h('div', { class: 'msg assistant', dataset: { pane: p, status: answer.status } },
    h('div', { class: 'msg-head' },
      h('span', { class: 'who', text: name }),
      STATUS_TEXT[answer.status] ? h('span', { class: `status status-${answer.status}`, text: STATUS_TEXT[answer.status] }) : null,
      notSentTag,
      ...actions),
    reasoning,
    isEditing ? editBox(answer.content, 'Save', (text) => on.saveEdit(t, p, text), on.cancelEdit) : content,
    answer.error ? h('p', { class: 'answer-error', text: answer.error }) : null,
    // The checklist's verdict beside the failure (verdict.js): no need to scroll to it.
    answer.verdict ? h('p', { class: 'answer-verdict', attrs: { 'data-role': 'verdict' } },
      h('strong', { text: answer.verdict.summary }), answer.verdict.advice ? ` ${answer.verdict.advice}` : '') : null,
    answer.finishReason && answer.finishReason !== 'stop' ? h('p', { class: 'hint', text: `finish reason: ${answer.finishReason}` }) : null);
}

function editBox(text, saveLabel, onSave, onCancel) {
  const id = uid('edit');
  const area = h('textarea', { id, rows: Math.min(12, Math.max(3, text.split('\n').length + 1)), value: text, attrs: { 'data-edit': '' } });
  const save = () => onSave(area.value);
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); e.stopPropagation(); save(); }
    if (e.key === 'Escape') { e.preventDefault(); onCancel(); }
  });
  queueMicrotask(() => area.focus());
  return h('div', { class: 'edit-box' },
    h('label', { htmlFor: id, class: 'sr-only', text: 'Edit the message' }),
    area,
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary', text: saveLabel, on: { click: save } }),
      h('button', { type: 'button', text: 'Cancel', on: { click: onCancel } })));
}

/** Image thumbnails; an image too large to keep across a reload is named, not shown. */
export function imageList(images, onRemove) {
  if (!images?.length) return null;
  return h('ul', { class: 'images' }, ...images.map((img, i) => h('li', {},
    img.dataUrl
      ? h('img', { src: img.dataUrl, alt: img.name, attrs: { title: img.name } })
      : h('span', { class: 'dropped', text: `${img.name}: not kept after the reload (too large for browser storage); attach it again` }),
    onRemove ? h('button', { type: 'button', class: 'link', text: 'Remove', attrs: { 'aria-label': `Remove ${img.name}` }, on: { click: () => onRemove(i) } }) : null)));
}
