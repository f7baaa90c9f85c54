// Starts the relay: `node relay/main.js` (production settings from the environment) or
// `node relay/main.js --demo` (what `make run` does: also starts the local demo provider,
// labeled as such, so the playground works offline).
// `node relay/main.js seed-etcd --resources FILE [--allow-unset-vars] [--prune]` writes a
// resources file into etcd (ETCD_* settings) in the gateway's layout, for relays that read etcd.
// `node relay/main.js check [--all] [--model X]... [--format text|json|junit] [--concurrency N]`
// runs the page's "Test connection" on configured models through the relay's own code (relay/check.js).
import { randomBytes } from 'node:crypto';
import { loadRelayCore } from './core.js';
import { demoProviderPort, readSettings, tokenProblem } from './settings.js';
import { Sessions } from './session.js';
import { FileSource } from './sources/file-source.js';
import { EtcdSource } from './sources/etcd-source.js';
import { seedEtcd } from './sources/etcd-seed.js';
import { createRelay } from './server.js';
import { logLine } from './log.js';
import { createDemoProvider } from './demo-provider.js';

const log = (entry) => process.stdout.write(logLine(entry));

async function main() {
  const demo = process.argv.includes('--demo');
  const env = { ...process.env };
  // The demo makes a token at each start unless PLAYGROUND_TOKEN is set (a fixed one keeps the
  // login link across restarts). Checked before anything starts: an easy guess is refused.
  if (demo) env.PLAYGROUND_TOKEN ||= randomBytes(24).toString('base64url');
  const problem = tokenProblem(env.PLAYGROUND_TOKEN ?? '');
  if (problem) throw new Error(problem);
  if (demo) {
    env.DEMO_PROVIDER_KEY ||= `demo-${randomBytes(12).toString('hex')}`;
    // Any free port unless DEMO_PROVIDER_PORT names one, so two `make run`s on different
    // PORTs each have their own demo provider.
    const wanted = demoProviderPort(env);
    const demoServer = createDemoProvider({ apiKey: env.DEMO_PROVIDER_KEY });
    await listen(demoServer, wanted, '127.0.0.1', `DEMO_PROVIDER_PORT ${wanted} is in use: choose another, or leave it unset for any free port`);
    const { port } = /** @type {import('node:net').AddressInfo} */ (demoServer.address());
    env.DEMO_PROVIDER_BASE ||= `http://127.0.0.1:${port}/v1`;
    env.RESOURCES_ALLOW_UNSET_VARS ||= '1';
    // The demo provider lives on loopback: allow exactly that address, nothing wider.
    env.ALLOWED_PRIVATE_UPSTREAMS = [env.ALLOWED_PRIVATE_UPSTREAMS, `127.0.0.1:${port}`].filter(Boolean).join(',');
    log({ msg: `demo provider (not a real model) listening on ${env.DEMO_PROVIDER_BASE}` });
  }

  const settings = readSettings(env);
  const core = await loadRelayCore();
  let source;
  if (settings.etcd) {
    source = new EtcdSource({ core, ...settings.etcd, log });
    // Nothing is served before one complete listing: a partial list is never the truth.
    log({ msg: 'reading models and provider keys from etcd; serving starts after the first complete listing', endpoints: settings.etcd.endpoints, prefix: source.base });
    await source.start();
  } else {
    source = new FileSource({ core, path: settings.resources, env, allowUnsetVars: settings.allowUnsetKeyVars, log });
    await source.start();
    source.watchSignals();
  }
  const sessions = new Sessions({
    token: settings.token, secret: settings.sessionSecret, previousSecret: settings.sessionSecretPrevious,
    ttlSeconds: settings.sessionTtlSeconds, secure: settings.secureCookies, log,
  });
  const server = createRelay({ core, source, sessions, settings, log });
  await listen(server, settings.port, settings.host, `PORT ${settings.port} is in use on ${settings.host}: set PORT to another`);
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address()); // PORT=0: the port the system chose
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  log({ msg: 'relay listening', url: `http://${host}:${port}`, core: core.version, models: source.snapshot().models.length });
  // The login link, once, in every mode: the only line that ever carries the token. An
  // unspecified address (0.0.0.0, ::) cannot be opened: the link names loopback instead.
  const opened = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host === '::' ? '[::1]' : host;
  process.stdout.write(`\n  Model playground: open http://${opened}:${port}/?token=${encodeURIComponent(settings.token)}\n\n`);

  const stop = async () => {
    server.close();
    server.closeAllConnections?.();
    await Promise.race([source.close(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Listens, or fails with `inUse` when the port is taken. */
function listen(server, port, host, inUse) {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(err?.code === 'EADDRINUSE' ? new Error(inUse) : err));
    server.listen(port, host, resolve);
  });
}

async function seed(args) {
  const at = args.indexOf('--resources');
  const resources = at >= 0 ? args[at + 1] : process.env.RESOURCES;
  if (!resources) throw new Error('usage: node relay/main.js seed-etcd --resources FILE [--allow-unset-vars] [--prune] (with ETCD_ENDPOINTS set)');
  const env = { ...process.env };
  delete env.RESOURCES; // the file is named on the command line; etcd is the target
  const settings = readSettings(env);
  if (!settings.etcd) throw new Error('ETCD_ENDPOINTS is not set: say which etcd to seed (e.g. http://127.0.0.1:2379)');
  const core = await loadRelayCore();
  const done = await seedEtcd({ core, etcd: settings.etcd, resources, env, allowUnsetVars: args.includes('--allow-unset-vars'), prune: args.includes('--prune') });
  process.stdout.write(`seeded etcd ${settings.etcd.endpoints.join(',')} under ${done.prefix}: ${done.providerKeys} provider keys, ${done.models} models` +
    `${done.pruned ? `, ${done.pruned} stale rows deleted` : ''}\n`);
  if (done.leftOut.length) process.stdout.write(`left out (their key variable is not set): ${done.leftOut.join(', ')}\n`);
}

// `check` (relay/check.js) prints its own results and exits 0, 1 or 2 itself.
const commands = {
  'seed-etcd': () => seed(process.argv.slice(3)),
  check: () => import('./check.js').then((check) => check.main(process.argv.slice(3))),
};
const run = Object.hasOwn(commands, process.argv[2] ?? '') ? commands[process.argv[2]] : main;
run().catch((err) => {
  process.stderr.write(`relay: ${err.message}\n`);
  process.exit(1);
});
