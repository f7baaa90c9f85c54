// Temporary directories for tests. Each is removed when the test process exits, whatever
// the outcome: a failed assertion skips a test's own cleanup, and these hold resources
// files, an etcd's data and test CAs' private keys. (A process killed by a signal keeps
// its directories; the runner's timeout is the only case.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = [];
let hooked = false;

function removeAll() {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new directory `<tmp>/pg-<purpose>-XXXXXX`, removed at exit (or earlier by its user). */
export function tempDir(purpose) {
  if (!hooked) {
    hooked = true;
    process.once('exit', removeAll);
  }
  const dir = mkdtempSync(join(tmpdir(), `pg-${purpose}-`));
  made.push(dir);
  return dir;
}
