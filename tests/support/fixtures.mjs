// The Node tests' one way to tests/fixtures/: a fixture is named by its folder (errors,
// responses, request, gateway-parity, recordings, resources, diagnose) and its file name.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The URL of tests/fixtures/<dir>/<name>; without a name, the folder's (ending in '/'). */
export const fixtureUrl = (dir, name = '') => new URL(`${dir}/${name}`, FIXTURES);

/** The file path of tests/fixtures/<dir>/<name>; without a name, the folder's (ending in '/'). */
export const fixturePath = (dir, name = '') => fileURLToPath(fixtureUrl(dir, name));

/** The fixture's text given an encoding ('utf8'), else its bytes as a Uint8Array. */
export async function readFixture(dir, name, encoding) {
  const data = await readFile(fixtureUrl(dir, name), encoding);
  return encoding ? data : new Uint8Array(data);
}
