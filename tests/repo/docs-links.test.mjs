// The repository stands alone: every document a file names is in it. Scans every Markdown
// file (README.md, docs/, fixtures' READMEs) and the sources (src, web, relay, tests, scripts,
// fuzz, bench, cmake, examples, the Makefile and CMake files) for `<name>.md` references, and
// the Markdown files for relative links; each target must exist, and a link's #fragment must
// name a heading of the target. URLs are not checked. Also: docs/contracts.md names every
// code of the closed lists web/core.d.ts declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url); // names the pending references on purpose

// Generated, installed or downloaded trees, and binary inputs: not the repository's text.
const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', '.git', 'output', 'corpus']);
const SOURCE_ROOTS = ['src', 'web', 'relay', 'tests', 'scripts', 'fuzz', 'bench', 'cmake', 'examples', 'docs', '.ci'];
const ROOT_FILES = ['README.md', 'Makefile', 'CMakeLists.txt', 'CMakePresets.json'];
const TEXT_EXT = new Set(['.md', '.cpp', '.h', '.js', '.mjs', '.ts', '.cmake', '.sh', '.txt', '.dict', '.yaml', '.yml', '.html', '.css', '']);
// Data, not prose: recorded provider answers and scenario bodies may quote anything.
const DATA_DIRS = [join('tests', 'fixtures'), join('tests', 'scenarios')];

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), out);
    } else if (entry.isFile()) {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

function repoFiles() {
  const files = ROOT_FILES.map((f) => join(ROOT, f)).filter((f) => existsSync(f));
  for (const d of SOURCE_ROOTS) if (existsSync(join(ROOT, d))) walk(join(ROOT, d), files);
  return files.filter((f) => {
    const rel = relative(ROOT, f);
    if (extname(f) === '.md') return true; // every Markdown file, fixtures' READMEs included
    if (DATA_DIRS.some((d) => rel.startsWith(d + sep))) return false;
    return TEXT_EXT.has(extname(f));
  });
}

const withoutUrls = (text) => text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)>\]"'`]*/gi, ' ');

// `<name>.md`, optionally with a path: docs/contracts.md, ../../README.md, or a sibling's name.
const MD_REF = /(?<![A-Za-z0-9_./-])((?:\.\.?\/)*[A-Za-z0-9_][A-Za-z0-9_./-]*\.md)(?![A-Za-z0-9_])/g;

/** A reference resolves beside the file that makes it, or from the repository's root. */
function resolves(file, target) {
  return [resolve(dirname(file), target), resolve(ROOT, target)].some((p) => p.startsWith(ROOT) && existsSync(p));
}

const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/** Markdown outside fenced code blocks (a link in a code sample is not a link). */
function prose(text) {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) { fenced = !fenced; return ''; }
    return fenced ? '' : line;
  }).join('\n');
}

/** GitHub's anchors for a Markdown file's headings. */
function anchors(file) {
  const seen = new Map();
  const out = new Set();
  for (const line of prose(readFileSync(file, 'utf8')).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = m[1].toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

const files = repoFiles();

test('the scan sees the README, the docs and the sources', () => {
  const rel = new Set(files.map((f) => relative(ROOT, f).split(sep).join('/')));
  for (const f of ['README.md', 'docs/contracts.md', 'web/core.js', 'relay/server.js', 'src/core/base/finding.h', 'Makefile']) {
    assert.ok(rel.has(f), `scanned: ${f}`);
  }
});

test('every <name>.md a file mentions is in the repository', () => {
  const missing = [];
  for (const file of files.filter((f) => f !== THIS_FILE)) {
    const text = withoutUrls(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(MD_REF)) {
      if (resolves(file, m[1])) continue;
      missing.push(`${relative(ROOT, file)}:${lineOf(text, m.index)}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, [], `documents named but not in the repository:\n${missing.join('\n')}`);
});

test('every relative Markdown link leads to a file of the repository, and its #fragment to a heading', () => {
  const broken = [];
  for (const file of files.filter((f) => extname(f) === '.md')) {
    const text = prose(readFileSync(file, 'utf8'));
    for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // a URL (https:, mailto:)
      const where = `${relative(ROOT, file)}:${lineOf(text, m.index)}: ${target}`;
      const [path, fragment] = target.split('#');
      const dest = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      if (!dest.startsWith(ROOT) || !existsSync(dest)) { broken.push(`${where} (no such file)`); continue; }
      if (fragment && extname(dest) === '.md' && statSync(dest).isFile() && !anchors(dest).has(fragment.toLowerCase())) {
        broken.push(`${where} (no such heading)`);
      }
    }
  }
  assert.deepEqual(broken, [], `broken links:\n${broken.join('\n')}`);
});

test('docs/contracts.md names every code of the closed lists in web/core.d.ts', () => {
  const dts = readFileSync(join(ROOT, 'web/core.d.ts'), 'utf8');
  const contracts = readFileSync(join(ROOT, 'docs/contracts.md'), 'utf8');
  const unnamed = [];
  for (const name of ['FindingCode', 'StepCode', 'ConditionKind', 'DifferenceCode']) {
    const start = dts.indexOf(`export type ${name} =`);
    assert.ok(start >= 0, `core.d.ts declares ${name}`);
    const codes = [...dts.slice(start, dts.indexOf(';', start)).matchAll(/'([^']+)'/g)].map((c) => c[1]);
    assert.ok(codes.length > 0, `${name} has codes`);
    for (const code of codes) if (!contracts.includes(`\`${code}\``)) unnamed.push(`${name}: ${code}`);
  }
  assert.deepEqual(unnamed, [], `codes core.d.ts declares that docs/contracts.md does not name:\n${unnamed.join('\n')}`);
});
