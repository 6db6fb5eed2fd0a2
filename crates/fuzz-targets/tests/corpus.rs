//! The short fuzz run of the test suite: every input of every corpus in `fuzz/corpus/` (the
//! seeds and what AFL++ kept), then seeded mutations of each (bit flips, byte changes,
//! insertions, deletions, truncations, splices with another input). None may panic. AFL++'s
//! coverage-guided run is `scripts/fuzz.sh`.
//!
//! `GOVCHAIN_UPDATE_CORPUS=1` rewrites the generated seeds (after a format change).

use std::path::{Path, PathBuf};

use govchain_fuzz_targets::{TARGETS, Target};

/// Mutants of each corpus input (`GOVCHAIN_FUZZ_MUTANTS` for more).
const MUTANTS: usize = 2000;

fn corpus_dir(t: &Target) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(t.name)
}

fn inputs(t: &Target) -> Vec<Vec<u8>> {
    let dir = corpus_dir(t);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).expect("read")).collect()
}

/// xorshift64*: a fixed sequence, so every run tries the same mutants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut m = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(m.len() + 1);
        let last = at.min(m.len().saturating_sub(1));
        match rng.below(7) {
            0 if !m.is_empty() => m[last] ^= 1 << rng.below(8),
            1 if !m.is_empty() => m[last] = [0, 0xff, 0x7f, 0x80, 1][rng.below(5)],
            2 => m.insert(at, rng.next() as u8),
            3 if at < m.len() => {
                m.remove(at);
            }
            4 => m.truncate(at),
            5 => {
                let from = rng.below(other.len() + 1);
                m.truncate(at);
                m.extend_from_slice(&other[from..]);
            }
            // A length prefix made huge.
            _ if m.len() >= at + 4 => m[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes()),
            _ => m.push(rng.next() as u8),
        }
    }
    m
}

