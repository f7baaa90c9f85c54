// Starts the relay: `node relay/main.js` (production settings from the environment) or
// `node relay/main.js --demo` (what `make run` does: also starts the local demo provider,
// labeled as such, so the playground works offline).
import { randomBytes } from 'node:crypto';
import { loadCore } from '../web/core.js';
import { readSettings } from './settings.js';
import { Sessions } from './session.js';
import { FileSource } from './sources/file-source.js';
import { createRelay } from './server.js';
import { createDemoProvider } from './demo-provider.js';

const log = (entry) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);

async function main() {
  const demo = process.argv.includes('--demo');
  const env = { ...process.env };
  if (demo) {
    const port = Number(env.DEMO_PROVIDER_PORT || 8089);
    env.DEMO_PROVIDER_KEY ||= `demo-${randomBytes(12).toString('hex')}`;
    env.DEMO_PROVIDER_BASE ||= `http://127.0.0.1:${port}/v1`;
    env.RESOURCES_ALLOW_UNSET_VARS ||= '1';
    // The demo provider lives on loopback: allow exactly that address, nothing wider.
    env.ALLOWED_PRIVATE_UPSTREAMS = [env.ALLOWED_PRIVATE_UPSTREAMS, `127.0.0.1:${port}`].filter(Boolean).join(',');
    env.PLAYGROUND_TOKEN ||= randomBytes(18).toString('base64url');
    await new Promise((resolve, reject) => {
      const demoServer = createDemoProvider({ apiKey: env.DEMO_PROVIDER_KEY });
      demoServer.once('error', reject);
      demoServer.listen(port, '127.0.0.1', resolve);
    });
    log({ msg: `demo provider (not a real model) listening on ${env.DEMO_PROVIDER_BASE}` });
  }

  const settings = readSettings(env);
  if (!settings.token) throw new Error('PLAYGROUND_TOKEN is not set: the relay needs it to let anyone in');
  const core = await loadCore();
  const source = new FileSource({ core, path: settings.resources, env, allowUnsetVars: settings.allowUnsetKeyVars, log });
  await source.start();
  source.watchSignals();
  const sessions = new Sessions({
    token: settings.token, secret: settings.sessionSecret, previousSecret: settings.sessionSecretPrevious,
    ttlSeconds: settings.sessionTtlSeconds, secure: settings.secureCookies, log,
  });
  const server = createRelay({ core, source, sessions, settings, log });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, resolve);
  });
  const base = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
  log({ msg: 'relay listening', url: base, core: core.version, models: source.snapshot().models.length });
  if (demo) process.stdout.write(`\n  Model playground: open ${base}/?token=${settings.token}\n\n`);

  const stop = () => { server.close(); server.closeAllConnections?.(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`relay: ${err.message}\n`);
  process.exit(1);
});
