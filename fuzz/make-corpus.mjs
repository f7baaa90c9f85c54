// Builds the fuzzers' seed corpora from the test fixtures (tests/fixtures/**,
// tests/scenarios/*.json), in each fuzzer's input format (see the comment at the top of
// fuzz/<target>_fuzzer.cpp). Deterministic: the same fixtures give the same files.
//   node fuzz/make-corpus.mjs [out-dir]   (default: build/fuzz/seeds)
// Inputs worth keeping for good (a crash that was fixed) go to fuzz/corpus/<target>/ instead.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'build', 'fuzz', 'seeds');
const fixtures = join(root, 'tests', 'fixtures');

const files = (dir, ext) => readdirSync(join(fixtures, dir)).filter((f) => !ext || f.endsWith(ext)).sort()
  .map((f) => join(fixtures, dir, f));
const read = (path) => readFileSync(path);
const scenarios = readdirSync(join(root, 'tests', 'scenarios')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(root, 'tests', 'scenarios', f), 'utf8')));

const corpora = new Map();
function seed(target, ...parts) {
  const bytes = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
  if (!corpora.has(target)) corpora.set(target, new Map());
  corpora.get(target).set(createHash('sha1').update(bytes).digest('hex'), bytes);
}
const json = (v) => JSON.stringify(v);
// Split plans (fuzz_util.h): [k][k lengths-1]. Whole-ish, small odd pieces, and byte by byte.
const plans = [[3, 6, 30, 99], [1, 255], [0]];
const upstreamText = (u) => (u.sse ? [].concat(u.sse).join('') : typeof u.body === 'string' ? u.body : u.body ? json(u.body) : '');

// --- streams: sse, chat_stream -----------------------------------------------------
const streams = [...files('responses', '.sse'), ...files('diagnose', '.sse')].map(read);
for (const s of scenarios) if (s.upstream?.sse) streams.push(Buffer.from(upstreamText(s.upstream)));
streams.push(Buffer.from('\uFEFFevent: ping\r\ndata: a\r\ndata:\r\nid: 7\rretry: 1500\n\n: comment\n\ndata: [DONE]\n\n'));
streams.forEach((bytes, i) => {
  for (const target of ['sse', 'chat_stream']) seed(target, [i % 7 === 3 ? 0x41 : 0], plans[i % plans.length], bytes);
});

// --- whole bodies: completion ---------------------------------------------------------
for (const f of [...files('responses', '.json'), ...files('diagnose', '.json')]) seed('completion', read(f));
for (const s of scenarios) if (s.upstream && !s.upstream.sse && s.upstream.body) seed('completion', upstreamText(s.upstream));

// --- error bodies: parse_error ----------------------------------------------------------
const typeOf = { '.json': 'application/json', '.html': 'text/html; charset=utf-8', '.txt': 'text/plain' };
for (const f of [...files('errors'), ...files('diagnose', '.html')]) {
  // The status is the first three-digit part of the name (openai-404-model.json → 404), else 500.
  const status = Number(/-(\d{3})/.exec(basename(f))?.[1] ?? 500);
  seed('parse_error', [status & 0xff, status >> 8], `${typeOf[extname(f)] ?? 'text/event-stream'}\n`, read(f));
}
for (const s of scenarios) {
  const u = s.upstream ?? {};
  if (u.status >= 400) seed('parse_error', [u.status & 0xff, u.status >> 8], `${u.contentType ?? ''}\n`, upstreamText(u));
}

// --- forms: build_request, chat_body ------------------------------------------------
for (const f of files('request', '.json')) {
  const fixture = JSON.parse(readFileSync(f, 'utf8'));
  const form = fixture.form ?? fixture;
  seed('build_request', json(form));
  const body = { messages: form.messages ?? [], stream: Boolean(form.stream), ...(form.params ?? {}) };
  if (form.system) body.messages = [{ role: 'system', content: form.system }, ...body.messages];
  if (form.model?.model_name) body.model = 'from-the-browser';
  seed('chat_body', json({ body, model_name: form.model?.model_name ?? 'gpt-4o-mini', provider: form.model?.provider ?? 'openai' }));
  // chat_request: [options] then the request's bytes as the relay receives them.
  seed('chat_request', [form.stream ? 1 : 0], json({ model: 'a-model-id', body }));
}

