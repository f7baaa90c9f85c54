// The relay's configuration as the page says it: where it comes from (the resources file or
// etcd), when it was loaded, and a failed reload ("still using the previous settings"), from
// GET /api/playground/status (redacted by the relay); and what "Reload the model list" did.
// Pure: no DOM, no I/O; the time is passed in.

/**
 * @typedef {{ ok: true, state: string, source: Record<string, any>, core?: string, limits?: Record<string, number> | null }
 *   | { ok: false, status: number }} StatusReply  RelayApi.status()
 * @typedef {{ state: 'ok' | 'degraded' | 'unknown', where: string, loaded: string | null, failure: string | null, loadedAt: string | null }} ConfigView
 */

// At most this many of a failed reload's problems are named; the rest are counted.
const SHOWN_PROBLEMS = 2;

/**
 * A time as the page shows it: hours, minutes and seconds (local time), and how long ago.
 * @param {string | null | undefined} iso
 * @param {number} now  ms since the epoch
 * @returns {string | null}
 */
export function clockTime(iso, now) {
  const at = Date.parse(String(iso ?? ''));
  if (!Number.isFinite(at)) return null;
  const d = new Date(at);
  const two = (n) => String(n).padStart(2, '0');
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  const s = Math.max(0, Math.round((now - at) / 1000));
  const ago = s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : s < 86_400 ? `${Math.floor(s / 3600)} h ago` : `${Math.floor(s / 86_400)} d ago`;
  return `${clock} (${ago})`;
}

/**
 * The configuration's state in words.
 * @param {StatusReply | null} reply
 * @param {number} now
 * @returns {ConfigView}
 */
export function configView(reply, now) {
  if (!reply?.ok) {
    return { state: 'unknown', where: 'The relay did not say where its configuration comes from.', loaded: null, failure: null, loadedAt: null };
  }
  const src = reply.source;
  const loadedAt = typeof src.loadedAt === 'string' ? src.loadedAt : null;
  const loaded = loadedAt ? `Loaded at ${clockTime(loadedAt, now)}.` : null;
  const state = reply.state === 'ok' ? 'ok' : 'degraded';
  if (src.source === 'etcd') {
    const rows = Number(src.skippedRows) || 0;
    const where = `Configuration: etcd (${[src.prefix ? `prefix ${src.prefix}` : '', src.revision != null ? `revision ${src.revision}` : ''].filter(Boolean).join(', ')})` +
      `${rows ? `; ${rows} bad row${rows === 1 ? '' : 's'} skipped (${(src.rowProblems ?? []).slice(0, SHOWN_PROBLEMS).map((r) => r.row).join(', ')}${rows > SHOWN_PROBLEMS ? ', …' : ''})` : ''}.`;
    const failure = state === 'degraded' && src.lastError
      ? `etcd unreachable since ${clockTime(src.lastError.at, now) ?? 'a while'}: ${src.lastError.message ?? 'no reason given'} — still using the previous settings.`
      : null;
    return { state, where, loaded, failure, loadedAt };
  }
  const where = `Configuration: the resources file${src.path ? ` ${src.path}` : ''}.`;
  const last = src.lastReloadError;
  const failure = state === 'degraded' && last
    ? `Last reload failed at ${clockTime(last.at, now) ?? 'an unknown time'}: ${problemsText(last.errors ?? [], (last.errors ?? []).length)} — still using the previous settings.`
    : state === 'degraded' ? 'The configuration source is degraded — still using the previous settings.' : null;
  return { state, where, loaded, failure, loadedAt };
}

/**
 * A failed load's problems, the first few named ("entry field: message"), the rest counted.
 * @param {{ entry?: string, field?: string, message?: string }[]} problems
 * @param {number} count
 */
function problemsText(problems, count) {
  const named = problems.slice(0, SHOWN_PROBLEMS).map((p) => [[p.entry, p.field].filter(Boolean).join(' '), p.message].filter(Boolean).join(': '));
  const more = count - named.length;
  return `${named.join('; ') || 'no reason given'}${more > 0 ? ` (and ${more} more)` : ''}`;
}

/**
 * What "Reload the model list" did, in one line: the list it got, and whether the relay's
 * configuration changed since the list before (or that the relay still uses older settings).
 * @param {{ ok: boolean, models?: { testable?: boolean }[], error?: { message?: string } | null, status?: number }} models  RelayApi.models()
 * @param {ConfigView} before  the view at the previous load
 * @param {ConfigView} after
 * @param {number} now
 */
export function reloadText(models, before, after, now) {
  const at = clockTime(new Date(now).toISOString(), now)?.replace(/ \(.*\)$/, '') ?? '';
  if (!models.ok) return `Reload at ${at} failed: the model list could not be loaded (${models.error?.message ?? `HTTP ${models.status}`}).`;
  const list = models.models ?? [];
  const untestable = list.filter((m) => !m.testable).length;
  const got = `Reloaded at ${at}: ${list.length} model${list.length === 1 ? '' : 's'}${untestable ? ` (${untestable} not testable here)` : ''}.`;
  if (after.failure) return `${got} The relay's last configuration reload failed, so these are the previous settings.`;
  if (after.state === 'unknown') return got;
  if (after.loadedAt && before.loadedAt && after.loadedAt !== before.loadedAt) return `${got} The relay loaded a new configuration since the last list.`;
  return `${got} The relay's configuration has not changed since the last list.`;
}
