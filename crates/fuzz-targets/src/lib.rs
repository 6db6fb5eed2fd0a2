//! Every decoder that takes bytes from outside the node, as a fuzz target: a function of the
//! raw input that must never panic, whatever the bytes, and that checks what a successful
//! decode promises (the canonical encodings re-encode to the very input).
//!
//! Two drivers run them: AFL++ (coverage-guided, on the stable toolchain: `fuzz/`,
//! `scripts/fuzz.sh`), and the test suite, which replays the corpora in `fuzz/corpus/<target>/`
//! and seeded mutations of them (`tests/corpus.rs`).

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use govchain_certificates::credential::{Credential, Presentation};
use govchain_certificates::offline::ProvenState;
use govchain_component::{Component, Genesis};
use govchain_consensus::{GovCodec, GovContext, PartStreams, StreamPolicy};
use govchain_proofs::{ProofBundle, TrustRoot};
use govchain_types::{Block, SignedTransaction};
use malachitebft_app::types::codec::Codec;
use malachitebft_engine::util::streaming::StreamMessage;

/// A fuzz target: a name (its corpus is `fuzz/corpus/<name>/`) and the function.
pub struct Target {
    /// Name.
    pub name: &'static str,
    /// What the input is.
    pub what: &'static str,
    /// Runs one input; true when it decoded (and so went on to the checks past the decoder).
    pub run: fn(&[u8]) -> bool,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target { name: "tx", what: "a signed transaction (POST /v1/txs, pool gossip, blocks)", run: tx },
    Target { name: "batch", what: "a POST /v1/txs/batch body, binary and JSON", run: batch },
    Target { name: "block", what: "a proposed or synced block", run: block },
    Target { name: "consensus", what: "every p2p consensus, sync and WAL message", run: consensus },
    Target {
        name: "proposal_stream",
        what: "a sequence of proposal part messages from two peers",
        run: proposal_stream,
    },
    Target { name: "proof_bundle", what: "a proof bundle, decoded and verified against a genesis", run: proof_bundle },
    Target { name: "credential", what: "a credential file (JSON), presented and verified", run: credential },
    Target {
        name: "presentation",
        what: "a presentation (JSON), verified with its embedded proofs",
        run: presentation,
    },
    Target {
        name: "snapshot",
        what: "a state snapshot (--state-sync, GET /v1/snapshot): read, anchor verified, tree rebuilt",
        run: snapshot,
    },
    Target { name: "genesis", what: "a genesis file, with every component's section", run: genesis },
    Target { name: "config", what: "a node's config.toml", run: config },
    Target {
        name: "workflow_definition",
        what: "a process definition (JSON or YAML), checked as deploy checks it",
        run: workflow_definition,
    },
    Target { name: "bpmn", what: "a BPMN 2.0 file, imported and checked", run: bpmn },
    Target {
        name: "eth_tx",
        what: "a raw Ethereum transaction (eth_sendRawTransaction), decoded, recovered and wrapped",
        run: eth_tx,
    },
];

/// The target named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// The genesis the verifying targets trust: the proof conformance vectors' (`trust.json`).
fn trust() -> &'static TrustRoot {
    static TRUST: OnceLock<TrustRoot> = OnceLock::new();
    TRUST.get_or_init(|| {
        let text = include_str!("../../../portal/tests/vectors/ed25519-sha256/trust.json");
        let v: serde_json::Value = serde_json::from_str(text).expect("trust.json is JSON");
        let validators = v["validators"]
            .as_array()
            .expect("validators")
            .iter()
            .enumerate()
            .map(|(i, x)| govchain_component::GenesisValidator {
                name: format!("v{i}"),
                public_key: serde_json::from_value(x["public_key"].clone()).expect("key"),
                voting_power: x["voting_power"].as_u64().expect("power"),
                org: x["org"].as_str().expect("org").into(),
            })
            .collect();
        let g = Genesis {
            chain_id: v["chain_id"].as_str().expect("chain id").into(),
            suite: serde_json::from_value(v["suite"].clone()).expect("suite"),
            genesis_time_ms: 0,
            params: Default::default(),
            validators,
            sections: Default::default(),
        };
        g.trust_root().expect("trust.json has a validator set")
    })
}

