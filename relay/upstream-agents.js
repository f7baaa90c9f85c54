// The keep-alive pools of upstream calls: one per protocol, and one per distinct TLS setting
// of a key (its ca_cert, `verify: false`), as the gateway keeps a client per key.
import http from 'node:http';
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';

// Keep-alive pools: a playground user runs many calls against the same provider, and the
// TLS handshake is most of a call's fixed cost. Sockets are keyed by host:port and were
// opened to an address that passed the check. No cap on sockets per host: a cap would
// queue a call behind others' minutes-long streams (and its timers would run while it
// waits); the calls in flight are already bounded by MAX_CONCURRENT_PER_USER per user.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 }),
};

// A key's `tls` block (plan.gateway.tls), as the gateway applies it: its ca_cert trusted
// besides the usual roots, `verify: false` accepting any certificate, for this key's calls
// only. Each distinct setting gets its own keep-alive pool (the gateway keys its per-key
// clients the same way); the address check and the pin apply to these calls as to any.
const TLS_AGENTS_MAX = 64;
const tlsAgents = new Map(); // "<verify>|<pem>" -> https.Agent
export function agentFor(target, keyTls) {
  if (target.protocol !== 'https:' || !keyTls) return agents[target.protocol];
  const pem = typeof keyTls.caCert === 'string' ? keyTls.caCert : '';
  const verify = keyTls.verify !== false;
  if (!pem.trim() && verify) return agents['https:'];
  const name = `${verify ? 1 : 0}|${pem}`;
  let agent = tlsAgents.get(name);
  if (agent) return agent;
  const options = { keepAlive: true, maxSockets: Infinity, maxFreeSockets: 16, rejectUnauthorized: verify };
  if (pem.trim()) {
    // Every block must be a certificate, and there must be one: otherwise the gateway drops
    // the key's whole TLS override (verify included) and uses its usual client.
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    try {
      if (!blocks.length) throw new Error('no certificate');
      for (const b of blocks) new X509Certificate(b);
    } catch {
      return agents['https:'];
    }
    options.ca = [...tls.rootCertificates, ...blocks];
  }
  agent = new https.Agent(options);
  if (tlsAgents.size >= TLS_AGENTS_MAX) {
    const [oldest, old] = tlsAgents.entries().next().value;
    tlsAgents.delete(oldest);
    old.destroy();
  }
  tlsAgents.set(name, agent);
  return agent;
}
