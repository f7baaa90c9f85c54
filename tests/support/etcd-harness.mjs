// A real single-member etcd (Debian's etcd-server, /usr/bin/etcd) for tests and benches:
// 127.0.0.1 only, free ports, a temporary data dir. stop() and start() keep the data dir
// and the ports, so a test can take etcd away and bring the same store back.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { tempDir } from './temp-dir.mjs';

export const ETCD_BIN = process.env.ETCD_BIN || '/usr/bin/etcd';
export const haveEtcd = existsSync(ETCD_BIN);

export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A throwaway CA, and a server and a client certificate it signed (for 127.0.0.1), as files.
 * @returns {{ dir: string, caFile: string, certFile: string, keyFile: string, clientCertFile: string, clientKeyFile: string }}
 */
export function makeCertificates(dir) {
  const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=pg-test-ca']);
  for (const name of ['server', 'client']) {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1']);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-copy_extensions', 'copyall']);
  }
  return {
    dir, caFile: join(dir, 'ca.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.pem'), clientKeyFile: join(dir, 'client.key'),
  };
}

function httpsHealthy(url, certs) {
  return new Promise((resolve) => {
    const req = https.get(`${url}/health`, {
      ca: readFileSync(certs.caFile), cert: readFileSync(certs.clientCertFile), key: readFileSync(certs.clientKeyFile), timeout: 1000,
    }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

/**
 * Starts etcd and waits until it answers. Returns a handle with an etcd3 client for writes.
 * With `tls` (from makeCertificates), etcd serves https and requires a client certificate.
 * @param {{ startTimeoutMs?: number, tls?: ReturnType<typeof makeCertificates> }} [options]
 */
export async function startEtcd({ startTimeoutMs = 30_000, tls = null } = {}) {
  const dataDir = tempDir('etcd');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const args = [
    '--name', 'pg-test', '--data-dir', join(dataDir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `pg-test=http://127.0.0.1:${peerPort}`,
    '--logger', 'zap', '--log-level', 'error',
    ...(tls ? ['--cert-file', tls.certFile, '--key-file', tls.keyFile, '--trusted-ca-file', tls.caFile, '--client-cert-auth'] : []),
  ];
  let child = null;
  let output = '';
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function start() {
    if (child) return;
    output = '';
    const proc = spawn(ETCD_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (chunk) => { output = (output + chunk).slice(-4000); };
    proc.stdout.on('data', keep);
    proc.stderr.on('data', keep);
    proc.on('exit', () => { if (child === proc) child = null; });
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (!child) throw new Error(`etcd exited while starting:\n${output}`);
      if (tls) {
        if (await httpsHealthy(endpoint, tls)) return;
      } else {
        try {
          const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
          if (res.ok && (await res.json()).health === 'true') return;
        } catch { /* not up yet */ }
      }
      await sleep(50);
    }
    throw new Error(`etcd did not become healthy within ${startTimeoutMs} ms:\n${output}`);
  }

  async function stop() {
    const proc = child;
    if (!proc) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  // The writer: what an operator's tooling (or the gateway's control plane) does.
  const client = new Etcd3({
    hosts: endpoint,
    ...(tls ? { credentials: { rootCertificate: readFileSync(tls.caFile), certChain: readFileSync(tls.clientCertFile), privateKey: readFileSync(tls.clientKeyFile) } } : {}),
  });
  return {
    endpoint, clientPort, peerPort, dataDir, client,
    get running() { return Boolean(child); },
    start,
    stop,
    async put(key, value) { await client.put(key).value(typeof value === 'string' ? value : JSON.stringify(value)); },
    async del(key) { await client.delete().key(key); },
    async clear(prefix) { await client.delete().prefix(prefix); },
    async close() {
      client.close();
      await stop();
      process.off('exit', killOnExit);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
