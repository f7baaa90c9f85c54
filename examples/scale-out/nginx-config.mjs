// nginx in front of the relays, runnable without root: every path nginx writes (pid file,
// logs, temp dirs) is inside `dir`, it listens on 127.0.0.1 only, and it stays in the
// foreground so the script that started it can stop it.

/** @param {{ dir: string, port: number, relays: number[] }} o */
export function nginxConfig({ dir, port, relays }) {
  return `# Written by examples/scale-out/up.mjs; run with: nginx -p ${dir} -c ${dir}/nginx.conf -e ${dir}/error.log
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;

events { worker_connections 1024; }

http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # Stateless replicas: plain round robin, no sticky sessions (the cookie is signed, not stored).
  upstream playground_relays {
${relays.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${port};
    # The relay caps request bodies itself (MAX_REQUEST_BYTES, 25 MiB by default).
    client_max_body_size 26m;

    location / {
      proxy_pass http://playground_relays;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # The relay compares Origin with Host to refuse cross-site calls: pass the browser's Host.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # Chat answers stream (text/event-stream): pass each chunk on as it comes.
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 600s;
      proxy_send_timeout 600s;
      # Try the other relay only when this one could not be reached; never replay a chat
      # call that a relay already received (non-idempotent, and the provider bills it).
      proxy_next_upstream error;
    }
  }
}
`;
}
