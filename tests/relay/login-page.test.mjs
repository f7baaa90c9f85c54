// Logging in (issue 20, item 5). A wrong or old `/?token=` link opened in a browser gets an
// HTML page (401, never cached, a strict CSP, nothing an attacker could use) saying what
// happened and what to do, while API callers keep the JSON error. The relay started as
// production (`node relay/main.js`, no --demo) prints the login link once, with a fixed
// PLAYGROUND_TOKEN that keeps working across restarts; a token too short or too repetitive is
// refused at start. Two demos (`make run`) on different PORTs each get a demo provider on a
// free port, and DEMO_PROVIDER_PORT still names one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startRelay, TOKEN } from '../support/relay-harness.mjs';
import { MIN_TOKEN_LENGTH, tokenProblem } from '../../relay/settings.js';
import { tempDir } from '../support/temp-dir.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'relay/main.js');
const PROVIDER_KEY = 'sk-proj-TESTSECRETloginpage000000000000-LGPG';
// What a browser sends when it opens a link (Chromium's navigation headers).
const NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' };

let relay;
before(async () => {
  relay = await startRelay({
    resources: {
      _format_version: '1',
      provider_keys: [{ display_name: 'p', provider: 'openai-compatible', adapter: 'openai', api_base: 'https://api.example.com/v1', api_key: '${PG_LOGIN_KEY}' }],
      models: [{ display_name: 'm', provider: 'openai-compatible', model_name: 'm-1', provider_key: 'p' }],
    },
    env: { PG_LOGIN_KEY: PROVIDER_KEY },
  });
});
after(async () => { await relay?.stop(); });

// ---- the page for a bad link --------------------------------------------------------------

const WRONG = 'wrong-token-MARKER-4f1c9e0b7d2a';

test('a browser opening a wrong link: 401, an HTML page, no-store, a strict CSP', async () => {
  const r = await relay.call(`/?token=${WRONG}`, { auth: null, headers: NAVIGATION });
  const body = await r.text();
  assert.equal(r.status, 401);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.headers.get('set-cookie'), null, 'no session');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');

  const csp = Object.fromEntries(r.headers.get('content-security-policy').split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  assert.deepEqual(csp['default-src'], ["'none'"]);
  assert.equal(csp['script-src'], undefined, 'no script: default-src none applies');
  assert.deepEqual(csp['frame-ancestors'], ["'none'"]);
  assert.deepEqual(csp['form-action'], ["'none'"]);
  assert.deepEqual(csp['base-uri'], ["'none'"]);
  assert.equal(csp['style-src'].length, 1, 'the inline style by its hash alone');
  const style = /<style>([\s\S]*?)<\/style>/.exec(body)[1];
  assert.deepEqual(csp['style-src'], [`'sha256-${createHash('sha256').update(style).digest('base64')}'`], 'the hash is the page\'s own style');
  assert.doesNotMatch(r.headers.get('content-security-policy'), /unsafe/);

  // What it says: what happened and what to do.
  assert.match(body, /^<!doctype html>/);
  assert.match(body, /<html lang="en">/);
  assert.match(body, /<title>Login link not valid/);
  assert.match(body, /<main>/);
  assert.match(body, /not valid/);
  assert.match(body, /wrong or has expired/);
  assert.match(body, /new login link/);
  assert.match(body, /PLAYGROUND_TOKEN=… make run/, 'how to keep one link across restarts');
  assert.match(body, /prefers-color-scheme: dark/, 'the page\'s dark scheme too');
  // And nothing else: no script, no resource, nothing from the request or the relay.
  assert.doesNotMatch(body, /<script|<link|<img|<form|<iframe|src=|href=/i);
  for (const secret of [WRONG, TOKEN, 'test-session-secret', PROVIDER_KEY, ROOT, 'api.example.com', 'm-1']) {
    assert.equal(body.includes(secret), false, `the page does not contain ${secret.slice(0, 12)}…`);
    assert.equal(JSON.stringify([...r.headers]).includes(secret), false);
  }
  assert.doesNotMatch(body, /\bat \S+:\d+|Error:|node:|bad_login_token|unauthorized|\d+\.\d+\.\d+/, 'no stack, no error code, no version');
});

test('the same page whatever the wrong token (old, garbage, empty): it tells nothing', async () => {
  const pages = [];
  for (const token of [WRONG, 'x', '', TOKEN.slice(0, -1), `${TOKEN}x`, '%3Cscript%3Ealert(1)%3C%2Fscript%3E']) {
    const r = await relay.call(`/?token=${token}`, { auth: null, headers: NAVIGATION });
    assert.equal(r.status, 401);
    pages.push(await r.text());
  }
  assert.equal(new Set(pages).size, 1);
  assert.doesNotMatch(pages[0], /<script/);
});

