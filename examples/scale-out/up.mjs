// Scale-out, as an operator runs it: etcd + two stateless relays + nginx in front.
//   node examples/scale-out/up.mjs          (PORT=8080 by default; Ctrl-C stops everything)
//   node examples/scale-out/up.mjs --check  (starts it all on free ports, proves a chat
//                                            through nginx works, stops; exit code says so)
// It starts etcd (/usr/bin/etcd) with a temporary data dir, the local demo provider, seeds
// etcd from examples/resources.yaml with `relay/main.js seed-etcd`, starts two relays that
// read etcd and share PLAYGROUND_TOKEN and SESSION_SECRET, and nginx (Debian's nginx-light)
// as the load balancer, all on 127.0.0.1, everything it writes in one temporary directory.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDemoProvider } from '../../relay/demo-provider.js';
import { nginxConfig } from './nginx-config.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECK = process.argv.includes('--check');
const ETCD = process.env.ETCD_BIN || '/usr/bin/etcd';
const NGINX = process.env.NGINX_BIN || '/usr/sbin/nginx';

const dir = mkdtempSync(join(tmpdir(), 'pg-scale-out-'));
const children = [];
const say = (line) => process.stdout.write(`${line}\n`);

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a child, keeps its output in <dir>/<name>.log, and remembers it for the shutdown. */
function start(name, cmd, args, env = {}, { oneShot = false } = {}) {
  const log = [];
  const child = spawn(cmd, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (c) => { log.push(c); writeFileSync(join(dir, `${name}.log`), Buffer.concat(log)); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => { if (!stopping && !oneShot) say(`${name} exited (${code ?? signal}); its log: ${join(dir, `${name}.log`)}`); });
  children.push({ name, child });
  return child;
}

async function waitFor(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try { if (await check()) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s (logs in ${dir})`);
}

let stopping = false;
async function stopAll({ keepLogs = false } = {}) {
  stopping = true;
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  demo?.close();
  if (!keepLogs && !process.env.KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
}

let demo;
async function main() {
  const token = randomBytes(18).toString('base64url');
  const sessionSecret = randomBytes(32).toString('base64url');
  const lbPort = CHECK ? await freePort() : Number(process.env.PORT || 8080);
  const [etcdPort, peerPort, demoPort, relayA, relayB] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;

  // 1. etcd, one member, data in the temporary directory.
  start('etcd', ETCD, [
    '--name', 'scale-out', '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', etcdUrl, '--advertise-client-urls', etcdUrl,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `scale-out=http://127.0.0.1:${peerPort}`, '--logger', 'zap', '--log-level', 'warn',
  ]);
  await waitFor('etcd', async () => (await (await fetch(`${etcdUrl}/health`)).json()).health === 'true');
  say(`etcd            ${etcdUrl}`);

  // 2. The demo provider (not a real model), as `make run` has it.
  const demoKey = `demo-${randomBytes(12).toString('hex')}`;
  const demoBase = `http://127.0.0.1:${demoPort}/v1`;
  demo = createDemoProvider({ apiKey: demoKey });
  await new Promise((resolve, reject) => { demo.once('error', reject); demo.listen(demoPort, '127.0.0.1', resolve); });
  say(`demo provider   ${demoBase} (not a real model)`);

  // 3. Seed etcd from the example resources file, in the gateway's layout.
  const etcdEnv = { ETCD_ENDPOINTS: etcdUrl, ETCD_PREFIX: '/aisix' };
  const seedEnv = { ...etcdEnv, DEMO_PROVIDER_BASE: demoBase, DEMO_PROVIDER_KEY: demoKey };
  for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'DEEPSEEK_API_KEY']) if (process.env[name]) seedEnv[name] = process.env[name];
  const seed = start('seed', process.execPath, ['relay/main.js', 'seed-etcd', '--resources', 'examples/resources.yaml', '--allow-unset-vars'], seedEnv, { oneShot: true });
  const seeded = await new Promise((r) => seed.on('exit', r));
  if (seeded !== 0) throw new Error(`seeding etcd failed (log: ${join(dir, 'seed.log')})`);
  say('seeded          examples/resources.yaml → etcd /aisix/{provider_keys,models}/<id>');

  // 4. Two relays: nothing shared but etcd, the login token and the session secret.
  for (const [name, port] of [['relay-a', relayA], ['relay-b', relayB]]) {
    start(name, process.execPath, ['relay/main.js'], {
      ...etcdEnv, HOST: '127.0.0.1', PORT: String(port), PLAYGROUND_TOKEN: token, SESSION_SECRET: sessionSecret,
      ALLOWED_PRIVATE_UPSTREAMS: `127.0.0.1:${demoPort}`,
    });
  }
  for (const port of [relayA, relayB]) await waitFor(`the relay on ${port}`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
  say(`relays          http://127.0.0.1:${relayA}  http://127.0.0.1:${relayB}`);

  // 5. nginx in front: round robin, streaming unbuffered, files in the temporary directory.
  const nginxDir = join(dir, 'nginx');
  mkdirSync(nginxDir);
  writeFileSync(join(nginxDir, 'nginx.conf'), nginxConfig({ dir: nginxDir, port: lbPort, relays: [relayA, relayB] }));
  start('nginx', NGINX, ['-p', nginxDir, '-c', join(nginxDir, 'nginx.conf'), '-e', join(nginxDir, 'error.log')]);
  const base = `http://127.0.0.1:${lbPort}`;
  await waitFor('nginx', async () => (await fetch(`${base}/healthz`)).ok);

  // 6. Prove it: the demo model answers a chat through nginx (and so through a relay).
  const auth = { authorization: `Bearer ${token}` };
  const { models } = await (await fetch(`${base}/api/playground/models`, { headers: auth })).json();
  const model = models.find((m) => m.model_name === 'demo-chat');
  const res = await fetch(`${base}/api/playground/chat`, {
    method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ model: model.id, body: { messages: [{ role: 'user', content: 'Hello through nginx' }] } }),
  });
  const answer = await res.json();
  const text = answer.choices?.[0]?.message?.content;
  if (res.status !== 200 || !text) throw new Error(`the demo chat through nginx failed: ${res.status} ${JSON.stringify(answer).slice(0, 300)}`);
  say(`checked         ${models.length} models listed; the demo model answered through nginx: "${text.slice(0, 60)}…"`);

  // A browser session made on one relay works on both (nginx alternates between them), and
  // a streamed answer comes through nginx unbuffered.
  const login = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0];
  for (let i = 0; i < 4; i++) {
    const r = await fetch(`${base}/api/playground/models`, { headers: { cookie } });
    if (r.status !== 200) throw new Error(`a session cookie was refused behind nginx (${r.status})`);
  }
  const stream = await fetch(`${base}/api/playground/chat`, {
    method: 'POST', headers: { cookie, 'x-playground': '1', 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ model: model.id, body: { stream: true, messages: [{ role: 'user', content: 'Stream through nginx' }] } }),
  });
  const events = await stream.text();
  if (!String(stream.headers.get('content-type')).startsWith('text/event-stream') || !events.includes('data: [DONE]')) {
    throw new Error(`the streamed chat through nginx failed: ${stream.status} ${events.slice(0, 200)}`);
  }
  say('checked         one session cookie on both relays; a streamed answer through nginx');
  say(`\n  Model playground behind nginx: open ${base}/?token=${token}\n`);
}

main().then(async () => {
  if (CHECK) { await stopAll(); process.exit(0); }
  say('Ctrl-C stops etcd, both relays, nginx and the demo provider.');
  const quit = async () => { await stopAll(); process.exit(0); };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}, async (err) => {
  process.stderr.write(`scale-out: ${err.message}\n(logs kept in ${dir})\n`);
  await stopAll({ keepLogs: true });
  process.exit(1);
});
