// A real single-member etcd (Debian's etcd-server, /usr/bin/etcd) for tests and benches:
// 127.0.0.1 only, free ports, a temporary data dir. stop() and start() keep the data dir
// and the ports, so a test can take etcd away and bring the same store back.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';

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
 * Starts etcd and waits until it answers. Returns a handle with an etcd3 client for writes.
 * @param {{ startTimeoutMs?: number }} [options]
 */
export async function startEtcd({ startTimeoutMs = 30_000 } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pg-etcd-'));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const args = [
    '--name', 'pg-test', '--data-dir', join(dataDir, 'data'),
    '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
    '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
    '--initial-cluster', `pg-test=http://127.0.0.1:${peerPort}`,
    '--logger', 'zap', '--log-level', 'error',
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
      try {
        const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
        if (res.ok && (await res.json()).health === 'true') return;
      } catch { /* not up yet */ }
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
  const client = new Etcd3({ hosts: endpoint });
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
