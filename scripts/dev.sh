#!/usr/bin/env bash
# Runs the GovChain development chain: one validator, embedded storage, demo departments,
# REST API on http://127.0.0.1:8080. Extra arguments go to `govchain dev` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
# The portal bundle (embedded in the binary) from portal/src.
node portal/build.mjs
exec cargo run --release -p govchain -- dev "$@"
