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

/// Deploys `contracts/out/Token.json` (supply 1000) with the development key, which must be
/// bound already; returns the contract address once its receipt is in.
pub async fn deploy_token(api: &str) -> String {
    use alloy_sol_types::SolValue as _;
    let chain_id = rpc(api, "eth_chainId", serde_json::json!([])).await;
    let chain_id = u64::from_str_radix(chain_id.as_str().expect("hex").trim_start_matches("0x"), 16).expect("id");
    let art: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(contracts().join("out/Token.json")).expect("artifact"))
            .expect("json");
    let mut init = hex::decode(art["bytecode"].as_str().expect("bytecode").trim_start_matches("0x")).expect("hex");
    init.extend(("PortalCoin".to_string(), alloy_primitives::U256::from(1000u64)).abi_encode_params());
    let key = govchain_crypto::SecretKey::from_bytes(
        govchain_crypto::Algorithm::Secp256k1,
        &hex::decode(DEV_KEY.trim_start_matches("0x")).expect("hex"),
    )
    .expect("key");
    let from = key.public_key().address(govchain_types::Suite::Ed25519Sha256).to_text();
    let nonce = rpc(api, "eth_getTransactionCount", serde_json::json!([from, "pending"])).await;
    let nonce = u64::from_str_radix(nonce.as_str().expect("hex").trim_start_matches("0x"), 16).expect("nonce");
    let tx =
        alloy_consensus::TxEip1559 { chain_id, nonce, gas_limit: 3_000_000, input: init.into(), ..Default::default() };
    let raw = govchain_evm::ethtx::sign_1559(&key, tx).expect("sign");
    let hash = rpc(api, "eth_sendRawTransaction", serde_json::json!([format!("0x{}", hex::encode(raw))])).await;
    let client = govchain_sdk::Client::new(api);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let r = rpc(api, "eth_getTransactionReceipt", serde_json::json!([hash])).await;
        if !r.is_null() {
            assert_eq!(r["status"], "0x1", "{r}");
            return r["contractAddress"].as_str().expect("address").to_string();
        }
        assert!(std::time::Instant::now() < deadline, "no receipt for the token deployment");
        let h = client.status().await.expect("status").height;
        while client.status().await.expect("status").height == h {
            tokio::task::yield_now().await;
        }
    }
}
