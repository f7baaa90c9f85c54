// Runs `node relay/main.js check …` as a child process, as a scheduler or CI job would, and
// collects its exit code and output (shared by the CLI's tests), and the check that no provider
// key reached that output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'relay/main.js');

/**
 * @param {string[]} args after `check`
 * @param {NodeJS.ProcessEnv} env the child's whole environment
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>} killed after 60 s
 */
export function runCheck(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'check', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/**
 * Asserts that no key is in a run's stdout or stderr: not whole, not its tail, not a part of
 * its middle, not masked as providers echo it back (28 stars and the last four characters).
 * @param {{ stdout: string, stderr: string }} out what runCheck resolved with
 * @param {string[]} keys the provider keys the run's resources use
 * @param {string} label the run's arguments, for the message
 */
export function assertNoKey({ stdout, stderr }, keys, label) {
  for (const key of keys) {
    for (const [where, text] of [['stdout', stdout], ['stderr', stderr]]) {
      assert.ok(!text.includes(key), `check ${label}: the key is in ${where}`);
      assert.ok(!text.includes(key.slice(-12)), `check ${label}: the key's tail is in ${where}`);
      assert.ok(!text.includes(key.slice(8, 24)), `check ${label}: part of the key is in ${where}`);
      assert.ok(!text.includes(`${'*'.repeat(28)}${key.slice(-4)}`), `check ${label}: the masked key is in ${where}`);
    }
  }
}