// --- resources: the file (resources) and etcd rows (rows) -------------------------
for (const f of files('resources', '.json')) {
  const doc = JSON.parse(readFileSync(f, 'utf8'));
  if (Array.isArray(doc)) {  // etcd rows: [{key: "<kind>/<id>", value: "<json text>"}]
    const rows = doc.map(({ key, value }) => {
      const [kind, id] = key.split('/');
      return Buffer.concat([Buffer.from([kind === 'models' ? 0 : kind === 'provider_keys' ? 1 : 2]),
        Buffer.from(`${id}\n${value}\x1e`)]);
    });
    for (let i = 0; i < rows.length; i += 8) seed('rows', ...rows.slice(i, i + 8));
    continue;
  }
  const env = {};
  for (const [, name] of JSON.stringify(doc).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) env[name] = `value-of-${name.toLowerCase()}`;
  seed('resources', json({ document: doc, env }));
  seed('resources', json({ document: doc, env: {}, allowUnsetVars: true }));
}

// --- upstream URLs, plans and curl ----------------------------------------------------
const bases = ['https://api.openai.com/v1', 'api.deepseek.com', 'https://myres.openai.azure.com/',
  'http://[::1]:8080/v1/chat/completions', 'http://user:pw@10.0.0.1/v1#frag', ' https://openrouter.ai/api/v1/ ',
  'ftp://example.com', 'https://2130706433/v1', 'https://xn--bcher-kva.example/v1/embeddings'];
const targets = [['openai', ''], ['deepseek', 'openai'], ['azure', 'azure-openai'], ['anthropic', ''], ['bedrock', 'bedrock']];
bases.forEach((base, i) => {
  const [provider, adapter] = targets[i % targets.length];
  seed('upstream', `${base}\n/chat/completions\n${provider}\n${adapter}\ngpt-4o-mini's "deployment"`);
});
for (const s of scenarios) if (s.model?.api_base) seed('upstream', `${s.model.api_base}\n/chat/completions\n${s.model.provider ?? 'openai'}\n\n${s.model.model_name ?? 'm'}`);

// --- addresses: every literal of the native address tests ------------------------------
const addressTest = readFileSync(join(root, 'tests', 'native', 'address_test.cpp'), 'utf8');
for (const [, lit] of addressTest.matchAll(/"([0-9A-Fa-fx.:%a-z]{1,60})"/g)) if (/[.:]/.test(lit) || /^\d+$/.test(lit)) seed('address', lit);

// --- redaction: secrets, a split plan, text -------------------------------------------
const key = 'sk-proj-AbCdEfGh1234567890WxYz';
const texts = [
  `{"error":{"message":"Incorrect API key provided: sk-proj-********************WxYz","code":"invalid_api_key"}}`,
  `data: {"echo":"${key}"}\n\nkey sk-pro****WxYz and sk-proj-\u2026WxYz and "sk-proj-AbCd\\u0045fGh1234567890WxYz"`,
  ...files('errors', '.json').slice(0, 4).map((f) => readFileSync(f, 'utf8')),
];
texts.forEach((text, i) => {
  const secrets = [key, 'AIzaSyExample_secret', 'gsk_short'].slice(0, 1 + (i % 3));
  seed('redact', [secrets.length], secrets.map((s) => `${s}\n`).join(''), plans[i % plans.length], text);
});

