// Run by `npm pack` / `npm publish` in this folder: copies the element, the core's wrapper and
// the built page module (web/dist, from `make wasm`) from ../../web into this folder, in the
// same layout, so the element's relative imports (../core.js, ./dist/…) and its
// import.meta.url lookups (playground.css, the .wasm) work unchanged from node_modules.
// The copies are generated (.gitignore); web/ stays the one source. `node prepack.mjs --clean`
// (postpack) removes them again, so the repository's linters see web/ only.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..', '..', 'web');

const COPIES = ['playground', 'dist', 'core.js', 'core-deltas.js', 'core-input.js', 'core-objects.js', 'core.d.ts', 'contract.js'];
if (process.argv.includes('--clean')) {
  for (const copy of COPIES) rmSync(join(here, copy), { recursive: true, force: true });
  process.exit(0);
}

for (const file of ['dist/playground-core.wasm']) {
  if (!existsSync(join(web, file))) {
    console.error(`web/${file} is missing: run \`make wasm\` at the repository's root first`);
    process.exit(1);
  }
}
for (const dir of ['playground', 'dist']) {
  rmSync(join(here, dir), { recursive: true, force: true });
  mkdirSync(join(here, dir));
}
for (const file of ['core.js', 'core-deltas.js', 'core-input.js', 'core-objects.js', 'core-module.js', 'core.d.ts', 'contract.js', 'dist/playground-core.wasm']) {
  cpSync(join(web, file), join(here, file));
}
// The element's modules and its stylesheet; page.css styles web/index.html's own page only.
for (const file of readdirSync(join(web, 'playground'))) {
  if (file.endsWith('.js') || file === 'playground.css') cpSync(join(web, 'playground', file), join(here, 'playground', file));
}
