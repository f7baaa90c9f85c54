// `node relay/main.js check [--all] [--model <id or display name>]... [--format text|json|junit]
// [--concurrency N]`: the page's "Test connection" on configured models, from a script (CI after
// a configuration change, a scheduler). Exit 0 when every checked model passes, 1 when any
// fails, 2 when the check could not run (bad usage or configuration; the reason is printed).
//
// The same call as the page, through the same relay: this starts the relay's own server
// (relay/server.js, createRelay) in this process on 127.0.0.1, an ephemeral port, with a random
// bearer token, reading models and keys from the relay's own source (RESOURCES or ETCD_*, by
// relay/settings.js), and drives it with the page's own run (web/playground/run.js, runOnce)
// with the page's own probe (the model list's `probe`, web/playground/state.js probeForm, built
// by core.buildRequest).
// So the body check, the gateway shaping, the plan, the address checks and pinning, the
// private-upstream settings, the timeouts, the model's deadlines, the per-key TLS and the
// redaction are the relay's code, not a copy of it; the outcome is the page's, and the verdict
// is the core's (core.diagnose through the page's wrapper). Nothing is probed that the page
// would not probe: a model the core marks not testable is listed with its reason.
import { randomBytes } from 'node:crypto';
import { loadRelayCore } from './core.js';
import { readSettings } from './settings.js';
import { Sessions } from './session.js';
import { FileSource } from './sources/file-source.js';
import { EtcdSource } from './sources/etcd-source.js';
import { createRelay } from './server.js';
import { runOnce } from '../web/playground/run.js';
import { PLAYGROUND_HEADER } from '../web/contract.js';
import { probeForm } from '../web/playground/state.js';
import { diagnose } from '../web/playground/render-checklist.js';
import { withSuggestions } from '../web/playground/model-suggestions.js';
import { FORMATS, exitCodeOf, formatJson, formatJunit, formatText, notTestableEntry, probedEntry, unbuiltEntry } from './check-report.js';

export const USAGE = `usage: node relay/main.js check [--all] [--model <id or display name>]... [--format text|json|junit] [--concurrency N]

Runs the playground's "Test connection" probe on configured models, through the relay's own
code (RESOURCES or ETCD_*, ALLOW_PRIVATE_UPSTREAMS, ALLOWED_PRIVATE_UPSTREAMS, timeouts), and
prints each model's verdict and checklist. Every configured secret is redacted from the output.

  --all              every model (multi-target and unconfigured ones are listed as not_testable)
  --model X          a model by id or display name; repeat for more
  --format F         text (default: a table), json, junit (JUnit XML for CI)
  --concurrency N    probes at once (default 2, at most MAX_CONCURRENT_PER_USER)

Exit status: 0 every checked model passed (a pass with a condition, "warn", counts as a pass;
not_testable models are not checked), 1 a model failed, 2 bad usage or configuration.`;

// How long a first complete etcd listing may take before the check gives up (exit 2).
const ETCD_FIRST_LOAD_MS = 20_000;
const DEFAULT_CONCURRENCY = 2;

/** Bad usage or configuration: exit 2 with this message. */
export class CheckUsageError extends Error {}

