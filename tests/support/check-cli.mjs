// Runs `node relay/main.js check …` as a child process, as a scheduler or CI job would, and
// collects its exit code and output (shared by the CLI's tests).
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
