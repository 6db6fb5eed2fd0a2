#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder that takes outside bytes, with AFL++ on the stable
# toolchain (cargo-afl). Starts from the corpora in fuzz/corpus/ and reports each target's
# executions, paths found and crashes; exits 1 if any target crashed (the inputs are kept in
# target/fuzz/<target>/default/crashes/; add them to the corpus once fixed).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     default: 600 seconds, every target
#   GOVCHAIN_FUZZ_KEEP=1 scripts/fuzz.sh ...              also merge new inputs into fuzz/corpus
#
# The test suite runs a short round of it (scripts/test.sh: 8 seconds per target).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(tx batch block consensus proposal_stream proof_bundle snapshot credential presentation genesis config workflow_definition bpmn eth_tx)
fi

if ! cargo afl --version 2>/dev/null | grep -q "0.18.2"; then
  echo "installing cargo-afl 0.18.2" >&2
  cargo install cargo-afl --version 0.18.2 --locked --quiet
fi
# AFL++ itself (built once per toolchain from the sources cargo-afl ships).
cargo afl config --build >/dev/null 2>&1 || true

# The driver is outside the workspace; it resolves the workspace's exact versions.
cp Cargo.lock fuzz/Cargo.lock
(cd fuzz && cargo afl build --release --quiet)
bin="$PWD/fuzz/target/release/govchain-fuzz"

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_QUIET=1
crashed=0
for t in "${targets[@]}"; do
  out="target/fuzz/$t"
  rm -rf "$out"
  mkdir -p "$out"
  cargo afl fuzz -V "$secs" -i "fuzz/corpus/$t" -o "$out" -- "$bin" "$t" >"$out/afl.log" 2>&1 || {
    echo "afl-fuzz failed on $t; see $out/afl.log" >&2
    tail -20 "$out/afl.log" >&2
    exit 1
  }
  stats="$out/default/fuzzer_stats"
  execs=$(awk -F: '/^execs_done/ {gsub(/ /,"",$2); print $2}' "$stats")
  paths=$(awk -F: '/^corpus_count/ {gsub(/ /,"",$2); print $2}' "$stats")
  crashes=$(find "$out/default/crashes" -type f ! -name README.txt | wc -l)
  printf '%-16s %6ss  %10s execs  %5s paths  %s crashes\n' "$t" "$secs" "$execs" "$paths" "$crashes"
  if [ "$crashes" -gt 0 ]; then
    crashed=1
    find "$out/default/crashes" -type f ! -name README.txt | sed 's/^/  crash: /'
  fi
  if [ "${GOVCHAIN_FUZZ_KEEP:-}" = "1" ] && [ "$crashes" -eq 0 ]; then
    rm -rf "$out/cmin"
    cargo afl cmin -i "$out/default/queue" -o "$out/cmin" -- "$bin" "$t" >/dev/null 2>&1
    cp -n "$out"/cmin/* "fuzz/corpus/$t/" 2>/dev/null || true
  fi
done
exit "$crashed"