/** argv (after `check`) → { all, models, format, concurrency, help }; throws CheckUsageError. */
export function parseArgs(argv) {
  const out = { all: false, models: [], format: 'text', concurrency: null, help: false };
  const value = (i, flag) => {
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new CheckUsageError(`${flag} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline = null;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) { inline = arg.slice(eq + 1); arg = arg.slice(0, eq); }
    const take = (flag) => { if (inline !== null) return inline; const v = value(i, flag); i++; return v; };
    switch (arg) {
      case '--all': if (inline !== null) throw new CheckUsageError('--all takes no value'); out.all = true; break;
      case '--model': { const m = take('--model'); if (!m) throw new CheckUsageError('--model needs a value'); out.models.push(m); break; }
      case '--format': out.format = take('--format'); break;
      case '--concurrency': {
        const raw = take('--concurrency');
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1) throw new CheckUsageError(`--concurrency must be a whole number of at least 1, got "${raw.slice(0, 40)}"`);
        out.concurrency = n;
        break;
      }
      case '--help': case '-h': out.help = true; break;
      default: throw new CheckUsageError(`unknown argument "${String(argv[i]).slice(0, 80)}"`);
    }
  }
  if (out.help) return out;
  if (!FORMATS.includes(out.format)) throw new CheckUsageError(`--format must be one of ${FORMATS.join(', ')}, got "${out.format.slice(0, 40)}"`);
  if (!out.all && !out.models.length) throw new CheckUsageError('say which models to check: --all, or --model <id or display name> (repeatable)');
  return out;
}

/** The models asked for, in configuration order; throws CheckUsageError naming a --model that matches none. */
export function selectModels(models, { all, models: wanted }) {
  if (all) return models;
  const chosen = new Set();
  for (const w of wanted) {
    const hits = models.filter((m) => m.id === w || m.display_name === w);
    if (!hits.length) throw new CheckUsageError(`no model has the id or display name "${w.slice(0, 200)}"`);
    for (const m of hits) chosen.add(m);
  }
  return models.filter((m) => chosen.has(m));
}

/**
 * The check itself, for the CLI and for tests: `env` as the relay reads it, `args` parsed.
 * → { code, output, report }. Throws CheckUsageError for configuration problems.
 * `progress(done, total, entry)` is told of each probe as it ends; `signal` stops the probes.
 * @param {{ env?: Record<string, string | undefined>, args: ReturnType<typeof parseArgs>,
 *   progress?: (done: number, total: number, entry: object | null) => void, note?: (text: string) => void,
 *   signal?: AbortSignal }} options
 */
export async function runCheck({ env = process.env, args, progress = () => {}, note = () => {}, signal }) {
  const checkedAt = new Date().toISOString();
  let settings;
  try {
    settings = readSettings(env);
  } catch (err) {
    throw new CheckUsageError(err.message);
  }
  const limit = settings.limits.concurrentPerUser;
  const concurrency = args.concurrency ?? Math.min(DEFAULT_CONCURRENCY, limit);
  if (concurrency > limit) throw new CheckUsageError(`--concurrency ${concurrency} is past the relay's per-user limit, MAX_CONCURRENT_PER_USER=${limit}`);

  const core = await loadRelayCore();
  // The relay's logs are for its operator; here only an unexpected failure is worth a line.
  const log = (entry) => {
    if (entry?.msg === 'internal error' || String(entry?.msg ?? '').startsWith('etcd')) note(`relay: ${entry.msg}${entry.error ? `: ${entry.error}` : ''}`);
  };
  const source = await openSource(core, settings, env, log);
  let server;
  try {
    const snapshot = source.snapshot();
    const secrets = snapshot.secrets;
    const redact = (text) => (secrets.length ? core.redact(text, secrets) : text);
    const status = source.status();
    if (settings.etcd && 'skippedRows' in status && status.skippedRows) {
      note(redact(`warning: ${status.skippedRows} etcd rows were skipped as invalid; their models are not listed`));
    }

    // The relay, as `node relay/main.js` would run it, but on loopback only, on a port of its
    // own and with a token nobody else knows.
    const token = randomBytes(24).toString('base64url');
    const relaySettings = { ...settings, host: '127.0.0.1', port: 0, token, sessionSecret: randomBytes(32).toString('base64url'), sessionSecretPrevious: '' };
    const sessions = new Sessions({ token, secret: relaySettings.sessionSecret, ttlSeconds: 3600, log });
    server = createRelay({ core, source, sessions, settings: relaySettings, log });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const base = `http://127.0.0.1:${server.address().port}/api/playground`;
    const headers = { authorization: `Bearer ${token}` };
    // The page's RelayApi, with the bearer token instead of a session cookie.
    const api = {
      chat: (modelId, body, sig) => fetch(`${base}/chat`, {
        method: 'POST', cache: 'no-store', signal: sig,
        headers: { ...headers, 'content-type': 'application/json', [PLAYGROUND_HEADER]: '1' },
        body: JSON.stringify({ model: modelId, body }),
      }),
      // The page's RelayApi.upstreamModels: the provider's list for the model's key, never throws.
      upstreamModels: async (modelId, sig) => {
        try {
          const res = await fetch(`${base}/models/${encodeURIComponent(modelId)}/upstream-models`, { headers, signal: sig, cache: 'no-store' });
          const reply = await res.json().catch(() => null);
          return res.ok && typeof reply?.ok === 'boolean' ? reply : { ok: false, unavailable: 'unreachable' };
        } catch {
          return { ok: false, unavailable: 'unreachable' };
        }
      },
    };

    // The model list the page gets.
    const listed = await fetch(`${base}/models`, { headers });
    if (!listed.ok) throw new Error(`the relay answered its model list with HTTP ${listed.status}`);
    const { models } = await listed.json();
    const selected = selectModels(models, args);

    const entries = new Array(selected.length);
    const probes = [];
    selected.forEach((model, i) => {
      if (!model.testable) { entries[i] = notTestableEntry(model); return; }
      probes.push({ i, model });
    });

    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < probes.length && !signal?.aborted) {
        const { i, model } = probes[next++];
        entries[i] = await probe(core, api, model, secrets, signal);
        done += 1;
        progress(done, probes.length, entries[i]);
      }
    };
    progress(0, probes.length, null);
    await Promise.all(Array.from({ length: Math.min(concurrency, probes.length) }, worker));
    if (signal?.aborted) throw new CheckUsageError('stopped before every model was checked');

    // Everything printed is redacted with every configured secret, whatever produced it.
    const report = JSON.parse(redact(JSON.stringify({ checked_at: checkedAt, core: core.version, models: entries })));
    const text = args.format === 'json' ? formatJson(report) : args.format === 'junit' ? formatJunit(report) : formatText(report);
    return { code: exitCodeOf(report.models), output: redact(text), report, redact };
  } catch (err) {
    // Whatever went wrong, its message is printed: never with a secret in it.
    const secrets = source.snapshot()?.secrets ?? [];
    if (secrets.length && typeof err?.message === 'string') err.message = core.redact(err.message, secrets);
    throw err;
  } finally {
    if (server) {
      server.closeAllConnections?.();
      await /** @type {Promise<void>} */ (new Promise((resolve) => server.close(() => resolve())));
    }
    await Promise.race([source.close(), new Promise((resolve) => { setTimeout(resolve, 1000).unref?.(); })]);
  }
}