fn components() -> &'static [Arc<dyn Component>] {
    static COMPONENTS: OnceLock<Vec<Arc<dyn Component>>> = OnceLock::new();
    COMPONENTS.get_or_init(govchain_node::components)
}

fn tx(data: &[u8]) -> bool {
    let Ok(t) = SignedTransaction::decode(data) else { return false };
    assert_eq!(t.encode(), data, "a decoded transaction re-encodes to its bytes");
    let _ = t.hash(govchain_types::Suite::Ed25519Sha256);
    let _ = t.tx.sign_bytes();
    true
}

fn batch(data: &[u8]) -> bool {
    let mut decoded = false;
    if let Ok(entries) = govchain_api::batch::binary(data, 5000) {
        assert!(entries.len() <= 5000);
        for e in entries {
            tx(e);
        }
        decoded = true;
    }
    if let Ok(entries) = govchain_api::batch::json(data, 5000) {
        assert!(entries.len() <= 5000);
        decoded = true;
    }
    decoded
}

fn block(data: &[u8]) -> bool {
    let Ok(b) = Block::decode(data) else { return false };
    assert_eq!(b.encode(), data, "a decoded block re-encodes to its bytes");
    let _ = b.hash(govchain_types::Suite::Sm2Sm3);
    true
}

/// The decode of one message type: Ok must also encode.
fn codec<T>(data: &[u8]) -> bool
where
    GovCodec: Codec<T>,
{
    let Ok(m) = Codec::<T>::decode(&GovCodec, Bytes::copy_from_slice(data)) else { return false };
    assert!(Codec::<T>::encode(&GovCodec, &m).is_ok(), "a decoded message encodes");
    true
}

fn consensus(data: &[u8]) -> bool {
    use malachitebft_app::types::sync::{Request, Response, Status};
    use malachitebft_app::types::{ProposedValue, SignedConsensusMsg};
    use malachitebft_core_types::{PolkaCertificate, ValidatorProof};
    // The first byte picks the message type, as a peer picks a channel.
    let Some((kind, rest)) = data.split_first() else { return false };
    match kind % 10 {
        0 => codec::<govchain_consensus::ProposalPart>(rest),
        1 => codec::<SignedConsensusMsg<GovContext>>(rest),
        2 => codec::<malachitebft_core_consensus::LivenessMsg<GovContext>>(rest),
        3 => codec::<StreamMessage<govchain_consensus::ProposalPart>>(rest),
        4 => codec::<ProposedValue<GovContext>>(rest),
        5 => codec::<PolkaCertificate<GovContext>>(rest),
        6 => codec::<Status<GovContext>>(rest),
        7 => codec::<Request<GovContext>>(rest),
        8 => codec::<Response<GovContext>>(rest),
        _ => codec::<ValidatorProof<GovContext>>(rest),
    }
}

fn peers() -> &'static [malachitebft_peer::PeerId; 2] {
    static PEERS: OnceLock<[malachitebft_peer::PeerId; 2]> = OnceLock::new();
    PEERS.get_or_init(|| {
        [1u8, 2].map(|s| govchain_consensus::peer_id([s; 32]).expect("peer id").parse().expect("a peer id parses"))
    })
}

/// Messages framed as `[peer: u8][len: u16 LE][message]…`, fed to one reassembler.
fn proposal_stream(data: &[u8]) -> bool {
    let mut assembled = false;
    let mut streams = PartStreams::default();
    let admit = |_: u64, _: malachitebft_core_types::Round, _: govchain_types::Address| true;
    let policy = StreamPolicy { max_block_bytes: 64 * 1024, admit: &admit };
    let mut at = 0;
    while let Some(head) = data.get(at..at + 3) {
        let peer = peers()[(head[0] & 1) as usize];
        let len = u16::from_le_bytes([head[1], head[2]]) as usize;
        let Some(msg) = data.get(at + 3..at + 3 + len) else { break };
        at += 3 + len;
        let decoded: Result<StreamMessage<govchain_consensus::ProposalPart>, _> =
            Codec::decode(&GovCodec, Bytes::copy_from_slice(msg));
        if let Ok(m) = decoded
            && let Some(done) = streams.insert(peer, m, &policy)
        {
            assert!(done.block.len() <= policy.max_block_bytes, "an assembled block is within the cap");
            block(&done.block);
            assembled = true;
        }
    }
    assembled
}

