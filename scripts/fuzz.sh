#!/usr/bin/env bash
# libFuzzer campaigns over the core's entry points (docs/fuzzing.md). Builds the fuzzers
# with clang (ASan + UBSan), seeds them from the test fixtures, runs them one at a time,
# prints a table and fails on any crash, leak, timeout, OOM or broken invariant.
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh          each fuzzer for that long (default 600)
#   FUZZ_RUNS=10000000 scripts/fuzz.sh        or for that many executions instead
#                                             (with FUZZ_SECONDS too: whichever comes first)
#   FUZZERS="sse redact" scripts/fuzz.sh      only these (default: all of fuzz/fuzzers.txt)
#   FUZZ_SECONDS=5 scripts/fuzz.sh            a smoke run
# Also: FUZZ_BUILD_DIR (default build/fuzz), FUZZ_NICE (default 19), FUZZ_RSS_MB (2048),
# FUZZ_TIMEOUT (per input, seconds; default 60: at nice 19 a fuzzer can wait whole seconds
# for a core while the machine is busy, so a shorter limit reports load, not a slow input), FUZZ_SKIP_BUILD=1 (run what is built),
# FUZZ_TAG (names this run's results file and logs, so two runs can share a build dir at
# once, even two runs of one fuzzer: they share its corpus dir, which libFuzzer allows).
#
# Every run is appended to $build/ledger.tsv (time, commit, target, executions, seconds,
# result), and the end prints each target's campaign total over the ledger: a campaign is
# many bounded runs over one growing corpus, so ten million executions can be reached in
# pieces on a machine that is busy with other work.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${FUZZ_BUILD_DIR:-build/fuzz}
seconds=${FUZZ_SECONDS:-}
runs=${FUZZ_RUNS:-}
[ -n "$seconds" ] || [ -n "$runs" ] || seconds=600
nice_level=${FUZZ_NICE:-19}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout_s=${FUZZ_TIMEOUT:-60}
all=$(grep -E '^[a-z_]+$' fuzz/fuzzers.txt | xargs)  # the one list, also read by fuzz/CMakeLists.txt
fuzzers=${FUZZERS:-$all}

# The longest input worth trying per target: enough for a few events / a form with a few
# messages / a resources file, small enough to keep executions fast.
max_len() {
  case $1 in
    address) echo 96 ;;
    upstream) echo 512 ;;
    redact|sse|chat_stream) echo 2048 ;;
    *) echo 4096 ;;
  esac
}
# Targets whose input is JSON, or carries JSON, get the shared JSON tokens too.
uses_json() { case $1 in address|upstream|redact|sse) return 1 ;; *) return 0 ;; esac; }

if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then  # FUZZ_SKIP_BUILD=1: run the fuzzers already built
  echo "== building the fuzzers in $build (clang, ASan + UBSan + libFuzzer)"
  CC=clang CXX=clang++ cmake -S . -B "$build" -DPG_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g" --log-level=WARNING >/dev/null
  nice -n "$nice_level" cmake --build "$build" --target fuzzers -j2 >/dev/null
fi
[ -z "${FUZZ_BUILD_ONLY:-}" ] || exit 0  # FUZZ_BUILD_ONLY=1: build, run nothing

echo "== seed corpora from the test fixtures"
seeds="$build/seeds${FUZZ_TAG:+-$FUZZ_TAG}"  # per tag: two runs at once must not rewrite each other's
node fuzz/make-corpus.mjs "$seeds" >/dev/null

budget=()
[ -z "$runs" ] || budget+=(-runs="$runs")
[ -z "$seconds" ] || budget+=(-max_total_time="$seconds")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

results="$build/fuzz-results${FUZZ_TAG:+-$FUZZ_TAG}.md"
ledger="$build/ledger.tsv"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
row() { printf '| %-14s | %12s | %8s | %6s | %7s | %7s | %-8s |\n' "$@"; }
{
  row fuzzer execs "exec/s" cov ft corpus result
  row -------------- ------------ -------- ------ ------- ------- --------
} >"$results"

failed=0
for t in $fuzzers; do
  bin="$build/fuzz/${t}_fuzzer"
  [ -x "$bin" ] || { echo "no fuzzer $bin" >&2; exit 2; }
  work="$build/corpus/$t"; artifacts="$build/artifacts/$t"; log="$build/logs/$t${FUZZ_TAG:+-$FUZZ_TAG}.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  dict="$build/dicts/$t.dict"; mkdir -p "$(dirname "$dict")"
  cat "fuzz/$t.dict" >"$dict"
  if uses_json "$t"; then cat fuzz/json.dict >>"$dict"; fi
  echo "== $t (${runs:+$runs runs}${runs:+${seconds:+ or }}${seconds:+$seconds s}, max_len $(max_len "$t"))"
  started=$(date +%s)
  set +e
  # The first corpus dir collects what the fuzzer finds; the seeds (fixtures, committed
  # regression inputs) are only read.
  corpora=("$work" "$seeds/$t")
  [ -d "fuzz/corpus/$t" ] && corpora+=("fuzz/corpus/$t")  # committed regression inputs
  nice -n "$nice_level" "$bin" "${budget[@]}" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
    -timeout="$timeout_s" -report_slow_units="$timeout_s" -max_len="$(max_len "$t")" -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${corpora[@]}" >"$log" 2>&1
  rc=$?
  set -e
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units); speed=$(stat average_exec_per_sec)
  last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last"); ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
  found=$(find "$artifacts" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    result="FAIL($rc)"; failed=1
    echo "   $t failed (exit $rc): see $log and $artifacts/" >&2
    grep -E 'ERROR: |invariant broken|SUMMARY' "$log" | head -5 >&2 || true
  else
    result=ok
  fi
  row "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result" | tee -a "$results"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "$t" "${execs:-0}" \
    "$(( $(date +%s) - started ))" "$result" >>"$ledger"
done

echo
echo "== results ($(date -u +%Y-%m-%dT%H:%MZ)${runs:+, FUZZ_RUNS=$runs}${seconds:+, FUZZ_SECONDS=$seconds})"
cat "$results"
echo
echo "== campaign totals over $ledger (every run so far; a failed run counts as a failure, not executions)"
printf '| %-14s | %14s | %9s | %-8s |\n' fuzzer executions hours failures
awk -F'\t' '{ if ($6 == "ok") { n[$3] += $4; s[$3] += $5 } else bad[$3]++; seen[$3] = 1 }
  END { for (t in seen) printf "| %-14s | %14d | %9.2f | %-8d |\n", t, n[t], s[t] / 3600, bad[t] }' "$ledger" | sort
exit "$failed"
