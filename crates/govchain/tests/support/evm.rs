//! Driving a node's Ethereum JSON-RPC from the test: the development key, the npm clients
//! (ethers, viem) in `contracts/test/`, and JSON-RPC calls.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The development Ethereum key (Hardhat/Anvil account #0, public).
pub const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/// A key nobody binds (Hardhat/Anvil account #1, public).
pub const STRANGER_KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/// The repository's `contracts/` directory.
pub fn contracts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../contracts")
}

/// Writes the development key to a file for `govchain identity bind-eth-key`.
pub fn key_file(dir: &Path) -> String {
    let p = dir.join("eth.key");
    std::fs::write(&p, DEV_KEY).expect("write key");
    p.to_string_lossy().to_string()
}

/// Runs `node contracts/test/<script> <args>` and returns the JSON line it prints; fails the test
/// with the script's output when it fails.
pub fn script(script: &str, args: &[&str]) -> serde_json::Value {
    let dir = contracts();
    assert!(
        dir.join("node_modules/ethers").exists(),
        "contracts/node_modules is missing: run ./scripts/ensure-deps.sh"
    );
    let out = Command::new("node").arg(dir.join("test").join(script)).args(args).output().expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("the script's JSON line")
}

/// One JSON-RPC call; the `result` (panics on an error answer).
pub async fn rpc(api: &str, method: &str, params: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let client = govchain_sdk::Client::new(api);
    let v: serde_json::Value = client.post_json("/rpc", &body).await.expect("rpc");
    assert!(v.get("error").is_none(), "{method}: {v}");
    v["result"].clone()
}

/// The state key of a contract storage slot (`evm/slot/<address><slot>`), hex.
pub fn slot_key(address: &str, slot: &str) -> Vec<u8> {
    let mut k = b"evm/slot/".to_vec();
    k.extend(hex::decode(address.trim_start_matches("0x")).expect("address hex"));
    k.extend(hex::decode(slot.trim_start_matches("0x")).expect("slot hex"));
    k
}
