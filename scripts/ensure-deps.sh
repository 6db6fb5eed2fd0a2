#!/usr/bin/env bash
# Installs what building and testing GovChain needs on a fresh Debian machine. Idempotent:
# it installs only what is missing. Sourced by dev.sh and test.sh.
set -euo pipefail

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The portal: node/npm build its bundle; its end-to-end tests drive Debian's chromium.
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The API contract test runs schemathesis (PyPI) in a virtual environment of its own.
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need_apt+=(python3-venv)
# The data-sharing connector tests run a real PostgreSQL server (started by the test itself).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# A CJK font, so that the portal's screenshots show Chinese text rather than empty boxes.
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: the Rust toolchain (cargo, rustc 1.95 or newer) is required; install it with rustup" >&2
  exit 1
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done

# npm packages of a directory (exact versions from its package-lock.json), installed again
# only when the lock file changes: the portal's, and the EVM tests' (solc-js, ethers, viem).
npm_ci_when_changed() {
  local dir stamp
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$1"
  stamp="$dir/node_modules/.govchain-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "installing the npm packages of $1" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_ci_when_changed portal
npm_ci_when_changed contracts

# schemathesis for the API contract test (crates/govchain/tests/contract.rs), pinned with its
# dependencies in scripts/contract/requirements.txt; installed again only when that file changes.
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
st_venv="$repo_dir/target/tools/schemathesis"
st_stamp="$st_venv/.govchain-requirements"
if [ ! -x "$st_venv/bin/schemathesis" ] || ! cmp -s "$repo_dir/scripts/contract/requirements.txt" "$st_stamp"; then
  echo "installing schemathesis (API contract test)" >&2
  rm -rf "$st_venv"
  python3 -m venv "$st_venv"
  "$st_venv/bin/pip" install --quiet --disable-pip-version-check -r "$repo_dir/scripts/contract/requirements.txt" >&2
  cp "$repo_dir/scripts/contract/requirements.txt" "$st_stamp"
fi
export GOVCHAIN_SCHEMATHESIS="$st_venv/bin/schemathesis"
