// tests/support/temp-dir.mjs: a test's temporary directories are gone when its process
// ends, however it ends (they hold resources files and test CAs' private keys).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const HELPER = new URL('../support/temp-dir.mjs', import.meta.url).href;

/** Runs `body` in a child that made two directories with a file each; → their paths. */
function dirsLeftBy(body) {
  const script = `
    import { rmSync, writeFileSync } from 'node:fs';
    import { tempDir } from ${JSON.stringify(HELPER)};
    const dirs = [tempDir('check'), tempDir('check')];
    for (const d of dirs) writeFileSync(d + '/resources.yaml', 'x');
    console.log(JSON.stringify(dirs));
    ${body}`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const dirs = JSON.parse(run.stdout.split('\n')[0]);
  assert.equal(dirs.length, 2);
  assert.notEqual(dirs[0], dirs[1]);
  return { dirs, status: run.status };
}

test('the directories are removed when the process ends normally', () => {
  const { dirs, status } = dirsLeftBy('');
  assert.equal(status, 0);
  for (const d of dirs) assert.equal(existsSync(d), false, d);
});

test('the directories are removed when a test fails or throws', () => {
  for (const body of ['process.exitCode = 1;', 'throw new Error("an assertion failed");']) {
    const { dirs, status } = dirsLeftBy(body);
    assert.equal(status, 1, body);
    for (const d of dirs) assert.equal(existsSync(d), false, `${body}: ${d}`);
  }
});

test('a directory its user removed first is no error at exit', () => {
  const { dirs, status } = dirsLeftBy('rmSync(dirs[0], { recursive: true });');
  assert.equal(status, 0);
  for (const d of dirs) assert.equal(existsSync(d), false, d);
});