test('an older browser without Sec-Fetch-Dest gets the page by its Accept; HEAD gets the headers', async () => {
  const r = await relay.call(`/?token=${WRONG}`, { auth: null, headers: { accept: 'text/html' } });
  assert.equal(r.status, 401);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const head = await relay.call(`/?token=${WRONG}`, { method: 'HEAD', auth: null, headers: NAVIGATION });
  assert.equal(head.status, 401);
  assert.match(head.headers.get('content-type'), /^text\/html/);
  assert.equal(head.headers.get('cache-control'), 'no-store');
  assert.equal(await head.text(), '');
});

test('API callers keep the JSON error: no Accept for HTML, a script\'s fetch, every /api/ path', async () => {
  const expectJson = async (r, reason) => {
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const body = await r.json();
    assert.equal(body.error.kind, 'unauthorized');
    if (reason) assert.equal(body.error.reason, reason);
  };
  await expectJson(await relay.call(`/?token=${WRONG}`, { auth: null }), 'bad_login_token'); // fetch's Accept: */*
  await expectJson(await relay.call(`/?token=${WRONG}`, { auth: null, headers: { accept: 'application/json' } }), 'bad_login_token');
  // A script in a page (fetch: Sec-Fetch-Dest empty), even one asking for HTML.
  await expectJson(await relay.call(`/?token=${WRONG}`, { auth: null, headers: { accept: 'text/html', 'sec-fetch-dest': 'empty' } }), 'bad_login_token');
  // The API is JSON, even to a browser navigating to it.
  await expectJson(await relay.call('/api/playground/models', { auth: null, headers: NAVIGATION }));
  await expectJson(await relay.call(`/api/playground/models?token=${TOKEN}`, { auth: null, headers: NAVIGATION }));
});

test('the right link still logs in (303 to /, a session cookie), browser or not', async () => {
  for (const headers of [NAVIGATION, {}]) {
    const r = await relay.call(`/?token=${TOKEN}`, { auth: null, headers });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/');
    assert.match(r.headers.get('set-cookie'), /^pg_session=/);
  }
  assert.deepEqual(relay.leaks([PROVIDER_KEY, 'test-session-secret']), []);
});

// ---- the relay as a process: the link, a fixed token, the demo's port -----------------------

/** The environment of a child relay: nothing of this machine's playground settings. */
function childEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(PLAYGROUND_TOKEN|SESSION_SECRET|DEMO_PROVIDER_|PORT$|HOST$|RESOURCES|ETCD_|ALLOWED_|ALLOW_PRIVATE)/.test(k) || /_API_KEY$/.test(k)) delete env[k];
  }
  return { ...env, PORT: '0', ...extra };
}

/**
 * Starts `node relay/main.js …args`; resolves when it prints the login link (with the whole
 * stdout so far and the link), or when it exits (with its code and output).
 */
function startMain(args, env) {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no login link within 20 s:\n${out.stdout}\n${out.stderr}`)), 20_000);
    const look = () => {
      const m = /^ {2}Model playground: open (http:\/\/127\.0\.0\.1:(\d+)(\/\?token=\S+))$/m.exec(out.stdout);
      if (m) { clearTimeout(timer); resolve({ link: m[1], port: Number(m[2]), path: m[3] }); }
    };
    child.stdout.on('data', look);
    exited.then((code) => { clearTimeout(timer); resolve({ exited: code }); });
  });
  return {
    child, out, ready, exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

const DIR = tempDir('login');
const RESOURCES = join(DIR, 'resources.yaml');
writeFileSync(RESOURCES, stringify({
  _format_version: '1',
  provider_keys: [{ display_name: 'p', provider: 'openai-compatible', adapter: 'openai', api_base: 'https://api.example.com/v1', api_key: '${PG_LOGIN_KEY}' }],
  models: [{ display_name: 'm', provider: 'openai-compatible', model_name: 'm-1', provider_key: 'p' }],
}));

async function login(base, path) {
  const r = await fetch(base + path, { redirect: 'manual', headers: NAVIGATION });
  assert.equal(r.status, 303, `${path.slice(0, 10)}… logs in`);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const models = await fetch(`${base}/api/playground/models`, { headers: { cookie } });
  assert.equal(models.status, 200, 'the session works');
  return (await models.json()).models;
}

test('without --demo: the login link printed once, with the fixed PLAYGROUND_TOKEN; the same link works after a restart', async () => {
  const token = randomBytes(24).toString('base64url');
  const env = { PLAYGROUND_TOKEN: token, SESSION_SECRET: 'login-test-session-secret', RESOURCES, PG_LOGIN_KEY: PROVIDER_KEY };
  const first = startMain([], env);
  let second;
  try {
    const at = await first.ready;
    assert.ok(at.link, `started: ${first.out.stderr}`);
    assert.equal(at.path, `/?token=${encodeURIComponent(token)}`);
    await login(`http://127.0.0.1:${at.port}`, at.path);
    // The link line is the only one with the token, and it is printed once.
    const lines = first.out.stdout.split('\n').filter((l) => l.includes(token));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^ {2}Model playground: open /);
    assert.equal(first.out.stderr.includes(token), false);
    // A bearer call with the fixed token works too.
    const bearer = await fetch(`http://127.0.0.1:${at.port}/api/playground/models`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    assert.equal(await first.stop(), 0, 'SIGTERM stops it cleanly');

    // Restarted with the same token: the bookmarked link still logs in.
    second = startMain([], env);
    const again = await second.ready;
    assert.equal(again.path, at.path, 'the same link');
    await login(`http://127.0.0.1:${again.port}`, at.path);
  } finally {
    await first.stop();
    await second?.stop();
  }
  for (const o of [first.out, second.out]) assert.equal(`${o.stdout}${o.stderr}`.includes(PROVIDER_KEY), false);
});

