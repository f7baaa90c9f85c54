// Where an upstream call may go: the host resolved (answers cached briefly), every address
// classified by the core, and the one to pin the connection to. Only public unicast passes
// by default; private and guarded addresses only as the operator's settings allow.
import dns from 'node:dns/promises';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { RelayError, fromNetworkError } from './errors.js';

// DNS answers are cached for a short while (getaddrinfo runs on the libuv thread pool and
// costs a round trip per call otherwise); concurrent calls share one lookup. Only the
// lookup is cached: every call still checks every address it may connect to, and connects
// to exactly the checked one. A failed lookup is not cached.
const DNS_TTL_MS = 30_000;
const DNS_CACHE_MAX = 1_000;
const dnsCache = new Map(); // host -> { expires, promise }
function lookupCached(host) {
  const now = Date.now();
  const hit = dnsCache.get(host);
  if (hit && hit.expires > now) return hit.promise;
  if (dnsCache.size >= DNS_CACHE_MAX) dnsCache.delete(dnsCache.keys().next().value);
  const promise = dns.lookup(host, { all: true, verbatim: true });
  dnsCache.set(host, { expires: now + DNS_TTL_MS, promise });
  promise.catch(() => { if (dnsCache.get(host)?.promise === promise) dnsCache.delete(host); });
  return promise;
}

// The core's verdict on an address is a pure function of the address: memoised per core.
const verdictCache = new WeakMap(); // core -> Map(address -> verdict)
function classify(core, address) {
  let byAddress = verdictCache.get(core);
  if (!byAddress) { byAddress = new Map(); verdictCache.set(core, byAddress); }
  let verdict = byAddress.get(address);
  if (!verdict) {
    verdict = core.classifyAddress(address);
    if (byAddress.size >= 4_096) byAddress.clear();
    byAddress.set(address, verdict);
  }
  return verdict;
}

/**
 * Resolves a host and checks every address; returns the address to pin, with its `category`
 * (the core's class of it: a failure to connect names it, so the diagnosis reads where the
 * relay really went, not the base URL's spelling).
 */
export async function resolveChecked(core, hostname, port, settings, timings) {
  const t0 = performance.now();
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses;
  if (net.isIP(bare)) {
    addresses = [{ address: bare, family: net.isIP(bare) }];
  } else {
    try {
      // settings.lookup: another resolver (tests give host names fixed answers).
      addresses = await (settings.lookup ?? lookupCached)(bare);
    } catch (err) {
      throw fromNetworkError(err, hostname);
    } finally {
      timings.dns = performance.now() - t0;
    }
  }
  if (!addresses.length) throw new RelayError('dns', `the host ${hostname} resolved to no address`, { reason: 'no_address' });
  const allowlist = settings.privateUpstreamAllowlist;
  const allowlisted = settings.allowPrivateUpstreams || allowlist.includes(bare) || allowlist.includes(`${bare}:${port}`);
  for (const { address } of addresses) {
    const verdict = classify(core, address);
    if (verdict.allowedByDefault) continue;
    // Metadata services and link-local hand out the machine's cloud credentials: no blanket
    // setting and no allowlisted host name reaches them, only that exact address listed.
    const exactlyListed = allowlist.includes(verdict.normalized) || allowlist.includes(`${verdict.normalized}:${port}`) ||
      allowlist.includes(address) || allowlist.includes(`${address}:${port}`) || allowlist.includes(`[${verdict.normalized}]:${port}`);
    const guarded = verdict.category === 'metadata' || verdict.category === 'link_local';
    if (guarded ? !exactlyListed : !allowlisted) {
      throw new RelayError('blocked_address',
        `${hostname} resolves to ${address}, a ${verdict.category.replace('_', '-')} address${verdict.detail ? ` (${verdict.detail})` : ''}; ` +
        (guarded
          ? `the relay never calls ${verdict.category === 'metadata' ? 'a cloud metadata service' : 'a link-local address'} unless an operator lists that exact address in ALLOWED_PRIVATE_UPSTREAMS.`
          : 'the relay only calls public addresses. An operator can allow private upstreams (a local vLLM or Ollama) with ' +
            `ALLOWED_PRIVATE_UPSTREAMS=${bare}:${port} or ALLOW_PRIVATE_UPSTREAMS=1.`),
        { category: verdict.category, reason: verdict.category });
    }
  }
  const { address, family } = addresses[0];
  return { address, family, category: classify(core, address).category }; // memoised above
}
