#!/usr/bin/env bash
# Runs scripts/fuzz.sh in bounded pieces until every chosen fuzzer's campaign total in the
# ledger reaches FUZZ_GOAL executions (default 10 million). Pieces of FUZZ_SECONDS (default
# 900) mean that a stop (a reboot, a closed session) loses at most one piece's count, and
# the corpus each piece grows is the next piece's start.
#
#   FUZZERS="sse redact" FUZZ_GOAL=10000000 scripts/fuzz-campaign.sh
# Two of these with different FUZZ_TAGs can share one build dir, one per core; their FUZZERS may
# overlap (a slow fuzzer run twice at once reaches its goal in half the time; each piece stops at
# what was still missing when it began, so the last pieces may overshoot).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${FUZZ_BUILD_DIR:-build/fuzz}
goal=${FUZZ_GOAL:-10000000}
export FUZZ_SECONDS=${FUZZ_SECONDS:-900}
all=$(sed -n '/^set(PG_FUZZERS/,/)/p' fuzz/CMakeLists.txt | tr -d '()' | sed 's/set//; s/PG_FUZZERS//' | xargs)
total() { awk -F'\t' -v t="$1" '$3 == t && $6 == "ok" { n += $4 } END { print n + 0 }' "$build/ledger.tsv" 2>/dev/null || echo 0; }
failures() { awk -F'\t' -v t="$1" '$3 == t && $6 != "ok" { n++ } END { print n + 0 }' "$build/ledger.tsv" 2>/dev/null || echo 0; }

for t in ${FUZZERS:-$all}; do
  while [ "$(total "$t")" -lt "$goal" ]; do
    echo "== $t: $(total "$t") of $goal executions so far"
    # A failure stops the campaign for this fuzzer: its artifact needs a look, not more runs.
    # The piece also stops at the executions still missing, so a fast fuzzer is not kept
    # running for a whole piece past its goal.
    FUZZERS=$t FUZZ_RUNS=$((goal - $(total "$t"))) FUZZ_SKIP_BUILD=${FUZZ_SKIP_BUILD:-1} scripts/fuzz.sh >/dev/null || { echo "   $t failed: see $build/logs/$t${FUZZ_TAG:+-$FUZZ_TAG}.log" >&2; break; }
    [ "$(failures "$t")" -eq 0 ] || break
  done
  echo "== $t: $(total "$t") executions, $(failures "$t") failed runs"
done