// --- diagnose: outcomes as the page assembles them ----------------------------------
const okResult = { ok: true, content: 'Hello there.', reasoning: '', toolCalls: [], finishReason: 'stop', usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 }, model: 'gpt-4.1-mini', done: true, findings: [] };
for (const s of scenarios) {
  const u = s.upstream ?? {};
  const outcome = { status: u.status ?? 200, contentType: u.contentType ?? (u.sse ? 'text/event-stream' : 'application/json'),
    headers: u.headers ?? {}, model: { provider: s.model?.provider ?? 'openai', model_name: s.model?.model_name ?? 'gpt-4.1-mini', api_base: s.model?.api_base ?? 'https://api.openai.com/v1' },
    secrets: ['sk-scenario-secret-0123456789'], timings: { connectMs: 12, firstByteMs: 80, totalMs: 400 } };
  if (u.sse) outcome.result = okResult; else outcome.body = upstreamText(u);
  seed('diagnose', json(outcome));
}
for (const kind of ['dns', 'refused', 'tls', 'timeout', 'blocked_address', 'upstream_reset', 'config', 'too_large', 'busy', 'unknown_model', 'relay_unreachable']) {
  seed('diagnose', json({ relayError: { kind, message: `relay said ${kind}`, phase: kind === 'timeout' ? 'idle' : undefined, category: 'private' },
    model: { provider: 'openai', model_name: 'gpt-4o', api_base: 'https://10.0.0.1/v1' } }));
}

// --- a provider's model list: model_list ([wanted name]\n[GET /models answer]) ----------------
const modelLists = [
  json({ object: 'list', data: [{ id: 'gpt-4o-2024-08-06', object: 'model', owned_by: 'system' }, { id: 'gpt-4o-mini', object: 'model' }, { id: 'o3-mini' }] }),
  json({ data: [{ type: 'model', id: 'claude-3-5-sonnet-latest' }, { type: 'model', id: 'claude-3-5-sonnet-20241022' }], has_more: false }),
  json({ object: 'list', data: [{ id: 'models/gemini-2.0-flash' }, { id: 'models/gemini-1.5-pro' }] }),
  json({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }, { name: 'qwen2.5:7b' }] }),
  json([{ id: 'deepseek-chat' }, 'deepseek-reasoner']),
  json({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }),
  '<html><body>404 Not Found</body></html>',
];
const wantedNames = ['gpt-4o', 'claude-3.5-sonnet', 'gemini-2.0-flash-001', 'llama3.2', 'deepseek_chat', ''];
modelLists.forEach((body) => { for (const w of wantedNames) seed('model_list', `${w}\n`, body); });

// --- a key's headroom: rate_limits ([clock flag][now, 6 bytes LE]["name:value" lines]) -----------
const NOW = 1796464800000; // 2026-12-05T10:00:00Z
const nowBytes = [1, ...Array.from({ length: 6 }, (_, i) => Math.floor(NOW / 2 ** (8 * i)) % 256)];
const rateHeaders = [
  'x-ratelimit-limit-requests:10000\nx-ratelimit-remaining-requests:9998\nx-ratelimit-reset-requests:6s\nx-ratelimit-limit-tokens:200000\nx-ratelimit-remaining-tokens:199000\nx-ratelimit-reset-tokens:1m30s',
  'X-RateLimit-Remaining-Tokens: 12\nx-ratelimit-reset-tokens: 20ms\nretry-after: 20',
  'anthropic-ratelimit-requests-limit:50\nanthropic-ratelimit-requests-remaining:49\nanthropic-ratelimit-requests-reset:2026-12-05T10:00:06Z\nanthropic-ratelimit-input-tokens-reset:2026-12-05T11:01:00.5+01:00',
  'retry-after:Sat, 05 Dec 2026 10:02:00 GMT\nanthropic-ratelimit-tokens-remaining:1,000',
  'x-ratelimit-limit-requests:10\nx-ratelimit-remaining-requests:11\nx-ratelimit-remaining-requests:9',
];
for (const h of rateHeaders) { seed('rate_limits', nowBytes, h); seed('rate_limits', [0, 0, 0, 0, 0, 0, 0], h); }

for (const [target, seeds] of corpora) {
  const dir = join(out, target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of seeds) writeFileSync(join(dir, `seed-${name}`), bytes);
  console.log(`${target}: ${seeds.size} seeds`);
}