/** The page's "Test connection" on one model: its form, its run, the core's checklist. */
async function probe(core, api, model, secrets, signal) {
  const built = core.buildRequest(probeForm(model));
  if (!built.ok) return unbuiltEntry(model, built.errors);
  const run = await runOnce({ core, api, model, body: built.body, signal });
  // The relay already redacted what it returned; the diagnosis is redacted again with every
  // configured secret, as the relay's own tests do.
  const outcome = { ...run.outcome, secrets };
  // The model step failed with the key accepted: the provider's closest names, as the page does.
  const { diagnosis, list } = await withSuggestions(core, api, model, outcome, diagnose(core, outcome), signal);
  return probedEntry(core, model, run, diagnosis, list);
}

/** The relay's source, loaded once (no reload, no signal handling): throws CheckUsageError when it cannot load. */
async function openSource(core, settings, env, log) {
  if (settings.etcd) {
    const source = new EtcdSource({ core, ...settings.etcd, log });
    let timer;
    try {
      await Promise.race([
        source.start(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ETCD_FIRST_LOAD_MS); }),
      ]);
      return source;
    } catch {
      const why = source.status().lastError?.message ?? 'no answer';
      await Promise.race([source.close(), new Promise((resolve) => { setTimeout(resolve, 1000).unref?.(); })]);
      throw new CheckUsageError(`etcd (${settings.etcd.endpoints.join(',')}) gave no complete listing within ${ETCD_FIRST_LOAD_MS / 1000} s: ${why}`);
    } finally {
      clearTimeout(timer);
    }
  }
  const source = new FileSource({ core, path: settings.resources, env, allowUnsetVars: settings.allowUnsetKeyVars, log });
  try {
    await source.start();
  } catch (err) {
    // The file source's message lists every problem, already redacted (YAML errors by code
    // and position only, never quoting the file).
    throw new CheckUsageError(err.message);
  }
  return source;
}

/** The command: prints, and exits with 0, 1 or 2. Never rejects. */
export async function main(argv, { env = process.env, stdout = process.stdout, stderr = process.stderr } = {}) {
  const write = (stream, text) => /** @type {Promise<void>} */ (new Promise((resolve) => { stream.write(text, () => resolve()); }));
  let code;
  let redact = (t) => t;
  try {
    let args;
    try {
      args = parseArgs(argv);
    } catch (err) {
      await write(stderr, `check: ${err.message}\n\n${USAGE}\n`);
      return exit(2);
    }
    if (args.help) {
      await write(stdout, `${USAGE}\n`);
      return exit(0);
    }
    const tty = Boolean(stderr.isTTY);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let line = '';
    const note = (text) => { stderr.write(`${tty && line ? '\r\x1b[K' : ''}${redact(text)}\n`); line = ''; };
    const progress = (doneCount, total, entry) => {
      if (tty) {
        line = doneCount < total ? `checking ${doneCount + 1} of ${total}…` : '';
        stderr.write(`\r\x1b[K${line}`);
      } else if (entry) {
        stderr.write(`${redact(`checked ${doneCount} of ${total}: ${entry.display_name}: ${entry.verdict}${entry.failed_step ? ` at ${entry.failed_step}` : ''}`)}\n`);
      } else if (total) {
        stderr.write(`checking ${total} model${total === 1 ? '' : 's'}…\n`);
      }
    };
    const result = await runCheck({ env, args, progress, note, signal: controller.signal });
    redact = result.redact;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (tty && line) stderr.write('\r\x1b[K');
    await write(stdout, result.output);
    code = result.code;
  } catch (err) {
    const message = err instanceof CheckUsageError ? err.message : `the check could not run: ${err?.message ?? err}`;
    await write(stderr, `check: ${redact(message)}\n`);
    code = 2;
  }
  return exit(code);

  function exit(c) {
    // Keep-alive sockets to providers would hold the process open for a while: the check is over.
    process.exit(c);
  }
}