fn proof_bundle(data: &[u8]) -> bool {
    let Ok(b) = ProofBundle::from_bytes(data) else { return false };
    assert_eq!(b.to_bytes(), data, "a decoded bundle re-encodes to its bytes");
    let _ = b.verify(trust());
    true
}

fn snapshot(data: &[u8]) -> bool {
    use govchain_node::snapshot::{Item, SnapshotReader};
    let suite = govchain_types::Suite::Ed25519Sha256;
    let Ok((mut r, head)) = SnapshotReader::open(data, suite) else { return false };
    if let Ok(anchor) = ProofBundle::from_bytes(&head.anchor) {
        let _ = anchor.verify(trust());
    }
    let mut leaves = Vec::new();
    loop {
        match r.next_item() {
            Ok(Item::Leaf(kh, v)) => leaves.push((kh, v)),
            Ok(Item::Index(..)) => {}
            Ok(Item::End { .. }) => break,
            Err(_) => return false,
        }
    }
    // What the importer does next: rebuild the tree (its root is compared with the anchor's).
    let _ = govchain_state::restore(suite, leaves, head.height);
    true
}

/// A fixed "now" for verification (1 December 2026), so runs are reproducible.
const NOW_MS: u64 = 1_796_083_200_000;

fn verify_presentation(p: &Presentation) {
    let trust = trust();
    if let Ok(state) = ProvenState::from_bundles(&p.proofs, trust) {
        let _ = govchain_certificates::verify::verify(p, &trust.chain_id, &state, NOW_MS);
    }
}

fn credential(data: &[u8]) -> bool {
    let Ok(c) = serde_json::from_slice::<Credential>(data) else { return false };
    let names: Vec<String> = c.claims.iter().map(|c| c.name.clone()).collect();
    if let Ok(p) = c.present(&names) {
        verify_presentation(&p);
    }
    true
}

fn presentation(data: &[u8]) -> bool {
    let Ok(p) = serde_json::from_slice::<Presentation>(data) else { return false };
    verify_presentation(&p);
    true
}

fn genesis(data: &[u8]) -> bool {
    let Ok(g) = serde_json::from_slice::<Genesis>(data) else { return false };
    let _ = g.trust_root();
    let _ = govchain_node::genesis::state(&g, components());
    true
}

fn config(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else { return false };
    let Ok(raw) = toml::from_str::<govchain_node::RawConfig>(text) else { return false };
    let _ = raw.check(std::path::Path::new("/nonexistent/govchain-home"));
    true
}

fn workflow_definition(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else { return false };
    let Ok(def) = govchain_workflow::definition::from_text(text) else { return false };
    let _ = govchain_workflow::definition::check(&def);
    true
}

fn bpmn(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else { return false };
    let Ok(def) = govchain_workflow::bpmn::import(text, "police") else { return false };
    let _ = govchain_workflow::definition::check(&def);
    true
}

/// A raw Ethereum transaction: decoded for its own chain id, its signer recovered, wrapped in
/// the canonical envelope; the hash is keccak-256 of the input, and decoding for another chain
/// id fails.
fn eth_tx(data: &[u8]) -> bool {
    use govchain_evm::ethtx;
    // Decode once with a chain id that cannot match, to learn the transaction's own.
    let chain = match ethtx::decode(data, 0) {
        Err(ethtx::EthTxError::WrongChainId { got, .. }) => got,
        _ => return false,
    };
    let Ok(d) = ethtx::decode(data, chain) else { return false };
    assert_eq!(d.hash, govchain_crypto::secp256k1::keccak256(data), "the hash is keccak of the raw bytes");
    let env = ethtx::envelope("fuzz-chain", data, &d).expect("a decoded transaction wraps");
    assert_eq!(env.tx.nonce, d.nonce);
    assert!(ethtx::decode(data, chain.wrapping_add(1)).is_err(), "another chain id is refused");
    true
}
