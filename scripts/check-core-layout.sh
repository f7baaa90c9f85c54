#!/usr/bin/env bash
# The core's layout rules (docs/architecture.md, "The core's folders"), run by `make test`:
#  - a folder's internals (src/core/**/detail/) are included only from inside src/core, and
#    from tests/native/ or fuzz/ where they unit-test that internal: such an include line
#    says so with the comment "// internal under test";
#  - nothing outside src/core (src/wasm, relay, web) includes a detail/ header at all;
#  - at most 12 files at any one folder level of src/core, and no file over 500 lines.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=0
detail='#include[[:space:]]*"core/[^"]*detail/'

# The binding and the JavaScript programs see only the public headers.
if hits=$(grep -rnE "$detail" src/wasm relay web --include='*.cpp' --include='*.h' --include='*.js' --include='*.mjs' \
    --exclude-dir=node_modules --exclude-dir=dist 2>/dev/null); then
  echo "check-core-layout: a detail/ header included outside src/core:" >&2
  echo "$hits" >&2
  failed=1
fi

# Tests and fuzzers: only where they test the internal, and saying so.
if hits=$(grep -rnE "$detail" tests/native fuzz --include='*.cpp' --include='*.h' | grep -v '// internal under test'); then
  echo "check-core-layout: a detail/ header included by a test or fuzzer without '// internal under test':" >&2
  echo "$hits" >&2
  failed=1
fi

while IFS= read -r dir; do
  n=$(find "$dir" -maxdepth 1 -type f | wc -l)
  if [ "$n" -gt 12 ]; then
    echo "check-core-layout: $dir holds $n files (at most 12 a folder level: group them)" >&2
    failed=1
  fi
done < <(find src/core -type d)

while IFS= read -r file; do
  n=$(wc -l <"$file")
  if [ "$n" -gt 500 ]; then
    echo "check-core-layout: $file has $n lines (at most 500: split it along a seam)" >&2
    failed=1
  fi
done < <(find src/core -type f)

exit "$failed"
