#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build, run and test the playground.
# Idempotent and quick when everything is there: it only asks apt and npm for what is
# missing. Used by `make run`, `make test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages, with what each one is for.
packages=(
  build-essential cmake make git pkg-config  # the native build
  nlohmann-json3-dev                         # JSON in the core
  doctest-dev                                # native unit tests
  emscripten                                 # C++ -> WebAssembly (pinned in emsdk-version.txt)
  clang libclang-rt-14-dev                   # fuzzers (libFuzzer) and sanitizers
  clang-format                               # the C++ style check (make check-format)
  chromium                                   # browser tests (driven by playwright-core)
  fonts-dejavu-core                          # legible screenshots in headless chromium
  etcd-server etcd-client                    # the etcd configuration source, tested for real
  nginx-light                                # the load balancer of the scale-out example
  ca-certificates curl
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "setup: Node.js $node_major found; the playground needs Node.js 20 or newer" >&2
  exit 1
fi

# npm packages, exactly as locked. Re-run only when the lock file changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