#[test]
fn every_corpus_input_and_its_mutants_decode_without_panicking() {
    if std::env::var_os("GOVCHAIN_UPDATE_CORPUS").is_some() {
        seeds::write(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus"));
    }
    let mutants = std::env::var("GOVCHAIN_FUZZ_MUTANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(MUTANTS);
    let mut report = Vec::new();
    for t in TARGETS {
        let corpus = inputs(t);
        assert!(!corpus.is_empty(), "target {} has no corpus in {}", t.name, corpus_dir(t).display());
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ t.name.len() as u64);
        let (mut runs, mut decoded) = (0, 0);
        for (i, input) in corpus.iter().enumerate() {
            decoded += usize::from((t.run)(input));
            let other = &corpus[(i + 1) % corpus.len()];
            for _ in 0..mutants {
                (t.run)(&mutate(&mut rng, input, other));
            }
            runs += 1 + mutants;
        }
        // A corpus that never gets past the decoder would fuzz nothing else.
        assert!(decoded > 0, "no input of the {} corpus decodes", t.name);
        report.push(format!("{}: {} inputs ({decoded} decode), {runs} runs", t.name, corpus.len()));
    }
    eprintln!("{}", report.join("\n"));
}

/// The generated seeds: real encodings of each input kind.
mod seeds {
    use std::path::Path;

    use govchain_consensus::{Assembled, GovCodec, to_messages};
    use govchain_crypto::{Algorithm, SecretKey};
    use govchain_types::bounded::{BoundedString, BoundedVec};
    use govchain_types::{Block, Hash32, Header, Suite};
    use malachitebft_app::types::codec::Codec;
    use malachitebft_core_types::Round;

    fn key(seed: u8) -> SecretKey {
        SecretKey::from_seed(Algorithm::Ed25519, [seed; 32])
    }

    fn put(dir: &Path, target: &str, name: &str, bytes: &[u8]) {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).expect("corpus dir");
        std::fs::write(d.join(name), bytes).expect("seed");
    }

    pub fn write(dir: &Path) {
        let b = govchain_sdk::TxBuilder::new("proof-chain", Suite::Ed25519Sha256);
        let publish =
            govchain_records::Publish::text("budget", "2027 年度预算 Budget", "道路 roads", vec!["财政".into()]);
        let t1 = b.call(&key(1), 0, 100, &publish).expect("sign");
        let t2 = b.call(&key(2), 7, 5000, &govchain_records::Publish::text("notice", "n", "", vec![])).expect("sign");
        put(dir, "tx", "publish.bin", &t1.encode());
        put(dir, "tx", "notice.bin", &t2.encode());

        let binary = borsh::to_vec(&vec![t1.encode(), t2.encode()]).expect("borsh");
        put(dir, "batch", "binary.bin", &binary);
        let json = serde_json::json!({ "txs": [hex::encode(t1.encode()), hex::encode(t2.encode())] });
        put(dir, "batch", "json.json", json.to_string().as_bytes());

        let header = Header {
            chain_id: BoundedString::new("proof-chain").expect("id"),
            height: 3,
            time_ms: 1_796_083_200_000,
            prev_hash: Hash32([1; 32]),
            tx_root: Hash32([2; 32]),
            receipts_root: Hash32([3; 32]),
            state_root: Hash32([4; 32]),
            validator_set_hash: Hash32([5; 32]),
            proposer: key(9).public_key().address(Suite::Ed25519Sha256),
        };
        let block = Block { header, txs: BoundedVec::new(vec![t1.clone(), t2.clone()]).expect("txs") };
        put(dir, "block", "two-txs.bin", &block.encode());

        let assembled = Assembled {
            height: 3,
            round: Round::new(0),
            pol_round: Round::Nil,
            proposer: block.header.proposer,
            block: block.encode(),
            signature: key(9).sign(b"stream"),
        };
        let mut framed = Vec::new();
        for (i, m) in to_messages(&assembled).iter().enumerate() {
            let bytes = Codec::encode(&GovCodec, m).expect("encode");
            put(dir, "consensus", &format!("stream-message-{i}.bin"), &[&[3u8][..], &bytes].concat());
            framed.push(0);
            framed.extend((bytes.len() as u16).to_le_bytes());
            framed.extend_from_slice(&bytes);
        }
        put(dir, "proposal_stream", "one-proposal.bin", &framed);

        use govchain_certificates::credential::{Credential, CredentialCore, commitment, salt_claims};
        let values = vec![("degree".to_string(), "工学学士 Bachelor".to_string()), ("year".into(), "2026".into())];
        let (claims, _) = salt_claims(Suite::Ed25519Sha256, &values).expect("claims");
        let digests: Vec<Hash32> = claims
            .iter()
            .map(|c| govchain_certificates::credential::claim_digest(Suite::Ed25519Sha256, c).expect("digest"))
            .collect();
        let core = CredentialCore {
            chain_id: "proof-chain".into(),
            certificate_id: "ab".repeat(32),
            type_id: "diploma".into(),
            type_version: 1,
            issuer_org: "education".into(),
            issuer: key(4).public_key().address(Suite::Ed25519Sha256),
            holder: Hash32([6; 32]),
            commitment: commitment(Suite::Ed25519Sha256, &digests),
            valid_from_ms: 1_790_000_000_000,
            valid_until_ms: 1_900_000_000_000,
            previous: None,
        };
        let credential = Credential::sign(Suite::Ed25519Sha256, core, claims, &key(4));
        put(dir, "credential", "diploma.json", &serde_json::to_vec_pretty(&credential).expect("json"));
        let presentation = credential.present(&["degree".to_string()]).expect("present");
        // A snapshot whose anchor is a proof bundle of the conformance vectors' chain, with
        // three leaves and one index entry.
        let anchor = std::fs::read(dir.join("proof_bundle").join("present.gcproof")).expect("bundle seed");
        let head = govchain_node::snapshot::SnapshotHead {
            chain_id: "vectors".into(),
            genesis_hash: [7; 32],
            height: 3,
            anchor,
        };
        let mut snap = Vec::new();
        {
            use govchain_node::snapshot::{Item, SnapshotWriter};
            let mut w = SnapshotWriter::new(&mut snap, govchain_types::Suite::Ed25519Sha256, &head).expect("writer");
            for (i, v) in [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()].into_iter().enumerate() {
                w.item(&Item::Leaf([i as u8 * 16; 32], v)).expect("leaf");
            }
            w.item(&Item::Index(b"records/idx/x".to_vec(), b"finance-000001".to_vec())).expect("index");
            w.item(&Item::End { leaves: 3, index: 1 }).expect("end");
            w.finish().expect("finish");
        }
        put(dir, "snapshot", "three-leaves.snapshot", &snap);
        put(dir, "presentation", "degree-only.json", &serde_json::to_vec_pretty(&presentation).expect("json"));
    }
}
