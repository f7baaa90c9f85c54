// A local upstream driven by scenario fixtures: the first path segment names the scenario
// (api_base http://127.0.0.1:<port>/<name>/v1) and the server answers with that fixture's
// `upstream` block, so a new provider behaviour is a new JSON file, not new code.
//
// upstream: { status?, contentType?, headers?, body?: string|object, sse?: string[],
//             behaviour?: "silent" | "cut" | "stall" }
//   body    sent as is (an object is JSON-encoded); "${KEY_MASKED}" becomes the key the relay
//           sent, masked the way OpenAI echoes it (prefix, stars, last 4).
//   sse     events written one by one as text/event-stream; with behaviour "cut" the socket is
//           destroyed after the last one (no [DONE], no clean end).
//           With "stall" the connection stays open, silent, after the last one (the relay's
//           idle limit trips and it ends the stream with its own relay_error event).
//   silent  accept the request and never answer (the relay's first-byte limit trips).
import http from 'node:http';

const masked = (key) => `${key.slice(0, 8)}${'*'.repeat(28)}${key.slice(-4)}`;

function fill(text, key) {
  return text.split('${KEY_MASKED}').join(masked(key));
}

export async function startScenarioUpstream(fixtures) {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.split('/')[1];
    req.resume();
    req.on('end', () => {
      const up = fixtures[name]?.upstream;
      if (!up) { res.writeHead(500, { 'content-type': 'text/plain' }); res.end(`no scenario ${name}`); return; }
      const key = String(req.headers.authorization ?? req.headers['api-key'] ?? '').replace(/^Bearer /, '');
      if (up.behaviour === 'silent') return; // never answer
      if (up.sse) {
        res.writeHead(up.status ?? 200, { 'content-type': up.contentType ?? 'text/event-stream', ...up.headers });
        for (const event of up.sse) res.write(fill(event, key));
        if (up.behaviour === 'cut') setTimeout(() => res.socket?.destroy(), 20);
        else if (up.behaviour !== 'stall') res.end();
        return;
      }
      const body = typeof up.body === 'string' ? up.body : up.body === undefined ? '' : JSON.stringify(up.body);
      res.writeHead(up.status ?? 200, { 'content-type': up.contentType ?? 'application/json', ...up.headers });
      res.end(fill(body, key));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  server.port = server.address().port;
  server.base = (name) => `http://127.0.0.1:${server.port}/${name}/v1`;
  server.stop = () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); });
  return server;
}
