// web/core.d.ts against web/core.js. `tsc -p .` (make check-js) never reads core.js: every
// checked file imports it as '../core.js', and TypeScript takes the core.d.ts beside it
// instead, so a method added, renamed or removed on one side only, or a parameter that became
// required, would go unnoticed. This compares what the code really is (loadCore()'s object,
// its stream objects, the module's exports) with what the declaration says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as coreModule from '../../web/core.js';
import { loadRelayCore } from '../../relay/core.js';

const DTS = stripComments(readFileSync(new URL('../../web/core.d.ts', import.meta.url), 'utf8'));

test('loadCore()\'s object has exactly the methods and properties interface Core declares', async () => {
  const core = await coreModule.loadCore();
  const declared = interfaceMembers(DTS, 'Core');
  const actual = new Set([
    ...Object.getOwnPropertyNames(Object.getPrototypeOf(core)).filter((n) => n !== 'constructor'),
    ...Object.keys(core),
  ]);
  assert.deepEqual(sorted(actual), sorted(declared.keys()), 'web/core.js\'s Core class and web/core.d.ts\'s interface Core differ');
});

test('each Core method takes the parameters core.d.ts declares; one with a default is optional there', async () => {
  const core = await coreModule.loadCore();
  for (const [name, member] of interfaceMembers(DTS, 'Core')) {
    if (!member.signatures.length) continue; // a property (version)
    assert.equal(typeof core[name], 'function', `${name} is declared as a method`);
    const source = core[name].toString();
    const open = source.indexOf('(');
    const params = splitTopLevel(source.slice(open + 1, closing(source, open)));
    assert.equal(params.length, Math.max(...member.signatures.map((s) => s.params)), `${name}(): parameters in core.js vs core.d.ts`);
    // Function.length counts the parameters before the first default.
    assert.ok(Math.max(...member.signatures.map((s) => s.required)) <= core[name].length,
      `${name}(): a parameter with a default in core.js is required in core.d.ts`);
  }
});

test('the handle objects have exactly the members their interfaces declare', async () => {
  // The relay's build: the page's does not export the SSE decoder and the redactor (the
  // wrapper, web/core.js, is the same).
  const core = await loadRelayCore();
  const secrets = core.secretsRedactor(['sk-declared-0123456789']);
  const request = core.openChatRequest(new TextEncoder().encode('{"model":"m","body":{}}'));
  const objects = { ChatStream: core.openStream(), SseDecoder: core.sseDecoder(), StreamRedactor: core.streamRedactor([]), SecretsRedactor: secrets, 'SecretsRedactor.stream()': secrets.stream(), ChatRequest: request };
  for (const [name, obj] of Object.entries(objects)) {
    const declared = name === 'SecretsRedactor.stream()' ? 'StreamRedactor' : name;
    assert.deepEqual(sorted(publicMembers(obj)), sorted(interfaceMembers(DTS, declared).keys()), `${name}: web/core.js and web/core.d.ts differ`);
  }
  for (const obj of Object.values(objects).reverse()) obj.free();
});

/** An object's own fields and the methods of its classes (web/core-objects.js), as a caller reaches them. */
function publicMembers(obj) {
  const names = new Set(Object.keys(obj));
  for (let proto = Object.getPrototypeOf(obj); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor') names.add(name);
  }
  return [...names];
}

test('the module exports what core.d.ts declares (and CoreError takes code and message)', () => {
  const declared = [...DTS.matchAll(/^export\s+declare\s+(?:class|function|const|let|var)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  assert.deepEqual(sorted(Object.keys(coreModule)), sorted(declared));
  const ctor = /class\s+CoreError\b[^{]*\{[^}]*?constructor\(([^)]*)\)/.exec(DTS);
  assert.ok(ctor, 'CoreError declares its constructor');
  assert.equal(coreModule.CoreError.length, splitTopLevel(ctor[1]).length);
  assert.equal(new coreModule.CoreError('some_code', 'a message').code, 'some_code');
});

// ---- a small reader for core.d.ts (its own style: one member per line) ------------------

function sorted(names) { return [...names].sort(); }

/** The text without comments (strings kept: a quote in a comment is not a string). */
function stripComments(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; out += '\n'; continue; }
    if (c === '/' && text[i + 1] === '*') { i = text.indexOf('*/', i + 2) + 1; out += ' '; continue; }
    if (c === '\'' || c === '"' || c === '`') {
      const end = text.indexOf(c, i + 1);
      out += text.slice(i, end + 1);
      i = end;
      continue;
    }
    out += c;
  }
  return out;
}

/** The body of `interface name {…}` and the names it extends. */
function interfaceBody(dts, name) {
  const head = new RegExp(`interface\\s+${name}\\b([^{]*)\\{`).exec(dts);
  assert.ok(head, `core.d.ts declares interface ${name}`);
  const start = head.index + head[0].length;
  let depth = 1;
  let i = start;
  for (; depth; i++) depth += bracket(dts, i);
  const ext = /extends\s+(.+)/.exec(head[1]);
  return { body: dts.slice(start, i - 1), extends: ext ? ext[1].split(',').map((s) => s.trim()) : [] };
}

/**
 * Member name → { signatures: [{ params, required }] } (their parameter counts; none for a
 * property), the interfaces it extends included.
 */
function interfaceMembers(dts, name) {
  const { body, extends: bases } = interfaceBody(dts, name);
  const members = new Map();
  for (const base of bases) for (const [k, v] of interfaceMembers(dts, base)) members.set(k, v);
  for (const statement of splitTopLevel(body, /[;\n]/)) {
    const m = /^(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*([(:<])/.exec(statement);
    if (!m) continue; // a continuation line of a member's type
    const member = members.get(m[1]) ?? { signatures: [] };
    if (m[2] !== ':') {
      const open = statement.indexOf('(');
      const params = splitTopLevel(statement.slice(open + 1, closing(statement, open)));
      member.signatures.push({ params: params.length, required: params.filter((p) => !/^[\w$]+\?/.test(p) && !p.startsWith('...')).length });
    }
    members.set(m[1], member);
  }
  return members;
}

/** +1 for an opening bracket at text[i] (type arguments' < included), -1 for a closing one. */
function bracket(text, i) {
  const c = text[i];
  if ('({[<'.includes(c)) return 1;
  if (')}]'.includes(c) || (c === '>' && text[i - 1] !== '=')) return -1;
  return 0;
}

/** Where the bracket opened at `open` closes. */
function closing(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    depth += bracket(text, i);
    if (!depth) return i;
  }
  throw new Error(`unbalanced: ${text}`);
}

/** Splits at `sep` outside brackets; trimmed, empty parts dropped. */
function splitTopLevel(text, sep = /,/) {
  const parts = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    depth += bracket(text, i);
    if (depth === 0 && sep.test(text[i])) { parts.push(current); current = ''; } else current += text[i];
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}
