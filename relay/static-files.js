// The page's files from web/, with a strict Content-Security-Policy: never a file outside
// it (no dot files, no path or symbolic link leading out), cached briefly only for dist/.
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RelayError } from './errors.js';
import { SECURITY_HEADERS } from './responses.js';

const WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));
// The web root as the file system names it (symbolic links resolved), for the prefix check
// of every file served: a link inside web/ must not lead out of it.
const REAL_WEB_ROOT = realpath(WEB_ROOT).then((p) => (p.endsWith(sep) ? p : p + sep));
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.ts': 'text/plain; charset=utf-8',
};

export async function serveStatic(res, path, headOnly) {
  let rel;
  try {
    rel = path === '/' ? 'index.html' : decodeURIComponent(path).replace(/^\/+/, '');
  } catch {
    throw new RelayError('invalid_request', 'the path is not validly %-encoded', { reason: 'bad_path' });
  }
  const file = normalize(join(WEB_ROOT, rel));
  if (!file.startsWith(WEB_ROOT) || rel.includes('\0') || rel.split(/[\\/]/).some((p) => p.startsWith('.'))) throw new RelayError('not_found', 'no such file', { reason: 'no_file' });
  let data;
  try {
    // The prefix check again on the real path: a symbolic link must not lead outside web/.
    const real = await realpath(file);
    if (!real.startsWith(await REAL_WEB_ROOT)) throw new Error('outside the web root');
    data = await readFile(real);
  } catch {
    throw new RelayError('not_found', 'no such file', { reason: 'no_file' });
  }
  res.writeHead(200, {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-length': data.length,
    'cache-control': file.includes(`${sep}dist${sep}`) ? 'public, max-age=300' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(headOnly ? undefined : data);
}
