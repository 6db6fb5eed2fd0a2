//! General smart contracts on real `govchain` node processes, driven by unmodified Ethereum
//! clients (npm ethers 6 and viem 2, `contracts/test/*.mjs`): deploy and call, events through
//! `eth_getLogs` and the SSE stream, a revert's reason, a transaction over its gas limit, an
//! unbound sender and another chain id refused, legacy / EIP-2930 / EIP-1559 transactions, the
//! certificate precompile; a contract storage slot proven and verified offline; the same
//! contract on four validators giving identical state.

mod support;

use std::time::Duration;

use support::Node;
use support::evm::{DEV_KEY, STRANGER_KEY, key_file, rpc, script, slot_key};
use support::net::Net;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viem_deploys_and_calls_and_a_storage_slot_verifies_offline() {
    let mut node = Node::init("127.0.0.86", "ed25519");
    node.start();
    node.wait_height(1, Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().expect("tmp");
    let out =
        node.cli_ok(&["identity", "bind-eth-key", "--key", "market-admin", "--eth-key-file", &key_file(dir.path())]);
    assert!(out.contains("bound 0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), "{out}");

    let v = script("viem.mjs", &[&node.api, DEV_KEY]);
    let token = v["token"].as_str().expect("token address");
    // balanceOf[0x…bb] = 120 is slot keccak(pad(0x…bb) . pad(2)).
    let holder = format!("{:0>64}", "bb");
    let slot_pre = hex::decode(format!("{holder}{:0>64}", "2")).expect("hex");
    let slot = govchain_crypto::secp256k1::keccak256(&slot_pre);
    let slot_hex = format!("0x{}", hex::encode(slot));
    let value = rpc(&node.api, "eth_getStorageAt", serde_json::json!([token, slot_hex, "latest"])).await;
    assert_eq!(value, format!("0x{:0>64}", "78"), "120 tokens");

    let bundle = node.client().state_proof(&slot_key(token, &slot_hex), None).await.expect("proof");
    let file = dir.path().join("slot.bundle");
    std::fs::write(&file, bundle).expect("write");
    let genesis = node.genesis();
    let verified = node.cli_ok(&["verify", &file.to_string_lossy(), "--genesis", &genesis.to_string_lossy()]);
    assert!(verified.contains("VERIFIED") && verified.contains("PRESENT"), "{verified}");
    assert!(verified.contains(&format!("storage slot value 0x{:0>64}", "78")), "{verified}");
    // One byte changed in the bundle: the proof no longer verifies.
    let mut bad = std::fs::read(&file).expect("read");
    let n = bad.len();
    bad[n - 40] ^= 1;
    std::fs::write(&file, bad).expect("write");
    let tampered = node.cli(&["verify", &file.to_string_lossy(), "--genesis", &genesis.to_string_lossy()]);
    assert!(!tampered.status.success(), "a tampered bundle must not verify");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethers_on_four_validators_gives_identical_state_everywhere() {
    let mut net = Net::init("127.0.1.", 140, 4, 0);
    net.start_all();
    net.wait_height(&[0, 1, 2, 3], 1, Duration::from_secs(90)).await;
    let dir = tempfile::tempdir().expect("tmp");
    let out = net.cli(&["identity", "bind-eth-key", "--key", "market-admin", "--eth-key-file", &key_file(dir.path())]);
    assert!(out.contains("bound"), "{out}");

    let v = script("ethers.mjs", &[&net.apis[0], DEV_KEY, STRANGER_KEY]);
    let (token, slot) = (v["token"].as_str().expect("token"), v["slot"].as_str().expect("slot"));
    let h = v["height"].as_u64().expect("height") + 1;
    net.wait_height(&[0, 1, 2, 3], h, Duration::from_secs(60)).await;
    net.assert_same_chain(&[0, 1, 2, 3], h).await;
    for api in &net.apis {
        let value = rpc(api, "eth_getStorageAt", serde_json::json!([token, slot, format!("0x{h:x}")])).await;
        assert_eq!(value, format!("0x{:0>64}", "fa"), "250 tokens on {api}");
        let block = rpc(api, "eth_getBlockByNumber", serde_json::json!([format!("0x{h:x}"), false])).await;
        let first = rpc(&net.apis[0], "eth_getBlockByNumber", serde_json::json!([format!("0x{h:x}"), false])).await;
        assert_eq!(block["stateRoot"], first["stateRoot"], "{api}");
    }
}