test('a PLAYGROUND_TOKEN too short or too easy to guess is refused at start: exit 1, a clear message, never the token', async () => {
  const cases = [
    { token: 'short-token-123', args: [], message: new RegExp(`PLAYGROUND_TOKEN is too short \\(15 characters; at least ${MIN_TOKEN_LENGTH}\\)`) },
    { token: 'a'.repeat(40), args: [], message: /PLAYGROUND_TOKEN is too easy to guess/ },
    { token: 'passwordpasswordpassword', args: ['--demo'], message: /PLAYGROUND_TOKEN is too easy to guess/ },
    { token: 'with spaces in it 0123456789abcdef', args: [], message: /PLAYGROUND_TOKEN must be printable ASCII characters without spaces/ },
  ];
  for (const c of cases) {
    assert.ok(tokenProblem(c.token));
    const run = startMain(c.args, { PLAYGROUND_TOKEN: c.token, RESOURCES, PG_LOGIN_KEY: PROVIDER_KEY });
    const result = await run.ready;
    assert.equal(result.exited, 1, `${c.token}: exit 1`);
    assert.match(run.out.stderr, /^relay: /);
    assert.match(run.out.stderr, c.message);
    assert.match(run.out.stderr, /openssl rand -base64 24/, 'how to make a good one');
    assert.equal(`${run.out.stdout}${run.out.stderr}`.includes(c.token), false, 'the token is never printed');
    assert.doesNotMatch(run.out.stdout, /listening/, 'nothing started, the demo provider neither');
  }
  // Unset, outside the demo: refused as before.
  const unset = startMain([], { RESOURCES, PG_LOGIN_KEY: PROVIDER_KEY });
  assert.equal((await unset.ready).exited, 1);
  assert.match(unset.out.stderr, /PLAYGROUND_TOKEN is not set/);
});

/** The demo provider's port, from its log line. */
function demoPort(stdout) {
  return Number(/demo provider \(not a real model\) listening on http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(stdout)?.[1]);
}

async function demoChat(base, path) {
  const models = await login(base, path);
  const demo = models.find((m) => m.display_name.startsWith('Demo chat'));
  assert.ok(demo?.testable, 'the demo model is testable');
  const token = decodeURIComponent(path.slice('/?token='.length));
  const r = await fetch(`${base}/api/playground/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: demo.id, body: { model: 'demo-chat', messages: [{ role: 'user', content: 'Are you there?' }] } }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).choices[0].message.content;
}

test('two demos at once on different PORTs: each has its own demo provider on a free port, both answer', async () => {
  const a = startMain(['--demo'], {});
  const b = startMain(['--demo'], {});
  try {
    const [atA, atB] = await Promise.all([a.ready, b.ready]);
    assert.ok(atA.link && atB.link, `both started:\n${a.out.stderr}\n${b.out.stderr}`);
    assert.notEqual(atA.port, atB.port);
    const [demoA, demoB] = [demoPort(a.out.stdout), demoPort(b.out.stdout)];
    assert.ok(demoA > 0 && demoB > 0 && demoA !== demoB, `two demo providers: ${demoA}, ${demoB}`);
    assert.notEqual(atA.path, atB.path, 'each start makes its own token');
    for (const [at] of [[atA], [atB]]) {
      assert.match(await demoChat(`http://127.0.0.1:${at.port}`, at.path), /local demo provider, not a real model/);
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test('DEMO_PROVIDER_PORT: honoured when set, a clear error when taken or not a port', async () => {
  const port = await freePort();
  const run = startMain(['--demo'], { DEMO_PROVIDER_PORT: String(port) });
  try {
    const at = await run.ready;
    assert.ok(at.link, run.out.stderr);
    assert.equal(demoPort(run.out.stdout), port);
    assert.match(await demoChat(`http://127.0.0.1:${at.port}`, at.path), /local demo provider/);

    // Now that port is taken: a second demo asking for it says so.
    const taken = startMain(['--demo'], { DEMO_PROVIDER_PORT: String(port) });
    assert.equal((await taken.ready).exited, 1);
    assert.match(taken.out.stderr, new RegExp(`DEMO_PROVIDER_PORT ${port} is in use: choose another, or leave it unset`));
  } finally {
    await run.stop();
  }
  const bad = startMain(['--demo'], { DEMO_PROVIDER_PORT: 'eighty' });
  assert.equal((await bad.ready).exited, 1);
  assert.match(bad.out.stderr, /DEMO_PROVIDER_PORT must be an integer between 0 and 65535/);
});
