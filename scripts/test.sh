#!/usr/bin/env bash
# The whole test suite: formatting, lints (warnings are errors) and every test, including the
# multi-process tests that start real nodes on 127.0.0.x.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
# The portal bundle (embedded in the binary) from portal/src.
node portal/build.mjs

echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy -D warnings" >&2
cargo clippy --workspace --all-targets -- -D warnings
echo "== unused dependencies (cargo machete)" >&2
# Runs on stable Rust; pinned, installed once.
if ! cargo machete --version 2>/dev/null | grep -qx "0.9.2"; then
  echo "installing cargo-machete 0.9.2" >&2
  cargo install cargo-machete --version 0.9.2 --locked --quiet
fi
cargo machete
echo "== portal unit tests (node --test)" >&2
(cd portal && npm test --silent)
echo "== compiled contracts match their Solidity sources (solc-js)" >&2
node contracts/build.mjs --check
echo "== tests" >&2
# The API abuse test holds over a thousand sockets on each side: the soft file limit is raised
# to the hard one (often 1,024 → 1,048,576 on Debian).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace --no-fail-fast
fi
echo "== fuzzing: a short AFL++ round per target (scripts/fuzz.sh 8)" >&2
scripts/fuzz.sh 8
